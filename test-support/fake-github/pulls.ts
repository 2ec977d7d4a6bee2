/**
 * Pull requests (https://docs.github.com/rest/pulls/pulls): create, list, get, update; their files
 * (at most 3,000: https://docs.github.com/rest/pulls/pulls#list-pull-requests-files) and the pull
 * requests of a commit (https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit).
 * Branches are the git database's; a pull request takes the next issue number.
 */
import {
  failure,
  fields,
  missingField,
  notFound,
  notOneOf,
  paginate,
  validationFailed,
  type Reply
} from './http.js'
import type { FakeCommitPull, FakePull, FakePullSeed } from './types.js'
import { pullFilesOf } from './reviews.js'
import { ACTIONS_BOT_LOGIN, apiUrl, htmlUrl, userJson, type Route, type World } from './world.js'

const PR_FILES_CAP = 3000
const DOCS = 'https://docs.github.com/rest/pulls/pulls'
const STATES = ['open', 'closed'] as const

/** This repository's id, and a fork's: GitHub names a repository by `id` and `full_name`. */
const REPOSITORY_ID = 4242
const FORK_ID = 9999

export function pullJson(world: World, pull: FakePull) {
  const repo = (owner: string) => ({
    id: owner === world.owner ? REPOSITORY_ID : FORK_ID,
    full_name: `${owner}/${world.repo}`,
    name: world.repo,
    owner: { login: owner },
    fork: owner !== world.owner
  })
  const headSha = currentHeadSha(world, pull)
  return {
    url: apiUrl(world, `/pulls/${pull.number}`),
    id: pull.id,
    html_url: htmlUrl(world, `/pull/${pull.number}`),
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(pull.user),
    body: pull.body,
    labels: [],
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    closed_at: pull.closed_at,
    merged_at: null,
    merge_commit_sha: null,
    draft: pull.draft,
    maintainer_can_modify: pull.maintainer_can_modify,
    head: {
      label: `${pull.head.owner}:${pull.head.ref}`,
      ref: pull.head.ref,
      sha: headSha,
      user: { login: pull.head.owner },
      repo: repo(pull.head.owner)
    },
    base: {
      label: `${world.owner}:${pull.base.ref}`,
      ref: pull.base.ref,
      sha: pull.base.sha,
      user: { login: world.owner },
      repo: repo(world.owner)
    }
  }
}

function branchSha(world: World, name: string): string | undefined {
  return world.state.git.refs.get(`refs/heads/${name}`)
}

/**
 * An open pull request shows its head branch's current commit: a push (or a ref update through the git
 * database) to the branch moves it. A closed one keeps the commit it had when it closed.
 */
function currentHeadSha(world: World, pull: FakePull): string {
  if (pull.state !== 'open' || pull.head.owner !== world.owner) return pull.head.sha
  return branchSha(world, pull.head.ref) ?? pull.head.sha
}

function invalid(field: 'head' | 'base'): Reply {
  return validationFailed(
    [{ resource: 'PullRequest', field, code: 'invalid' }],
    `${DOCS}#create-a-pull-request`
  )
}

function custom(message: string): Reply {
  return validationFailed(
    [{ resource: 'PullRequest', code: 'custom', message }],
    `${DOCS}#create-a-pull-request`
  )
}

function create(world: World, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}#create-a-pull-request`
  // The repository setting binds the workflow's GITHUB_TOKEN only; a personal or GitHub App token is not
  // affected (https://docs.github.com/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#preventing-github-actions-from-creating-or-approving-pull-requests).
  if (world.actor.login === ACTIONS_BOT_LOGIN && !world.actionsCanCreatePullRequests) {
    return failure(403, 'GitHub Actions is not permitted to create or approve pull requests.', docs)
  }
  for (const field of ['head', 'base']) {
    if (typeof input[field] !== 'string') return missingField(field, docs)
  }
  if (typeof input.title !== 'string') {
    return validationFailed(
      [{ resource: 'PullRequest', code: 'missing_field', field: 'title' }],
      docs
    )
  }
  const [owner, ref] = String(input.head).includes(':')
    ? String(input.head).split(/:(.*)/s)
    : [world.owner, String(input.head)]
  const base = String(input.base)
  const baseSha = branchSha(world, base)
  if (!baseSha) return invalid('base')
  const headSha = owner === world.owner ? branchSha(world, ref) : undefined
  if (!headSha) return invalid('head')
  const open = [...world.state.pulls.values()].some(
    (p) => p.state === 'open' && p.head.owner === owner && p.head.ref === ref && p.base.ref === base
  )
  if (open) return custom(`A pull request already exists for ${owner}:${ref}.`)
  if (world.state.git.objects.isAncestor(headSha, baseSha)) {
    return custom(`No commits between ${base} and ${ref}`)
  }
  const now = world.tick()
  const pull: FakePull = {
    id: world.nextId(),
    number: world.nextNumber(),
    title: input.title,
    body: typeof input.body === 'string' ? input.body : null,
    state: 'open',
    draft: input.draft === true,
    maintainer_can_modify: input.maintainer_can_modify !== false,
    user: world.actor,
    head: { owner, ref, sha: headSha },
    base: { ref: base, sha: baseSha },
    created_at: now,
    updated_at: now,
    closed_at: null
  }
  world.state.pulls.set(pull.number, pull)
  return { status: 201, body: pullJson(world, pull) }
}

