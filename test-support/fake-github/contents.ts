/**
 * Repository contents (https://docs.github.com/rest/repos/contents#get-repository-content): a file as
 * base64 JSON (none above the inline limit, 1 MB on GitHub) or raw bytes with the raw media type, a
 * directory as its entries; and the compare of two commits (https://docs.github.com/rest/commits/commits#compare-two-commits),
 * at most 300 files. Contents set explicitly win; any other path is read from the git database.
 */
import { notFound, type Reply } from './http.js'
import type { Route, World } from './world.js'

const COMPARE_FILES_CAP = 300
const DOCS = 'https://docs.github.com/rest/repos/contents#get-repository-content'

function contents(world: World, path: string, ref: string, accept: string): Reply {
  const bytes = world.state.contents.get(`${ref}:${path}`) ?? fromGit(world, ref, path)
  if (!bytes) {
    const children = listing(world, ref, path)
    if (children.length === 0) return notFound(DOCS)
    return { status: 200, body: children.map((child) => ({ type: 'file', path: child })) }
  }
  // A misleading text type on purpose: clients must not decode raw bytes as text.
  if (accept.includes('raw')) {
    return { status: 200, raw: bytes, headers: { 'content-type': 'text/plain; charset=utf-8' } }
  }
  const inline = bytes.length <= world.inlineContentLimit
  const base64 = Buffer.from(bytes).toString('base64')
  return {
    status: 200,
    body: {
      type: 'file',
      path,
      size: bytes.length,
      encoding: inline ? 'base64' : 'none',
      // GitHub wraps base64 content at 60 characters.
      content: inline ? (base64.match(/.{1,60}/g) ?? []).join('\n') : ''
    }
  }
}

function fromGit(world: World, ref: string, path: string): Uint8Array | undefined {
  const { git } = world.state
  const commit = git.resolveCommit(ref)
  const entry = commit ? git.files(commit).get(path) : undefined
  return entry ? git.objects.get(entry.sha)?.content : undefined
}

/** Files under `path/`: the explicitly set ones, else the git database's. */
function listing(world: World, ref: string, path: string): string[] {
  const prefix = `${ref}:${path}/`
  const set = [...world.state.contents.keys()].filter((key) => key.startsWith(prefix))
  if (set.length > 0) return set.map((key) => key.slice(ref.length + 1))
  const commit = world.state.git.resolveCommit(ref)
  if (!commit) return []
  return [...world.state.git.files(commit).keys()].filter((file) => file.startsWith(`${path}/`))
}

export const contentRoutes: Route[] = [
  {
    method: 'GET',
    path: /^\/contents\/(.*)$/,
    scopes: ['contents'],
    access: 'read',
    docs: DOCS,
    handle: (req, [, path], world) =>
      contents(world, path, req.query.ref ?? world.state.git.defaultBranch, req.accept)
  },
  {
    method: 'GET',
    path: /^\/compare\/(.+)\.\.\.(.+)$/,
    scopes: ['contents'],
    access: 'read',
    docs: 'https://docs.github.com/rest/commits/commits#compare-two-commits',
    handle: (_req, [, base, head], world) => {
      const compare = world.state.compares.get(`${base}...${head}`)
      if (!compare) return notFound()
      const files = compare.files.slice(0, COMPARE_FILES_CAP)
      return { status: 200, body: { status: compare.status, files, commits: [] } }
    }
  }
]
