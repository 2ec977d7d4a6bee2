import { parseDocument } from 'yaml'

/**
 * Kestra's own equality normalisation: the first `revision: N` line is ignored
 * (docs/kestra.md#unchanged-source).
 */
export function withoutRevisionLine(source: string): string {
  return source.replace(/^revision: \d+\n?/m, '')
}

/** `namespace` and `id` of a flow source when both are plain strings. */
export function flowIdentity(source: string): { namespace: string; id: string } | undefined {
  const doc = parseDocument(source, { uniqueKeys: false })
  const namespace: unknown = doc.get('namespace')
  const id: unknown = doc.get('id')
  return typeof namespace === 'string' && typeof id === 'string' ? { namespace, id } : undefined
}
