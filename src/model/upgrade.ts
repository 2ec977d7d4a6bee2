/** Upgrade readiness (docs/upgrade.md): how the managed flows fare on the next Kestra release. */
export interface UpgradeReport {
  /** The release line checked against, e.g. `2.0`. */
  target: string
  flows: number
  /** Those the target would load as they are. */
  loading: number
  /** What the target refuses, each on the line of the file as it is. */
  items: readonly UpgradeFinding[]
  /** What the target changes for the other kinds on this server (a kind's `upgradeNotes`): one sentence each. */
  beyondFlows?: readonly string[]
}

interface UpgradeFinding {
  file: string
  line: number
  /** Why, as the rule that mirrors the release's refusal words it. */
  message: string
  /** Fixed by `upgrade-check --write` and `mode: upgrade`; otherwise a person's, with the guide's page. */
  mechanical: boolean
  guide: string
}
