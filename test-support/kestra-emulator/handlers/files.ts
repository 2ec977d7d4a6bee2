/**
 * Namespace file routes (docs/kestra.md#namespace-files): every path travels in the `path` query
 * parameter.
 */
import {
  emptyReply,
  jsonReply,
  kestraZip,
  queryValue,
  zipEntries,
  zipReply,
  type EmulatorCore,
  type Reply,
  type RequestContext
} from '../context.js'
import { badRequest, illegalArgument, internalError, notFound } from '../errors.js'
import { upsertFlow } from '../flow-ops.js'
import { rewriteNamespace } from '../flow-source.js'
import { isMultipart, parseMultipart } from '../multipart.js'
import { legacyStoredPath } from '../legacy-file-path.js'
import { compare, type NamespaceFiles } from '../namespace-files.js'

export function handleGetFile(ctx: RequestContext, core: EmulatorCore): Reply {
  const path = requiredPath(ctx, core, 'path')
  const revision = core.features.fileRevisions ? queryValue(ctx, 'revision') : undefined
  const bytes = files(ctx, core).read(path, revision === undefined ? undefined : Number(revision))
  if (!bytes) throw fileNotFound(ctx, path)
  return {
    status: 200,
    headers: { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-cache' },
    body: bytes
  }
}

export function handleStats(ctx: RequestContext, core: EmulatorCore): Reply {
  const path = optionalPath(ctx, core)
  const attributes = files(ctx, core).attributes(path)
  if (!attributes) throw fileNotFound(ctx, path)
  return jsonReply(attributes)
}

export function handleDirectory(ctx: RequestContext, core: EmulatorCore): Reply {
  const path = optionalPath(ctx, core)
  const store = files(ctx, core)
  const children = store.children(path)
  if (!children) throw notFound(`Directory not found: ${path}`)
  return jsonReply(children.map((child) => store.attributes(child)))
}

export function handleMkdir(ctx: RequestContext, core: EmulatorCore): Reply {
  files(ctx, core).mkdir(requiredPath(ctx, core, 'path'), Date.now())
  return emptyReply()
}

export function handleUpload(ctx: RequestContext, core: EmulatorCore): Reply {
  const path = checkedPath(requiredQuery(ctx, 'path'), core, false)
  if (!isMultipart(ctx.mediaType)) throw badRequest('Required multipart part [fileContent]')
  const part = parseMultipart(ctx.body, String(ctx.headers['content-type'])).find(
    (p) => p.name === 'fileContent' && !(core.options.dropEmptyFileParts && p.data.length === 0)
  )
  if (!part) throw badRequest('Required argument [CompletedFileUpload fileContent] not specified')
  if (part.filename?.toLowerCase().endsWith('.zip')) {
    extractZip(ctx, core, part.data)
  } else {
    putFile(ctx, core, path, part.data)
  }
  return emptyReply()
}

export function handleDeleteFile(ctx: RequestContext, core: EmulatorCore): Reply {
  files(ctx, core).delete(requiredPath(ctx, core, 'path'), Date.now())
  return emptyReply()
}

export function handleMove(ctx: RequestContext, core: EmulatorCore): Reply {
  const from = requiredPath(ctx, core, 'from')
  const to = requiredPath(ctx, core, 'to')
  const store = files(ctx, core)
  if (store.isFile(to) || store.isDirectory(to)) {
    throw internalError(`File '${to}' already exists in namespace '${ctx.params.namespace}'.`)
  }
  const now = Date.now()
  if (store.isFile(from)) {
    store.put(to, store.read(from)!, now)
  } else if (store.isDirectory(from)) {
    store.mkdir(to, now)
    for (const [path, record] of store.liveFiles()) {
      if (path.startsWith(`${from}/`)) {
        store.put(to + path.slice(from.length), record.revisions[record.revisions.length - 1], now)
      }
    }
  } else {
    throw fileNotFound(ctx, from)
  }
  store.delete(from, now)
  return emptyReply()
}

export function handleExportFiles(ctx: RequestContext, core: EmulatorCore): Reply {
  const store = files(ctx, core)
  // A Map: a file named `__proto__` is an entry like any other.
  const entries = new Map<string, Uint8Array>()
  const key: string[] = []
  for (const [path, record] of store.liveFiles()) {
    entries.set(path.slice(1), record.revisions[record.revisions.length - 1]!)
    key.push(`${path}\0${record.revisions.length}`)
  }
  if (core.features.flowsInFileExport) {
    // [S21 NamespaceFileController `export`, v0.14 → 0.21-dev]: the namespace's flows follow its files.
    for (const { id, flow } of core.state.liveFlowsOf(ctx.tenant, ctx.params.namespace!)) {
      entries.set(`_flows/${id}.yml`, Buffer.from(flow.source))
      key.push(`_flows/${id}\0${flow.revision}`)
    }
  }
  let cached = core.fileExports.get(store)
  if (cached?.key !== key.join('\0')) {
    cached = { key: key.join('\0'), zip: kestraZip(entries) }
    core.fileExports.set(store, cached)
  }
  return zipReply(cached.zip, `${ctx.params.namespace}_files.zip`)
}

export function handleFileRevisions(ctx: RequestContext, core: EmulatorCore): Reply {
  const path = requiredPath(ctx, core, 'path')
  const count = files(ctx, core).revisionCount(path)
  if (count === undefined) throw fileNotFound(ctx, path)
  return jsonReply(Array.from({ length: count }, (_, i) => ({ revision: i + 1 })))
}

export function handleSearchFiles(ctx: RequestContext, core: EmulatorCore): Reply {
  const q = queryValue(ctx, 'q') ?? ''
  return jsonReply(
    files(ctx, core)
      .liveFiles()
      .map(([path]) => path)
      .filter((path) => path.includes(q))
  )
}

/**
 * docs/kestra.md#zip-uploads: a `.zip` upload is extracted; `_flows/` entries become flows of this
 * namespace.
 */
function extractZip(ctx: RequestContext, core: EmulatorCore, data: Buffer): void {
  let entries: [string, Uint8Array][]
  try {
    entries = zipEntries(data)
  } catch {
    throw badRequest('Unable to read the zip archive')
  }
  for (const [name, bytes] of entries.sort(([a], [b]) => compare(a, b))) {
    if (name.endsWith('/')) continue
    putFile(ctx, core, checkedPath(name, core, false, 'uri'), Buffer.from(bytes))
  }
}

function putFile(ctx: RequestContext, core: EmulatorCore, path: string, bytes: Buffer): void {
  if (path.startsWith('/_flows/')) {
    upsertFlow(core, ctx.tenant, rewriteNamespace(bytes.toString('utf8'), ctx.params.namespace!))
    return
  }
  if (isForbidden(path, core)) throw illegalArgument(`Forbidden path: ${path}`)
  const store = files(ctx, core)
  if (store.isDirectory(path)) throw illegalArgument(`Path '${path}' is a directory`)
  store.put(path, bytes, Date.now())
}

function files(ctx: RequestContext, core: EmulatorCore): NamespaceFiles {
  return core.state.namespaceFiles(ctx.tenant, ctx.params.namespace!)
}

function fileNotFound(ctx: RequestContext, path: string) {
  return notFound(`File '${path}' was not found in namespace '${ctx.params.namespace}'.`)
}

function requiredQuery(ctx: RequestContext, name: string): string {
  const value = queryValue(ctx, name)
  if (value === undefined) throw badRequest(`Required QueryValue [${name}] not specified`)
  return value
}

function requiredPath(ctx: RequestContext, core: EmulatorCore, name: string): string {
  return checkedPath(requiredQuery(ctx, name), core, true)
}

function optionalPath(ctx: RequestContext, core: EmulatorCore): string {
  const raw = queryValue(ctx, 'path')
  return raw === undefined || raw === '' ? '/' : checkedPath(raw, core, true)
}

/**
 * Leading slash added, trailing one removed; `..`, long names and (optionally) `/_flows` refused. Before
 * 1.0 the path is first turned into what the server stores (legacy-file-path.ts); zip entries always
 * went through `URI.create` there.
 */
function checkedPath(
  raw: string,
  core: EmulatorCore,
  refuseFlows: boolean,
  zipEntry?: 'uri'
): string {
  const legacy = core.features.legacyFilePaths && (zipEntry ?? core.features.legacyFilePaths)
  const stored = legacy ? legacyStoredPath(raw, legacy) : raw
  let path = stored.startsWith('/') ? stored : `/${stored}`
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1)
  if (path.includes('..')) {
    throw illegalArgument(
      "File should be accessed with their full path and not using relative '..' path."
    )
  }
  if (path.split('/').some((segment) => segment.length > 255)) {
    throw illegalArgument('A file or folder name exceeds the maximum length of 255 characters.')
  }
  if (refuseFlows && isForbidden(path, core)) throw illegalArgument(`Forbidden path: ${path}`)
  return path
}

/** 1.x forbids `/_flows` and below; 0.x matched the regex `/_flows.*`. */
function isForbidden(path: string, core: EmulatorCore): boolean {
  return core.features.v1 ? /^\/_flows(\/.*)?$/.test(path) : /^\/_flows.*/.test(path)
}
