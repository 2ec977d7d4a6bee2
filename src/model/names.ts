import type { ReferenceSite } from './references.js'

/** The names flows ask the server for (docs/caught-at-review.md#secrets-and-kv-keys), and its listings of them. */

/** A `secret('NAME')` or `kv('KEY')` call with a literal name, where it is written. */
export interface NameReference extends ReferenceSite {
  kind: 'secret' | 'kv'
  name: string
  /** The `namespace` argument, when the call gives one literally. */
  namespace?: string
  /** The namespace of the flow holding the call: where Kestra looks without a `namespace` argument. */
  flowNamespace: string
}

/** What the server answered for a listing, or why it could not list (docs/caught-at-review.md). */
export type Listed<T> = { listed: true; value: T } | { listed: false; reason: string }

/**
 * The names the server defines. Secrets: one tenant-wide set (OSS: secrets belong to no namespace), or
 * the set each namespace sees (Enterprise: its own and its parents'). KV: the keys of each namespace read.
 * Names are kept upper-cased for secrets (OSS looks them up upper-cased).
 */
export interface NameListings {
  secrets?: Listed<{ tenant?: string[]; byNamespace?: Record<string, string[]> }>
  kv?: Listed<Record<string, string[]>>
  /**
   * `kv('KEY')` without a namespace looks in the flow's own namespace only, and yields null when the key is
   * missing: Kestra before 0.22 (docs/kestra.md#kv-inheritance). Absent: its parents too, and it fails.
   */
  kvOwnNamespaceOnly?: true
}

/** Where a `kv()` call looks: its namespace argument only; else the flow's namespace and, unless the server looks there only, each parent. */
export function kvLookupScopes(ref: NameReference, ownNamespaceOnly = false): string[] {
  if (ref.namespace !== undefined) return [ref.namespace]
  return ownNamespaceOnly ? [ref.flowNamespace] : kvScopes(ref.flowNamespace)
}

/** A namespace and its parents, nearest first: `a.b.c`, `a.b`, `a`. */
function kvScopes(namespace: string): string[] {
  const parts = namespace.split('.')
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'))
}
