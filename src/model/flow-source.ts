import { parseDocument } from 'yaml'
import { normaliseText } from './content.js'

/** Kestra's equality normalisation ignores the first `revision: N` line (docs/kestra.md#unchanged-source). */
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

/** What Kestra's `isSameWithSource` compares: line endings normalised, the server's `revision: N` line removed. */
export function comparableFlowSource(source: string): string {
  return withoutRevisionLine(normaliseText(source))
}

/** A line at the left margin that is a plain `key:` of the root block mapping. */
const BLOCK_KEY = /^[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)/
/**
 * An alias (`*a`, which copies its anchor's node from anywhere) where a node can start. A `*` in a quoted or plain
 * scalar (a cron) is not one; one after `- ` inside a string is, which only means the source is parsed.
 */
const ALIAS = /(?:^[ \t]*|[:?-][ \t]+|[[{,][ \t]*)\*[^\s,[\]{}]/m

/**
 * The text that decides the values of the top-level `keys`: their entries, each up to the next key at the left
 * margin; equal texts read as equal values, so need no parse to compare. Undefined when the text alone cannot
 * tell: an alias, a margin line that is no plain key (flow style, document marker, quoted key), or no block
 * mapping.
 */
export function topLevelText(source: string, keys: ReadonlySet<string>): string | undefined {
  if (ALIAS.test(source)) return undefined
  const kept: string[] = []
  let keeping = false
  let mapping = false
  for (const line of source.split('\n')) {
    const margin = /^\S/.test(line) && !line.startsWith('#') && !/^-(?:[ \t]|$)/.test(line)
    if (margin) {
      if (!BLOCK_KEY.test(line)) return undefined
      keeping = keys.has(line.slice(0, line.indexOf(':')).trim())
      mapping = true
    } else if (!mapping && /^-(?:[ \t]|$)/.test(line)) {
      return undefined // a sequence, not a mapping
    }
    if (keeping) kept.push(line)
  }
  return mapping ? kept.join('\n') : undefined
}
