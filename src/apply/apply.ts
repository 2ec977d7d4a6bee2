import type { KestraApi } from '../kestra/api.js'
import { ApiError, isOutcomeUnknown } from '../kestra/errors.js'
import { Semaphore } from '../model/concurrency.js'
import { errorMessage } from '../model/errors.js'
import {
  resourceName,
  type FileChange,
  type FlowChange,
  type Plan,
  type ResourceChange
} from '../model/plan.js'
import { fileKey, flowKey } from '../model/keys.js'
import { isWrite } from '../model/plan.js'
import { orderFlowWrites, type FlowDependency } from './order.js'
import { NOT_APPLIED, type ResourceResult } from '../model/result.js'
import { sha256Hex } from '../model/content.js'
import { FreshState, type Verdict } from './fresh-state.js'
import type { ApplyKind } from './kind.js'

export type ReadDesiredFile = (change: FileChange) => Promise<Uint8Array>

interface ApplyDeps {
  api: KestraApi
  refs: FlowDependency[]
  readDesiredFile: ReadDesiredFile
  concurrency: number
  /** The kinds whose writes are their own (`ApplyKind`), in the registry's order. */
  kinds: readonly ApplyKind[]
  /** Each resource's result, as soon as it is known. */
  onResult?: (result: ResourceResult) => void
  /** Called once per namespace with writes, when the last of them has a result; `complete` if all went through. */
  onNamespaceDone?: (namespace: string, complete: boolean) => void
}

interface ApplyOutcome {
  /** One per plan resource, in plan order. */
  resources: ResourceResult[]
  warnings: string[]
}

/**
 * Writes the plan: namespace files, then flows as soon as the flows they call are written (a flow that
 * reads a file that was not uploaded is skipped), then deletions (flows, then files) only when everything
 * before went through. Each resource's server state is read right before its own write: one that moved
 * since the plan is a conflict, one already as desired is unchanged. One resource's failure does not stop
 * the others.
 */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyOutcome> {
  const semaphore = new Semaphore(deps.concurrency)
  const fresh = new FreshState(deps.api)
  const results = new Map<ResourceChange, ResourceResult>()
  const pending = new Map<string, number>()
  const incomplete = new Set<string>()
  // Tenant-wide resources ('' namespace) belong to no namespace's marker.
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
            const unknown = isOutcomeUnknown(error) && { outcomeUnknown: true as const }
            record({ change, result: 'failed', message: errorMessage(error), ...unknown })
          }
        })
      )
    )
  }

  for (const change of plan.resources) {
    if (!isWrite(change)) {
      const revision = change.kind === 'flow' ? change.current?.revision : undefined
      results.set(change, { change, result: 'unchanged', revision })
    }
  }
  const writes = plan.resources.filter((c) => c.action === 'create' || c.action === 'update')
  const deletes = plan.resources.filter((c) => c.action === 'delete')
  const files = (list: ResourceChange[]) => list.filter((c): c is FileChange => c.kind === 'file')
  const flows = (list: ResourceChange[]) => list.filter((c): c is FlowChange => c.kind === 'flow')

  const warnings: string[] = []
  await runAll(files(writes), (change) => writeFile(change, fresh, deps))
  const missingFiles = filesNotUploaded(files(writes), results, deps.refs)
  const order = orderFlowWrites(flows(writes), deps.refs)
  for (const cycle of order.cycles) {
    warnings.push(
      `Flows ${cycle.join(', ')} call each other in a cycle; each was written after the ones it calls that come before it in this list.`
    )
  }
  // Each flow goes as soon as the flows it calls are written, not when its whole wave is ready.
  const written = new Map<FlowChange, Promise<void>>()
  for (const change of order.waves.flat()) {
    const before = (order.prerequisites.get(change) ?? []).map((c) => written.get(c)!)
    const missing = missingFiles.get(flowKey(change.namespace, change.id))
    written.set(
      change,
      Promise.all(before).then(() =>
        missing
          ? record({ change, result: 'skipped', message: skippedForFiles(missing) })
          : runAll([change], (c) => writeFlow(c, fresh, deps.api))
      )
    )
  }
  await Promise.all(written.values())
  const ofKind = (kind: ApplyKind, list: ResourceChange[]) =>
    list.filter((c) => c.kind === kind.name)
  for (const kind of deps.kinds) {
    await runAll(ofKind(kind, writes), (change) => kind.write(change, deps.api))
  }
  const deletePhase = async <C extends ResourceChange>(
    phase: C[],
    remove: (change: C) => Promise<ResourceResult>
  ) => {
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
      await runAll(phase, remove)
    }
  }
  await deletePhase(flows(deletes), (change) => deleteResource(change, fresh, deps.api))
  await deletePhase(files(deletes), (change) => deleteResource(change, fresh, deps.api))
  for (const kind of deps.kinds) {
    await deletePhase(ofKind(kind, deletes), (change) => kind.remove(change, deps.api))
  }
  return { resources: plan.resources.map((c) => results.get(c)!), warnings }
}

