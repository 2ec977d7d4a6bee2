import { lstatSync, realpathSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { ConfigError } from '../model/errors.js'

/** A symbolic link on the way to a path that leaves the workspace, and why it is refused. */
interface LeavingLink {
  /** The link, relative to the workspace. */
  link: string
  reason: string
}

/**
 * docs/security.md#what-the-action-reads: the first symbolic link on the way from the workspace to `rel` whose
 * real path (every link followed) is outside the workspace, or that leads nowhere; undefined when every
 * step stays inside. Only links are asked (lstat, realpath): nothing they point to is read or listed.
 */
export function linkLeavingWorkspace(workspace: string, rel: string): LeavingLink | undefined {
  const base = realOrUndefined(workspace)
  if (base === undefined) return undefined
  const parts = rel.split(/[\\/]/).filter((part) => part !== '' && part !== '.')
  let at = resolve(workspace)
  for (let i = 0; i < parts.length; i++) {
    at = join(at, parts[i]!)
    let stats
    try {
      stats = lstatSync(at, { throwIfNoEntry: false })
    } catch {
      return undefined
    }
    // Nothing there: what reads it says so (a root that does not exist is its own error).
    if (!stats) return undefined
    if (!stats.isSymbolicLink()) continue
    const link = parts.slice(0, i + 1).join('/')
    let real: string
    try {
      real = realpathSync(at)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      return { link, reason: code === 'ELOOP' ? 'it loops' : 'its target does not exist' }
    }
    if (!inside(base, real)) return { link, reason: 'it leads outside the workspace' }
  }
  return undefined
}

/**
 * The `root` input's folder, refused before anything under it is read when a link on the way leaves the
 * workspace (docs/inputs.md#reading-inputs). The error names the link, never where it points.
 */
export function confineRoot(workspace: string, root: string): void {
  const leaving = linkLeavingWorkspace(workspace, root)
  if (!leaving) return
  const { link, reason } = leaving
  const through = link === root.replace(/^\.\/+|\/+$/g, '') ? '' : ` (on the way to '${root}')`
  throw new ConfigError(
    'root',
    `'${link}' is a symbolic link${through} that is never followed: ${reason}. Nothing under it is read; ` +
      'make root a folder of the checkout'
  )
}

export function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

/** Whether `path` is `base` or under it. */
export function inside(base: string, path: string): boolean {
  const rel = relative(base, path)
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`))
}
