import type { KestraApi } from '../kestra/api.js'
import { ApiError } from '../kestra/errors.js'
import { Semaphore } from '../concurrency.js'
import { errorMessage } from '../errors.js'
import {
  resourceName,
  type FileChange,
  type FlowChange,
  type Plan,
  type ResourceChange
} from '../plan/types.js'
import { isWrite } from './gate.js'
import { orderFlowWrites, type FlowDependency } from './order.js'
import { NOT_APPLIED, type ResourceResult } from './result.js'
import { sha256Hex } from '../plan/content.js'
import { ServerSnapshot } from './server-snapshot.js'

export type ReadDesiredFile = (change: FileChange) => Promise<Uint8Array>

export interface ApplyDeps {
  api: KestraApi
  refs: FlowDependency[]
  readDesiredFile: ReadDesiredFile
  concurrency: number
  /** Each resource's result, as soon as it is known. */
  onResult?: (result: ResourceResult) => void
  /** Called once per namespace with writes, when the last of them has a result; `complete` if all went through. */
  onNamespaceDone?: (namespace: string, complete: boolean) => void
}

export interface ApplyOutcome {
  /** One per plan resource, in plan order. */
  resources: ResourceResult[]
  warnings: string[]
}

/**
 * Writes the plan: namespace files, then flows wave by wave (subflows before their callers), then deletions
 * (flows, then files) only when everything before went through. Each resource is checked against a fresh
 * bulk read of its namespace right before its write; one resource's failure does not stop the others.
 */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyOutcome> {
  const semaphore = new Semaphore(deps.concurrency)
  const snapshot = new ServerSnapshot(deps.api)
  const results = new Map<ResourceChange, ResourceResult>()
  const pending = new Map<string, number>()
  const incomplete = new Set<string>()
  for (const change of plan.resources.filter(isWrite)) {
    pending.set(change.namespace, (pending.get(change.namespace) ?? 0) + 1)
  }
  const record = (result: ResourceResult) => {
    results.set(result.change, result)
    deps.onResult?.(result)
    const { namespace } = result.change
    if (!isWrite(result.change)) return
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
            record({ change, result: 'failed', message: errorMessage(error) })
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
  snapshot.prefetch(
    'file',
    files(writes).map((c) => c.namespace)
  )
  snapshot.prefetch(
    'flow',
    flows(writes).map((c) => c.namespace)
  )
  await runAll(files(writes), (change) => writeFile(change, snapshot, deps))
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
    written.set(
      change,
      Promise.all(before).then(() => runAll([change], (c) => writeFlow(c, snapshot, deps.api)))
    )
  }
  await Promise.all(written.values())
  const deletePhase = async (phase: ResourceChange[]) => {
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
      await runAll(phase, (change) => deleteResource(change, snapshot, deps.api))
    }
  }
  await deletePhase(flows(deletes))
  await deletePhase(files(deletes))
  return { resources: plan.resources.map((c) => results.get(c)!), warnings }
}

async function writeFile(
  change: FileChange,
  snapshot: ServerSnapshot,
  deps: ApplyDeps
): Promise<ResourceResult> {
  const moved = await snapshot.fileMoved(change)
  if (moved) return { change, result: 'conflict', message: moved }
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
  await deps.api.uploadFile(change.namespace, change.path, bytes)
  return { change, result: change.action === 'create' ? 'created' : 'updated' }
}

async function writeFlow(
  change: FlowChange,
  snapshot: ServerSnapshot,
  api: KestraApi
): Promise<ResourceResult> {
  if (change.desired === undefined) {
    return { change, result: 'failed', message: 'the plan holds no source for this flow' }
  }
  const moved = await snapshot.flowMoved(change)
  if (moved) return { change, result: 'conflict', message: moved }
  if (change.action === 'create') {
    const stored = await api.createFlow(change.desired)
    return { change, result: 'created', revision: stored.revision }
  }
  try {
    const stored = await api.updateFlow(change.namespace, change.id, change.desired)
    // The server keeps the revision when it sees no difference (a `revision:` line only, §2.4).
    const result = stored.revision === change.current?.revision ? 'unchanged' : 'updated'
    return { change, result, revision: stored.revision }
  } catch (error) {
    if (!isNotFound(error)) throw error
    return vanished(change)
  }
}

async function deleteResource(
  change: ResourceChange,
  snapshot: ServerSnapshot,
  api: KestraApi
): Promise<ResourceResult> {
  const moved =
    change.kind === 'flow' ? await snapshot.flowMoved(change) : await snapshot.fileMoved(change)
  if (moved) return { change, result: 'conflict', message: moved }
  if (change.kind === 'file') {
    await api.deleteFile(change.namespace, change.path)
    return { change, result: 'deleted' }
  }
  try {
    await api.deleteFlow(change.namespace, change.id)
    return { change, result: 'deleted' }
  } catch (error) {
    if (!isNotFound(error)) throw error
    return vanished(change)
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

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404
}
