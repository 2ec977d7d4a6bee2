import type { KestraApi } from '../kestra/api.js'
import { markerSeal, trustedMarker } from '../model/marker-seal.js'
import { Semaphore } from '../model/concurrency.js'
import { DeployError } from '../model/errors.js'
import { isWrite, resourceName, type Plan, type ResourceChange } from '../model/plan.js'
import type { Settings } from '../model/settings.js'
import type { Target } from '../model/target.js'
import { compareFindings, type Finding } from '../model/finding.js'
import { changeTargets, findingTargets } from '../model/targets.js'
import { sameNamespaces, SYSTEM_NAMESPACE } from '../model/namespaces.js'
import type { ApplyKind } from './kind.js'
import { applyPlan, type ReadDesiredFile } from './apply.js'
import { checkCommitOrder, staleMarkers, writeMarkers, type MarkerWrite } from './commit-marker.js'
import { readMarkers } from '../kestra/commit-markers.js'
import type { EarlyMarkers } from '../model/commit-marker.js'
import { gitIsAncestor, type IsAncestor } from './git-ancestry.js'
import type { FlowDependency } from './order.js'
import type { StoredFlowCheck } from '../model/stored-checks.js'
import type { StoredContentFacts } from '../model/content-facts.js'
import { deployStatus, WRITTEN, type DeployResult, type ResourceResult } from '../model/result.js'

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

/**
 * docs/guarantees.md#no-write-while-invalid: nothing is written unless every validation error is
 * resolved — a bad file stops the whole deployment, whether or not the plan writes it (a broken file may
 * hide a resource the plan cannot see). Errors of the resources the plan writes are listed first.
 */
export function deployBlockers(plan: Plan, findings: Finding[]): Finding[] {
  const targets = new Set(plan.resources.filter(isWrite).flatMap(changeTargets))
  const written = (f: Finding) => findingTargets(f).some((target) => targets.has(target))
  const errors = findings.filter((f) => f.severity === 'error').sort(compareFindings)
  return [...errors.filter(written), ...errors.filter((f) => !written(f))]
}

/** One line per blocker: `file:line message`. */
export function describeBlockers(blockers: Finding[]): string {
  const lines = blockers.map((f) => `- ${f.file}:${f.line} ${f.message}`)
  const count =
    blockers.length === 1 ? '1 validation error' : `${blockers.length} validation errors`
  return `Nothing was deployed: ${count}. Fix them and push again:\n${lines.join('\n')}`
}

/**
 * Why the plan's deletions must not run, one message per problem; empty when they may.
 * Checked before the first write: a refusal stops the whole deploy.
 */
export function deletionRefusals(
  plan: Plan,
  settings: Pick<Settings, 'maxDeletions' | 'extraNamespaces'>,
  target: Pick<Target, 'delete' | 'allowMassDeletion'>,
  managedNamespaces: string[]
): string[] {
  const deletions = plan.resources.filter((c) => c.action === 'delete')
  if (deletions.length === 0) return []
  const refusals: string[] = []
  const names = (list: typeof deletions) => list.map(resourceName).join(', ')

  if (!target.delete) {
    refusals.push(
      `The plan deletes ${count(deletions.length)} (${names(deletions)}) but the delete input is false; set delete: true to allow deletions.`
    )
  }

  const managed = new Set(managedNamespaces)
  // A tenant-wide resource's kind decides itself when the repository owns it (docs/kinds.md).
  const unmanaged = deletions.filter((c) => c.namespace !== '' && !managed.has(c.namespace))
  if (unmanaged.length > 0) {
    refusals.push(
      `Refusing to delete ${names(unmanaged)}: not in a namespace this repository manages (it holds no resource there and the namespaces input does not list it).`
    )
  }

  const system = deletions.filter(
    (c) => c.namespace === SYSTEM_NAMESPACE && !settings.extraNamespaces.includes(SYSTEM_NAMESPACE)
  )
  if (system.length > 0) {
    refusals.push(
      `Refusing to delete ${names(system)}: the ${SYSTEM_NAMESPACE} namespace is protected; list it in the namespaces input to manage it.`
    )
  }

  if (deletions.length > settings.maxDeletions && !target.allowMassDeletion) {
    refusals.push(
      `The plan deletes ${count(deletions.length)}, more than max-deletions (${settings.maxDeletions}); if that is intended, set allow-mass-deletion: true (or raise max-deletions).`
    )
  }
  return refusals
}

function count(n: number): string {
  return n === 1 ? '1 resource' : `${n} resources`
}
