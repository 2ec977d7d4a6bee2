import { z } from 'zod'
import type { RollbackKind } from '../../apply/kind.js'
import { orderFlowWrites } from '../../apply/order.js'
import { sha256Field } from '../../apply/rollback-record.js'
import { restoreByHash } from '../../apply/rollback.js'
import type { HistoryApi } from '../../kestra/api.js'
import type { RestoreItem } from '../../model/after-deploy.js'
import { sha256Hex } from '../../model/content.js'
import { comparableFlowSource } from '../../model/flow-source.js'
import type { FlowChange } from '../../model/plan.js'

/** A flow's version, by the revision that holds it and the hash of its comparable source. */
const flowVersion = z.object({ revision: z.int(), sha256: sha256Field })

/** A flow as a rollback records it (docs/rollback.md#the-record). */
const recordedFlow = z.object({
  kind: z.literal('flow'),
  id: z.string(),
  before: flowVersion.optional(),
  deployed: flowVersion.optional()
})
type RecordedFlow = z.infer<typeof recordedFlow>
type FlowVersion = z.infer<typeof flowVersion>

/**
 * Flows in a rollback: each version by the revision that holds it (Kestra keeps every revision of a flow)
 * and the hash of its source as Kestra compares it; the previous source read back from its revision and
 * checked against that hash before it is written. Written flows go back callers first.
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
    orderFlowWrites(
      items.map((item) => ({ namespace: item.namespace, id: item.resource.id, item })),
      refs
    )
      .waves.reverse()
      .map((wave) => wave.map((flow) => flow.item)),
  async restore(item, deployed, api) {
    const { namespace, resource } = item
    const flow = await api.getFlow(namespace, resource.id)
    const held = flow && {
      sha256: flowHash(flow.source),
      since: resource.deployed ? ` (revision ${resource.deployed.revision} → ${flow.revision})` : ''
    }
    const versions = { before: resource.before?.sha256, deployed: resource.deployed?.sha256 }
    return restoreByHash(versions, held ?? {}, deployed, async () => {
      if (!resource.before) {
        await api.deleteFlow(namespace, resource.id)
        return 'deleted (the deploy created it)'
      }
      const source = await previousSource(item, resource.before, api)
      const stored = flow
        ? await api.updateFlow(namespace, resource.id, source)
        : await api.createFlow(source)
      return `previous source restored as revision ${stored.revision} (was revision ${resource.before.revision})`
    })
  }
}

/** What a rollback compares of a flow: the SHA-256 of its source as Kestra compares it. */
export function flowHash(source: string): string {
  return sha256Hex(comparableFlowSource(source))
}

async function previousSource(
  item: RestoreItem<RecordedFlow>,
  { revision, sha256 }: FlowVersion,
  api: HistoryApi
): Promise<string> {
  if (typeof item.previous === 'string') return item.previous
  const source = await api.flowRevisionSource(item.namespace, item.resource.id, revision)
  if (source === undefined || flowHash(source) !== sha256) {
    throw new Error(`the server no longer holds revision ${revision} as it was before the deploy`)
  }
  return source
}
