import type { ResourceChange } from './types.js'

/** Plain code-unit comparison: the same order on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Namespace, then namespace files before flows, then path or id. */
export function compareChanges(a: ResourceChange, b: ResourceChange): number {
  return (
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.kind === 'flow' ? a.id : a.path, b.kind === 'flow' ? b.id : b.path)
  )
}
