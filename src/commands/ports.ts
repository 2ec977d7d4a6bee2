import type { DeploymentsPort } from '../model/deployments-port.js'
import type { DriftGitHub } from '../model/drift-port.js'
import type { GitHubPort } from '../model/github.js'
import type { ReviewPort } from '../model/suggestion.js'
import type { KestraServer } from '../adapters/kestra/api.js'
import type { OutputEdge } from '../report/output-edge.js'
import type { Reporter } from '../report/reporter.js'
import type { RunContext } from '../model/context.js'
import type { Settings } from '../model/settings.js'
import type { Target } from '../model/target.js'

/** What a run talks to: the action and the CLI each build these, the tests build them over fakes. */
export interface RunPorts {
  reporter: Reporter
  /** With the `server` input. */
  kestra?: KestraServer
  /** With the `upgrade-server` input: asked only its version and verdicts (docs/upgrade.md). */
  upgradeServer?: KestraServer
  github?: GitHubPort
  /** docs/environments.md */
  deployments?: DeploymentsPort
  /** docs/drift.md */
  drift?: DriftGitHub
  /** docs/suggested-changes.md */
  review?: ReviewPort
  /** Where text leaves the run (docs/security.md): renderers get `edge.shown(data)`, never raw data. */
  edge: OutputEdge
  now(): Date
}

/** What each step of one target's run takes: the target holds the run's work (`target.work`). */
export interface TargetRun {
  settings: Settings
  target: Target
  context: RunContext
  ports: RunPorts
}
