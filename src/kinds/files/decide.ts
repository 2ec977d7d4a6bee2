import type { DecideKind } from '../../decide/kind.js'
import type { RepositoryShape } from '../../model/drift.js'
import type { FileChange } from '../../model/plan.js'
import type { RepositoryReading } from '../../decide/validate/index.js'
import { fileFindings } from './decide-checks.js'
import { planFiles } from './decide-plan.js'

/** Namespace files in a plan: before the flows that read them, by path. */
export const filesDecide: DecideKind<FileChange, RepositoryReading> = {
  name: 'file',
  order: 0,
  pipelineReading: true,
  idOf: (change) => change.path,
  planFileIdentity: (change) => ({ path: change.path }),
  planFileDetails: () => ({}),
  fingerprintOf: (r) => [
    'file',
    r.namespace,
    r.path,
    r.action,
    r.desired?.sha256 ?? null,
    null,
    r.current?.sha256 ?? null
  ],
  validate: fileFindings,
  plan: (_reading, options) => planFiles(options),
  newPath: (change, shape) => newFilePath(change.namespace, change.path, shape)
}

function join(...parts: string[]): string {
  return parts.filter(Boolean).join('/')
}

/** Where a namespace file that only the server holds goes: a mapping, or the layout's files folder. */
function newFilePath(
  namespace: string,
  path: string,
  shape: RepositoryShape
): { path: string } | { reason: string } {
  const parts = path.split('/').slice(1)
  if (parts.length === 0 || parts.some((part) => ['', '.', '..'].includes(part))) {
    return { reason: 'its path cannot name a repository file' }
  }
  for (const mapping of shape.mappings) {
    if (mapping.namespace !== namespace) continue
    if (mapping.prefix && !path.startsWith(`${mapping.prefix}/`)) continue
    return { path: join(shape.rootRel, mapping.dir, path.slice(mapping.prefix.length + 1)) }
  }
  if (shape.layout === 'tenant') return { path: join(shape.rootRel, namespace, 'files', ...parts) }
  if (shape.layout === 'namespace' && shape.namespace === namespace) {
    return { path: join(shape.rootRel, 'files', ...parts) }
  }
  return { reason: 'no folder of the repository maps to its namespace' }
}
