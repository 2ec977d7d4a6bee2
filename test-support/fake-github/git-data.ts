/**
 * The repository (https://docs.github.com/rest/repos/repos#get-a-repository) and what its git database
 * routes share: GitHub's git docs, the token's commit identity, the refusal of an empty repository.
 */
import { failure, type Reply } from './http.js'
import { ACTIONS_BOT_LOGIN, apiUrl, htmlUrl, type Route, type World } from './world.js'

export const GIT_DOCS = 'https://docs.github.com/rest/git'

/** "Empty repositories are repositories without branches": writes there are a 409. */
export function emptyRepository(world: World, docs: string): Reply | undefined {
  return world.state.git.isEmpty() ? failure(409, 'Git Repository is empty.', docs) : undefined
}

/** Who commits when a request names nobody: the token's user (GitHub Actions' bot has id 41898282). */
export function identity(world: World) {
  const email =
    world.actor.login === ACTIONS_BOT_LOGIN
      ? '41898282+github-actions[bot]@users.noreply.github.com'
      : `${world.actor.login}@users.noreply.github.com`
  return { name: world.actor.login, email }
}

export const repositoryRoutes: Route[] = [
  {
    method: 'GET',
    path: /^$/,
    scopes: ['metadata'],
    access: 'read',
    docs: 'https://docs.github.com/rest/repos/repos#get-a-repository',
    handle: (_req, _match, world) => ({
      status: 200,
      body: {
        name: world.repo,
        full_name: `${world.owner}/${world.repo}`,
        owner: { login: world.owner },
        private: false,
        fork: false,
        html_url: htmlUrl(world, ''),
        url: apiUrl(world, ''),
        default_branch: world.state.git.defaultBranch,
        has_issues: world.hasIssues
      }
    })
  }
]
