import type { KestraApi } from '../kestra/api.js'
import { failureMarks } from '../kestra/errors.js'
import { Semaphore } from '../model/concurrency.js'
import { errorMessage } from '../model/errors.js'
import { isWrite, type FileChange, type Plan, type ResourceChange } from '../model/plan.js'
import { resourceKey } from '../model/targets.js'
import { orderWrites, type FlowDependency } from './order.js'
import { NOT_APPLIED, type ResourceResult } from '../model/result.js'
import type { ApplyKind, DeployContext } from './kind.js'

export type ReadDesiredFile = (change: FileChange) => Promise<Uint8Array>

interface ApplyDeps {
  api: KestraApi
  refs: FlowDependency[]
  readDesiredFile: ReadDesiredFile
  concurrency: number
  /** The registry's kinds (`ApplyKind`), in its order. */
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
 * Writes the plan kind by kind in the registry's order (namespace files, then flows, then tenant-wide
 * kinds), each resource as soon as those of its kind it needs are written (a flow after the flows it
 * calls); each kind's write sees what was written of what it needs (a flow that reads a file that was not
 * uploaded is skipped). Then deletions, only when everything before went through: namespaced kinds in
 * the reverse order (flows before the files they read), then tenant-wide ones. Each resource's server
 * state is read right before its own write: one that moved since the plan is a conflict, one already as
 * desired is unchanged. One resource's failure does not stop the others.
 */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyOutcome> {
  const semaphore = new Semaphore(deps.concurrency)
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
      const current = change.current
      const revision = current && 'revision' in current ? current.revision : undefined
      results.set(change, { change, result: 'unchanged', revision })
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
      const message = `not applied: no resource kind '${change.kind}' is registered (src/kinds/index.ts)`
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
  const removal = (kind: ApplyKind) => (change: ResourceChange) =>
    kind.remove(change, deps.api, context)
  for (const kind of [...deps.kinds].reverse()) {
    await deletePhase(ofKind(kind, deletes).filter(namespaced), removal(kind))
  }
  for (const kind of deps.kinds) {
    const tenantWide = ofKind(kind, deletes).filter((change) => !namespaced(change))
    await deletePhase(tenantWide, removal(kind))
  }
  return { resources: plan.resources.map((c) => results.get(c)!), warnings }
}