/** Per flow key, the files it reads (`read()`) that this deploy meant to upload and did not. */
function filesNotUploaded(
  fileWrites: FileChange[],
  results: Map<ResourceChange, ResourceResult>,
  refs: FlowDependency[]
): Map<string, ResourceResult[]> {
  const notUploaded = new Map<string, ResourceResult>()
  for (const change of fileWrites) {
    const result = results.get(change)!
    if (NOT_APPLIED.has(result.result)) {
      notUploaded.set(fileKey(change.namespace, change.path), result)
    }
  }
  const byFlow = new Map<string, ResourceResult[]>()
  for (const { from, to } of refs) {
    const file = notUploaded.get(to)
    if (file) byFlow.set(from, [...(byFlow.get(from) ?? []), file])
  }
  return byFlow
}

function skippedForFiles(files: ResourceResult[]): string {
  const named = files.map((f) => `${resourceName(f.change)} (${f.result})`).join(', ')
  return `not written: it reads namespace file ${named}, which this deploy did not upload`
}

async function writeFile(
  change: FileChange,
  fresh: FreshState,
  deps: ApplyDeps
): Promise<ResourceResult> {
  if (change.desired === undefined) {
    return { change, result: 'failed', message: 'the plan holds no content for this file' }
  }
  const bytes = await deps.readDesiredFile(change)
  if (sha256Hex(bytes) !== change.desired.sha256) {
    return {
      change,
      result: 'failed',
      message: `${change.file ?? resourceName(change)} changed on disk after the plan was made`
    }
  }
  const verdict = await fresh.file(change)
  if (verdict.kind !== 'as-planned') return settled(change, verdict)
  await deps.api.uploadFile(change.namespace, change.path, bytes)
  return { change, result: change.action === 'create' ? 'created' : 'updated' }
}

async function writeFlow(
  change: FlowChange,
  fresh: FreshState,
  api: KestraApi
): Promise<ResourceResult> {
  if (change.desired === undefined) {
    return { change, result: 'failed', message: 'the plan holds no source for this flow' }
  }
  const verdict = await fresh.flow(change)
  if (verdict.kind !== 'as-planned') return settled(change, verdict)
  if (change.action === 'create') return createFlow(change, change.desired, fresh, api)
  try {
    const stored = await api.updateFlow(change.namespace, change.id, change.desired)
    // The server keeps the revision when it sees no difference (a `revision:` line only,
    // docs/kestra.md#unchanged-source).
    const result = stored.revision === change.current?.revision ? 'unchanged' : 'updated'
    return { change, result, revision: stored.revision }
  } catch (error) {
    if (!isStatus(error, 404)) throw error
    return vanished(change)
  }
}

/** A create that meets "already exists" (another run created it meanwhile) compares what is stored. */
async function createFlow(
  change: FlowChange,
  desired: string,
  fresh: FreshState,
  api: KestraApi
): Promise<ResourceResult> {
  try {
    const stored = await api.createFlow(desired)
    return { change, result: 'created', revision: stored.revision }
  } catch (error) {
    if (!(error instanceof ApiError && /already exists/i.test(error.serverMessage))) throw error
    const verdict = await fresh.flow(change)
    return settled(
      change,
      verdict.kind === 'as-planned' ? { kind: 'moved', message: error.message } : verdict
    )
  }
}

async function deleteResource(
  change: FlowChange | FileChange,
  fresh: FreshState,
  api: KestraApi
): Promise<ResourceResult> {
  const verdict = change.kind === 'flow' ? await fresh.flow(change) : await fresh.file(change)
  if (verdict.kind !== 'as-planned') return settled(change, verdict)
  if (change.kind === 'file') {
    await api.deleteFile(change.namespace, change.path)
    return { change, result: 'deleted' }
  }
  try {
    await api.deleteFlow(change.namespace, change.id)
    return { change, result: 'deleted' }
  } catch (error) {
    if (!isStatus(error, 404)) throw error
    return settled(change, { kind: 'desired' })
  }
}

/** The result of a resource that was not written: already as desired, or moved (a conflict). */
function settled(
  change: ResourceChange,
  verdict: Exclude<Verdict, { kind: 'as-planned' }>
): ResourceResult {
  if (verdict.kind === 'moved') return { change, result: 'conflict', message: verdict.message }
  return {
    change,
    result: 'unchanged',
    revision: verdict.revision,
    message: 'the server already holds what this deploy wants (another run got there first)'
  }
}

/** A flow that the server no longer has when the write reaches it. */
function vanished(change: FlowChange): ResourceResult {
  return {
    change,
    result: 'conflict',
    message: `flow ${resourceName(change)} was deleted on the server during the deploy`
  }
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof ApiError && error.status === status
}
