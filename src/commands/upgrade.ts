import { parseVersion } from '../model/version.js'
import { batchCount } from '../adapters/kestra/validate.js'
import { ConfigError, errorMessage } from '../model/errors.js'
import type { RunContext } from '../model/context.js'
import { upgradePullBody, upgradePullTitle } from '../report/render/upgrade.js'
import type { RunPorts } from './ports.js'
import type { KestraServer } from '../adapters/kestra/api.js'
import {
  judgedUpgradeReport,
  loadFlowValidators,
  validatedTypes,
  rewriteDue,
  rewrittenOf,
  schemaTarget,
  upgradeReport,
  upgradeSources
} from '../resources/registry.js'
import type { FlowFile } from '../model/repository.js'
import type { Settings } from '../model/settings.js'
import type { Work } from '../model/target.js'
import type { UpgradeReport } from '../model/upgrade.js'
import type { KestraVersion } from '../model/version.js'
import type { FlowCheck } from '../resources/registry.js'

/** The newest long-term-support line, whose refusals this action knows (docs/upgrade.md). */
const NEWEST_LTS = '2.0'

export interface Upgrade {
  report: UpgradeReport
  /**
   * Each flow file a mechanical rewrite changes (path, text read, new text), of the files `only` keeps (all
   * without it); made only when asked, with the validators they take.
   */
  rewrites(only?: (file: string) => boolean): Promise<Rewrite[]>
}

interface Rewrite {
  file: string
  raw: string
  source: string
}

/**
 * Upgrade readiness, as `upgrade-check` asks (docs/upgrade.md): `auto` only for a server older than the newest
 * LTS, a version always, `off` never; an upgrade server's verdicts decide (docs/upgrade.md#upgrade-server).
 */
export async function upgradeReadiness(
  settings: Settings,
  work: Work,
  flows: readonly FlowFile[],
  servers: { kestra: KestraServer | undefined; upgradeServer?: KestraServer },
  checks?: ReadonlyMap<FlowFile, FlowCheck>,
  beyondFlows: (target: KestraVersion) => string[] = () => []
): Promise<Upgrade | undefined> {
  const { kestra, upgradeServer } = servers
  const probed = settings.upgradeCheck === 'auto' && kestra ? await kestra.info() : undefined
  if (!upgradeAsked(settings, work, parseVersion(probed?.version))) return undefined
  const target = settings.upgradeCheck === '2.0' ? '2.0' : NEWEST_LTS
  // Rewritten texts are wanted to write them, or to send them to an upgrade server.
  const itemsOnly = work.writes !== 'upgrade' && !upgradeServer
  // Judged with every bundled release up to the target's: the validators of the flows judged now, those whose
  // items no check holds; a flow whose items a check holds takes its validators when it is rewritten (`rewrites`).
  const judged = flows.filter((flow) => !itemsOnly || !checks?.get(flow)?.upgrade)
  await loadFlowValidators(schemaTarget(undefined), validatedTypes(judged, true))
  let { report, upgrades } = upgradeReport(flows, target, checks && { of: checks, itemsOnly })
  if (upgradeServer) {
    await onTarget(upgradeServer, target)
    const sources = upgradeSources(upgrades)
    const results = await upgradeServer.validateFlows(
      sources,
      batchCount(sources.length, settings.concurrency)
    )
    ;({ report, upgrades } = judgedUpgradeReport(target, upgrades, results))
  }
  const notes = beyondFlows(parseVersion(target)!)
  if (notes.length > 0) report = { ...report, beyondFlows: notes }
  const made = new Map<(typeof upgrades)[number], string | undefined>()
  const rewrites = async (only: (file: string) => boolean = () => true) => {
    const asked = upgrades.filter((upgrade) => only(upgrade.flow.file))
    const making = asked.filter((upgrade) => !made.has(upgrade) && rewriteDue(upgrade))
    const types = validatedTypes(
      making.map((upgrade) => upgrade.flow),
      true
    )
    await loadFlowValidators(schemaTarget(undefined), types)
    for (const upgrade of making) made.set(upgrade, rewrittenOf(upgrade))
    return asked.flatMap((upgrade) => {
      const source = made.get(upgrade) ?? upgrade.rewritten
      return source === undefined
        ? []
        : [{ file: upgrade.flow.file, raw: upgrade.flow.raw, source }]
    })
  }
  return { report, rewrites }
}

