import type { SharedTree } from './shared-tree.js'
import type { SentNames } from '../../model/sent-names.js'
import type { RunContext } from '../../model/context.js'
import { errorMessage } from '../../model/errors.js'
import { COMMIT_MARKER_KEY, commitMarker, readStored, short } from '../../model/commit-marker.js'
import type { MarkersRead } from '../../adapters/kestra/commit-markers.js'
import type { BaseSnapshot } from '../../model/plan-input.js'
import { sha256Hex } from '../../model/content.js'
import { fileKey, flowKey } from '../../model/targets.js'
import {
  firstDeclared,
  type FlowFile,
  type NamespaceFileEntry,
  type ReadProblem,
  type RepoModel
} from '../../model/repository.js'
import { mapLimit } from '../../model/concurrency.js'
import { GitTree } from './repo/git-tree.js'
import { IGNORE_FILE } from './repo/ignore-rules.js'
import { childOf } from './repo/tree-source.js'
import { loadRepository, type LoadHooks, type ReuseFlow, type WalkParts } from './repo/load.js'
import { ServerReads } from './server/reads.js'
import type { GitHubPort } from '../../model/github.js'
import { parseFlowFile } from '../../model/flow-file.js'
import type { Plan } from '../../model/plan.js'
import type { Settings } from '../../model/settings.js'

function snapshotOf(model: RepoModel): BaseSnapshot {
  const flows = [...firstDeclared(model.flows)].map(
    ([key, { source, file }]) => [key, { source, file }] as const
  )
  const files = model.files.map(
    ({ namespace, path, sha256, file }) => [fileKey(namespace, path), { sha256, file }] as const
  )
  return { flows: new Map(flows), files: new Map(files) }
}

/**
 * The base commit's snapshot; `current` (the work tree's model) spares reading the files the change left alone.
 */
export async function readBaseSnapshot(
  opening: Promise<SharedTree<GitTree> | undefined>,
  settings: Settings,
  current: RepoModel,
  walk: WalkParts,
  reuseFlow?: ReuseFlow
): Promise<BaseSnapshot | undefined> {
  const shared = await opening
  if (!shared) return undefined
  try {
    return snapshotOf(
      await loadRepository(shared.tree, settings, {
        walk,
        known: workTreeReuse(current, shared.tree),
        layout: current.layout,
        reuseFlow
      })
    )
  } finally {
    await shared.release()
  }
}

/**
 * Each managed namespace's last deployed commit, read from its commit marker, as one base snapshot in the
 * repository's names (docs/drift.md#drift-by-default): the namespaces deployed from one commit read it once; a
 * namespace without a marker, with one this action cannot read, or whose commit the checkout lacks has no base, and
 * `deployed.unchecked` says why. The marker is untrusted text: only a well-formed commit id is ever given to git.
 */
export async function readDeployedBase(
  reads: ServerReads,
  run: {
    input: { sending: SentNames; settings: Settings; context: RunContext }
    model: RepoModel
    walk: WalkParts
    reuseFlow?: ReuseFlow
  }
): Promise<BaseSnapshot> {
  const { input, model } = run
  const { sending, settings, context } = input
  const sentOf = new Map(model.managedNamespaces.map((ns) => [ns, sending.namespace(ns)]))
  const commits = new Map<string, string>()
  const unchecked = new Map<string, string>()
  const byCommit = new Map<string, string[]>()
  await Promise.all(
    [...sentOf].map(async ([namespace, sent]) => {
      const reading = await reads.markerOf(sent)
      const why = unreadMarker(reading, sent)
      if (why !== undefined) {
        unchecked.set(sent, why)
        return
      }
      const commit = reading.markers.get(sent)!.commit.toLowerCase()
      byCommit.set(commit, [...(byCommit.get(commit) ?? []), namespace])
    })
  )
  const flows: BaseSnapshot['flows'] = new Map()
  const files: BaseSnapshot['files'] = new Map()
  for (const [commit, namespaces] of [...byCommit].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const held = new Set(namespaces)
    const none = (why: string) => {
      for (const namespace of namespaces) unchecked.set(sentOf.get(namespace)!, why)
    }
    let tree: GitTree | undefined
    try {
      tree = await GitTree.open(context.workspace, commit, settings.root)
      if (!tree) {
        none(
          `its commit marker names commit ${short(commit)}, which this checkout does not have (a shallow clone: check out with fetch-depth: 0)`
        )
        continue
      }
      const at = await loadRepository(tree, settings, {
        walk: run.walk,
        known: workTreeReuse(model, tree),
        layout: model.layout,
        reuseFlow: run.reuseFlow
      })
      const snapshot = snapshotOf({
        ...at,
        flows: at.flows.filter((flow) => flow.namespace !== undefined && held.has(flow.namespace)),
        files: at.files.filter((entry) => held.has(entry.namespace))
      })
      for (const [key, flow] of snapshot.flows) flows.set(key, flow)
      for (const [key, file] of snapshot.files) files.set(key, file)
      for (const namespace of namespaces) commits.set(sentOf.get(namespace)!, commit)
    } catch (error) {
      none(`commit ${short(commit)} of its commit marker could not be read: ${errorMessage(error)}`)
    } finally {
      await tree?.close()
    }
  }
  return { flows, files, deployed: { commits, unchecked } }
}

/** Why a namespace's marker gives no commit to compare with, or undefined when it does. */
function unreadMarker(reading: MarkersRead, namespace: string): string | undefined {
  const failed = reading.failed.get(namespace)
  if (failed !== undefined) {
    return `its commit marker (KV ${COMMIT_MARKER_KEY}) could not be read: ${failed}`
  }
  if (reading.markers.get(namespace)) return undefined
  const value = reading.held?.get(namespace)
  if (value === undefined) return 'no commit marker (this action has not deployed it)'
  const read = readStored('commit marker', commitMarker, value)
  return `its KV entry ${COMMIT_MARKER_KEY} is not a commit marker this action reads (${'refused' in read ? read.refused : 'unreadable'})`
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
  const snapshot: BaseSnapshot = { flows: new Map(), files: new Map(), partial: true }
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
