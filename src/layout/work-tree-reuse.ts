import type { GitTree } from '../adapters/git/git-tree.js'
import { IGNORE_FILE } from '../adapters/git/ignore-rules.js'
import { childOf } from '../adapters/git/tree-source.js'
import type { FlowFile, NamespaceFileEntry, ReadProblem, RepoModel } from '../model/repository.js'
import type { Settings } from '../model/settings.js'
import { loadRepository, type LoadHooks, type ReuseFlow, type WalkParts } from './load.js'
import { walkedOf, withWalked } from './walked.js'

/**
 * A commit's tree read as the repository, as `loadRepository` reads it with the work tree's model (`current`, same
 * settings) lending what the work tree holds unchanged: all of it when the work tree is the commit.
 */
export async function loadAtCommit(
  commit: GitTree,
  settings: Settings,
  { current, walk, reuseFlow }: { current: RepoModel; walk: WalkParts; reuseFlow?: ReuseFlow }
): Promise<RepoModel> {
  return (
    sameAsWorkTree(current, commit, walk) ??
    (await loadRepository(commit, settings, {
      walk,
      known: workTreeReuse(current, commit, walk),
      layout: current.layout,
      reuseFlow
    }))
  )
}

/**
 * The work tree's model as the commit's, when reading the commit could find nothing else: git sees no change and
 * nothing untracked under root (an untracked ignore file or virtual environment changes what the walk reads), the
 * commit has no symbolic link, every file the model placed is in the commit with its size (checkout filters), and
 * no file failed to read. Undefined otherwise.
 */
function sameAsWorkTree(
  current: RepoModel,
  commit: GitTree,
  walk: WalkParts
): RepoModel | undefined {
  const changes = commit.workTreeChanges
  if (!changes || changes.changed.size > 0 || changes.untracked || changes.untrackedIgnoreFile) {
    return undefined
  }
  if (current.readProblems.some((problem) => problem.severity === 'error')) return undefined
  if ([...commit.blobs.values()].some((blob) => blob.kind === 'symlink')) return undefined
  const { flows, files } = walkedOf(current, walk)
  const committed = (rel: string, size: number) => commit.blobs.get(rel)?.size === size
  if (!flows.every((flow) => committed(flow.rel, Buffer.byteLength(flow.raw)))) return undefined
  if (!files.every((entry) => !entry.symlink && committed(entry.rel, entry.size))) return undefined
  return withWalked({ ...current, byKind: new Map() }, walk, {
    flows,
    files: files.map((entry) => ({ ...entry, absPath: '' }))
  })
}

/**
 * Which files of a commit need not be read: the work tree holds the same bytes and its model (`current`, same
 * settings) has their entries, so a commit read costs what the change costs. Nothing is reused when the reading
 * could differ (a `.kestraignore` changed, symbolic links); a size check guards against checkout filters (line
 * endings, LFS) git counts as unchanged. Undefined when nothing may be reused.
 */
function workTreeReuse(current: RepoModel, commit: GitTree, walk: WalkParts): LoadHooks['known'] {
  const changes = commit.workTreeChanges
  if (!changes || changes.untrackedIgnoreFile) return undefined
  if ([...changes.changed].some(isIgnoreFile)) return undefined
  if ([...commit.blobs.values()].some((blob) => blob.kind === 'symlink')) return undefined

  const walked = walkedOf(current, walk)
  const flowsByRel = groupBy(walked.flows, (flow) => flow.rel)
  const filesByRel = groupBy(walked.files, (entry) => entry.rel)
  const problemsByFile = groupBy(current.readProblems, (problem) => problem.file)
  return (rel) => {
    const blob = commit.blobs.get(rel)
    if (!blob || changes.changed.has(rel) || isIgnoreFile(rel)) return undefined
    const flows: FlowFile[] = flowsByRel.get(rel) ?? []
    const files: NamespaceFileEntry[] = filesByRel.get(rel) ?? []
    if (flows.length + files.length === 0) return undefined
    const sameSize =
      flows.every((flow) => Buffer.byteLength(flow.raw) === blob.size) &&
      files.every((entry) => !entry.symlink && entry.size === blob.size)
    if (!sameSize) return undefined
    const problems: ReadProblem[] = problemsByFile.get(childOf(current.rootRel, rel)) ?? []
    return { flows, files: files.map((entry) => ({ ...entry, absPath: '' })), problems }
  }
}

function isIgnoreFile(path: string): boolean {
  return path === IGNORE_FILE || path.endsWith(`/${IGNORE_FILE}`)
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key)!.push(item)
  }
  return groups
}
