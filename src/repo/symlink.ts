import { realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, sep } from 'node:path'
import type { IgnoreRules } from './ignore-rules.js'

/** What a symbolic link under root leads to, decided without reading anything outside root. */
export type LinkTarget =
  | { kind: 'file'; realPath: string }
  | { kind: 'folder'; escapes: boolean; reason?: string }
  | { kind: 'escapes'; reason: string }
  | { kind: 'other' }

export async function resolveLink(
  linkAbs: string,
  rootReal: string,
  rules: IgnoreRules
): Promise<LinkTarget> {
  let realPath: string
  try {
    realPath = await realpath(linkAbs)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return { kind: 'escapes', reason: code === 'ELOOP' ? 'it loops' : 'its target does not exist' }
  }
  const reason = await escapeReason(realPath, rootReal, rules)
  // stat only asks the kind of the target (a folder is reported, not followed); it reads no content.
  const target = await stat(realPath).catch(() => undefined)
  if (target?.isDirectory()) return { kind: 'folder', escapes: reason !== undefined, reason }
  if (reason) return { kind: 'escapes', reason }
  if (target?.isFile()) return { kind: 'file', realPath }
  return { kind: 'other' }
}

async function escapeReason(
  realPath: string,
  rootReal: string,
  rules: IgnoreRules
): Promise<string | undefined> {
  const rel = relative(rootReal, realPath)
  if (rel === '') return 'it points to the root folder itself'
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return 'it points outside the root folder'
  }
  // Excluded paths include .git, whose config may hold credentials (actions/checkout keeps the token there).
  if (await rules.excludesPath(rel.split(sep).join('/'))) {
    return 'it points to a path excluded by .kestraignore, a dot-folder or .git'
  }
  return undefined
}
