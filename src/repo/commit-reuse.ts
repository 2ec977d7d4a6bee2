import type { TreeBlob, WorktreeChanges } from './git-tree.js'
import { IGNORE_FILE } from './ignore-rules.js'
import type { FlowFile, NamespaceFileEntry, ReadProblem, RepoModel } from './model.js'

/** Entries of the work tree's model that stand for files of a commit, by path relative to root. */
export interface ReusedEntries {
  paths: Set<string>
  flows: FlowFile[]
  files: NamespaceFileEntry[]
  problems: ReadProblem[]
}

/**
 * Which files of a commit need not be read again because the work tree holds the same bytes and the
 * work tree's model already has their entries: a commit read then costs what the change costs, not
 * what the repository weighs. Nothing is reused when reading the work tree could have gone
 * differently for the commit: a `.kestraignore` that differs, or symbolic links (their targets).
 * A size check guards against checkout filters (line endings, LFS) that git counts as unchanged.
 */
export function reusableEntries(
  current: RepoModel,
  blobs: TreeBlob[],
  changes: WorktreeChanges | undefined
): ReusedEntries {
  const reused: ReusedEntries = { paths: new Set(), flows: [], files: [], problems: [] }
  if (!reuseAllowed(blobs, changes)) return reused

  const flowsByRel = groupBy(current.flows, (flow) => flow.rel)
  const filesByRel = groupBy(current.files, (entry) => entry.rel)
  const problemsByFile = groupBy(current.readProblems, (problem) => problem.file)
  const fileOf = (rel: string) => (current.rootRel === '' ? rel : `${current.rootRel}/${rel}`)
  for (const blob of blobs) {
    if (!mayReuse(blob, changes)) continue
    const flows = flowsByRel.get(blob.path) ?? []
    const files = filesByRel.get(blob.path) ?? []
    if (flows.length + files.length === 0) continue
    const sameSize =
      flows.every((flow) => Buffer.byteLength(flow.raw) === blob.size) &&
      files.every((entry) => !entry.symlink && entry.size === blob.size)
    if (!sameSize) continue
    reused.paths.add(blob.path)
    reused.flows.push(...flows)
    reused.files.push(...files.map((entry) => ({ ...entry, absPath: '' })))
    reused.problems.push(...(problemsByFile.get(fileOf(blob.path)) ?? []))
  }
  return reused
}

/**
 * The blobs read from the commit whatever the work tree's model holds, so they can be read before
 * that model exists: every blob when nothing may be reused, else the changed ones and ignore files.
 */
export function blobsAlwaysRead(
  blobs: TreeBlob[],
  changes: WorktreeChanges | undefined
): TreeBlob[] {
  if (!reuseAllowed(blobs, changes)) return blobs
  return blobs.filter((blob) => !mayReuse(blob, changes))
}

function reuseAllowed(
  blobs: TreeBlob[],
  changes: WorktreeChanges | undefined
): changes is WorktreeChanges {
  if (!changes || changes.untrackedIgnoreFile) return false
  if ([...changes.changed].some(isIgnoreFile)) return false
  return !blobs.some((blob) => blob.symlink)
}

/** Whether the work tree may stand for this blob (its entries and size are checked as well). */
function mayReuse(blob: TreeBlob, changes: WorktreeChanges): boolean {
  return !changes.changed.has(blob.path) && !isIgnoreFile(blob.path)
}

function isIgnoreFile(path: string): boolean {
  return path === IGNORE_FILE || path.endsWith(`/${IGNORE_FILE}`)
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  }
  return groups
}
