import type { DriftedResource } from '../../../src/model/drift.js'
import type { ShownDrift } from '../../../src/engine/drift/reports.js'
import type { FileChange, FlowChange } from '../../../src/model/plan.js'

function actionOf(kind: DriftedResource['kind']): FlowChange['action'] {
  return kind === 'edited' ? 'update' : kind === 'deleted-in-kestra' ? 'create' : 'orphaned'
}

export function flowDrift(
  namespace: string,
  id: string,
  kind: DriftedResource['kind'],
  options: { file?: string; source?: string; revision?: number } = {}
): DriftedResource {
  const action = actionOf(kind)
  const change: FlowChange = {
    kind: 'flow',
    namespace,
    id,
    action,
    drifted: true,
    ...(options.file !== undefined && { file: options.file }),
    ...(kind !== 'deleted-in-kestra' && {
      current: {
        source: options.source ?? `id: ${id}\nnamespace: ${namespace}\ntasks: []\n`,
        revision: options.revision ?? 2
      }
    })
  }
  return { change, name: `${namespace}.${id}`, kind, revision: options.revision }
}

export function fileDrift(
  namespace: string,
  path: string,
  kind: DriftedResource['kind'],
  options: { file?: string; bytes?: Uint8Array } = {}
): DriftedResource {
  const action = actionOf(kind)
  const change: FileChange = {
    kind: 'file',
    namespace,
    path,
    action,
    drifted: true,
    ...(options.file !== undefined && { file: options.file }),
    ...(options.bytes && action === 'update' && { previous: options.bytes })
  }
  return { change, name: `${namespace}:${path}`, kind }
}

export function shown(item: DriftedResource, extra: Partial<ShownDrift> = {}): ShownDrift {
  const { change, ...rest } = item
  return { ...rest, resourceKind: change.kind, file: change.file, ...extra }
}
