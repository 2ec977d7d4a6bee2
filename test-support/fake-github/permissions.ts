/**
 * The workflow token's permissions (`permissions:` in a workflow: `contents: write`, `issues: none`…).
 * Which permission each endpoint needs is GitHub's table "Permissions required for GitHub Apps"
 * (https://docs.github.com/rest/authentication/permissions-required-for-github-apps): e.g. create a
 * deployment needs Deployments write, list environments Actions read, create an issue comment Issues
 * or Pull requests write, the git database Contents. Without it GitHub answers 403 "Resource not
 * accessible by integration".
 */

export const SCOPES = [
  'actions',
  'contents',
  'deployments',
  'issues',
  'metadata',
  'pull-requests',
  'statuses'
] as const

export type Scope = (typeof SCOPES)[number]
export type Access = 'none' | 'read' | 'write'
export type TokenPermissions = Partial<Record<Scope, Access>>

const LEVEL: Record<Access, number> = { none: 0, read: 1, write: 2 }

/** A token with every permission (the "permissive" default); `metadata` is always read-only. */
export function fullPermissions(granted: TokenPermissions = {}): Record<Scope, Access> {
  const all = Object.fromEntries(SCOPES.map((scope) => [scope, 'write'])) as Record<Scope, Access>
  return { ...all, ...granted, metadata: 'read' }
}

/** True when one of `scopes` grants `access` (GitHub accepts any of the alternatives it lists). */
export function allows(
  permissions: Record<Scope, Access>,
  scopes: readonly Scope[],
  access: 'read' | 'write'
): boolean {
  return scopes.some((scope) => LEVEL[permissions[scope]] >= LEVEL[access])
}
