import type { KestraApi } from '../../adapters/kestra/api.js'
import { failureMarks } from '../../adapters/kestra/errors.js'
import { readMarkers } from '../record/read.js'
import { markerSeal, trustedMarker } from '../record/seal.js'
import { Semaphore } from '../../model/concurrency.js'
import { DeployError, errorMessage } from '../../model/errors.js'
import { isWrite, type Plan, type ResourceChange } from '../../model/plan.js'
import type { Settings } from '../../model/settings.js'
import type { Target } from '../../model/target.js'
import type { Finding } from '../../model/finding.js'
import { resourceKey } from '../../model/targets.js'
import { sameNamespaces } from '../../model/namespaces.js'
import { eachRead, type MarkersReadBefore, recordedMarkers } from '../../model/commit-marker.js'
import { storedObject } from '../../model/stored-record.js'
import { unreadableMarkers } from '../record/marker.js'
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
import {
  checkCommitOrder,
  deletionRefusals,
  deployBlockers,
  describeBlockers
} from './deploy-guards.js'
import { type KeptByKinds, type MarkerWrite, sameKept, writeMarker } from '../record/write.js'

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
   * markers keep nothing of the kinds.
   */
  settings: Pick<Settings, 'maxDeletions' | 'extraNamespaces' | 'concurrency'> &
    Partial<Pick<Settings, 'auth' | 'tenant' | 'server' | 'sealKey'>>
  target: Pick<Target, 'delete' | 'allowMassDeletion' | 'allowOutOfOrder'>
  managedNamespaces: string[]
  /** Full sha. */
  commit: string
  /** `owner/repo`. */
  repository: string
  /** The markers, when read with the server state (for `namespaces`); read here otherwise. */
  markers?: MarkersReadBefore
  /**
   * What the kinds keep in each namespace's marker (docs/kinds.md#what-a-kind-keeps-in-the-commit-marker): none,
   * nothing kept.
   */
  kept?: Pick<KeptByKinds, 'ours' | 'rewriting'>
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
 * The namespaces a deploy reads and writes commit markers in, and may write to: the managed ones and every one its
 * plan holds a resource in (a namespace that only a kv, suite or settings file holds is managed for that kind
 * alone). A tenant-wide resource ('') belongs to none.
 */
export function deployNamespaces(plan: Plan, managedNamespaces: readonly string[]): string[] {
  const planned = plan.resources.map((change) => change.namespace)
  return [...new Set([...managedNamespaces, ...plan.namespaces, ...planned])]
    .filter((namespace) => namespace !== '')
    .sort()
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
  const namespaces = deployNamespaces(plan, deps.managedNamespaces)
  const ours = { commit: deps.commit, repository: deps.repository }
  const readBefore = deps.markers
  const reading = await (readBefore && sameNamespaces(readBefore.namespaces, namespaces)
    ? readBefore.read
    : readMarkers(deps.api, namespaces, semaphore))
  // docs/guarantees.md#records-of-another-version: refused by name before any write, never overwritten.
  const unreadable = eachRead(reading, (read) => read.unreadable)
  if (unreadable.size > 0) throw new DeployError(unreadableMarkers(unreadable))
  const markers = recordedMarkers(reading)
  const warnings = [...reading.warnings]
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
            ? withRevisionHeld(deps.kinds, {
                change,
                result: 'skipped',
                message: 'not deployed: this commit is out of order'
              })
            : unchanged(deps.kinds, change)
        ),
        applied: 0,
        refusal,
        warnings,
        markedNamespaces: []
      }
    }
    warnings.push(`allow-out-of-order is set, deploying anyway: ${order.older.join(' ')}`)
  }

  // Only what a seal of this job's key vouches for counts as recorded: a marker keeping forged entries is
  // rewritten. Without a seal nothing is stored, as nothing stored would be trusted. The key's derivation began
  // with the run's reads (`markerSeal` derives it once).
  const { auth, sealKey, server, tenant } = deps.settings
  const seal =
    auth && deps.kept
      ? await markerSeal({ auth, sealKey, server, tenant }).catch((error: unknown) => {
          warnings.push(
            `The seal of what commit markers keep could not be derived on this runner (${errorMessage(error)}): this deploy stores no checks nor content facts in them, and the next deploy stores them again.`
          )
          return undefined
        })
      : undefined
  const kept: KeptByKinds | undefined = seal &&
    deps.kept && {
      ...deps.kept,
      recorded: eachRead(reading, ({ value }, namespace) => {
        const stored = storedObject(value)
        return stored && trustedMarker(seal, namespace, stored).marker
      }),
      seal
    }
  // A namespace's marker is written when another commit, or other entries of a field that rewrites it, is recorded.
  const stale = (namespace: string) => {
    const recorded = markers.get(namespace)
    return (
      recorded?.commit !== ours.commit ||
      recorded.repository !== ours.repository ||
      !sameKept(kept, namespace)
    )
  }
  if (plan.resources.some(isWrite) || namespaces.some(stale)) await deps.confirmReused?.()
  await deps.beforeWrites?.()
  // A namespace's marker is written as soon as it holds this commit: with no writes, right away.
  const marking: Promise<MarkerWrite>[] = []
  const mark = (namespace: string) => {
    if (stale(namespace)) marking.push(writeMarker(deps.api, namespace, ours, semaphore, kept))
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
    markersHeld: eachRead(reading, (read) => read.value)
  }
}

/** The revision the server held as the plan read it, where the change's kind has revisions (`revisionHeld`). */
function heldRevision(kinds: readonly ApplyKind[], change: ResourceChange): number | undefined {
  return kinds.find((kind) => kind.name === change.kind)?.revisionHeld?.(change)
}

/** A result with the revision its resource held before the deploy, when its kind has one. */
function withRevisionHeld(kinds: readonly ApplyKind[], result: ResourceResult): ResourceResult {
  const before = heldRevision(kinds, result.change)
  return before === undefined ? result : { ...result, before }
}

/** An unwritten change's result: the server keeps what it held. */
function unchanged(kinds: readonly ApplyKind[], change: ResourceChange): ResourceResult {
  return withRevisionHeld(kinds, {
    change,
    result: 'unchanged',
    revision: heldRevision(kinds, change)
  })
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
  const record = (written: ResourceResult) => {
    const result = withRevisionHeld(deps.kinds, written)
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
      results.set(change, unchanged(deps.kinds, change))
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
