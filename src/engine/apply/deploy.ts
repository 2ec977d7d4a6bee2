import type { KestraApi } from '../../adapters/kestra/api.js'
import { failureMarks, isOutcomeUnknown } from '../../adapters/kestra/errors.js'
import { readMarkers } from '../../adapters/kestra/commit-markers.js'
import { markerSeal, trustedMarker, type MarkerSeal } from '../../model/marker-seal.js'
import { Semaphore } from '../../model/concurrency.js'
import type { RunContext } from '../../model/context.js'
import { DeployError, errorMessage } from '../../model/errors.js'
import type { GitHubPort } from '../../model/github.js'
import { commentMarker, readPlanMarker } from '../../model/markdown/comment-markers.js'
import { isWrite, resourceName, type Plan, type ResourceChange } from '../../model/plan.js'
import { planRecord, recordDifferences, type PlanRecord } from '../../model/plan-record.js'
import type { Settings } from '../../model/settings.js'
import type { Target } from '../../model/target.js'
import { compareFindings, type Finding } from '../../model/finding.js'
import { changeTargets, findingTargets, resourceKey } from '../../model/targets.js'
import { sameNamespaces, SYSTEM_NAMESPACE } from '../../model/namespaces.js'
import {
  COMMIT_MARKER_KEY,
  short,
  type CommitMarker,
  type EarlyMarkers,
  type RecordedMarkers,
  unreadableMarkers
} from '../../model/commit-marker.js'
import { STORED_CHECKS_FIELD, type StoredFlowCheck } from '../../model/stored-checks.js'
import { CONTENT_FACTS_FIELD, type StoredContentFacts } from '../../model/content-facts.js'
import {
  deployStatus,
  NOT_APPLIED,
  WRITTEN,
  type DeployResult,
  type ResourceResult
} from '../../model/result.js'
import type { ApplyKind, DeployContext } from './kind.js'
import type { IsAncestor } from '../../adapters/git/ancestry.js'
import { orderWrites, type WriteDependency } from './order.js'

export interface DeployDeps {
  api: KestraApi
  /** Any error blocks the deploy (docs/guarantees.md#no-write-while-invalid). */
  findings: Finding[]
  refs: WriteDependency[]
  readDesiredFile: DeployContext['readDesiredFile']
  kinds: readonly ApplyKind[]
  /**
   * `seal-key`, else `auth`, with `server` and `tenant`, key the seal of what each marker stores, which tells a
   * recorded marker's from a forged one (docs/performance.md#what-kv-can-do-to-it); no credentials nor key: the
   * markers store no checks nor facts.
   */
  settings: Pick<Settings, 'maxDeletions' | 'extraNamespaces' | 'concurrency'> &
    Partial<Pick<Settings, 'auth' | 'tenant' | 'server' | 'sealKey'>>
  target: Pick<Target, 'delete' | 'allowMassDeletion' | 'allowOutOfOrder'>
  managedNamespaces: string[]
  /** Full sha. */
  commit: string
  /** `owner/repo`. */
  repository: string
  /** The markers, when their reading started early (for `namespaces`); read here otherwise. */
  markers?: EarlyMarkers
  /** The flow checks each namespace's marker carries (docs/performance.md#incremental-planning). */
  storedChecks?: ReadonlyMap<string, Record<string, StoredFlowCheck>>
  /** Content facts for each marker written (docs/performance.md#what-a-plan-knows-without-reading). */
  contentFacts?: ReadonlyMap<string, StoredContentFacts>
  /** The out-of-order guard's question (`ancestryChecker`). */
  isAncestor: IsAncestor
  log?: (message: string) => void
  onResult?: (result: ResourceResult) => void
  /** Runs right before the first write; a DeployError from it stops the deploy with nothing written. */
  beforeWrites?: () => Promise<void>
  /**
   * Confirms the reused flow checks (docs/performance.md#a-deploy-confirms-before-it-writes) before any
   * write or a refusal on a validation error; a DeployError from it stops the deploy with nothing written.
   */
  confirmReused?: () => Promise<void>
}

/**
 * Applies the plan. Validation errors and unsafe deletions throw DeployError before the first write; a
 * commit older than one already deployed is refused (status `refused`, nothing written).
 */
