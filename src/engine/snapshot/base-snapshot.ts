import { asBaseTree, type SharedTree } from './shared-tree.js'
import type { SentNames } from '../../model/sent-names.js'
import type { RunContext } from '../../model/context.js'
import { errorMessage } from '../../model/errors.js'
import { type MarkerReading, markedCommit, short } from '../../model/commit-marker.js'
import { COMMIT_MARKER_KEY } from '../record/marker.js'
import type { BaseResource, BaseSnapshot } from '../../model/plan-input.js'
import { resourceKey } from '../../model/targets.js'
import type { RepoModel } from '../../model/repository.js'
import { mapLimit } from '../../model/concurrency.js'
import { GitTree } from '../../adapters/git/git-tree.js'
import type { ReuseFlow, WalkParts } from '../../layout/load.js'
import { loadAtCommit } from '../../layout/work-tree-reuse.js'
import { ServerReads } from './server/reads.js'
import type { GitHubPort } from '../../model/github.js'
import { baseByKind, type BaseTree, type GatherKind } from './kind.js'
import type { Plan } from '../../model/plan.js'
import type { Settings } from '../../model/settings.js'

/**
 * The base commit's snapshot; `current` (the work tree's model) spares reading the files the change left alone.
 */
export async function readBaseSnapshot(
  opening: Promise<SharedTree<GitTree> | undefined>,
  settings: Settings,
  current: RepoModel,
  kinds: readonly GatherKind[],
  walk: WalkParts,
  reuseFlow?: ReuseFlow
): Promise<BaseSnapshot | undefined> {
  const shared = await opening
  if (!shared) return undefined
  try {
    const model = await loadAtCommit(shared.tree, settings, { current, walk, reuseFlow })
    return { byKind: baseByKind(kinds, model) }
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
    /** The tree of a commit, shared with the run's other readers of it. */
    open: (commit: string) => Promise<SharedTree<GitTree> | undefined>
    model: RepoModel
    kinds: readonly GatherKind[]
    walk: WalkParts
    reuseFlow?: ReuseFlow
  }
): Promise<BaseSnapshot> {
  const { input, model } = run
  const { sending, settings } = input
  const sentOf = new Map(model.managedNamespaces.map((ns) => [ns, sending.namespace(ns)]))
  const commits = new Map<string, string>()
  const { byCommit, unchecked } = await markerCommits(reads, [...sentOf])
  const byKind = new Map<string, Map<string, BaseResource>>()
  for (const [commit, namespaces] of [...byCommit].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const held = new Set(namespaces)
    const none = (why: string) => {
      for (const namespace of namespaces) unchecked.set(sentOf.get(namespace)!, why)
    }
    let shared: SharedTree<GitTree> | undefined
    try {
      shared = await run.open(commit)
      const tree = shared?.tree
      if (!tree) {
        none(
          `its commit marker names commit ${short(commit)}, which this checkout does not have (a shallow clone: check out with fetch-depth: 0)`
        )
        continue
      }
      const at = await loadAtCommit(tree, settings, {
        current: model,
        walk: run.walk,
        reuseFlow: run.reuseFlow
      })
      for (const [kind, resources] of baseByKind(run.kinds, at, (ns) => held.has(ns))) {
        const into = byKind.get(kind) ?? byKind.set(kind, new Map()).get(kind)!
        for (const [key, resource] of resources) into.set(key, resource)
      }
      for (const namespace of namespaces) commits.set(sentOf.get(namespace)!, commit)
    } catch (error) {
      none(`commit ${short(commit)} of its commit marker could not be read: ${errorMessage(error)}`)
    } finally {
      await shared?.release()
    }
  }
  return { byKind, deployed: { commits, unchecked } }
}

/**
 * The tree of the commit every commit marker of the repository's namespaces names (`deployedCommit`), opened once
 * the first kind asks and shared by them; none when the markers name none or several, or git lacks it.
 */
