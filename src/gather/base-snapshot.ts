import type { RunContext } from '../model/context.js'
import type { GitHubPort } from '../model/github.js'
import type { BaseSnapshot } from '../model/plan-input.js'
import type { Plan } from '../model/plan.js'
import { sha256Hex } from '../model/content.js'
import { parseFlowFile } from '../model/flow-file.js'
import { IGNORE_FILE } from './repo/ignore-rules.js'
import { childOf } from './repo/tree-source.js'
import { GitTree } from './repo/git-tree.js'
import type { ClosableTree } from './kind.js'

import { loadRepository, type LoadHooks, type ReuseFlow, type WalkParts } from './repo/load.js'
import type { Settings } from '../model/settings.js'
import { fileKey, flowKey } from '../model/targets.js'
import {
  deployableFlow,
  type FlowFile,
  type NamespaceFileEntry,
  type ReadProblem,
  type RepoModel
} from '../model/repository.js'
import { mapLimit } from '../model/concurrency.js'

/** The commit the change starts from: the PR base, or the push's `before` (none for a new branch). */
export function baseCommit(context: RunContext): string | undefined {
  const sha = context.pullRequest?.baseSha || context.push?.before
  return sha && !/^0+$/.test(sha) ? sha : undefined
}

function snapshotOf(model: RepoModel): BaseSnapshot {
  const snapshot: BaseSnapshot = { flows: new Map(), files: new Map() }
  for (const flow of model.flows) {
    if (!deployableFlow(flow)) continue
    const key = flowKey(flow.namespace!, flow.id!)
    if (!snapshot.flows.has(key)) snapshot.flows.set(key, { source: flow.source, file: flow.file })
  }
  for (const file of model.files) {
    snapshot.files.set(fileKey(file.namespace, file.path), { sha256: file.sha256, file: file.file })
  }
  return snapshot
}

/** The base commit's tree, listed by git while the work tree loads; inside, undefined when git lacks it. */
export function openBaseTree(
  settings: Settings,
  context: RunContext
): Promise<GitTree | undefined> | undefined {
  const sha = baseCommit(context)
  return sha ? GitTree.open(context.workspace, sha, settings.root) : undefined
}

/**
 * The base commit's snapshot; `current` (the work tree's model) spares reading the files the change left alone.
 */
export async function readBaseSnapshot(
  borrowing: Promise<SharedTree<GitTree> | undefined>,
  settings: Settings,
  current: RepoModel,
  walk: WalkParts,
  reuseFlow?: ReuseFlow
): Promise<BaseSnapshot | undefined> {
  const borrowed = await borrowing
  if (!borrowed) return undefined
  const { tree } = borrowed
  try {
    return snapshotOf(
      await loadRepository(tree, settings, {
        walk,
        known: workTreeReuse(current, tree),
        layout: current.layout,
        ...(reuseFlow && { reuseFlow })
      })
    )
  } finally {
    await borrowed.release()
  }
}

/**
 * Shallow history: read, through the contents API, the base version of just the files the plan would
 * overwrite or remove (drift needs nothing else).
 */
export async function baseFromApi(
  plan: Plan,
  github: GitHubPort,
  sha: string
): Promise<BaseSnapshot> {
  const snapshot: BaseSnapshot = { flows: new Map(), files: new Map() }
  const candidates = plan.resources.filter(
    (r) => r.file && r.action !== 'create' && r.action !== 'unchanged'
  )
  await mapLimit(candidates, 8, async (change) => {
    const bytes = await github.getFileAtRef(change.file!, sha)
    if (!bytes) return
    if (change.kind === 'file') {
      snapshot.files.set(fileKey(change.namespace, change.path), {
        sha256: sha256Hex(bytes),
        file: change.file!
      })
      return
    }
    const flow = parseFlowFile({
      file: change.file!,
      rel: change.file!,
      raw: Buffer.from(bytes).toString('utf8')
    })
    if (flow.namespace === change.namespace && flow.id === change.id) {
      snapshot.flows.set(flowKey(change.namespace, change.id), {
        source: flow.source,
        file: change.file!
      })
    }
  })
  return snapshot
}

/**
 * Which files of a commit need not be read: the work tree holds the same bytes and its model (`current`, same
 * settings) has their entries, so a commit read costs what the change costs. Nothing is reused when the reading
 * could differ (a `.kestraignore` changed, symbolic links); a size check guards against checkout filters (line
 * endings, LFS) git counts as unchanged. Undefined when nothing may be reused.
 */
export function workTreeReuse(current: RepoModel, commit: GitTree): LoadHooks['known'] {
  const changes = commit.workTreeChanges
  if (!changes || changes.untrackedIgnoreFile) return undefined
  if ([...changes.changed].some(isIgnoreFile)) return undefined
  if ([...commit.blobs.values()].some((blob) => blob.kind === 'symlink')) return undefined

  const flowsByRel = groupBy(current.flows, (flow) => flow.rel)
  const filesByRel = groupBy(current.files, (entry) => entry.rel)
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

export interface SharedTree<T> {
  tree: T
  release(): Promise<void>
}

/**
 * One opening of a tree lent to several readers (the base commit: the run's snapshot and each kind): it is
 * closed when its last borrower releases it, never while one still reads. A later borrow reads on, and is
 * closed in turn (a closed tree starts its reader again on demand).
 */
export function shareTree<T extends ClosableTree>(
  opening: Promise<T | undefined>
): () => Promise<SharedTree<T> | undefined> {
  let borrowers = 0
  return async () => {
    const tree = await opening
    if (!tree) return undefined
    borrowers++
    let released = false
    return {
      tree,
      release: async () => {
        if (released) return
        released = true
        borrowers--
        if (borrowers === 0) await tree.close()
      }
    }
  }
}

export function asClosable<T extends ClosableTree>({ tree, release }: SharedTree<T>): ClosableTree {
  return {
    workspace: tree.workspace,
    rootRel: tree.rootRel,
    hasRoot: () => tree.hasRoot(),
    list: (dirRel) => tree.list(dirRel),
    kind: (rel) => tree.kind(rel),
    read: (rel) => tree.read(rel),
    summarise: (rel) => tree.summarise(rel),
    blob: (rel) => tree.blob(rel),
    resolveLink: (rel, rules) => tree.resolveLink(rel, rules),
    bytesPath: (rel) => tree.bytesPath(rel),
    versioned: () => tree.versioned(),
    close: release
  }
}
