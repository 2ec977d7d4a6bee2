import type { KestraApi } from '../kestra/api.js'
import { Semaphore } from '../concurrency.js'
import { DeployError } from '../errors.js'
import type { Plan, ResourceChange } from '../plan/types.js'
import type { Settings } from '../settings.js'
import type { Finding } from '../validate/finding.js'
import { applyPlan, type ReadDesiredFile } from './apply.js'
import { checkCommitOrder, readMarkers, writeMarkers } from './commit-marker.js'
import { deployBlockers, describeBlockers, isWrite } from './gate.js'
import { gitIsAncestor, type IsAncestor } from './git-ancestry.js'
import { deletionRefusals } from './guards.js'
import type { FlowDependency } from './order.js'
import { deployStatus, NOT_APPLIED, WRITTEN, type DeployResult } from './result.js'

export interface DeployDeps {
  api: KestraApi
  /** Every validation finding of the run; any error blocks the deploy (SPEC §9). */
  findings: Finding[]
  /** Flow-to-flow references (subflow, ForEachItem, flow trigger) as flow keys: `to` is written before `from`. */
  refs: FlowDependency[]
  readDesiredFile: ReadDesiredFile
  settings: Pick<
    Settings,
    | 'delete'
    | 'maxDeletions'
    | 'allowMassDeletion'
    | 'extraNamespaces'
    | 'concurrency'
    | 'allowOutOfOrder'
  >
  managedNamespaces: string[]
  /** The commit being deployed (full sha). */
  commit: string
  /** `owner/repo`. */
  repository: string
  /** Default: `git merge-base --is-ancestor` in the current directory (the workspace on a runner). */
  isAncestor?: IsAncestor
  log?: (message: string) => void
}

/**
 * Applies the plan. Validation errors in written resources and unsafe deletions throw DeployError before the
 * first write; a commit older than one already deployed is refused (status `refused`, nothing written).
 * Otherwise every resource is attempted and the result says what happened to each.
 */
export async function deploy(plan: Plan, deps: DeployDeps): Promise<DeployResult> {
  const log = deps.log ?? (() => undefined)
  const blockers = deployBlockers(plan, deps.findings)
  if (blockers.length > 0) throw new DeployError(describeBlockers(blockers))
  const refusals = deletionRefusals(plan, deps.settings, deps.managedNamespaces)
  if (refusals.length > 0) {
    throw new DeployError(`Nothing was deployed:\n${refusals.map((r) => `- ${r}`).join('\n')}`)
  }

  const semaphore = new Semaphore(deps.settings.concurrency)
  const namespaces = [
    ...new Set([
      ...deps.managedNamespaces,
      ...plan.namespaces,
      ...plan.resources.filter(isWrite).map((c) => c.namespace)
    ])
  ].sort()
  const ours = { commit: deps.commit, repository: deps.repository }
  const { markers, warnings } = await readMarkers(deps.api, namespaces, semaphore)
  const order = await checkCommitOrder(
    markers,
    ours,
    deps.isAncestor ?? gitIsAncestor(process.cwd())
  )
  warnings.push(...order.warnings)
  if (order.older.length > 0) {
    if (!deps.settings.allowOutOfOrder) {
      const refusal = `Nothing was deployed: ${order.older.join(' ')}`
      log(refusal)
      return {
        status: 'refused',
        resources: plan.resources.map((change) =>
          isWrite(change)
            ? { change, result: 'skipped', message: 'not deployed: this commit is out of order' }
            : { change, result: 'unchanged', revision: currentRevision(change) }
        ),
        applied: 0,
        refusal,
        warnings,
        markedNamespaces: []
      }
    }
    warnings.push(`allow-out-of-order is set, deploying anyway: ${order.older.join(' ')}`)
  }

  const applied = await applyPlan(plan, {
    api: deps.api,
    refs: deps.refs,
    readDesiredFile: deps.readDesiredFile,
    concurrency: deps.settings.concurrency,
    log
  })
  warnings.push(...applied.warnings)
  const incomplete = new Set(
    applied.resources.filter((r) => NOT_APPLIED.has(r.result)).map((r) => r.change.namespace)
  )
  const marked = await writeMarkers(
    deps.api,
    namespaces.filter((ns) => !incomplete.has(ns)),
    markers,
    ours,
    semaphore
  )
  warnings.push(...marked.warnings)
  return {
    status: deployStatus(applied.resources),
    resources: applied.resources,
    applied: applied.resources.filter((r) => WRITTEN.has(r.result)).length,
    warnings,
    markedNamespaces: marked.written
  }
}

function currentRevision(change: ResourceChange): number | undefined {
  return change.kind === 'flow' ? change.current?.revision : undefined
}
