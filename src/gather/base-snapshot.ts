import type { RunContext } from '../model/context.js'
import type { GitHubPort } from '../model/github.js'
import type { BaseSnapshot } from '../model/plan-input.js'
import type { Plan } from '../model/plan.js'
import { sha256Hex } from '../model/content.js'
import { parseFlowFile } from '../model/flow-file.js'
import { workTreeReuse } from './repo/commit-reuse.js'
import { GitTree } from './repo/git-tree.js'
import type { SharedTree } from './repo/shared-tree.js'

import { loadRepository, type ReuseFlow, type WalkParts } from './repo/load.js'
import type { RepoModel } from '../model/repository.js'
import type { Settings } from '../model/settings.js'
import { fileKey, flowKey } from '../model/targets.js'
import { deployableFlow } from '../model/repository.js'
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

/**
 * Opens the base commit's tree, when the event has a base commit: git lists it in its own process
 * while the work tree loads. Undefined inside when the commit is not in the local history.
 */
export function openBaseTree(
  settings: Settings,
  context: RunContext
): Promise<GitTree | undefined> | undefined {
  const sha = baseCommit(context)
  return sha ? GitTree.open(context.workspace, sha, settings.root) : undefined
}

/**
 * The base commit's snapshot, read from its tree (then closed); `current` (the work tree's model,
 * read with the same settings) spares reading the files the change left alone.
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
