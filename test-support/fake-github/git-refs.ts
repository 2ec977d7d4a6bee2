/**
 * Git references (https://docs.github.com/rest/git/refs): `GET git/ref/heads/<branch>` (404
 * otherwise); create needs `refs/…` with at least three components, an existing object (422 `Object
 * does not exist`) and a free name (422 `Reference already exists`); update is a fast-forward unless
 * `force` (422 `Update is not a fast forward`), a missing ref is 422 `Reference does not exist`, an
 * unknown sha a bodiless 500 (github/rest-api-description#714).
 */
import { emptyRepository, GIT_DOCS as DOCS, identity } from './git-data.js'
import { failure, fields, missingField, notFound, type Reply } from './http.js'
import { apiUrl, type Route, type World } from './world.js'

function refJson(world: World, name: string, sha: string) {
  const type = world.state.git.objects.get(sha)?.type ?? 'commit'
  return {
    ref: name,
    url: apiUrl(world, `/git/${name}`),
    object: { type, sha, url: apiUrl(world, `/git/${type}s/${sha}`) }
  }
}

/**
 * Merges the default branch into `branch` as a deployment's `auto_merge` does: a new merge commit on
 * the branch, or undefined when the files conflict.
 */
export function mergeInto(world: World, branch: string, other: string): string | undefined {
  const { git } = world.state
  const ref = `refs/heads/${branch}`
  const ours = git.refs.get(ref)!
  const tree = git.mergeTrees(ours, other)
  if (!tree) return undefined
  const person = { ...identity(world), date: world.tick() }
  const message = `Auto-merged ${git.defaultBranch} into ${branch} on deployment.`
  const sha = git.objects.writeCommit({
    tree,
    parents: [ours, other],
    author: person,
    committer: person,
    message
  })
  git.refs.set(ref, sha)
  return sha
}

function createRef(world: World, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}/refs#create-a-reference`
  if (typeof input.ref !== 'string') return missingField('ref', docs)
  if (typeof input.sha !== 'string') return missingField('sha', docs)
  const { git } = world.state
  if (!input.ref.startsWith('refs/') || input.ref.split('/').length < 3) {
    return failure(
      422,
      'Reference name must contain at least three slash-separated components.',
      docs
    )
  }
  const empty = emptyRepository(world, docs)
  if (empty) return empty
  if (!git.objects.has(input.sha)) return failure(422, 'Object does not exist', docs)
  if (git.refs.has(input.ref)) return failure(422, 'Reference already exists', docs)
  git.refs.set(input.ref, input.sha)
  return { status: 201, body: refJson(world, input.ref, input.sha) }
}

function updateRef(world: World, name: string, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}/refs#update-a-reference`
  if (typeof input.sha !== 'string') return missingField('sha', docs)
  const { git } = world.state
  const current = git.refs.get(name)
  if (!current) return failure(422, 'Reference does not exist', docs)
  if (!git.objects.has(input.sha)) return { status: 500 }
  if (!git.objects.has(input.sha, 'commit')) return failure(422, 'Reference update failed', docs)
  if (input.force !== true && !git.objects.isAncestor(current, input.sha)) {
    return failure(422, 'Update is not a fast forward', docs)
  }
  git.refs.set(name, input.sha)
  return { status: 200, body: refJson(world, name, input.sha) }
}

export const refRoutes: Route[] = [
  {
    method: 'GET',
    path: /^\/git\/ref\/(.+)$/,
    scopes: ['contents'],
    access: 'read',
    docs: `${DOCS}/refs#get-a-reference`,
    handle: (_req, [, ref], world) => {
      const sha = ref.startsWith('refs/') ? undefined : world.state.git.refs.get(`refs/${ref}`)
      return sha
        ? { status: 200, body: refJson(world, `refs/${ref}`, sha) }
        : notFound(`${DOCS}/refs#get-a-reference`)
    }
  },
  {
    method: 'POST',
    path: /^\/git\/refs$/,
    scopes: ['contents'],
    access: 'write',
    docs: `${DOCS}/refs#create-a-reference`,
    handle: (req, _match, world) => createRef(world, fields(req))
  },
  {
    method: 'PATCH',
    path: /^\/git\/refs\/(.+)$/,
    scopes: ['contents'],
    access: 'write',
    docs: `${DOCS}/refs#update-a-reference`,
    handle: (req, [, ref], world) => updateRef(world, `refs/${ref}`, fields(req))
  },
  {
    method: 'DELETE',
    path: /^\/git\/refs\/(.+)$/,
    scopes: ['contents'],
    access: 'write',
    docs: `${DOCS}/refs#delete-a-reference`,
    handle: (_req, [, ref], world) =>
      world.state.git.refs.delete(`refs/${ref}`)
        ? { status: 204 }
        : failure(422, 'Reference does not exist', `${DOCS}/refs#delete-a-reference`)
  }
]
