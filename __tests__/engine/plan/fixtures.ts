import { createHash } from 'node:crypto'
import type { RemoteFlow } from '../../../src/model/kestra.js'
import { serverFile } from '../../../src/model/plan-input.js'
import { type HeldParts, heldNamespace } from '../../../test-support/server-state.js'
import type {
  ActualNamespace,
  DesiredFile,
  DesiredFlow,
  PlanInput,
  ServerFile
} from '../../../src/model/plan-input.js'

export function flowSource(namespace: string, id: string, message = 'hello'): string {
  return [
    `id: ${id}`,
    `namespace: ${namespace}`,
    'tasks:',
    '  - id: log',
    '    type: io.kestra.plugin.core.log.Log',
    `    message: ${message}`,
    ''
  ].join('\n')
}

export function desiredFlow(
  namespace: string,
  id: string,
  source = flowSource(namespace, id)
): DesiredFlow {
  return { namespace, id, source, file: `${namespace}/flows/${id}.yml` }
}

export function remoteFlow(
  namespace: string,
  id: string,
  source = flowSource(namespace, id),
  revision = 1
): RemoteFlow {
  return { namespace, id, source, revision }
}

export function bytesOf(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? new TextEncoder().encode(content) : content
}

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(bytesOf(content)).digest('hex')
}

export function desiredFile(
  namespace: string,
  path: string,
  content: string | Uint8Array
): DesiredFile {
  const bytes = bytesOf(content)
  return {
    namespace,
    path,
    bytes,
    sha256: sha256(bytes),
    size: bytes.length,
    binary: typeof content !== 'string',
    file: `${namespace}/files${path}`
  }
}

/** A server file with its bytes kept, as the server state holds one the repository lacks or changes. */
export function remoteFile(path: string, content: string | Uint8Array): ServerFile {
  const bytes = bytesOf(content)
  return serverFile(path, { size: bytes.length, bytes: () => bytes }, () => true)
}

export function planInput(
  parts: Partial<Omit<PlanInput, 'desired' | 'actual'>> & {
    flows?: DesiredFlow[]
    files?: DesiredFile[]
    actual?: Record<string, HeldParts | ActualNamespace>
  }
): PlanInput {
  const { flows = [], files = [], actual = {}, ...rest } = parts
  const namespaces = rest.namespaces ?? [
    ...new Set([...flows, ...files].map((r) => r.namespace).concat(Object.keys(actual)))
  ]
  return {
    scope: 'all',
    deleteEnabled: false,
    ...rest,
    namespaces,
    desired: new Map<string, unknown>([
      ['flow', flows],
      ['file', files]
    ]),
    actual: new Map(
      Object.entries(actual).map(([ns, held]) => [
        ns,
        held instanceof Map ? held : heldNamespace(held as HeldParts)
      ])
    )
  }
}