export function seedPull(world: World, seed: FakePullSeed): void {
  const now = world.tick()
  const state = seed.state ?? 'open'
  world.state.pulls.set(seed.number, {
    id: world.nextId(),
    number: seed.number,
    title: `Pull request #${seed.number}`,
    body: null,
    state,
    draft: false,
    maintainer_can_modify: false,
    user: { login: seed.head.owner ?? world.owner, type: 'User' },
    head: { owner: seed.head.owner ?? world.owner, ref: seed.head.ref, sha: seed.head.sha },
    base: seed.base,
    created_at: now,
    updated_at: now,
    closed_at: state === 'closed' ? now : null
  })
}

/** `head` filters only in its documented `user:ref-name` form; a bare branch name filters nothing. */
function list(world: World, query: Record<string, string>): FakePull[] {
  const state = query.state ?? 'open'
  const head = query.head?.includes(':') ? query.head : undefined
  const pulls = [...world.state.pulls.values()].filter(
    (p) =>
      (state === 'all' || p.state === state) &&
      (head === undefined || `${p.head.owner}:${p.head.ref}` === head) &&
      (query.base === undefined || p.base.ref === query.base)
  )
  const newestFirst = (query.direction ?? 'desc') === 'desc'
  return pulls.sort((a, b) => (newestFirst ? b.number - a.number : a.number - b.number))
}

function update(world: World, pull: FakePull, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}#update-a-pull-request`
  if (input.state !== undefined && !STATES.includes(input.state as 'open')) {
    return notOneOf('state', input.state, STATES, docs)
  }
  if (input.base !== undefined) {
    const sha = branchSha(world, String(input.base))
    if (!sha) return invalid('base')
    pull.base = { ref: String(input.base), sha }
  }
  if (typeof input.title === 'string') pull.title = input.title
  if (typeof input.body === 'string') pull.body = input.body
  if (typeof input.maintainer_can_modify === 'boolean') {
    pull.maintainer_can_modify = input.maintainer_can_modify
  }
  pull.updated_at = world.tick()
  if (input.state !== undefined && input.state !== pull.state) {
    pull.head.sha = currentHeadSha(world, pull)
    pull.state = input.state as FakePull['state']
    pull.closed_at = pull.state === 'closed' ? pull.updated_at : null
  }
  return { status: 200, body: pullJson(world, pull) }
}

function commitPull(world: World, pull: FakeCommitPull) {
  return {
    number: pull.number,
    state: pull.merged_at ? 'closed' : 'open',
    merged_at: pull.merged_at ?? null,
    merge_commit_sha: pull.merge_commit_sha ?? null,
    html_url: htmlUrl(world, `/pull/${pull.number}`)
  }
}

export const pullRoutes: Route[] = [
  {
    method: 'POST',
    path: /^\/pulls$/,
    scopes: ['pull-requests'],
    access: 'write',
    docs: `${DOCS}#create-a-pull-request`,
    handle: (req, _match, world) => create(world, fields(req))
  },
  {
    method: 'GET',
    path: /^\/pulls$/,
    scopes: ['pull-requests'],
    access: 'read',
    docs: `${DOCS}#list-pull-requests`,
    handle: (req, _match, world) =>
      paginate(
        req,
        list(world, req.query).map((pull) => pullJson(world, pull))
      )
  },
  {
    method: 'GET',
    path: /^\/pulls\/(\d+)$/,
    scopes: ['pull-requests'],
    access: 'read',
    docs: `${DOCS}#get-a-pull-request`,
    handle: (_req, [, number], world) => {
      const pull = world.state.pulls.get(Number(number))
      return pull ? { status: 200, body: pullJson(world, pull) } : notFound(DOCS)
    }
  },
  {
    method: 'PATCH',
    path: /^\/pulls\/(\d+)$/,
    scopes: ['pull-requests'],
    access: 'write',
    docs: `${DOCS}#update-a-pull-request`,
    handle: (req, [, number], world) => {
      const pull = world.state.pulls.get(Number(number))
      return pull ? update(world, pull, fields(req)) : notFound(DOCS)
    }
  },
  {
    method: 'GET',
    path: /^\/pulls\/(\d+)\/files$/,
    scopes: ['pull-requests'],
    access: 'read',
    docs: `${DOCS}#list-pull-requests-files`,
    handle: (req, [, number], world) => {
      const pull = world.state.pulls.get(Number(number))
      // Set by the test, else the seeded pull request's own diff in the git database, patches included.
      const files = world.state.pullFiles.get(Number(number)) ?? (pull && pullFilesOf(world, pull))
      return files ? paginate(req, files, PR_FILES_CAP) : notFound(DOCS)
    }
  },
  {
    method: 'GET',
    path: /^\/commits\/([^/]+)\/pulls$/,
    scopes: ['pull-requests', 'contents'],
    access: 'read',
    docs: 'https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit',
    handle: (_req, [, sha], world) => {
      const pulls = world.state.commitPulls.get(sha)
      if (!pulls) return { status: 422, body: { message: `No commit found for SHA: ${sha}` } }
      return { status: 200, body: pulls.map((pull) => commitPull(world, pull)) }
    }
  }
]
