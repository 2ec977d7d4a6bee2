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

/** A line at the left margin that is a plain `key:` of the root block mapping. */
const BLOCK_KEY = /^[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)/
/**
 * An alias (`*a`), which copies the node its anchor names from anywhere in the document: where a node can start
 * (a line's first token, after `: `, `- `, `? `, or in a flow collection), followed by its name. A `*` inside a
 * quoted or plain scalar (a cron's `0 * * * *`) is not one; one after `- ` inside a string is taken for one, which
 * only means that the source is parsed.
 */
const ALIAS = /(?:^[ \t]*|[:?-][ \t]+|[[{,][ \t]*)\*[^\s,[\]{}]/m

/**
 * The text of a flow source that decides the values of its top-level `keys`: their block mapping entries, each
 * with its lines up to the next key at the left margin (comments, blank lines and a block sequence written at the
 * margin included). The same text always reads as the same values, so two sources whose texts are equal need not
 * be parsed to compare them. Undefined when the text alone cannot tell: an alias could bring text in from
 * elsewhere, or a line at the left margin is none of those (a flow-style document, a document marker or
 * directive, a quoted or complex key), or the source is no block mapping at all.
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
