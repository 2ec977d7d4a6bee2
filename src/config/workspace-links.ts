import { lstatSync, realpathSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { ConfigError } from '../model/errors.js'

/**
 * The first link on the way to `rel` whose real path leaves the workspace or leads nowhere (relative to the
 * workspace), and why; only lstat and realpath are asked (docs/security.md#what-the-action-reads).
 */
export function linkLeavingWorkspace(
  workspace: string,
  rel: string
): { link: string; reason: string } | undefined {
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
 * `root` is refused when a link on the way leaves the workspace; the error names the link, never its target
 * (docs/inputs.md#reading-inputs).
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

export function inside(base: string, path: string): boolean {
  const rel = relative(base, path)
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`))
}
