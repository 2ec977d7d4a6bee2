/**
 * Blobs, trees and commits (https://docs.github.com/rest/git/blobs, …/trees, …/commits):
 * - blobs: `content` in `utf-8` or `base64`;
 * - trees: entries by `sha` or `content` (both or neither: 422), `sha: null` deletes (a path that does
 *   not exist: 422 `GitRPC::BadObjectState`), nested paths build subtrees, over `base_tree`; read back
 *   recursively with any `recursive` value, by tree sha, commit sha or branch;
 * - commits: `message`, `tree`, `parents` (422 `Tree SHA does not exist`, `Parent SHA does not exist or
 *   is not a commit object`); author defaults to the token's identity, committer to the author.
 */
import type { FlatEntry } from './git-objects.js'
import { TREE_MODE } from './git-objects.js'
import { emptyRepository, GIT_DOCS as DOCS, identity } from './git-data.js'
import {
  failure,
  fields,
  isRecord,
  missingField,
  notFound,
  notOneOf,
  validationFailed,
  type Reply
} from './http.js'
import { apiUrl, htmlUrl, type Route, type World } from './world.js'

const MODES = ['100644', '100755', '040000', '160000', '120000'] as const
const TYPES = ['blob', 'tree', 'commit'] as const
const BOTH_OR_NEITHER =
  'Must supply either tree.sha or tree.content. Request will be rejected if both are present.'

function treeJson(world: World, sha: string, recursive: boolean) {
  const { objects } = world.state.git
  const tree: Record<string, unknown>[] = []
  const walk = (treeSha: string, prefix: string) => {
    for (const entry of objects.readTree(treeSha)) {
      const isTree = entry.mode === TREE_MODE
      const type = isTree ? 'tree' : entry.mode === '160000' ? 'commit' : 'blob'
      tree.push({
        path: prefix + entry.name,
        mode: isTree ? '040000' : entry.mode,
        type,
        sha: entry.sha,
        ...(type === 'blob' && { size: objects.get(entry.sha)?.content.length ?? 0 }),
        url: apiUrl(world, `/git/${type}s/${entry.sha}`)
      })
      if (isTree && recursive) walk(entry.sha, `${prefix}${entry.name}/`)
    }
  }
  walk(sha, '')
  return { sha, url: apiUrl(world, `/git/trees/${sha}`), tree, truncated: false }
}

function commitJson(world: World, sha: string) {
  const commit = world.state.git.objects.readCommit(sha)
  return {
    sha,
    url: apiUrl(world, `/git/commits/${sha}`),
    html_url: htmlUrl(world, `/commit/${sha}`),
    author: commit.author,
    committer: commit.committer,
    tree: { sha: commit.tree, url: apiUrl(world, `/git/trees/${commit.tree}`) },
    message: commit.message,
    parents: commit.parents.map((parent) => ({
      sha: parent,
      url: apiUrl(world, `/git/commits/${parent}`),
      html_url: htmlUrl(world, `/commit/${parent}`)
    })),
    verification: {
      verified: false,
      reason: 'unsigned',
      signature: null,
      payload: null,
      verified_at: null
    }
  }
}

function createBlob(world: World, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}/blobs#create-a-blob`
  if (typeof input.content !== 'string') return missingField('content', docs)
  const encoding = input.encoding ?? 'utf-8'
  if (encoding !== 'utf-8' && encoding !== 'base64') {
    return validationFailed([{ resource: 'Blob', field: 'encoding', code: 'invalid' }], docs)
  }
  const empty = emptyRepository(world, docs)
  if (empty) return empty
  const bytes = Buffer.from(input.content, encoding === 'base64' ? 'base64' : 'utf8')
  const sha = world.state.git.objects.put('blob', bytes)
  return { status: 201, body: { url: apiUrl(world, `/git/blobs/${sha}`), sha } }
}

/** `a/b/c`: no leading, trailing or doubled slash, no `.`, `..` or `.git` component. */
function malformedPath(path: unknown): boolean {
  if (typeof path !== 'string' || path === '') return true
  return path.split('/').some((part) => ['', '.', '..', '.git'].includes(part))
}

function createTree(world: World, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}/trees#create-a-tree`
  if (!Array.isArray(input.tree)) return missingField('tree', docs)
  const { objects } = world.state.git
  const empty = emptyRepository(world, docs)
  if (empty) return empty
  let files = new Map<string, FlatEntry>()
  if (input.base_tree !== undefined && input.base_tree !== null) {
    if (!objects.has(String(input.base_tree), 'tree')) {
      return failure(422, 'base_tree is not a valid tree oid', docs)
    }
    files = objects.flatten(String(input.base_tree))
  }
  for (const entry of input.tree) {
    const item = isRecord(entry) ? entry : {}
    if (malformedPath(item.path)) {
      return failure(422, 'tree.path contains a malformed path component', docs)
    }
    if (!MODES.includes(item.mode as '100644')) return notOneOf('mode', item.mode, MODES, docs)
    if (!TYPES.includes(item.type as 'blob')) return notOneOf('type', item.type, TYPES, docs)
    const applied = applyEntry(world, files, item as unknown as TreeInput)
    if (applied) return applied
  }
  const sha = objects.writeFlat(files)
  return { status: 201, body: treeJson(world, sha, false) }
}

