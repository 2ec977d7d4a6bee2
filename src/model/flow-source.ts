import { parseDocument } from 'yaml'
import { normaliseText } from './content.js'

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

/**
 * The text Kestra compares when deciding whether a flow changed: line endings normalised and the
 * first `revision: N` line removed (the server owns it), as its `isSameWithSource` does.
 */
export function comparableFlowSource(source: string): string {
  return withoutRevisionLine(normaliseText(source))
}
