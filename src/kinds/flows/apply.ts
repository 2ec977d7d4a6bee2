import { settled, type ApplyKind, type DeployContext, type Verdict } from '../../apply/kind.js'
import type { KestraApi } from '../../kestra/api.js'
import { ApiError } from '../../kestra/errors.js'
import { resourceName, type FlowChange } from '../../model/plan.js'
import { NOT_APPLIED, type ResourceResult } from '../../model/result.js'
import { comparableFlowSource } from '../../model/flow-source.js'

/**
 * Writes and deletes flows (docs/guarantees.md#compare-before-write): each compared with the server's
 * revision right before its write, after the flows it calls; a flow that reads a namespace file this
 * deploy did not upload is not written.
 */
export const flowsApply: ApplyKind<FlowChange> = {
  name: 'flow',
  async write(change, api, deploy) {
    const missing = deploy
      .needed(change)
      .filter((needed) => needed.change.kind === 'file' && NOT_APPLIED.has(needed.result))
    if (missing.length > 0) {
      return { change, result: 'skipped', message: skippedForFiles(missing) }
    }
    if (change.desired === undefined) {
      return { change, result: 'failed', message: 'the plan holds no source for this flow' }
    }
    const verdict = await freshFlow(change, api, deploy)
    if (verdict.kind !== 'as-planned') return settled(change, verdict)
    if (change.action === 'create') return createFlow(change, change.desired, api, deploy)
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
  },
  async remove(change, api, deploy) {
    const verdict = await freshFlow(change, api, deploy)
    if (verdict.kind !== 'as-planned') return settled(change, verdict)
    try {
      await api.deleteFlow(change.namespace, change.id)
      return { change, result: 'deleted' }
    } catch (error) {
      if (!isStatus(error, 404)) throw error
      return settled(change, { kind: 'desired' })
    }
  }
}

function skippedForFiles(files: ResourceResult[]): string {
  const named = files.map((f) => `${resourceName(f.change)} (${f.result})`).join(', ')
  return `not written: it reads namespace file ${named}, which this deploy did not upload`
}

/** A create that meets "already exists" (another run created it meanwhile) compares what is stored. */
async function createFlow(
  change: FlowChange,
  desired: string,
  api: KestraApi,
  deploy: DeployContext
): Promise<ResourceResult> {
  try {
    const stored = await api.createFlow(desired)
    return { change, result: 'created', revision: stored.revision }
  } catch (error) {
    if (!(error instanceof ApiError && /already exists/i.test(error.serverMessage))) throw error
    const verdict = await freshFlow(change, api, deploy)
    return settled(
      change,
      verdict.kind === 'as-planned' ? { kind: 'moved', message: error.message } : verdict
    )
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

/**
 * What the server holds of a flow right before its write (docs/guarantees.md#compare-before-write): one
 * listing of the namespace's revisions, shared by the writes that asked for it before it was sent (never
 * by a write that asked later, so no write trusts a read older than itself); a flow whose revision moved
 * is read whole to tell "already desired" from a conflict.
 */
async function freshFlow(
  change: FlowChange,
  api: KestraApi,
  deploy: DeployContext
): Promise<Verdict> {
  const listing = () => api.flowRevisions(change.namespace)
  const revision = (await deploy.shared(`revisions ${change.namespace}`, listing)).get(change.id)
  const seen = change.action === 'create' ? undefined : change.current?.revision
  if (revision === seen) return { kind: 'as-planned' }
  const name = `flow ${resourceName(change)}`
  if (change.action === 'delete') {
    return revision === undefined
      ? { kind: 'desired' }
      : {
          kind: 'moved',
          message: `${name} changed on the server after the plan (revision ${seen} → ${revision})`
        }
  }
  const stored = revision === undefined ? undefined : await api.getFlow(change.namespace, change.id)
  if (stored && change.desired !== undefined && isSameFlow(stored.source, change.desired)) {
    return { kind: 'desired', revision: stored.revision }
  }
  if (seen === undefined) {
    return {
      kind: 'moved',
      message: `${name} appeared on the server (revision ${revision}) after the plan`
    }
  }
  if (revision === undefined) {
    return {
      kind: 'moved',
      message: `${name} was deleted on the server after the plan (it was at revision ${seen})`
    }
  }
  return {
    kind: 'moved',
    message: `${name} changed on the server after the plan (revision ${seen} → ${revision})`
  }
}

/**
 * Kestra's own equality (docs/kestra.md#unchanged-source): a server copy equal to ours is what this
 * deploy wants.
 */
function isSameFlow(stored: string, desired: string): boolean {
  return comparableFlowSource(stored) === comparableFlowSource(desired)
}
