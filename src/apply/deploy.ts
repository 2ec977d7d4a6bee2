import type { KestraApi } from '../kestra/api.js'
import { markerSeal, trustedMarker } from '../model/marker-seal.js'
import { Semaphore } from '../model/concurrency.js'
import { DeployError } from '../model/errors.js'
import type { Plan, ResourceChange } from '../model/plan.js'
import type { Settings } from '../model/settings.js'
import type { Target } from '../model/target.js'
import type { Finding } from '../model/finding.js'
import type { ApplyKind } from './kind.js'
import { applyPlan, type ReadDesiredFile } from './apply.js'
import { checkCommitOrder, staleMarkers, writeMarkers, type MarkerWrite } from './commit-marker.js'
import { readMarkers } from '../kestra/commit-markers.js'
import type { EarlyMarkers } from '../model/commit-marker.js'
import { deployBlockers, describeBlockers } from './gate.js'
import { isWrite } from '../model/plan.js'
import { gitIsAncestor, type IsAncestor } from './git-ancestry.js'
import { deletionRefusals } from './guards.js'
import type { FlowDependency } from './order.js'
import type { StoredFlowCheck } from '../model/stored-checks.js'
import type { StoredContentFacts } from '../model/content-facts.js'
import { deployStatus, WRITTEN, type DeployResult, type ResourceResult } from '../model/result.js'
import { sameNamespaces } from '../model/namespaces.js'

export interface DeployDeps {
  api: KestraApi
  /**
   * Every validation finding of the run; any error blocks the deploy
   * (docs/guarantees.md#no-write-while-invalid).
   */
  findings: Finding[]
  /** What flows need: flows they call (written before them) and files they read (see FlowDependency). */
  refs: FlowDependency[]
  readDesiredFile: ReadDesiredFile
  /** The kinds whose writes are their own. */
  kinds: readonly ApplyKind[]
  /**
   * `auth` and `tenant` key the seal of what each marker stores, which tells a recorded marker's from a forged
   * one (docs/performance.md#what-kv-can-do-to-it); no credentials: the markers store no checks nor facts.
   */
  settings: Pick<Settings, 'maxDeletions' | 'extraNamespaces' | 'concurrency'> &
    Partial<Pick<Settings, 'auth' | 'tenant'>>
  /** What the deploy may do where it writes: delete, many deletions, an older commit. */
  target: Pick<Target, 'delete' | 'allowMassDeletion' | 'allowOutOfOrder'>
  managedNamespaces: string[]
  /** The commit being deployed (full sha). */
  commit: string
  /** `owner/repo`. */
  repository: string
  /** The markers, when their reading started early (for `namespaces`); read here otherwise. */
  markers?: EarlyMarkers
  /** The flow checks each namespace's marker carries (docs/performance.md#incremental-planning). */
  storedChecks?: ReadonlyMap<string, Record<string, StoredFlowCheck>>
  /**
   * The content facts each namespace's marker carries when it is written
   * (docs/performance.md#what-a-plan-knows-without-reading).
   */
  contentFacts?: ReadonlyMap<string, StoredContentFacts>
  /** Default: `git merge-base --is-ancestor` in the current directory (the workspace on a runner). */
  isAncestor?: IsAncestor
  log?: (message: string) => void
  /** Each written resource's result, as soon as it is known. */
  onResult?: (result: ResourceResult) => void
  /** Runs right before the first write; a DeployError from it stops the deploy with nothing written. */
  beforeWrites?: () => Promise<void>
  /**
   * Confirms the flow checks the run reused rather than ran (docs/performance.md#a-deploy-confirms-before-it-writes):
   * called when the deploy is about to write anything, or to refuse on a validation error; a DeployError
   * from it stops the deploy with nothing written.
   */
  confirmReused?: () => void
}

/**
 * Applies the plan. Validation errors in written resources and unsafe deletions throw DeployError before the
 * first write; a commit older than one already deployed is refused (status `refused`, nothing written).
 * Otherwise every resource is attempted and the result says what happened to each.
 */
export async function deploy(plan: Plan, deps: DeployDeps): Promise<DeployResult> {
  const log = deps.log ?? (() => undefined)
  const blockers = deployBlockers(plan, deps.findings)
  if (blockers.length > 0) {
    deps.confirmReused?.()
    throw new DeployError(describeBlockers(blockers))
  }
  const refusals = deletionRefusals(plan, deps.settings, deps.target, deps.managedNamespaces)
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
  const early = deps.markers
  const { markers, warnings, stored, held } = await (early &&
  sameNamespaces(early.namespaces, namespaces)
    ? early.read
    : readMarkers(deps.api, namespaces, semaphore))
  const order = await checkCommitOrder(
    markers,
    ours,
    deps.isAncestor ?? gitIsAncestor(process.cwd())
  )
  warnings.push(...order.warnings)
  if (order.older.length > 0) {
    if (!deps.target.allowOutOfOrder) {
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

  // Only what a seal of these credentials vouches for counts as recorded: a marker holding forged checks is
  // rewritten. Without a seal nothing is stored, as nothing stored would be trusted.
  const seal = deps.settings.auth && markerSeal(deps.settings.auth, deps.settings.tenant)
  const checks = seal &&
    deps.storedChecks && {
      ours: deps.storedChecks,
      recorded: new Map(
        [...(stored ?? [])].map(([namespace, marker]) => [
          namespace,
          trustedMarker(seal, namespace, marker).marker
        ])
      ),
      facts: deps.contentFacts,
      seal
    }
  if (plan.resources.some(isWrite) || staleMarkers(namespaces, markers, ours, checks).length > 0) {
    deps.confirmReused?.()
  }
  await deps.beforeWrites?.()
  // A namespace's marker is written as soon as it holds this commit: with no writes, right away.
  const marking: Promise<MarkerWrite>[] = []
  const mark = (namespace: string) =>
    marking.push(writeMarkers(deps.api, [namespace], markers, ours, semaphore, checks))
  const writing = new Set(plan.resources.filter(isWrite).map((c) => c.namespace))
  for (const namespace of namespaces) if (!writing.has(namespace)) mark(namespace)
  const applied = await applyPlan(plan, {
    api: deps.api,
    refs: deps.refs,
    readDesiredFile: deps.readDesiredFile,
    kinds: deps.kinds,
    concurrency: deps.settings.concurrency,
    onResult: deps.onResult,
    onNamespaceDone: (namespace, complete) => complete && mark(namespace)
  })
  warnings.push(...applied.warnings)
  const marked = await Promise.all(marking)
  warnings.push(...marked.flatMap((m) => m.warnings).sort())
  return {
    status: deployStatus(applied.resources),
    resources: applied.resources,
    applied: applied.resources.filter((r) => WRITTEN.has(r.result)).length,
    warnings,
    markedNamespaces: marked.flatMap((m) => m.written).sort(),
    markersUnknown: marked.flatMap((m) => m.unknown).sort(),
    markersBefore: markers,
    markersHeld: held
  }
}

function currentRevision(change: ResourceChange): number | undefined {
  return change.kind === 'flow' ? change.current?.revision : undefined
}
