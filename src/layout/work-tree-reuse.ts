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
  const committed = committedCopies(commit)
  return (
    sameAsWorkTree(current, commit, walk, committed) ??
    (await loadRepository(commit, settings, {
      walk,
      known: workTreeReuse(current, commit, walk, committed),
      layout: current.layout,
      reuseFlow
    }))
  )
}

/** Whether the commit holds a flow's or a namespace file's bytes, as the work tree's model read them. */
interface CommittedCopies {
  flow(flow: FlowFile): boolean
  file(entry: NamespaceFileEntry): boolean
}

/**
 * The same bytes, not only "unchanged" as git sees it: checkout filters (line endings, LFS, any clean and smudge
 * pair) make a work tree's file differ from its blob, even at its size. A flow's text is hashed as a blob; a
 * namespace file's blob is the one git's index vouches for, and one it does not vouch for is read from the commit.
 */
function committedCopies(commit: GitTree): CommittedCopies {
  return {
    flow: (flow) => commit.holdsBytes(flow.rel, Buffer.from(flow.raw, 'utf8')),
    file: (entry) =>
      !entry.symlink && entry.blob !== undefined && commit.blobs.get(entry.rel)?.oid === entry.blob
  }
}

/**
 * The work tree's model as the commit's, when reading the commit could find nothing else: git sees no change and
 * nothing untracked under root (an untracked ignore file or virtual environment changes what the walk reads), the
 * commit has no symbolic link, the commit holds the bytes of every file the model placed, and no file failed to
 * read. Undefined otherwise.
 */
function sameAsWorkTree(
  current: RepoModel,
  commit: GitTree,
  walk: WalkParts,
  committed: CommittedCopies
): RepoModel | undefined {
  const changes = commit.workTreeChanges
  if (!changes || changes.changed.size > 0 || changes.untracked || changes.untrackedIgnoreFile) {
    return undefined
  }
  if (current.readProblems.some((problem) => problem.severity === 'error')) return undefined
  if ([...commit.blobs.values()].some((blob) => blob.kind === 'symlink')) return undefined
  const { flows, files } = walkedOf(current, walk)
  if (!flows.every(committed.flow) || !files.every(committed.file)) return undefined
  return withWalked({ ...current, byKind: new Map() }, walk, {
    flows,
    files: files.map((entry) => ({ ...entry, absPath: '' }))
  })
}

/**
 * Which files of a commit need not be read: the work tree holds the same bytes and its model (`current`, same
 * settings) has their entries, so a commit read costs what the change costs. Nothing is reused when the reading
 * could differ (a `.kestraignore` changed, symbolic links), nor a file whose bytes are not the commit's though git
 * counts it unchanged (checkout filters). Undefined when nothing may be reused.
 */
function workTreeReuse(
  current: RepoModel,
  commit: GitTree,
  walk: WalkParts,
  committed: CommittedCopies
): LoadHooks['known'] {
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
    if (!flows.every(committed.flow) || !files.every(committed.file)) return undefined
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
