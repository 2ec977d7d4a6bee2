import type { RunContext } from '../context.js'
import type { GitHubPort } from '../github/port.js'
import type { BaseSnapshot } from '../plan/input.js'
import type { Plan } from '../plan/types.js'
import { sha256Hex } from '../plan/content.js'
import { parseFlowFile } from '../repo/flow-file.js'
import { loadRepositoryAtCommit, startCommitGitReads, type CommitGitReads } from '../repo/load.js'
import type { RepoModel } from '../repo/model.js'
import type { Settings } from '../settings.js'
import { fileKey, flowKey } from '../validate/finding.js'
import { deployableFlow } from './desired.js'
import { mapLimit } from '../concurrency.js'

/** The commit the change starts from: the PR base, or the push's `before` (none for a new branch). */
export function baseCommit(context: RunContext): string | undefined {
  const sha = context.pullRequest?.baseSha || context.push?.before
  return sha && !/^0+$/.test(sha) ? sha : undefined
}

export function snapshotOf(model: RepoModel): BaseSnapshot {
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

/** The base commit's snapshot from git, when the event has a base commit (see baseFromGit). */
export function readBaseSnapshot(
  settings: Settings,
  context: RunContext,
  current: RepoModel,
  git?: CommitGitReads
): Promise<BaseSnapshot | undefined> | undefined {
  const sha = baseCommit(context)
  return sha ? baseFromGit(settings, context.workspace, sha, current, git) : undefined
}

/** Starts the git reads of the base commit's snapshot, when the event has a base commit. */
export function startBaseGitReads(
  settings: Settings,
  context: RunContext
): CommitGitReads | undefined {
  const sha = baseCommit(context)
  return sha ? startCommitGitReads(settings, context.workspace, sha) : undefined
}

/**
 * The repository at the base commit, from local git history; undefined when history is shallow.
 * `current` (the work tree's model) spares reading the files the change left alone.
 */
export async function baseFromGit(
  settings: Settings,
  workspace: string,
  sha: string,
  current?: RepoModel,
  git?: CommitGitReads
): Promise<BaseSnapshot | undefined> {
  const model = await loadRepositoryAtCommit(settings, workspace, sha, current, git)
  return model && snapshotOf(model)
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
