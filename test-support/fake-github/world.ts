/** What every area of the fake shares: the repository, the token's identity, the clock, the routes' shape. */
import type { Reply, Request } from './http.js'
import type { Scope } from './permissions.js'
import type { FakeGitHubState, FakeUser } from './types.js'

/** The login of the workflow's GITHUB_TOKEN (https://docs.github.com/actions/security-guides/automatic-token-authentication). */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]'

export interface World {
  owner: string
  repo: string
  actor: FakeUser
  state: FakeGitHubState
  inlineContentLimit: number
  actionsCanCreatePullRequests: boolean
  hasIssues: boolean
  /** Advances the fake clock by one second: GitHub's `2026-01-01T00:00:01Z`. */
  tick(): string
  /** A new database id (deployments, statuses, issues, pull requests…). */
  nextId(): number
  /** The next issue number: issues and pull requests share them. */
  nextNumber(): number
}

export interface Route {
  method: string
  /** Tested against the path after `/repos/{owner}/{repo}` (`''` for the repository itself). */
  path: RegExp
  /** The permissions that allow it; any one of them suffices. */
  scopes: Scope[]
  access: 'read' | 'write'
  /** The endpoint's REST docs: the source of its behaviour and the `documentation_url` of its errors. */
  docs: string
  handle(req: Request, match: RegExpExecArray, world: World): Reply
}

export function apiUrl(world: World, path: string): string {
  return `https://api.github.com/repos/${world.owner}/${world.repo}${path}`
}

export function htmlUrl(world: World, path: string): string {
  return `https://github.com/${world.owner}/${world.repo}${path}`
}

export function userJson(user: FakeUser) {
  return { login: user.login, type: user.type }
}
