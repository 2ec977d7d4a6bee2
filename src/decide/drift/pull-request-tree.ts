import type { DriftedResource, ReadResource, RepositoryShape } from '../../model/drift.js'
import { foldedPath, unwritablePath } from '../../model/repository-paths.js'
import { kindOf, type DecideKind } from '../kind.js'
import { compareCodeUnits } from '../../model/content.js'

/** `content` undefined: the file is removed. */
export interface TreeWrite {
  path: string
  content: Uint8Array | undefined
  name: string
  /** The other drifted resources the same file brings back (a kind keeping several in one file). */
  alsoBrings?: string[]
}

export interface NotBroughtBack {
  name: string
  path?: string
  reason: string
}

interface DriftTree {
  writes: TreeWrite[]
  notBroughtBack: NotBroughtBack[]
}

interface DriftTreeInput {
  items: readonly DriftedResource[]
  shape: RepositoryShape
  /** The server's bytes of each drifted namespace file, by resource name. */
  serverFiles: ReadonlyMap<string, Uint8Array>
  /** In any text encoding: such content is never written to Git. */
  holdsCredential: (content: Uint8Array) => boolean
  kinds: readonly DecideKind[]
}

/**
 * What the drift pull request writes (docs/drift.md#the-drift-pull-request), never where
 * docs/drift.md#where-the-drift-pull-request-never-writes says.
 */
export function driftTree(input: DriftTreeInput): DriftTree {
  const placed: TreeWrite[] = []
  const notBroughtBack: NotBroughtBack[] = []
  const taken = new Set<string>()
  for (const item of input.items) {
    const at = place(item, input)
    if ('reason' in at) {
      notBroughtBack.push({ name: item.name, ...at })
      continue
    }
    const same = placed.find((write) => write.path === at.path)
    if (same && sameBytes(same.content, at.content)) {
      same.alsoBrings = [...(same.alsoBrings ?? []), item.name]
      continue
    }
    if (taken.has(at.path)) {
      notBroughtBack.push({
        name: item.name,
        path: at.path,
        reason: 'another drifted resource goes to the same path'
      })
      continue
    }
    taken.add(at.path)
    placed.push({ ...at, name: item.name })
  }
  const spellings = spellingsOf([...input.shape.paths, ...placed.map((write) => write.path)])
  const writes: TreeWrite[] = []
  for (const write of placed) {
    const other = write.content && caseTwin(write.path, spellings)
    if (other) {
      notBroughtBack.push({
        name: write.name,
        path: write.path,
        reason: `it differs only in case or Unicode spelling from ${other}, and both cannot live on every file system`
      })
    } else writes.push(write)
  }
  writes.sort((a, b) => compareCodeUnits(a.path, b.path))
  return { writes, notBroughtBack }
}

/** The tree without the files the ignore rules leave out (`ignored`: why, by path); removals stay. */
export function withoutIgnored(tree: DriftTree, ignored: ReadonlyMap<string, string>): DriftTree {
  const left = tree.writes.filter((write) => write.content && ignored.has(write.path))
  if (left.length === 0) return tree
  return {
    writes: tree.writes.filter((write) => !left.includes(write)),
    notBroughtBack: [
      ...tree.notBroughtBack,
      ...left.map((write) => ({
        name: write.name,
        path: write.path,
        reason: `the layout would not read it there: ${ignored.get(write.path)!}`
      }))
    ]
  }
}

/** Every spelling of each path and of each folder on the way to it, by its folded form. */
function spellingsOf(paths: readonly string[]): Map<string, Set<string>> {
  const spellings = new Map<string, Set<string>>()
  for (const path of paths) {
    for (const prefix of prefixesOf(path)) {
      const folded = foldedPath(prefix)
      const known = spellings.get(folded) ?? new Set()
      known.add(prefix)
      spellings.set(folded, known)
    }
  }
  return spellings
}

/** Another spelling of the path or of a folder on its way, that a file system may take for it. */
function caseTwin(path: string, spellings: ReadonlyMap<string, Set<string>>): string | undefined {
  for (const prefix of prefixesOf(path)) {
    const twin = [...(spellings.get(foldedPath(prefix)) ?? [])].find((other) => other !== prefix)
    if (twin !== undefined) return twin
  }
  return undefined
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b))
}

