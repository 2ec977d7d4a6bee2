import type { DecideKind, KindPlanOptions, Mark } from '../../engine/decide-kind.js'
import { actionOf, applyDiff, indexByFile, scopeFilter } from '../../engine/plan/build.js'
import { outsideGitOf } from '../../engine/plan/outside-git.js'
import { diffTexts } from '../../engine/plan/diff.js'
import { compareCodeUnits, decodeText, MAX_FILE_BYTES } from '../../model/content.js'
import type { RepositoryShape } from '../../model/drift.js'
import type { Finding, Severity } from '../../model/finding.js'
import type { BaseResource, BaseSnapshot, DesiredFile, ServerFile } from '../../model/plan-input.js'
import type { FileChange, PlanAction } from '../../model/plan.js'
import { repositoryPath } from '../../model/repository-paths.js'
import type { NamespaceFileEntry, RepoModel } from '../../model/repository.js'
import { fileKey } from '../../model/targets.js'
import { serverFilesOf } from './decide-server-state.js'
import { repoFilesOf } from './decide-repository.js'

/** A namespace file as a base commit held it (`GatherKind.base`). */
export interface BaseFile extends BaseResource {
  path: string
  sha256: string
}

/** What the namespace files' checks take of the run's walk. */
export interface FilesHeld {
  model: Pick<RepoModel, 'byKind'>
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
  fingerprintOf: (r) => [
    'file',
    r.namespace,
    r.path,
    r.action,
    r.desired?.sha256 ?? null,
    null,
    r.current?.sha256 ?? null
  ],
  validate: ({ model }) => [
    ...repoFilesOf(model).flatMap(namespaceFileFindings),
    ...samePathFindings(repoFilesOf(model))
  ],
  plan: (_reading, options) => planFiles(options),
  serverContent: (change) => change.previous,
  newPath: (change, shape) => newFilePath(change.namespace, change.path, shape)
}

