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
 * Secrets: one tenant-wide set (OSS), or what each namespace sees (Enterprise: its own and its parents'), kept
 * upper-cased (OSS looks them up so). KV: the keys of each namespace read.
 */
export interface NameListings {
  secrets?: Listed<{ tenant?: string[]; byNamespace?: Record<string, string[]> }>
  kv?: Listed<Record<string, string[]>>
  /**
   * `kv('KEY')` without a namespace looks in the flow's namespace only and yields null when missing: Kestra before
   * 0.22 (docs/kestra.md#kv-inheritance).
   */
  kvOwnNamespaceOnly?: true
}

/**
 * Where a `kv()` call looks: its namespace argument only; else the flow's namespace and, unless the server looks
 * there only, each parent.
 */
export function kvLookupScopes(ref: NameReference, ownNamespaceOnly = false): string[] {
  if (ref.namespace !== undefined) return [ref.namespace]
  return ownNamespaceOnly ? [ref.flowNamespace] : kvScopes(ref.flowNamespace)
}

/** A namespace and its parents, nearest first: `a.b.c`, `a.b`, `a`. */
function kvScopes(namespace: string): string[] {
  const parts = namespace.split('.')
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'))
}

/**
 * The names the repository's own resources define once deployed, as sent, by the kind that holds them (`kv`:
 * KV keys): a name reference finds them whatever the server lists (docs/caught-at-review.md#secrets-and-kv-keys).
 */
export interface DefinedNames {
  has(kind: string, namespace: string, name: string): boolean
}
