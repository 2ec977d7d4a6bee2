import type { GitTree } from './git-tree.js'
import { IGNORE_FILE } from './ignore-rules.js'
import type { LoadHooks } from './load.js'
import type {
  FlowFile,
  NamespaceFileEntry,
  ReadProblem,
  RepoModel
} from '../../model/repository.js'

/**
 * Which files of a commit need not be read because the work tree holds the same bytes and the work
 * tree's model (`current`, read with the same settings) already has their entries: a commit read
 * then costs what the change costs, not what the repository weighs. Nothing is reused when reading
 * the work tree could have gone differently for the commit: a `.kestraignore` that differs, or
 * symbolic links (their targets). A size check guards against checkout filters (line endings, LFS)
 * that git counts as unchanged. Undefined when nothing may be reused.
 */
export function workTreeReuse(current: RepoModel, commit: GitTree): LoadHooks['known'] {
  const changes = commit.workTreeChanges
  if (!changes || changes.untrackedIgnoreFile) return undefined
  if ([...changes.changed].some(isIgnoreFile)) return undefined
  if ([...commit.blobs.values()].some((blob) => blob.kind === 'symlink')) return undefined

  const flowsByRel = groupBy(current.flows, (flow) => flow.rel)
  const filesByRel = groupBy(current.files, (entry) => entry.rel)
  const problemsByFile = groupBy(current.readProblems, (problem) => problem.file)
  const fileOf = (rel: string) => (current.rootRel === '' ? rel : `${current.rootRel}/${rel}`)
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
    const problems: ReadProblem[] = problemsByFile.get(fileOf(rel)) ?? []
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
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  }
  return groups
}
