import { z } from 'zod'
import {
  type ApplyKind,
  type DeployContext,
  type RollbackKind,
  settled,
  type Verdict
} from '../../engine/apply/kind.js'
import { orderWrites } from '../../engine/apply/order.js'
import { restoreByHash } from '../../engine/apply/rollback.js'
import { recordedSchema, sha256Field } from '../../engine/apply/rollback-record.js'
import type { KestraApi } from '../../adapters/kestra/api.js'
import { ApiError } from '../../adapters/kestra/errors.js'
import { sha256Hex } from '../../model/content.js'
import { DeployError, errorMessage } from '../../model/errors.js'
import { comparableFlowSource } from '../../model/flow-source.js'
import type { RemoteFlow } from '../../model/kestra.js'
import { type FlowChange, resourceName, type UnfinishedExecution } from '../../model/plan.js'
import { NOT_APPLIED, type ResourceResult } from '../../model/result.js'
import type { Settings } from '../../model/settings.js'
import { flowKey } from '../../model/targets.js'

/**
 * Writes and deletes flows (docs/guarantees.md#compare-before-write): each compared with the server's
 * revision right before its write, after the flows it calls; a flow that reads a namespace file this
 * deploy did not upload is not written.
 */
export const flowsApply: ApplyKind<FlowChange> = {
  name: 'flow',
  revisionHeld: (change) => change.current?.revision,
  async write(change, api, deploy) {
    const missing = deploy
      .needed(change)
      .filter((needed) => needed.change.kind === 'file' && NOT_APPLIED.has(needed.result))
    if (missing.length > 0) {
      const named = missing.map((f) => `${resourceName(f.change)} (${f.result})`).join(', ')
      const message = `not written: it reads namespace file ${named}, which this deploy did not upload`
      return { change, result: 'skipped', message }
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
      return keptAsSent(change, stored, result)
    } catch (error) {
      if (!isStatus(error, 404)) throw error
      const message = `flow ${resourceName(change)} was deleted on the server during the deploy`
      return { change, result: 'conflict', message }
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
  },
  async held(namespace, api) {
    return (await api.listFlows(namespace)).map((flow) => ({
      name: `flow ${namespace}.${flow.id}`,
      remove: () => api.deleteFlow(namespace, flow.id)
    }))
  }
}

/** A create that meets "already exists" (another run created it meanwhile) compares what is stored. */
async function createFlow(
  change: FlowChange,
  desired: string,
  api: KestraApi,
  deploy: DeployContext
): Promise<ResourceResult> {
  try {
    return keptAsSent(change, await api.createFlow(desired), 'created')
  } catch (error) {
    if (!(error instanceof ApiError && /already exists/i.test(error.serverMessage))) throw error
    const verdict = await freshFlow(change, api, deploy)
    return settled(
      change,
      verdict.kind === 'as-planned' ? { kind: 'moved', message: error.message } : verdict
    )
  }
}

/**
 * The source Kestra answers with is the one sent, as Kestra compares sources (docs/guarantees.md#what-kestra-keeps):
 * one kept otherwise would be planned as an update by every run. A difference is a failed write.
 */
function keptAsSent(
  change: FlowChange,
  stored: RemoteFlow,
  result: 'created' | 'updated' | 'unchanged'
): ResourceResult {
  const { revision } = stored
  if (comparableFlowSource(stored.source) === comparableFlowSource(change.desired!)) {
    return { change, result, revision }
  }
  const message = `Kestra took the write (revision ${revision}) but answers with another source than was sent: check what stands between the action and Kestra (a proxy that rewrites bodies)`
  return { change, result: 'failed', revision, message, notKept: true }
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof ApiError && error.status === status
}

/**
 * What the server holds right before the write (docs/guarantees.md#compare-before-write): one
 * listing of the namespace's revisions, shared only by writes that asked before it was sent (no
 * write trusts a read older than itself); a moved revision is read whole to tell "already desired"
 * from a conflict.
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
  const deleting = change.action === 'delete'
  if (deleting && revision === undefined) return { kind: 'desired' }
  const stored =
    deleting || revision === undefined ? undefined : await api.getFlow(change.namespace, change.id)
  // Kestra's own equality (docs/kestra.md#unchanged-source).
  if (
    stored &&
    change.desired !== undefined &&
    comparableFlowSource(stored.source) === comparableFlowSource(change.desired)
  ) {
    return { kind: 'desired', revision: stored.revision }
  }
  const name = `flow ${resourceName(change)}`
  const message =
    seen === undefined && !deleting
      ? `${name} appeared on the server (revision ${revision}) after the plan`
      : revision === undefined
        ? `${name} was deleted on the server after the plan (it was at revision ${seen})`
        : `${name} changed on the server after the plan (revision ${seen} → ${revision})`
  return { kind: 'moved', message }
}

const flowVersion = z.object({ revision: z.int(), sha256: sha256Field })

/** A flow as a rollback records it (docs/rollback.md#the-record). */
const recordedFlow = recordedSchema('flow', { id: z.string() }, flowVersion)
type RecordedFlow = z.infer<typeof recordedFlow>

/**
 * Flows in a rollback: each version by its revision (Kestra keeps them all) and the hash of its
 * source as Kestra compares it; the previous source is read back and checked against that hash
 * before it is written. Written flows go back callers first.
 */
export const flowsRollback: RollbackKind<FlowChange, RecordedFlow> = {
  name: 'flow',
  recordOf(change, { result, revision }) {
    const deleted = result === 'deleted' || change.action === 'delete'
    const before = change.current && {
      revision: change.current.revision,
      sha256: flowHash(change.current.source)
    }
    const deployed = deleted
      ? undefined
      : { revision: revision ?? 0, sha256: flowHash(change.desired ?? '') }
    return {
      resource: { kind: 'flow', id: change.id, before, deployed },
      previous: change.current?.source
    }
  },
  nameOf: (resource, namespace) => `${namespace}.${resource.id}`,
  parse: (value) => recordedFlow.safeParse(value).data,
  waves: (items, refs) =>
    orderWrites(items, refs, (item) => flowKey(item.namespace, item.resource.id)).waves.reverse(),
  async restore(item, deployed, api) {
    const { namespace, resource } = item
    const flow = await api.getFlow(namespace, resource.id)
    const held = flow && {
      sha256: flowHash(flow.source),
      since: resource.deployed ? ` (revision ${resource.deployed.revision} → ${flow.revision})` : ''
    }
    return restoreByHash(resource, held ?? {}, deployed, {
      remove: () => api.deleteFlow(namespace, resource.id),
      async putBack({ revision, sha256 }) {
        const source =
          typeof item.previous === 'string'
            ? item.previous
            : await api.flowRevisionSource(namespace, resource.id, revision)
        if (source === undefined || flowHash(source) !== sha256) {
          throw new Error(
            `the server no longer holds revision ${revision} as it was before the deploy`
          )
        }
        const stored = flow
          ? await api.updateFlow(namespace, resource.id, source)
          : await api.createFlow(source)
        return `previous source restored as revision ${stored.revision} (was revision ${revision})`
      }
    })
  }
}

export function flowHash(source: string): string {
  return sha256Hex(comparableFlowSource(source))
}

export interface UnfinishedGuard {
  policy: Settings['runningExecutions']
  timeoutSeconds: number
  flows: readonly { namespace: string; id: string }[]
  /** Their executions not finished now, per flowKey. */
  read(): Promise<Map<string, UnfinishedExecution[]>>
  log(message: string): void
  sleep(ms: number): Promise<void>
  now(): number
}

/** Between two reads while waiting: short enough to write soon after the last one ends. */
const POLL_MS = 2000

/**
 * Right before the first write (docs/caught-at-review.md#executions-not-finished): `fail` refuses
 * while an execution of a flow it updates or deletes is not finished, `wait` reads again until none
 * is (refusing past the timeout); a failed read refuses too, never unchecked.
 */
export async function guardUnfinished(guard: UnfinishedGuard): Promise<void> {
  if (guard.policy === 'warn' || guard.flows.length === 0) return
  const deadline = guard.now() + guard.timeoutSeconds * 1000
  let waited: string | undefined
  for (;;) {
    const found = await readOrRefuse(guard)
    if (found.length === 0) {
      if (waited) guard.log(`The executions waited for have ended: ${waited}.`)
      return
    }
    if (guard.policy === 'fail') {
      throw new DeployError(
        `Nothing was deployed: running-executions is fail and ${listText(found)}`
      )
    }
    const left = deadline - guard.now()
    if (left <= 0) {
      throw new DeployError(
        `Nothing was deployed: after waiting ${guard.timeoutSeconds} s (running-executions-timeout-seconds), ${listText(found)}`
      )
    }
    if (!waited) {
      for (const { name, executions } of found) {
        guard.log(
          `Waiting for ${executions.length} execution${executions.length === 1 ? '' : 's'} not finished of ${name} (up to ${guard.timeoutSeconds} s): ${executions.map((e) => `${e.id} (${e.state})`).join(', ')}`
        )
      }
      waited = found.flatMap((f) => f.executions.map((e) => e.id)).join(', ')
    }
    await guard.sleep(Math.min(POLL_MS, left))
  }
}

async function readOrRefuse(guard: UnfinishedGuard) {
  let byFlow: Map<string, UnfinishedExecution[]>
  try {
    byFlow = await guard.read()
  } catch (error) {
    throw new DeployError(
      `Nothing was deployed: running-executions is ${guard.policy} and the executions of the flows this deploy updates or deletes could not be read: ${errorMessage(error)}`
    )
  }
  return guard.flows.flatMap((flow) => {
    const executions = byFlow.get(flowKey(flow.namespace, flow.id)) ?? []
    return executions.length > 0 ? [{ name: `${flow.namespace}.${flow.id}`, executions }] : []
  })
}

function listText(found: Awaited<ReturnType<typeof readOrRefuse>>): string {
  const lines = found.flatMap(({ name, executions }) =>
    executions.map((e) => `- ${name}: execution ${e.id} (${e.state}) ${e.url}`)
  )
  return `these executions are not finished:\n${lines.join('\n')}\nLet them end (or kill them in Kestra), then run the deploy again; running-executions: warn deploys anyway.`
}