interface TreeInput {
  path: string
  mode: string
  type: 'blob' | 'tree' | 'commit'
  sha?: string | null
  content?: string
}

/** Applies one entry to the flattened files; a Reply when GitHub refuses it. */
function applyEntry(world: World, files: Map<string, FlatEntry>, item: TreeInput) {
  const { objects } = world.state.git
  const docs = `${DOCS}/trees#create-a-tree`
  const hasSha = 'sha' in item
  const hasContent = typeof item.content === 'string'
  if (hasSha === hasContent) return failure(422, BOTH_OR_NEITHER, docs)
  const under = [...files.keys()].filter((path) => path.startsWith(`${item.path}/`))
  if (item.sha === null) {
    if (!files.has(item.path) && under.length === 0) {
      return failure(422, 'GitRPC::BadObjectState', docs)
    }
    files.delete(item.path)
    for (const path of under) files.delete(path)
    return undefined
  }
  // What was at this path, or above it as a file, is replaced.
  files.delete(item.path)
  for (const path of under) files.delete(path)
  const parts = item.path.split('/')
  for (let i = 1; i < parts.length; i++) files.delete(parts.slice(0, i).join('/'))
  if (hasContent) {
    const sha = objects.put('blob', Buffer.from(item.content!, 'utf8'))
    files.set(item.path, { mode: item.mode, sha })
    return undefined
  }
  const sha = String(item.sha)
  if (item.type === 'commit') {
    files.set(item.path, { mode: '160000', sha })
    return undefined
  }
  if (!objects.has(sha, item.type)) {
    return failure(422, `tree.sha ${sha} is not a valid ${item.type}`, docs)
  }
  if (item.type === 'blob') files.set(item.path, { mode: item.mode, sha })
  else for (const [path, entry] of objects.flatten(sha)) files.set(`${item.path}/${path}`, entry)
  return undefined
}

function createCommit(world: World, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}/commits#create-a-commit`
  if (typeof input.message !== 'string') return missingField('message', docs)
  if (typeof input.tree !== 'string') return missingField('tree', docs)
  const { objects } = world.state.git
  const empty = emptyRepository(world, docs)
  if (empty) return empty
  if (!objects.has(input.tree, 'tree')) return failure(422, 'Tree SHA does not exist', docs)
  const parents = Array.isArray(input.parents) ? input.parents.map(String) : []
  if (parents.some((parent) => !objects.has(parent, 'commit'))) {
    return failure(422, 'Parent SHA does not exist or is not a commit object', docs)
  }
  const person = (value: unknown, fallback: { name: string; email: string; date: string }) =>
    isRecord(value)
      ? {
          name: String(value.name ?? fallback.name),
          email: String(value.email ?? fallback.email),
          date: typeof value.date === 'string' ? value.date : fallback.date
        }
      : fallback
  const author = person(input.author, { ...identity(world), date: world.tick() })
  const sha = objects.writeCommit({
    tree: input.tree,
    parents,
    author,
    committer: person(input.committer, author),
    message: input.message
  })
  return { status: 201, body: commitJson(world, sha) }
}

export const objectRoutes: Route[] = [
  {
    method: 'POST',
    path: /^\/git\/blobs$/,
    scopes: ['contents'],
    access: 'write',
    docs: `${DOCS}/blobs#create-a-blob`,
    handle: (req, _match, world) => createBlob(world, fields(req))
  },
  {
    method: 'POST',
    path: /^\/git\/trees$/,
    scopes: ['contents'],
    access: 'write',
    docs: `${DOCS}/trees#create-a-tree`,
    handle: (req, _match, world) => createTree(world, fields(req))
  },
  {
    method: 'GET',
    path: /^\/git\/trees\/([^/]+)$/,
    scopes: ['contents'],
    access: 'read',
    docs: `${DOCS}/trees#get-a-tree`,
    handle: (req, [, name], world) => {
      const { git } = world.state
      const commit = git.objects.has(name, 'tree') ? undefined : git.resolveCommit(name)
      const tree = commit ? git.objects.readCommit(commit).tree : name
      if (!git.objects.has(tree, 'tree')) return notFound(`${DOCS}/trees#get-a-tree`)
      return { status: 200, body: treeJson(world, tree, req.query.recursive !== undefined) }
    }
  },
  {
    method: 'POST',
    path: /^\/git\/commits$/,
    scopes: ['contents'],
    access: 'write',
    docs: `${DOCS}/commits#create-a-commit`,
    handle: (req, _match, world) => createCommit(world, fields(req))
  },
  {
    method: 'GET',
    path: /^\/git\/commits\/([0-9a-f]{40})$/,
    scopes: ['contents'],
    access: 'read',
    docs: `${DOCS}/commits#get-a-commit-object`,
    handle: (_req, [, sha], world) =>
      world.state.git.objects.has(sha, 'commit')
        ? { status: 200, body: commitJson(world, sha) }
        : notFound(`${DOCS}/commits#get-a-commit-object`)
  }
]
