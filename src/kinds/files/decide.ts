import type { DecideKind, KindPlanOptions } from '../../decide/kind.js'
import type { RepositoryShape } from '../../model/drift.js'
import { repositoryPath } from '../../model/repository-paths.js'
import type { RepoModel } from '../../model/repository.js'
import { fileFindings } from './decide-checks.js'
import {
  actionOf,
  applyDiff,
  indexByFile,
  isDrifted,
  scopeFilter
} from '../../decide/plan/build.js'
import { diffTexts } from '../../decide/plan/diff.js'
import { decodeText } from '../../model/content.js'
import { fileKey } from '../../model/targets.js'
import type { DesiredFile, ServerFile } from '../../model/plan-input.js'
import type { FileChange, PlanAction } from '../../model/plan.js'

/** What the namespace files' checks take of the run's walk. */
export interface FilesHeld {
  model: Pick<RepoModel, 'files'>
}

/** Namespace files in a plan: before the flows that read them, by path. */
export const filesDecide: DecideKind<FileChange, FilesHeld> = {
  name: 'file',
  order: 0,
  label: 'Namespace files',
  marks: binaryMarks,
  kestraPage: (change, kestraUi) =>
    `${kestraUi}/namespaces/edit/${encodeURIComponent(change.namespace)}/files`,
  idOf: (change) => change.path,
  planFileIdentity: (change) => ({ path: change.path }),
  planFileDetails: () => ({}),
  fingerprintOf: (r) => [
    'file',
    r.namespace,
    r.path,
    r.action,
    r.desired?.sha256 ?? null,
    null,
    r.current?.sha256 ?? null
  ],
  validate: fileFindings,
  plan: (_reading, options) => planFiles(options),
  newPath: (change, shape) => newFilePath(change.namespace, change.path, shape)
}

/** A binary file has no diff: its line gives its sizes and digests, before → after. */
function binaryMarks(change: FileChange): string[] {
  if (change.diffOmitted !== 'binary') return []
  const sides = [change.current, change.action === 'delete' ? undefined : change.desired].flatMap(
    (side) => (side === undefined ? [] : [side])
  )
  const sizes = sides.map((side) => formatBytes(side.size)).join(' → ')
  const hashes = sides.map((side) => side.sha256.slice(0, 12)).join(' → ')
  return [`binary, ${sizes}, sha256 ${hashes}`]
}

function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`
  return `${(size / (1024 * 1024)).toFixed(1)} MB`
}

/** Where a namespace file that only the server holds goes: a mapping, or the layout's files folder. */
function newFilePath(
  namespace: string,
  path: string,
  shape: RepositoryShape
): { path: string } | { reason: string } {
  const parts = path.split('/').slice(1)
  if (parts.length === 0 || parts.some((part) => ['', '.', '..'].includes(part))) {
    return { reason: 'its path cannot name a repository file' }
  }
  for (const mapping of shape.mappings) {
    if (mapping.namespace !== namespace) continue
    if (mapping.prefix && !path.startsWith(`${mapping.prefix}/`)) continue
    return {
      path: repositoryPath(shape.rootRel, mapping.dir, path.slice(mapping.prefix.length + 1))
    }
  }
  if (shape.layout === 'tenant')
    return { path: repositoryPath(shape.rootRel, namespace, 'files', ...parts) }
  if (shape.layout === 'namespace' && shape.namespace === namespace) {
    return { path: repositoryPath(shape.rootRel, 'files', ...parts) }
  }
  return { reason: 'no folder of the repository maps to its namespace' }
}

/**
 * The namespace files' changes (docs/plan.md): the repository's files against the server's in each
 * managed namespace, compared by content hash; a text diff unless either side is binary.
 */
function planFiles(options: KindPlanOptions): FileChange[] {
  const { input } = options
  if (!input) return []
  const desiredFiles = indexByFile(input.desired.files, (f) => fileKey(f.namespace, f.path))
  const actualFiles = new Map<string, { namespace: string; file: ServerFile }>()
  for (const namespace of new Set(input.namespaces)) {
    for (const file of input.actual.get(namespace)?.files ?? [])
      actualFiles.set(fileKey(namespace, file.path), { namespace, file })
  }
  const inScope = scopeFilter(options, desiredFiles, input.base?.files)
  const changes: FileChange[] = []
  const keys = [...desiredFiles.keys()]
  for (const key of actualFiles.keys()) if (!desiredFiles.has(key)) keys.push(key)
  for (const key of keys) {
    if (!inScope(key)) continue
    const desired = desiredFiles.get(key)
    const server = actualFiles.get(key)
    if (desired && !server) {
      changes.push(fileChange(desired.namespace, desired.path, 'create', options, desired))
      continue
    }
    if (!server) continue
    const current = server.file.summary
    const change = fileChange(
      server.namespace,
      server.file.path,
      actionOf(options, desired !== undefined, desired?.sha256 === current.sha256),
      options,
      desired,
      server.file
    )
    const base = input.base?.files.get(key)
    change.drifted = isDrifted(
      change.action,
      input.base !== undefined,
      base && base.sha256 !== current.sha256
    )
    changes.push(change)
  }
  return changes
}

function fileChange(
  namespace: string,
  path: string,
  action: PlanAction,
  { limits }: KindPlanOptions,
  desired?: DesiredFile,
  server?: ServerFile
): FileChange {
  const keepsDesired = action === 'create' || action === 'update' || action === 'unchanged'
  const change: FileChange = {
    kind: 'file',
    namespace,
    path,
    action,
    drifted: false,
    ...(keepsDesired && desired && { file: desired.file }),
    ...(keepsDesired &&
      desired && {
        desired: { sha256: desired.sha256, size: desired.size, binary: desired.binary }
      }),
    ...(server && { current: server.summary })
  }
  if (action !== 'create' && action !== 'update' && action !== 'delete') return change
  if (action !== 'create' && server?.bytes) change.previous = server.bytes
  if ((action !== 'create' && !server?.bytes) || (action !== 'delete' && !desired?.bytes)) {
    throw new Error(
      `internal error: the content of ${namespace}${path} was dropped before its diff`
    )
  }
  const before = action === 'create' ? undefined : textOf(server?.bytes)
  const after = action === 'delete' ? undefined : desired?.binary ? null : textOf(desired?.bytes)
  if (before === null || after === null) {
    change.diffOmitted = 'binary'
    return change
  }
  const name = `${namespace}${path}`
  applyDiff(change, diffTexts(`a/${name}`, `b/${name}`, before, after, limits))
  return change
}

/** Decoded text, or null for binary content. */
function textOf(bytes: Uint8Array | undefined): string | null {
  return bytes === undefined ? null : (decodeText(bytes) ?? null)
}
