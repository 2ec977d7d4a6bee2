import { NAMESPACE_PATTERN } from '../namespaces.js'
import { reachesOutside } from './paths.js'

export interface NamespaceFileMapping {
  /** Folder relative to `root`, '/'-separated, no trailing slash ('' = root itself). */
  dir: string
  namespace: string
  /** '' or a path starting with '/' and without trailing slash. */
  prefix: string
}

const PATH_SEGMENT = /^[^\\]+$/

/** One `namespace-files` line, `DIR -> NAMESPACE[:/PREFIX]`; returns the mapping or why the line is not one. */
export function parseMapping(text: string): NamespaceFileMapping | string {
  const parts = text.split('->')
  if (parts.length !== 2) return "expected exactly one '->'"
  const dir = parts[0]!
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '')
  const target = parts[1]!.trim()
  if (reachesOutside(dir)) return 'DIR must be a folder inside root'
  const colon = target.indexOf(':')
  const namespace = colon === -1 ? target : target.slice(0, colon)
  let prefix = colon === -1 ? '' : target.slice(colon + 1).trim()
  if (!NAMESPACE_PATTERN.test(namespace)) return `'${namespace}' is not a Kestra namespace`
  if (colon !== -1) {
    if (!prefix.startsWith('/')) return 'PREFIX must start with /'
    prefix = prefix.replace(/\/+$/, '')
    if (prefix.split('/').includes('..') || !PATH_SEGMENT.test(prefix || '/'))
      return "PREFIX must not contain '..' or backslashes"
  }
  return { dir, namespace, prefix }
}
