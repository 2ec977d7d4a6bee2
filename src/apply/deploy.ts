import type { KestraApi } from '../kestra/api.js'
import { markerSeal, trustedMarker, type MarkerSeal } from '../model/marker-seal.js'
import { Semaphore } from '../model/concurrency.js'
import { DeployError, errorMessage } from '../model/errors.js'
import { isOutcomeUnknown } from '../kestra/errors.js'
import { isWrite, resourceName, type Plan, type ResourceChange } from '../model/plan.js'
import type { Settings } from '../model/settings.js'
import type { Target } from '../model/target.js'
import { compareFindings, type Finding } from '../model/finding.js'
import { changeTargets, findingTargets } from '../model/targets.js'
import { sameNamespaces, SYSTEM_NAMESPACE } from '../model/namespaces.js'
import type { ApplyKind } from './kind.js'
import { applyPlan, type ReadDesiredFile } from './apply.js'
import { readMarkers } from '../kestra/commit-markers.js'
import {
  COMMIT_MARKER_KEY,
  short,
  type CommitMarker,
  type EarlyMarkers,
  type RecordedMarkers
} from '../model/commit-marker.js'
import type { IsAncestor } from './git-ancestry.js'
import type { FlowDependency } from './order.js'
import { STORED_CHECKS_FIELD, type StoredFlowCheck } from '../model/stored-checks.js'
import { CONTENT_FACTS_FIELD, type StoredContentFacts } from '../model/content-facts.js'
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
  /** Whether a commit is older than another (`ancestryChecker`): the out-of-order guard. */
  isAncestor: IsAncestor
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
  const order = await checkCommitOrder(markers, ours, deps.isAncestor)
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

interface CommitOrderCheck {
  /** One message per namespace that already holds a newer commit. */
  older: string[]
  warnings: string[]
}

/** Whether `ours` is older than what some namespace already holds (ours is an ancestor of the recorded commit). */
async function checkCommitOrder(
  markers: RecordedMarkers,
  ours: CommitMarker,
  isAncestor: IsAncestor
): Promise<CommitOrderCheck> {
  const older: string[] = []
  const warnings: string[] = []
  // Namespaces usually hold the same commit: ask git once per commit, not once per namespace.
  const ancestry = new Map<string, Promise<boolean | undefined>>()
  const isOlderThan = (commit: string) => {
    let answer = ancestry.get(commit)
    if (!answer) ancestry.set(commit, (answer = isAncestor(ours.commit, commit)))
    return answer
  }
  for (const [namespace, recorded] of [...markers].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (recorded === undefined || recorded.commit === ours.commit) continue
    if (recorded.repository !== ours.repository) {
      warnings.push(
        `Namespace ${namespace} was last deployed from ${recorded.repository} (commit ${short(recorded.commit)}); this deploy from ${ours.repository} overwrites what it holds.`
      )
      continue
    }
    const ancestor = await isOlderThan(recorded.commit)
    if (ancestor === true) {
      older.push(
        `commit ${short(ours.commit)} is older than ${short(recorded.commit)} already deployed to namespace ${namespace}; to roll back, push a revert commit.`
      )
    } else if (ancestor === undefined) {
      warnings.push(
        `Cannot tell whether commit ${short(ours.commit)} is older than ${short(recorded.commit)} already deployed to namespace ${namespace} (that commit is not in the checkout; use actions/checkout with fetch-depth: 0); deploying anyway.`
      )
    }
  }
  return { older, warnings }
}

interface MarkerWrite {
  written: string[]
  /** Markers whose write lost its answer: they may or may not name this commit. */
  unknown: string[]
  warnings: string[]
}

/**
 * What a marker carries besides the commit (docs/performance.md#incremental-planning): the flow checks, ours
 * and those recorded, and the content facts. Only the checks make a marker stale: the facts ride with a
 * marker written anyway, so that a deploy that changes nothing writes nothing.
 */
interface MarkerChecks {
  ours: ReadonlyMap<string, Record<string, StoredFlowCheck>>
  /** The recorded markers, as far as their seal vouches for them (`trustedMarker`). */
  recorded?: ReadonlyMap<string, Record<string, unknown>>
  facts?: ReadonlyMap<string, StoredContentFacts>
  /** Seals each marker written with checks or facts: a plan trusts nothing else. */
  seal: MarkerSeal
}

/**
 * Writes our marker to each namespace whose recorded marker differs (in its commit, or in which flow
 * checks it carries); returns the namespaces written and problems.
 */
async function writeMarkers(
  api: KestraApi,
  namespaces: string[],
  markers: RecordedMarkers,
  ours: CommitMarker,
  semaphore: Semaphore,
  checks?: MarkerChecks
): Promise<MarkerWrite> {
  const stale = staleMarkers(namespaces, markers, ours, checks)
  const unknown: string[] = []
  const outcomes = await Promise.all(
    stale.map(async (namespace) => {
      try {
        const stored = checks?.ours.get(namespace)
        const facts = checks?.facts?.get(namespace)
        const held = {
          ...ours,
          ...(stored && { [STORED_CHECKS_FIELD]: stored }),
          ...(facts && { [CONTENT_FACTS_FIELD]: facts })
        }
        const value = checks && (stored || facts) ? checks.seal.sealed(namespace, held) : held
        await semaphore.run(() => api.putKv(namespace, COMMIT_MARKER_KEY, value))
        return undefined
      } catch (error) {
        if (isOutcomeUnknown(error)) unknown.push(namespace)
        return `Could not record the deployed commit in namespace ${namespace} (KV ${COMMIT_MARKER_KEY}): ${errorMessage(error)}; the out-of-order guard cannot protect this namespace until a deploy records it.`
      }
    })
  )
  return {
    written: stale.filter((_, i) => outcomes[i] === undefined),
    unknown,
    warnings: outcomes.filter((w): w is string => w !== undefined)
  }
}

/** The namespaces whose marker a deploy of `ours` writes: another commit, or other checks, is recorded. */
function staleMarkers(
  namespaces: readonly string[],
  markers: RecordedMarkers,
  ours: CommitMarker,
  checks?: MarkerChecks
): string[] {
  return namespaces.filter((namespace) => {
    const recorded = markers.get(namespace)
    return (
      recorded?.commit !== ours.commit ||
      recorded.repository !== ours.repository ||
      !sameChecks(checks, namespace)
    )
  })
}

/** Whether the namespace's recorded marker already carries exactly the checks we would store. */
function sameChecks(checks: MarkerChecks | undefined, namespace: string): boolean {
  const ours = checks?.ours.get(namespace)
  if (!ours) return true
  const recorded = checks?.recorded?.get(namespace)?.[STORED_CHECKS_FIELD]
  if (typeof recorded !== 'object' || recorded === null) return false
  const held = Object.keys(recorded)
  return (
    held.length === Object.keys(ours).length && held.every((digest) => Object.hasOwn(ours, digest))
  )
}