export async function deploy(plan: Plan, deps: DeployDeps): Promise<DeployResult> {
  const log = deps.log ?? (() => undefined)
  const blockers = deployBlockers(plan, deps.findings)
  if (blockers.length > 0) {
    await deps.confirmReused?.()
    throw new DeployError(describeBlockers(blockers))
  }
  const refusals = deletionRefusals(plan, deps.settings, deps.target, deps.managedNamespaces)
  if (refusals.length > 0) {
    throw new DeployError(`Nothing was deployed:\n${refusals.map((r) => `- ${r}`).join('\n')}`)
  }

  const semaphore = new Semaphore(deps.settings.concurrency)
  // A tenant-wide resource ('') belongs to no namespace: no commit marker is read for it.
  const namespaces = [
    ...new Set([
      ...deps.managedNamespaces,
      ...plan.namespaces,
      ...plan.resources.filter(isWrite).map((c) => c.namespace)
    ])
  ]
    .filter((namespace) => namespace !== '')
    .sort()
  const ours = { commit: deps.commit, repository: deps.repository }
  const early = deps.markers
  const { markers, warnings, stored, held, unreadable } = await (early &&
  sameNamespaces(early.namespaces, namespaces)
    ? early.read
    : readMarkers(deps.api, namespaces, semaphore))
  // docs/guarantees.md#records-of-another-version: refused by name before any write, never overwritten.
  if (unreadable && unreadable.size > 0) throw new DeployError(unreadableMarkers(unreadable))
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

  // Only what a seal of this job's key vouches for counts as recorded: a marker holding forged checks is
  // rewritten. Without a seal nothing is stored, as nothing stored would be trusted. The key's derivation began
  // with the run's reads (`markerSeal` derives it once).
  const { auth, sealKey, server, tenant } = deps.settings
  const seal =
    auth && deps.storedChecks
      ? await markerSeal({ auth, sealKey, server, tenant }).catch(() => undefined)
      : undefined
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
  // A namespace's marker is written when another commit, or other checks, is recorded.
  const stale = (namespace: string) => {
    const recorded = markers.get(namespace)
    return (
      recorded?.commit !== ours.commit ||
      recorded.repository !== ours.repository ||
      !sameChecks(checks, namespace)
    )
  }
  if (plan.resources.some(isWrite) || namespaces.some(stale)) await deps.confirmReused?.()
  await deps.beforeWrites?.()
  // A namespace's marker is written as soon as it holds this commit: with no writes, right away.
  const marking: Promise<MarkerWrite>[] = []
  const mark = (namespace: string) => {
    if (stale(namespace)) marking.push(writeMarker(deps.api, namespace, ours, semaphore, checks))
  }
  const writing = new Set(plan.resources.filter(isWrite).map((c) => c.namespace))
  for (const namespace of namespaces) if (!writing.has(namespace)) mark(namespace)
  const applied = await applyPlan(plan, {
    ...deps,
    concurrency: deps.settings.concurrency,
    onNamespaceDone: (namespace, complete) => {
      if (complete) mark(namespace)
    }
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
 * docs/guarantees.md#no-write-while-invalid: any error blocks, written or not (a broken file may hide a
 * resource the plan cannot see); errors of the resources the plan writes are listed first.
 */
export function deployBlockers(plan: Plan, findings: Finding[]): Finding[] {
  const targets = new Set(plan.resources.filter(isWrite).flatMap(changeTargets))
  const written = (f: Finding) => findingTargets(f).some((target) => targets.has(target))
  const errors = findings.filter((f) => f.severity === 'error').sort(compareFindings)
  return [...errors.filter(written), ...errors.filter((f) => !written(f))]
}

export function describeBlockers(blockers: Finding[]): string {
  const lines = blockers.map((f) => `- ${f.file}:${f.line} ${f.message}`)
  const count =
    blockers.length === 1 ? '1 validation error' : `${blockers.length} validation errors`
  return `Nothing was deployed: ${count}. Fix them and push again:\n${lines.join('\n')}`
}

/** Why the plan's deletions must not run, one message per problem: a refusal stops the whole deploy. */
export function deletionRefusals(
  plan: Plan,
  settings: Pick<Settings, 'maxDeletions' | 'extraNamespaces'>,
  target: Pick<Target, 'delete' | 'allowMassDeletion'>,
  managedNamespaces: string[]
): string[] {
  const deletions = plan.resources.filter((c) => c.action === 'delete')
  if (deletions.length === 0) return []
  const names = (list: typeof deletions) => list.map(resourceName).join(', ')
  const managed = new Set(managedNamespaces)
  // A tenant-wide resource's kind decides itself when the repository owns it (docs/kinds.md).
  const unmanaged = deletions.filter((c) => c.namespace !== '' && !managed.has(c.namespace))
  const system = deletions.filter(
    (c) => c.namespace === SYSTEM_NAMESPACE && !settings.extraNamespaces.includes(SYSTEM_NAMESPACE)
  )
  return [
    !target.delete &&
      `The plan deletes ${count(deletions.length)} (${names(deletions)}) but the delete input is false; set delete: true to allow deletions.`,
    unmanaged.length > 0 &&
      `Refusing to delete ${names(unmanaged)}: not in a namespace this repository manages (it holds no resource there and the namespaces input does not list it).`,
    system.length > 0 &&
      `Refusing to delete ${names(system)}: the ${SYSTEM_NAMESPACE} namespace is protected; list it in the namespaces input to manage it.`,
    deletions.length > settings.maxDeletions &&
      !target.allowMassDeletion &&
      `The plan deletes ${count(deletions.length)}, more than max-deletions (${settings.maxDeletions}); if that is intended, set allow-mass-deletion: true (or raise max-deletions).`
  ].filter((refusal) => refusal !== false)
}

function count(n: number): string {
  return n === 1 ? '1 resource' : `${n} resources`
}

/** Whether `ours` is an ancestor of the commit some namespace already holds. */
async function checkCommitOrder(
  markers: RecordedMarkers,
  ours: CommitMarker,
  isAncestor: IsAncestor
): Promise<{ older: string[]; warnings: string[] }> {
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
 * What a marker carries besides the commit (docs/performance.md#incremental-planning). Only the checks make
 * a marker stale: the facts ride with a marker written anyway, so that a no-change deploy writes nothing.
 */
interface MarkerChecks {
  ours: ReadonlyMap<string, Record<string, StoredFlowCheck>>
  /** The recorded markers, as far as their seal vouches for them (`trustedMarker`). */
  recorded?: ReadonlyMap<string, Record<string, unknown>>
  facts?: ReadonlyMap<string, StoredContentFacts>
  /** A plan trusts no checks or facts unsealed. */
  seal: MarkerSeal
}

async function writeMarker(
  api: KestraApi,
  namespace: string,
  ours: CommitMarker,
  semaphore: Semaphore,
  checks?: MarkerChecks
): Promise<MarkerWrite> {
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
    return { written: [namespace], unknown: [], warnings: [] }
  } catch (error) {
    return {
      written: [],
      unknown: isOutcomeUnknown(error) ? [namespace] : [],
      warnings: [
        `Could not record the deployed commit in namespace ${namespace} (KV ${COMMIT_MARKER_KEY}): ${errorMessage(error)}; the out-of-order guard cannot protect this namespace until a deploy records it.`
      ]
    }
  }
}

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

type ApplyDeps = Pick<DeployDeps, 'api' | 'refs' | 'readDesiredFile' | 'kinds' | 'onResult'> & {
  concurrency: number
  /** Called once per namespace with writes, when the last of them has a result; `complete` if all went through. */
  onNamespaceDone?: (namespace: string, complete: boolean) => void
}

/**
 * Writes the plan kind by kind in the registry's order, each resource as soon as those it needs are
 * written (a flow reading a file that was not uploaded is skipped). Then deletions, only when everything
 * before went through: namespaced kinds in reverse order (flows before the files they read), then
 * tenant-wide ones. One resource's failure does not stop the others.
 */
async function applyPlan(
  plan: Plan,
  deps: ApplyDeps
): Promise<{ resources: ResourceResult[]; warnings: string[] }> {
  const semaphore = new Semaphore(deps.concurrency)
  const results = new Map<ResourceChange, ResourceResult>()
  const pending = new Map<string, number>()
  const incomplete = new Set<string>()
  // Tenant-wide resources ('') belong to no namespace's marker.
  const namespaced = (change: ResourceChange) => change.namespace !== ''
  for (const change of plan.resources.filter(isWrite).filter(namespaced)) {
    pending.set(change.namespace, (pending.get(change.namespace) ?? 0) + 1)
  }
  const record = (result: ResourceResult) => {
    results.set(result.change, result)
    deps.onResult?.(result)
    const { namespace } = result.change
    if (!isWrite(result.change) || !namespaced(result.change)) return
    if (NOT_APPLIED.has(result.result)) incomplete.add(namespace)
    const left = pending.get(namespace)! - 1
    pending.set(namespace, left)
    if (left === 0) deps.onNamespaceDone?.(namespace, !incomplete.has(namespace))
  }
  const runAll = async <C extends ResourceChange>(
    changes: C[],
    write: (change: C) => Promise<ResourceResult>
  ) => {
    await Promise.all(
      changes.map((change) =>
        semaphore.run(async () => {
          try {
            record(await write(change))
          } catch (error) {
            record({
              change,
              result: 'failed',
              message: errorMessage(error),
              ...failureMarks(error)
            })
          }
        })
      )
    )
  }

  for (const change of plan.resources) {
    if (!isWrite(change)) {
      results.set(change, { change, result: 'unchanged', revision: currentRevision(change) })
    }
  }
  const writes = plan.resources.filter((c) => c.action === 'create' || c.action === 'update')
  const deletes = plan.resources.filter((c) => c.action === 'delete')
  const writtenByKey = new Map(writes.map((c) => [resourceKey(c), c]))
  const needs = new Map<string, string[]>()
  for (const { from, to } of deps.refs) needs.set(from, [...(needs.get(from) ?? []), to])
  const nextRead = new Map<string, Promise<unknown>>()
  const context: DeployContext = {
    readDesiredFile: deps.readDesiredFile,
    shared<T>(key: string, read: () => Promise<T>): Promise<T> {
      let pending = nextRead.get(key) as Promise<T> | undefined
      if (!pending) {
        pending = new Promise((sent) => setImmediate(sent)).then(() => {
          nextRead.delete(key)
          return read()
        })
        nextRead.set(key, pending)
      }
      return pending
    },
    needed: (change) =>
      (needs.get(resourceKey(change)) ?? []).flatMap((key) => {
        const needed = writtenByKey.get(key)
        const result = needed && results.get(needed)
        return result ? [result] : []
      })
  }
  const ofKind = (kind: ApplyKind, list: ResourceChange[]) =>
    list.filter((c) => c.kind === kind.name)

  const warnings: string[] = []
  for (const change of [...writes, ...deletes]) {
    if (!deps.kinds.some((kind) => kind.name === change.kind)) {
      const message = `not applied: no resource kind '${change.kind}' is registered (src/resources/registry.ts)`
      record({ change, result: 'failed', message })
    }
  }
  for (const kind of deps.kinds) {
    const order = orderWrites(ofKind(kind, writes), deps.refs, resourceKey)
    for (const cycle of order.cycles) {
      warnings.push(
        `Flows ${cycle.join(', ')} call each other in a cycle; each was written after the ones it calls that come before it in this list.`
      )
    }
    // Each resource goes as soon as those it needs are written, not when its whole wave is ready.
    const written = new Map<ResourceChange, Promise<void>>()
    for (const change of order.waves.flat()) {
      const before = (order.prerequisites.get(change) ?? []).map((c) => written.get(c)!)
      written.set(
        change,
        Promise.all(before).then(() => runAll([change], (c) => kind.write(c, deps.api, context)))
      )
    }
    await Promise.all(written.values())
  }
  const deletePhase = async (kind: ApplyKind, phase: ResourceChange[]) => {
    if ([...results.values()].some((r) => NOT_APPLIED.has(r.result))) {
      for (const change of phase) {
        record({
          change,
          result: 'skipped',
          message:
            'not deleted: an earlier write failed or conflicted, and deletions never run on a half-applied deploy'
        })
      }
    } else {
      await runAll(phase, (change) => kind.remove(change, deps.api, context))
    }
  }
  for (const kind of [...deps.kinds].reverse()) {
    await deletePhase(kind, ofKind(kind, deletes).filter(namespaced))
  }
  for (const kind of deps.kinds) {
    await deletePhase(
      kind,
      ofKind(kind, deletes).filter((change) => !namespaced(change))
    )
  }
  return { resources: plan.resources.map((c) => results.get(c)!), warnings }
}

interface ReviewCheck {
  plan: Plan
  context: RunContext
  /** The settings the plan now runs with, as a plan records them (`Settings.recorded`). */
  settings: Readonly<Record<string, string>>
  log(message: string): void
}

/**
 * `require-reviewed-plan`: the plan about to be applied must be the one shown in the merged PR's comment
 * (same fingerprint); otherwise nothing is deployed, and the refusal names the settings and resources
 * that differ from those the comment's marker recorded.
 */
export async function checkReviewedPlan(
  args: ReviewCheck & { github?: GitHubPort; commentKey: string }
): Promise<void> {
  const { plan, context, github } = args
  const refuse = (why: string) =>
    new DeployError(`require-reviewed-plan: ${why} Nothing was deployed.`)
  if (!github) throw refuse('no github-token to read the merged pull request.')
  const pr = await github.findMergedPullRequest(context.sha)
  if (!pr)
    throw refuse(
      `commit ${context.sha} did not come from a merged pull request, so no plan was reviewed.`
    )
  // Only the identity this token comments as writes the plan comment: a marker in anyone else's comment (another
  // App's bot, a person) is ignored and named (docs/guarantees.md#reviewed-plan).
  const found = await github.commentsByThisToken(pr, commentMarker(args.commentKey))
  const { identity } = found
  if (identity === undefined) {
    throw refuse(
      'GitHub would not say which identity github-token comments as (GraphQL viewer and GET /user both refused), so no plan comment can be trusted.'
    )
  }
  for (const other of found.others) {
    args.log(
      `Ignored a plan comment on pull request #${pr} by ${other.author} (${other.url}): only a comment by ${identity}, the identity github-token comments as, is a reviewed plan.`
    )
  }
  const comment = found.comments.find((candidate) => readPlanMarker(candidate.body))
  const reviewed = comment && readPlanMarker(comment.body)
  if (!reviewed) {
    const ignored =
      found.others.length > 0
        ? ` ${found.others.length} comment(s) by others carry the marker and were ignored (${[...new Set(found.others.map((other) => other.author))].join(', ')}).`
        : ''
    throw refuse(
      `pull request #${pr} has no plan comment by ${identity} (comment-key '${args.commentKey}').${ignored}`
    )
  }
  if (reviewed.fingerprint !== plan.fingerprint) {
    const now = planRecord(plan, context.sha, args.settings)
    const differences = recordDifferences(reviewed, now)
    throw refuse(
      [
        `the plan differs from the one reviewed on pull request #${pr}.`,
        `  reviewed: ${reviewed.fingerprint} (commit ${reviewed.commit})`,
        `  now:      ${plan.fingerprint} (commit ${context.sha})`,
        ...(differences.length > 0
          ? differences
          : [
              'The server or the repository changed after the review. The plan now:',
              ...changeLines(plan)
            ]),
        differences.some((line) => line.startsWith('Settings'))
          ? 'The pull request was planned with other settings than this deploy: keep the shared ones in kestra-gitops.yml (docs/inputs.md#settings-file) so that both jobs read them, then re-run the pull request workflow and merge again.'
          : 'Re-run the pull request workflow to review the current plan, then merge again (or re-run this one after it).'
      ].join('\n')
    )
  }
  args.log(
    `The plan matches the one reviewed on pull request #${pr} (${plan.fingerprint.slice(0, 12)}).`
  )
}

/**
 * `reviewed-plan`: the plan about to be applied must have exactly the fingerprint a reviewer approved
 * (the plan job's output); otherwise nothing is deployed.
 */
export function checkReviewedFingerprint(
  args: ReviewCheck & { reviewed: string; shown?: PlanRecord }
): void {
  const { plan, reviewed, context } = args
  if (reviewed === plan.fingerprint) {
    args.log(`The plan has the approved fingerprint (${plan.fingerprint.slice(0, 12)}).`)
    return
  }
  // The CLI's own plan, shown before `yes`, names what changed; a plan job's fingerprint alone cannot.
  const differences = args.shown
    ? recordDifferences(args.shown, planRecord(plan, context.sha, args.settings))
    : []
  const named = differences.map((line) =>
    line
      .replace(/reviewed plan/g, 'plan shown')
      .replace(/since the review\b/g, 'since it was shown')
      .replace(/\breviewed(?= as|,)|(?<=\()reviewed(?=\))/g, 'shown')
  )
  throw new DeployError(
    [
      `reviewed-plan: the plan computed now is not the approved one. Nothing was deployed.`,
      `  approved: ${reviewed}`,
      `  now:      ${plan.fingerprint} (commit ${context.sha})`,
      ...(context.local
        ? [
            ...(named.length > 0
              ? ['The server or the repository changed after the plan was shown.', ...named]
              : [
                  'The server or the repository changed after the plan was shown. The plan now:',
                  ...changeLines(plan)
                ]),
            'Run the deploy again (kestra-gitops deploy) to see the current plan and approve it.'
          ]
        : [
            'The server or the repository changed after the plan job ran (or the two jobs ran with other settings). The plan now:',
            ...changeLines(plan),
            "Compare it with the plan job's summary, then run the workflow again to plan and approve the current state."
          ])
    ].join('\n')
  )
}

function changeLines(plan: Plan): string[] {
  const changes = plan.resources.filter((r) => r.action !== 'unchanged')
  if (changes.length === 0) return ['  (no changes)']
  return changes.map((r) => `  ${r.action} ${r.kind} ${resourceName(r)}`)
}