export function deployedBaseOf(
  reads: ServerReads,
  walked: Promise<RepoModel>,
  {
    sending,
    open
  }: { sending: SentNames; open: (commit: string) => Promise<SharedTree<GitTree> | undefined> }
): () => Promise<BaseTree | undefined> {
  let base: Promise<{ commit: string; holds: (ns: string) => boolean } | undefined>
  const find = async () => {
    const model = await walked
    const namespaces = model.managedNamespaces.map((ns) => [ns, sending.namespace(ns)] as const)
    const deployed = await deployedCommit(reads, namespaces)
    return (
      deployed && { commit: deployed.commit, holds: (ns: string) => deployed.namespaces.has(ns) }
    )
  }
  return async () => {
    const found = await (base ??= find().catch(() => undefined))
    const shared = found && (await open(found.commit).catch(() => undefined))
    return shared && asBaseTree(shared, found.holds)
  }
}

/**
 * The commit the namespaces' commit markers name, when every marker read names the same one, with the namespaces
 * (as the repository names them) it was deployed to: the base of what a kind reads on its own when the event has
 * none (docs/drift.md#drift-by-default). Undefined when no marker is read, or two name different commits.
 */
async function deployedCommit(
  reads: ServerReads,
  namespaces: readonly (readonly [namespace: string, sent: string])[]
): Promise<{ commit: string; namespaces: ReadonlySet<string> } | undefined> {
  const [only, ...others] = (await markerCommits(reads, namespaces)).byCommit
  return only && others.length === 0 ? { commit: only[0], namespaces: new Set(only[1]) } : undefined
}

/** The namespaces by the commit their markers name, and why each namespace (as sent) without one has none. */
async function markerCommits(
  reads: ServerReads,
  namespaces: readonly (readonly [namespace: string, sent: string])[]
): Promise<{ byCommit: Map<string, string[]>; unchecked: Map<string, string> }> {
  const byCommit = new Map<string, string[]>()
  const unchecked = new Map<string, string>()
  const readings = await Promise.all(namespaces.map(([, sent]) => reads.markerOf(sent)))
  namespaces.forEach(([namespace, sent], i) => {
    const why = unreadMarker(readings[i]!, sent)
    if (why !== undefined) {
      unchecked.set(sent, why)
      return
    }
    const commit = markedCommit(readings[i]!, sent)!
    byCommit.set(commit, [...(byCommit.get(commit) ?? []), namespace])
  })
  return { byCommit, unchecked }
}

/** Why a namespace's marker gives no commit to compare with, or undefined when it does. */
function unreadMarker(reading: MarkerReading, namespace: string): string | undefined {
  const { failed, marker, value, unreadable } = reading.byNamespace.get(namespace) ?? {}
  if (failed !== undefined) {
    return `its commit marker (KV ${COMMIT_MARKER_KEY}) could not be read: ${failed}`
  }
  if (marker) return undefined
  if (value === undefined) return 'no commit marker (this action has not deployed it)'
  return `its KV entry ${COMMIT_MARKER_KEY} is not a commit marker this action reads (${unreadable ?? 'unreadable'})`
}

/**
 * Shallow history: read, through the contents API, the base version of just the files the plan would
 * overwrite or remove (drift needs nothing else).
 */
export async function baseFromApi(
  plan: Plan,
  github: GitHubPort,
  sha: string,
  kinds: readonly GatherKind[]
): Promise<BaseSnapshot> {
  const byKind = new Map<string, Map<string, BaseResource>>()
  const candidates = plan.resources.filter(
    (r) => r.file && r.action !== 'create' && r.action !== 'unchanged'
  )
  await mapLimit(candidates, 8, async (change) => {
    const kind = kinds.find((candidate) => candidate.name === change.kind)
    if (!kind?.baseOfBytes) return
    const bytes = await github.getFileAtRef(change.file!, sha)
    const resource = bytes && kind.baseOfBytes(change, bytes)
    if (!resource) return
    const into = byKind.get(kind.name) ?? byKind.set(kind.name, new Map()).get(kind.name)!
    into.set(resourceKey(change), resource)
  })
  return { byKind, partial: true }
}
