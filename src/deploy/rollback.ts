import { Semaphore } from '../concurrency.js'
import { errorMessage } from '../errors.js'
import type { KestraApi } from '../kestra/api.js'
import { sha256Hex } from '../content.js'
import { resourceName, type FileChange, type FlowChange } from '../plan/types.js'
import { COMMIT_MARKER_KEY, short } from './commit-marker.js'
import { orderFlowWrites, type FlowDependency } from './order.js'
import type { DeployResult, ResourceResult } from './result.js'

export type RestoreOutcome = 'restored' | 'conflict' | 'failed'

export interface RestoreResult {
  /** The deploy's result for the resource: what is undone. */
  deployed: ResourceResult
  result: RestoreOutcome
  /** What the restore did, or why it did not. */
  message: string
}

export interface RollbackResult {
  /** In the order restored: the reverse of the deploy's order. */
  resources: RestoreResult[]
  /** Each namespace whose deployed-commit marker this deploy wrote. */
  markers: MarkerRestore[]
  /** Every restore went through. */
  complete: boolean
}

export interface MarkerRestore {
  namespace: string
  result: 'restored' | 'failed'
  message: string
}

export interface RollbackDeps {
  api: KestraApi
  refs: FlowDependency[]
  concurrency: number
  log: (message: string) => void
}

/**
 * Puts back what the deploy changed, from what its plan read before it
 * (docs/smoke-and-rollback.md#rollback): in the reverse of the deploy's order (deleted files, deleted
 * flows, written flows callers first, written files), each resource only when the server still holds
 * what the deploy wrote (otherwise a conflict), then the commit markers.
 */
export async function rollback(
  deployed: DeployResult,
  deps: RollbackDeps
): Promise<RollbackResult> {
  const semaphore = new Semaphore(deps.concurrency)
  const changed = deployed.resources.filter((r) =>
    ['created', 'updated', 'deleted'].includes(r.result)
  )
  const flows = (list: ResourceResult[]) =>
    list.filter((r): r is ResourceResult & { change: FlowChange } => r.change.kind === 'flow')
  const files = (list: ResourceResult[]) =>
    list.filter((r): r is ResourceResult & { change: FileChange } => r.change.kind === 'file')
  const deletions = changed.filter((r) => r.result === 'deleted')
  const writes = changed.filter((r) => r.result !== 'deleted')
  const written = new Map(flows(writes).map((r) => [r.change, r]))
  const waves = orderFlowWrites([...written.keys()], deps.refs).waves.reverse()
  const phases: ResourceResult[][] = [
    files(deletions),
    flows(deletions),
    ...waves.map((wave) => wave.map((change) => written.get(change)!)),
    files(writes)
  ]

  const resources: RestoreResult[] = []
  for (const phase of phases) {
    const results = await Promise.all(
      phase.map((result) => semaphore.run(() => restoreSafely(result, deps.api)))
    )
    for (const result of results) {
      deps.log(
        `Rollback of ${result.deployed.change.kind} ${resourceName(result.deployed.change)}: ${result.result}: ${result.message}`
      )
      resources.push(result)
    }
  }
  const markers = await restoreMarkers(deployed, deps.api)
  for (const marker of markers) deps.log(`Rollback of ${marker.namespace}: ${marker.message}`)
  return {
    resources,
    markers,
    complete: [...resources, ...markers].every((r) => r.result === 'restored')
  }
}

async function restoreSafely(deployed: ResourceResult, api: KestraApi): Promise<RestoreResult> {
  try {
    const moved = await movedSinceDeploy(deployed, api)
    if (moved) return { deployed, result: 'conflict', message: `${moved}: not rolled back` }
    return { deployed, result: 'restored', message: await restore(deployed, api) }
  } catch (error) {
    return { deployed, result: 'failed', message: errorMessage(error) }
  }
}

/** Why the server no longer holds what the deploy wrote, or undefined when it still does. */
async function movedSinceDeploy(
  { change, result, revision }: ResourceResult,
  api: KestraApi
): Promise<string | undefined> {
  const name = resourceName(change)
  if (change.kind === 'flow') {
    const now = await api.getFlow(change.namespace, change.id)
    if (result === 'deleted') return now && `flow ${name} was re-created after the deploy`
    if (!now) return `flow ${name} was deleted after the deploy`
    return now.revision === revision
      ? undefined
      : `flow ${name} changed after the deploy (revision ${revision} → ${now.revision})`
  }
  const bytes = await api.getFile(change.namespace, change.path)
  if (result === 'deleted') return bytes && `file ${name} was re-created after the deploy`
  if (!bytes) return `file ${name} was deleted after the deploy`
  return sha256Hex(bytes) === change.desired?.sha256
    ? undefined
    : `file ${name} changed after the deploy`
}

/** Undoes one write; says what it did. */
async function restore({ change, result }: ResourceResult, api: KestraApi): Promise<string> {
  if (change.kind === 'flow') {
    if (result === 'created') {
      await api.deleteFlow(change.namespace, change.id)
      return 'deleted (the deploy created it)'
    }
    if (!change.current) throw new Error('the plan kept no previous source for this flow')
    const stored =
      result === 'deleted'
        ? await api.createFlow(change.current.source)
        : await api.updateFlow(change.namespace, change.id, change.current.source)
    return `previous source restored as revision ${stored.revision} (was revision ${change.current.revision})`
  }
  if (result === 'created') {
    await api.deleteFile(change.namespace, change.path)
    return 'deleted (the deploy created it)'
  }
  if (!change.previous) throw new Error('the plan kept no previous content for this file')
  await api.uploadFile(change.namespace, change.path, change.previous)
  return 'previous content restored'
}

/** A marker that was no marker of ours before (another tool's value) is removed, not restored. */
async function restoreMarkers(deployed: DeployResult, api: KestraApi): Promise<MarkerRestore[]> {
  return Promise.all(
    deployed.markedNamespaces.map(async (namespace): Promise<MarkerRestore> => {
      const before = deployed.markersBefore?.get(namespace)
      try {
        if (before) await api.putKv(namespace, COMMIT_MARKER_KEY, { ...before })
        else await api.deleteKv(namespace, COMMIT_MARKER_KEY)
        const message = before
          ? `deployed-commit marker put back to ${short(before.commit)}`
          : 'deployed-commit marker removed (there was none before)'
        return { namespace, result: 'restored', message }
      } catch (error) {
        const message = `the deployed-commit marker could not be put back: ${errorMessage(error)}`
        return { namespace, result: 'failed', message }
      }
    })
  )
}
