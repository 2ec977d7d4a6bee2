import { parseVersion } from '../kestra/era.js'
import type { KestraServer } from '../kestra/api.js'
import { upgradeReport } from '../decide/environments/upgrade.js'
import type { FlowFile } from '../model/repository.js'
import type { Settings } from '../model/settings.js'
import type { UpgradeReport } from '../model/upgrade.js'

/** The newest long-term-support line, whose refusals this action knows (docs/upgrade.md). */
const NEWEST_LTS = '2.0'

export interface Upgrade {
  report: UpgradeReport
  /** Each flow file a mechanical rewrite changes: its path under the workspace, its text as read and its new text. */
  rewrites: { file: string; raw: string; source: string }[]
}

/**
 * Upgrade readiness, as `upgrade-check` asks (docs/upgrade.md): with `auto`, only when the server answers
 * with a line older than the newest LTS; with a version, always; never with `off`.
 */
export async function upgradeReadiness(
  settings: Settings,
  flows: readonly FlowFile[],
  kestra: KestraServer | undefined
): Promise<Upgrade | undefined> {
  const wanted = settings.upgradeCheck
  if (wanted === 'off') return undefined
  if (wanted === 'auto') {
    const version = kestra && parseVersion((await kestra.info()).version)
    if (!version || version[0] >= 2) return undefined
  }
  const { report, upgrades } = upgradeReport(flows, wanted === 'auto' ? NEWEST_LTS : wanted)
  const rewrites = upgrades.flatMap((upgrade) =>
    upgrade.rewritten === undefined
      ? []
      : [{ file: upgrade.file, raw: upgrade.raw, source: upgrade.rewritten }]
  )
  return { report, rewrites }
}