function prefixesOf(path: string): string[] {
  const segments = path.split('/')
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'))
}

type Placed = { path: string; content: Uint8Array | undefined } | { path?: string; reason: string }

function place(item: DriftedResource, input: DriftTreeInput): Placed {
  const { change } = item
  const { shape } = input
  const folderLayout = shape.layout === 'tenant' || shape.layout === 'namespace'
  // A kind that keeps several resources in one file gives that file's whole text, a deletion included.
  const ownKind = change.kind !== 'flow' && change.kind !== 'file'
  const shared = ownKind && kindOf(input.kinds, change).sharesFiles === true
  if (item.kind === 'deleted-in-kestra' && !shared) {
    const path = change.file
    if (!path) return { reason: 'deleted in Kestra, and no repository file holds it' }
    const unwritable = unwritablePath(path)
    if (unwritable) return { path, reason: unwritable }
    if (change.kind === 'flow' && !folderLayout) {
      return {
        path,
        reason: `deleted in Kestra; in the ${shape.layout} layout a file is not a flow by its folder, so the file is kept`
      }
    }
    return { path, content: undefined }
  }
  const content = serverContent(item, input)
  if ('reason' in content) return content
  if (input.holdsCredential(content.bytes)) {
    return { reason: 'its content in Kestra holds a credential of this run: never written to Git' }
  }
  const held = item.kind === 'edited' || shared ? change.file : undefined
  const path =
    held !== undefined
      ? { path: held }
      : (kindOf(input.kinds, change).newPath?.(change, shape) ?? {
          reason: `the ${change.kind} kind does not say where the repository keeps it`
        })
  if ('reason' in path) return path
  const refused =
    unwritablePath(path.path) ?? readBackRefusal(item, path.path, content.bytes, shape)
  if (refused) return { path: path.path, reason: refused }
  if (held === undefined && shape.paths.has(path.path)) {
    return { path: path.path, reason: 'the path is taken by another file of the repository' }
  }
  return { path: path.path, content: content.bytes }
}

/**
 * Why the layout would not read the file back as exactly this resource; one of another kind must not be
 * read as a flow or namespace file too.
 */
function readBackRefusal(
  item: DriftedResource,
  path: string,
  content: Uint8Array,
  shape: RepositoryShape
): string | undefined {
  const read = shape.readBack(path, content)
  if ('reason' in read) return `the layout would not read it there: ${read.reason}`
  const { change } = item
  const expected: ReadResource | undefined =
    change.kind === 'flow'
      ? { kind: 'flow', namespace: change.namespace, id: change.id }
      : change.kind === 'file'
        ? { kind: 'file', namespace: change.namespace, path: change.path }
        : undefined
  const same =
    read.resources.length === (expected ? 1 : 0) &&
    read.resources.every((resource) => sameResource(resource, expected))
  if (same) return undefined
  const names = read.resources.map(resourceName)
  return `the layout would read that file as ${names.length > 0 ? names.join(' and ') : 'nothing of Kestra'}, not as ${item.name}`
}

function sameResource(a: ReadResource, b: ReadResource | undefined): boolean {
  if (!b || a.kind !== b.kind || a.namespace !== b.namespace) return false
  return a.kind === 'flow'
    ? b.kind === 'flow' && a.id === b.id
    : b.kind === 'file' && a.path === b.path
}

function resourceName(resource: ReadResource): string {
  return resource.kind === 'flow'
    ? `the flow ${resource.namespace}.${resource.id}`
    : `the namespace file ${resource.namespace}:${resource.path}`
}

function serverContent(
  item: DriftedResource,
  input: DriftTreeInput
): { bytes: Uint8Array } | { reason: string } {
  const { change } = item
  if (change.kind === 'file') {
    const bytes = change.previous ?? input.serverFiles.get(item.name)
    return bytes ? { bytes } : { reason: 'the server copy was not read' }
  }
  const text = kindOf(input.kinds, change).serverText?.(change)
  return text === undefined
    ? { reason: 'the server gave no source of it' }
    : { bytes: new TextEncoder().encode(text) }
}