/**
 * Whether the run checks upgrade readiness for `version`: `mode: upgrade` always, else as `upgrade-check` says.
 */
export function upgradeAsked(
  settings: Settings,
  work: Work,
  version: KestraVersion | undefined
): boolean {
  if (work.writes === 'upgrade') return true
  if (settings.upgradeCheck === 'auto') return version !== undefined && version[0] < 2
  return settings.upgradeCheck !== 'off'
}

/** The upgrade server answers, with a version of the target line: else the run stops, naming the input. */
async function onTarget(server: KestraServer, target: string): Promise<void> {
  let version: string
  try {
    version = (await server.info()).version
  } catch (error) {
    throw new ConfigError(
      'upgrade-server',
      `${server.target.server} did not answer: ${errorMessage(error)}`
    )
  }
  const line = parseVersion(version)
  if (line && `${line[0]}.${line[1]}` === target) return
  throw new ConfigError(
    'upgrade-server',
    `${server.target.server} answers version ${JSON.stringify(version.slice(0, 40))}, not one of the ${target} line the upgrade check targets`
  )
}

/**
 * `mode: upgrade` (docs/upgrade.md#mode-upgrade): the mechanical rewrites as one commit on
 * `kestra-gitops/upgrade-<version>` and one pull request into the default branch listing what stays manual;
 * nothing is written to Kestra.
 */
export async function upgradeMode(
  work: Work,
  settings: Settings,
  context: RunContext,
  ports: RunPorts,
  upgrade: Upgrade | undefined
): Promise<string | undefined> {
  if (work.writes !== 'upgrade') return undefined
  const github = ports.drift
  if (context.eventName !== 'workflow_dispatch') {
    throw new ConfigError(
      'mode',
      `mode upgrade runs on workflow_dispatch, not on ${context.eventName}`
    )
  }
  if (!github) {
    throw new ConfigError(
      'github-token',
      'mode upgrade opens a pull request: pass a github-token with contents: write and pull-requests: write'
    )
  }
  if (!upgrade) return undefined
  const base = context.defaultBranch ?? (await github.defaultBranch())
  const branch = `kestra-gitops/upgrade-${upgrade.report.target}`
  const rewrites = await upgrade.rewrites()
  const written = await github.writeBranch({
    name: branch,
    base: context.sha,
    message: `Rewrite ${rewrites.length} flow file(s) for Kestra ${upgrade.report.target}`,
    trailer: `Kestra-GitOps-Upgrade: ${upgrade.report.target}`,
    writes: rewrites.map(({ file, source }) => ({
      path: file,
      content: new TextEncoder().encode(source)
    }))
  })
  if (written.status === 'forbidden') return failed(ports, written.message)
  if (written.status === 'foreign') {
    return failed(
      ports,
      `The branch ${branch} holds commit ${written.sha.slice(0, 12)}, which this action did not write as it is (someone pushed to the branch or amended its commit): it is left as it is, never force-pushed over. Merge or close its pull request, or delete the branch, and run again`
    )
  }
  if (written.status === 'empty') {
    ports.reporter.info(`Nothing to rewrite for Kestra ${upgrade.report.target}: no pull request.`)
    return undefined
  }
  const pull = await github.keepPullRequest({
    head: branch,
    base,
    title: upgradePullTitle(upgrade.report),
    body: upgradePullBody(ports.edge.shown(upgrade.report), settings.commentKey)
  })
  if (pull.status === 'forbidden') return failed(ports, pull.message)
  ports.edge.learn([pull.url])
  ports.reporter.info(`Upgrade pull request ${pull.status}: ${pull.url}`)
  return undefined
}

/** A failure of the upgrade pull request, said in the log too: the validation's may be the step's. */
function failed(ports: RunPorts, message: string): string {
  ports.reporter.warning(message)
  return message
}
