import type { DriftedResource, RepositoryShape } from '../../model/drift.js'
import { kindOf, type DecideKind } from '../kind.js'

/** One path of the drift branch's tree: the server's bytes, or `undefined` to remove the file. */
export interface TreeWrite {
  path: string
  content: Uint8Array | undefined
  /** The drifted resource it brings back. */
  name: string
}

/** A drifted resource the pull request leaves as Git has it, and why. */
export interface NotBroughtBack {
  name: string
  path?: string
  reason: string
}

export interface DriftTree {
  writes: TreeWrite[]
  notBroughtBack: NotBroughtBack[]
}

export interface DriftTreeInput {
  items: readonly DriftedResource[]
  shape: RepositoryShape
  /** The server's bytes of each drifted namespace file, by resource name. */
  serverFiles: ReadonlyMap<string, Uint8Array>
  /** True when the text holds a credential of this run: such content is never written to Git. */
  holdsCredential: (text: string) => boolean
  /** The run's kinds: a change that is neither a flow nor a namespace file is placed by its own. */
  kinds: readonly DecideKind[]
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

/**
 * What the drift pull request writes (docs/drift.md#the-drift-pull-request): the server's current source
 * of each drifted flow in the file that holds it, or where the layout puts its namespace; drifted
 * namespace files at their mapped paths; removals only where the layout says every file there is a
 * resource. Pure.
 */
export function driftTree(input: DriftTreeInput): DriftTree {
  const writes: TreeWrite[] = []
  const notBroughtBack: NotBroughtBack[] = []
  const taken = new Set<string>()
  for (const item of input.items) {
    const placed = place(item, input)
    if ('reason' in placed) {
      notBroughtBack.push({ name: item.name, ...placed })
      continue
    }
    if (taken.has(placed.path)) {
      notBroughtBack.push({
        name: item.name,
        path: placed.path,
        reason: 'another drifted resource goes to the same path'
      })
      continue
    }
    taken.add(placed.path)
    writes.push({ ...placed, name: item.name })
  }
  writes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return { writes, notBroughtBack }
}

type Placed = { path: string; content: Uint8Array | undefined } | { path?: string; reason: string }

function place(item: DriftedResource, input: DriftTreeInput): Placed {
  const { change } = item
  const { shape } = input
  const folderLayout = shape.layout === 'tenant' || shape.layout === 'namespace'
  if (item.kind === 'deleted-in-kestra') {
    const path = change.file
    if (!path) return { reason: 'deleted in Kestra, and no repository file holds it' }
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
  if (input.holdsCredential(new TextDecoder().decode(content.bytes))) {
    return { reason: 'its content in Kestra holds a credential of this run: never written to Git' }
  }
  if (item.kind === 'edited' && change.file) return { path: change.file, content: content.bytes }
  const path =
    change.kind === 'flow'
      ? newFlowPath(change.namespace, change.id, shape)
      : change.kind === 'file'
        ? newFilePath(change.namespace, change.path, shape)
        : (kindOf(input.kinds, change).newPath?.(change, shape) ?? {
            reason: `the ${change.kind} kind does not say where the repository keeps it`
          })
  if ('reason' in path) return path
  if (shape.paths.has(path.path)) {
    return { path: path.path, reason: 'the path is taken by another file of the repository' }
  }
  return { path: path.path, content: content.bytes }
}

function serverContent(
  item: DriftedResource,
  input: DriftTreeInput
): { bytes: Uint8Array } | { reason: string } {
  const { change } = item
  if (change.kind === 'flow') {
    const source = change.current?.source
    return source === undefined
      ? { reason: 'the server copy was not read' }
      : { bytes: new TextEncoder().encode(source) }
  }
  if (change.kind === 'file') {
    const bytes = change.previous ?? input.serverFiles.get(item.name)
    return bytes ? { bytes } : { reason: 'the server copy was not read' }
  }
  const text = kindOf(input.kinds, change).serverText?.(change)
  return text === undefined
    ? { reason: 'the server gave no source of it' }
    : { bytes: new TextEncoder().encode(text) }
}

function join(...parts: string[]): string {
  return parts.filter(Boolean).join('/')
}

/** Where the layout puts a flow of `namespace` that only the server holds. */
function newFlowPath(
  namespace: string,
  id: string,
  shape: RepositoryShape
): { path: string } | { reason: string } {
  if (!ID.test(id)) return { reason: 'its id cannot name a file' }
  const name = `${id}.yml`
  if (shape.layout === 'tenant') {
    // The folder that already holds its namespace's flows (a parent's folder may), else its own.
    const sibling = siblingOf(namespace, shape, false)
    const under = shape.rootRel ? `${shape.rootRel}/` : ''
    const top = sibling?.startsWith(under) ? sibling.slice(under.length).split('/')[0] : undefined
    return { path: join(shape.rootRel, top || namespace, 'flows', name) }
  }
  if (shape.layout === 'namespace') {
    if (shape.namespace && within(namespace, shape.namespace)) {
      return { path: join(shape.rootRel, 'flows', name) }
    }
    return { reason: `its namespace is outside the namespace input (${shape.namespace ?? ''})` }
  }
  const sibling = siblingOf(namespace, shape, true)
  if (sibling === undefined)
    return { reason: 'no folder of the repository holds flows of its namespace' }
  const dir = sibling.includes('/') ? sibling.slice(0, sibling.lastIndexOf('/')) : ''
  return { path: join(dir, name) }
}

/** The first flow file of `namespace` (or, with `parents`, of its closest parent namespace that has one). */
function siblingOf(
  namespace: string,
  shape: RepositoryShape,
  parents: boolean
): string | undefined {
  for (let ns: string | undefined = namespace; ns; ns = parents ? parentOf(ns) : undefined) {
    const files = shape.flowFiles.filter((f) => f.namespace === ns).map((f) => f.file)
    if (files.length > 0) return files.sort()[0]
  }
  return undefined
}

/** Where a namespace file that only the server holds goes: a mapping, or the layout's files folder. */
function newFilePath(
  namespace: string,
  path: string,
  shape: RepositoryShape
): { path: string } | { reason: string } {
  const parts = path.split('/').slice(1)
  if (parts.length === 0 || parts.some((part) => ['', '.', '..', '.git'].includes(part))) {
    return { reason: 'its path cannot name a repository file' }
  }
  for (const mapping of shape.mappings) {
    if (mapping.namespace !== namespace) continue
    if (mapping.prefix && !path.startsWith(`${mapping.prefix}/`)) continue
    return { path: join(shape.rootRel, mapping.dir, path.slice(mapping.prefix.length + 1)) }
  }
  if (shape.layout === 'tenant') return { path: join(shape.rootRel, namespace, 'files', ...parts) }
  if (shape.layout === 'namespace' && shape.namespace === namespace) {
    return { path: join(shape.rootRel, 'files', ...parts) }
  }
  return { reason: 'no folder of the repository maps to its namespace' }
}

function within(namespace: string, parent: string): boolean {
  return namespace === parent || namespace.startsWith(`${parent}.`)
}

function parentOf(namespace: string): string | undefined {
  const dot = namespace.lastIndexOf('.')
  return dot < 0 ? undefined : namespace.slice(0, dot)
}