/** A binary file has no diff: its line gives its sizes and digests, before → after. */
function binaryMarks(change: FileChange): Mark[] {
  if (change.diffOmitted !== 'binary') return []
  const sides = [change.current, change.action === 'delete' ? undefined : change.desired].filter(
    (side) => side !== undefined
  )
  const sizes = sides.map((side) => formatBytes(side.size)).join(' → ')
  const hashes = sides.map((side) => side.sha256.slice(0, 12)).join(' → ')
  return [{ text: `binary, ${sizes}, sha256 ${hashes}` }]
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

/** What was done to a file outside Git since the base commit (docs/drift.md#the-uis-work-named): drift. */
function markOutside(
  change: FileChange,
  base: BaseSnapshot | undefined,
  atBase: { differs: boolean } | undefined
): void {
  const outside = outsideGitOf(change.action, change.namespace, base, atBase)
  change.drifted = outside !== undefined
  if (outside) change.outside = outside
}

/** The namespace files' changes (docs/plan.md), compared by content hash. */
function planFiles(options: KindPlanOptions): FileChange[] {
  const { input } = options
  if (!input) return []
  const wanted = (input.desired.get(filesDecide.name) ?? []) as readonly DesiredFile[]
  const desiredFiles = indexByFile(wanted, (f) => fileKey(f.namespace, f.path))
  const actualFiles = new Map<string, { namespace: string; file: ServerFile }>()
  for (const namespace of new Set(input.namespaces)) {
    for (const file of serverFilesOf(input.actual.get(namespace)))
      actualFiles.set(fileKey(namespace, file.path), { namespace, file })
  }
  // A drift run's base is the head: what the kind wants (`BaseSnapshot.head`).
  const atBase = input.base?.head
    ? desiredFiles
    : (input.base?.byKind.get(filesDecide.name) as ReadonlyMap<string, BaseFile> | undefined)
  const inScope = scopeFilter(options, desiredFiles, atBase)
  const changes: FileChange[] = []
  for (const key of new Set([...desiredFiles.keys(), ...actualFiles.keys()])) {
    if (!inScope(key)) continue
    const desired = desiredFiles.get(key)
    const server = actualFiles.get(key)
    if (desired && !server) {
      const change = fileChange(desired.namespace, desired.path, 'create', options, desired)
      markOutside(change, input.base, atBase?.has(key) ? { differs: true } : undefined)
      changes.push(change)
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
    const base = atBase?.get(key)
    markOutside(change, input.base, base && { differs: base.sha256 !== current.sha256 })
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
    ...(keepsDesired &&
      desired && {
        file: desired.file,
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

function textOf(bytes: Uint8Array | undefined): string | null {
  return bytes === undefined ? null : (decodeText(bytes) ?? null)
}

const LARGE_FILE_BYTES = 10 * 1024 * 1024
const MAX_SEGMENT = 255
const MAX_PATH = 1024

/**
 * Path, size and symlink rules for one namespace file (docs/validation.md); findings are on line 1 of the
 * source file.
 */
function namespaceFileFindings(entry: NamespaceFileEntry): Finding[] {
  const findings: Finding[] = []
  const add = (severity: Severity, rule: string, message: string): void => {
    findings.push({
      severity,
      file: entry.file,
      line: 1,
      rule,
      message,
      resource: fileKey(entry.namespace, entry.path)
    })
  }
  for (const problem of pathProblems(entry.path)) add('error', 'file-path', problem)
  if (/[ +]/.test(entry.path)) {
    add(
      'notice',
      'file-name-encoding',
      `Namespace file path '${entry.path}' contains a space or '+': Kestra 0.x servers encoded these differently (a space became '+'). Prefer names without them`
    )
  }
  if (entry.symlinkEscapes) {
    add(
      'error',
      'file-symlink',
      'Symlink points outside root (or is dangling or loops): it is never followed; replace it with the file itself'
    )
  } else if (entry.size > MAX_FILE_BYTES) {
    add(
      'error',
      'file-size',
      `Namespace file is ${megabytes(entry.size)} MiB, over the ${megabytes(MAX_FILE_BYTES)} MiB limit: keep large data out of namespace files (use object storage)`
    )
  } else if (entry.size > LARGE_FILE_BYTES) {
    add(
      'warning',
      'file-size',
      `Large upload: namespace file is ${megabytes(entry.size)} MiB (over ${megabytes(LARGE_FILE_BYTES)} MiB). Proxies in front of Kestra may refuse it; consider object storage`
    )
  }
  return findings
}

/**
 * docs/layouts.md#one-path-one-source: one namespace file (namespace and path) placed by two repository files.
 * The later file in path order gets the finding, naming both: an error when their bytes differ (which one would
 * be deployed is no choice to leave to path order), a notice when they are equal (the first is deployed).
 */
function samePathFindings(files: readonly NamespaceFileEntry[]): Finding[] {
  const first = new Map<string, NamespaceFileEntry>()
  const findings: Finding[] = []
  for (const entry of [...files].sort((a, b) => compareCodeUnits(a.file, b.file))) {
    // A link out of root is never read: its own error says so.
    if (entry.symlinkEscapes) continue
    const key = fileKey(entry.namespace, entry.path)
    const earlier = first.get(key)
    if (earlier === undefined) {
      first.set(key, entry)
      continue
    }
    const name = `${entry.namespace}:${entry.path}`
    const same = earlier.sha256 === entry.sha256
    findings.push({
      severity: same ? 'notice' : 'error',
      file: entry.file,
      line: 1,
      rule: 'file-two-sources',
      message: same
        ? `Namespace file ${name} is found in two places with the same content, ${earlier.file} and ${entry.file}: ${earlier.file} is deployed. Delete one to keep one source`
        : `Namespace file ${name} is found in two places with different content, ${earlier.file} and ${entry.file}: only one can be deployed. Keep it in one place (delete or rename the other)`,
      resource: key,
      related: [earlier.file]
    })
  }
  return findings
}

/** What is wrong with a namespace file path (which starts with '/'), empty when nothing is. */
function pathProblems(path: string): string[] {
  const problems: string[] = []
  if (!path.startsWith('/')) problems.push(`Namespace file path '${path}' must start with '/'`)
  if (path.length > MAX_PATH) {
    problems.push(
      `Namespace file path is ${path.length} characters long: keep it at most ${MAX_PATH}`
    )
  }
  if (path.includes('\\'))
    problems.push(`Namespace file path '${path}' contains a backslash: use '/' only`)
  if (/\p{Cc}/u.test(path)) {
    problems.push(
      `Namespace file path ${JSON.stringify(path)} contains a control character: rename the file`
    )
  }
  const segments = path.replace(/^\//, '').split('/')
  if (segments.some((segment) => segment === '')) {
    problems.push(`Namespace file path '${path}' has an empty segment ('//' or a trailing '/')`)
  }
  if (segments.some((segment) => segment === '..' || segment === '.') || path.includes('..')) {
    problems.push(
      `Namespace file path '${path}' contains '..' or '.': Kestra refuses relative paths; rename it`
    )
  }
  if (segments.some((segment) => segment.length > MAX_SEGMENT)) {
    problems.push(
      `A file or folder name in '${path}' exceeds the maximum length of ${MAX_SEGMENT} characters`
    )
  }
  if (path === '/_flows' || path.startsWith('/_flows/')) {
    problems.push(`Namespace file path '${path}' is under /_flows, which Kestra forbids: move it`)
  }
  return problems
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')
}
