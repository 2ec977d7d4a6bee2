import type { ServerInfo } from '../../model/kestra.js'
import { ActionError } from '../../model/errors.js'
import { parseVersion } from '../../model/version.js'

/**
 * How a server stores a namespace file path (docs/kestra.md#namespace-file-names). 0.19 → 0.x: `URLEncoder` then
 * `URI.getPath()` undo every escape but a space, stored as '+' (NamespaceFileController), and `URI.create` cuts at
 * '?' or '#', reads '%' as an escape and refuses some characters; 0.13 → 0.18 bind a URI, refusing a space too.
 */
type FileNaming = 'exact' | 'space-as-plus' | 'uri'

export function fileNaming(info: Pick<ServerInfo, 'version'>): FileNaming {
  const version = parseVersion(info.version)
  if (!version || version[0] >= 1) return 'exact'
  return version[1] >= 19 ? 'space-as-plus' : 'uri'
}

/** Characters a pre-1.0 server cannot keep in a name, besides the space on 0.13 → 0.18. */
const UNSTORABLE = /[?#%"<>\\^`{|}[\]]|[^\P{Z} ]|\p{Cc}/u

export function storedPath(
  naming: FileNaming,
  path: string
): { path: string } | { problem: string } {
  if (naming === 'exact') return { path }
  const bad =
    UNSTORABLE.exec(path)?.[0] ?? (naming === 'uri' && path.includes(' ') ? ' ' : undefined)
  if (bad !== undefined) {
    return {
      problem: `Kestra before 1.0 keeps namespace file paths in a URI, where ${JSON.stringify(bad)} cannot be part of a name`
    }
  }
  return { path: naming === 'space-as-plus' ? path.replace(/ /g, '+') : path }
}

/**
 * Stored path → repository path for the files the server stores under another name. Throws, naming the files,
 * when the server cannot store one under its name or would store two as one.
 */
export function repositoryNames(
  naming: FileNaming,
  namespace: string,
  entries: readonly { path: string; file: string }[]
): Map<string, string> {
  const names = new Map<string, string>()
  if (naming === 'exact') return names
  const owners = new Map<string, { path: string; file: string }>()
  for (const entry of entries) {
    const stored = storedPath(naming, entry.path)
    if ('problem' in stored) {
      throw new ActionError(
        `Namespace file ${entry.file} ('${entry.path}' in namespace '${namespace}') cannot be deployed to this Kestra server: ${stored.problem}. Rename the file, or upgrade Kestra to 1.0 or later.`
      )
    }
    const owner = owners.get(stored.path)
    if (owner && owner.path !== entry.path) {
      throw new ActionError(
        `Namespace files ${owner.file} and ${entry.file} (namespace '${namespace}') would be one file '${stored.path}' on this Kestra server: before 1.0 it stores a space as '+'. Rename one of them.`
      )
    }
    owners.set(stored.path, entry)
    if (stored.path !== entry.path) names.set(stored.path, entry.path)
  }
  return names
}
