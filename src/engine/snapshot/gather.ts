import { resolve } from 'node:path'
import { ConfigError, errorMessage } from '../../model/errors.js'
import { markerSeal, type MarkerSeal } from '../../model/marker-seal.js'
import { COMMIT_MARKER_KEY, commitMarker, readStored, short } from '../../model/commit-marker.js'
import type { MarkersRead } from '../../adapters/kestra/commit-markers.js'
import type {
  ActualNamespace,
  BaseSnapshot,
  ChangedFiles,
  DesiredFile,
  DesiredFlow
} from '../../model/plan-input.js'
import { MAX_FILE_BYTES, sha256Hex } from '../../model/content.js'
import { fileKey, flowKey } from '../../model/targets.js'
import {
  deployableFlow,
  NOTHING_FOUND,
  type ChosenLayout,
  type FlowFile,
  type NamespaceFileEntry,
  type ReadProblem,
  type RepoModel
} from '../../model/repository.js'
import { EventLoopYielder, mapLimit } from '../../model/concurrency.js'
import { commitTime, GitTree } from './repo/git-tree.js'
import { IGNORE_FILE, IgnoreRules } from './repo/ignore-rules.js'
import { childOf } from './repo/tree-source.js'
import { chooseWorkTreeLayout } from './repo/choose-layout.js'
import { loadRepository, type LoadHooks, type ReuseFlow, type WalkParts } from './repo/load.js'
import { WorkTree } from './repo/work-tree.js'
import { git, gitOrThrow, readIndexBlobs, type IndexBlobs } from '../../adapters/git/git.js'
import {
  readNameListings,
  readRollbackRecords,
  readUnfinishedOfRewritable,
  ServerReads,
  ServerValidation
} from './server/reads.js'
import { reuseStoredChecks } from './stored-checks.js'
import { readClosing, type ClosableTree, type GatherKind, type KnownInput } from './kind.js'
import { managedNamespaces } from '../../model/managed-namespaces.js'
import { heldNamespaceIsManaged } from '../../model/namespaces.js'
import { NO_CONTENT_FACTS } from '../../model/content-facts.js'
import type { KestraApi, ListingsApi } from '../../adapters/kestra/api.js'
import { onPullRequest, type RunContext } from '../../model/context.js'
import type { ChangedPath, GitHubPort, StickyComment } from '../../model/github.js'
import type { DeploymentReads, EnvironmentRow } from '../../model/deployments-port.js'
import type { DriftGitHub } from '../../model/drift-port.js'
import type { DriftedResource } from '../../model/drift.js'
import { parseFlowFile } from '../../model/flow-file.js'
import { commentMarker } from '../../model/markdown/comment-markers.js'
import { settle, valueOf, type Outcome } from '../../model/outcome.js'
import type { Plan } from '../../model/plan.js'
import type { Referenced } from '../../model/references.js'
import type { NameReference } from '../../model/names.js'
import type { SentNames } from '../../model/sent-names.js'
import type { Settings } from '../../model/settings.js'
import type { ServerAnswer, Snapshot } from '../../model/snapshot.js'
import type { StoredFlowCheck } from '../../model/stored-checks.js'
import type { Target, Work } from '../../model/target.js'
import {
  isVerified,
  verdictOf,
  verifiedCommit,
  type EnvironmentHistory
} from '../../model/verification.js'

/**
 * What every target of a run reads alike, read once (docs/architecture.md#one-read-per-run): a preview and a
 * plan are two targets; the first starts each read, the next takes its answers. The run's entry closes it.
 */
export class RunReads {
  layout?: Promise<ChosenLayout>
  repository?: Promise<RepoModel>
  probe?: Promise<Outcome<string | undefined>>
  validation?: ServerValidation
  changed?: Promise<Outcome<ChangedFiles>>
  committed?: Promise<Date | undefined>
  base?: Promise<Outcome<BaseSnapshot | undefined>>
  /** The tenant's secret names (OSS lists them tenant-wide: one listing for every target). */
  secretNames?: Promise<string[]>
  /** What git's index vouches for under root (docs/performance.md#what-a-plan-knows-without-reading). */
  index?: Promise<IndexBlobs | undefined>
  comments?: Promise<StickyComment[]>
  borrowBase?: () => Promise<SharedTree<GitTree> | undefined>
  /** Held until the run ends, so that each target borrows the one opening of the base commit. */
  private held?: Promise<SharedTree<GitTree> | undefined>

  openBase(settings: Settings, context: RunContext) {
    if (this.borrowBase) return this.borrowBase
    const sha = baseCommit(context)
    if (!sha) return undefined
    // The base commit's tree, listed by git while the work tree loads; undefined when git lacks it.
    const opening = GitTree.open(context.workspace, sha, settings.root)
    // Keeps a failure before the first borrow from being unhandled; each borrower gets it as an outcome.
    opening.catch(() => undefined)
    this.borrowBase = shareTree(opening)
    this.held = this.borrowBase().catch(() => undefined)
    return this.borrowBase
  }

  async close(): Promise<void> {
    await (await this.held)?.release()
  }
}

/** The server's version, asked once a run as early as it can (every request's address waits on it). */
export function probeServer(
  reads: RunReads,
  { work, kestra }: { work: Work; kestra?: KestraApi }
): Promise<Outcome<string | undefined>> | undefined {
  if (!kestra || !(work.plan || work.serverValidation)) return undefined
  return (reads.probe ??= settle(kestra.info().then((info) => info.version)))
}

/**
 * The layout of the run: the base commit is read as the work tree is. The kinds' folders (`GatherKind.folder`)
 * are found with it.
 */
export function runLayout(
  reads: RunReads,
  settings: Settings,
  workspace: string,
  kinds: readonly Pick<GatherKind, 'folder'>[] = []
) {
  const names = kinds.flatMap((kind) => (kind.folder ? [kind.folder.name] : []))
  return (reads.layout ??= chooseWorkTreeLayout(settings, workspace, names))
}

interface GatherInput {
  settings: Settings
  context: RunContext
  reads: RunReads
  target: Target
  layout: ChosenLayout
  kestra?: KestraApi & ListingsApi
  github?: GitHubPort
  /** The kinds whose reading is their own, or who read their part of the run's one walk (`GatherKind`). */
  kinds: readonly GatherKind[]
  /** How the repository is sent: the server is read under the sent names (docs/environments.md). */
  sending: SentNames
  /**
   * `validatorIdentity()` when a flow file's checks stored in its namespace's commit marker may be reused
   * rather than parsed and run again (docs/performance.md#incremental-planning); undefined for a full plan.
   */
  reuse?: Promise<string | undefined>
}

/** A gathering under way: the repository first, then the rest (see `gather`). */
export interface GatherResult {
  /** The work tree's model; the server's reads and validation started as it revealed namespaces and flows. */
  repository: Promise<RepoModel>
  /** The flow files whose stored checks were reused, with those checks: complete once `repository` is. */
  reused: ReadonlyMap<FlowFile, StoredFlowCheck>
  /**
   * The namespaces whose marker's stored checks or content facts were not used: no seal of this job vouches for
   * them.
   */
  unsealed: ReadonlySet<string>
  /**
   * The flow files as the loading reads them (each after its entry in `reused`), read once: they can be checked,
   * and their syntax trees let go of, while the rest is still read.
   */
  flows: AsyncIterable<FlowFile>
  /**
   * Once the repository is read (`sent`: as it is sent) and what its resources reference and the `secret()` /
   * `kv()` names they use are collected: the server's version as soon as it is known, the change, the server's
   * state, then the whole snapshot.
   */
  after(
    model: RepoModel,
    sent: RepoModel,
    referenced: readonly Referenced[],
    names: readonly NameReference[]
  ): Remaining
}

/** Each read as an outcome: `valueOf` where it is needed throws a failure there. */
export interface Remaining {
  serverVersion: Promise<Snapshot['serverVersion']>
  changed: Promise<Outcome<ChangedFiles>>
  state: Promise<Outcome<Snapshot['state']>>
  snapshot: Promise<Outcome<Snapshot>>
  /**
   * The server's verdicts on what the walk read, when it validates (`WalkRead.serverAnswers`): `snapshot` fails
   * when they do.
   */
  serverAnswers: Promise<Outcome<ServerAnswer[]>> | undefined
  /** Base-commit flow files a plan took from stored checks rather than parse: complete once `snapshot` is. */
  baseReused: ReadonlySet<string>
}

/**
 * Starts all the reading of a run: server reads as the walk reveals namespaces, validation batches as flows load,
 * git's base commit and changed files in parallel. A failed read is an outcome or thrown where used, never
 * dropped.
 */
export function gather(input: GatherInput): GatherResult {
  const { settings, layout, sending, target } = input
  const shared = input.reads
  const started = startReads(input)
  const { reads, onServer, reused, index, workTree } = started
  // The flows reach the checks as they are read; a repository another target of the run loaded is whole.
  const stream = shared.repository ? undefined : new FlowStream()
  const loading = (shared.repository ??= loadRepository(workTree, settings, {
    walk: started.walk,
    layout,
    reuseFlow: reuseOf(input, started, { reused: (flow, check) => reused.set(flow, check) }),
    knownFiles:
      reads && index && target.work.facts === 'use'
        ? async (namespace) => {
            const known = heldNamespaceIsManaged(namespace, settings.extraNamespaces)
              ? await reads.contentFacts(sending.namespace(namespace))
              : NO_CONTENT_FACTS
            const vouched = await index
            return (rel) => {
              const blob = vouched?.blobOf(rel)
              const summary = blob === undefined ? undefined : known.blobs.get(blob)
              return summary && { summary, blob: blob! }
            }
          }
        : undefined,
    onNamespace: (namespace) => reads?.start(sending.namespace(namespace)),
    onWalked: ({ files, flowFiles }) => {
      reads?.knowFiles(sending.localFiles(files))
      onServer?.sizeBatches(flowFiles)
    },
    onFlow: (flow) => {
      onServer?.add(flow)
      stream?.push(flow)
    }
  }))
  const ended = () => stream?.end()
  loading.then(ended, ended)
  // A target may manage namespaces the repository no longer holds (a preview's own leftovers).
  const repository =
    target.alsoManaged.length === 0
      ? loading
      : loading.then((model) => ({
          ...model,
          managedNamespaces: managedNamespaces(model.flows, model.files, [
            ...settings.extraNamespaces,
            ...target.alsoManaged
          ]),
          // A target that still manages namespaces has something to plan: their removal.
          readProblems: model.readProblems.filter((problem) => problem.rule !== NOTHING_FOUND)
        }))
  return {
    repository,
    reused,
    unsealed: reads?.unsealed ?? new Set(),
    flows: stream ?? wholeFlows(loading),
    after: (...after) => readRemaining(input, started, ...after)
  }
}

/** The reads `gather` starts before the repository is loaded, each as early as it can leave. */
function startReads(input: GatherInput) {
  const { settings, context, kestra, target, github, layout } = input
  const { work } = target
  const shared = input.reads
  const planning = kestra !== undefined && work.plan
  const probe = probeServer(shared, { work, kestra })
  // Git is asked now (commit time, changed files), while the repository loads.
  const committed = planning
    ? (shared.committed ??= commitTime(context.workspace, context.sha))
    : undefined
  const changed = (shared.changed ??= settle(
    detectChangedFiles(context, { workspace: context.workspace, github })
  ))
  // Opened once, read by the run's base snapshot and by each kind, closed when the run ends.
  const borrowBase = planning ? shared.openBase(settings, context) : undefined
  // Git's index vouches for files' bytes when content facts are used or recorded.
  const index = work.facts
    ? (shared.index ??= readIndexBlobs(resolve(context.workspace, settings.root)))
    : undefined
  const workTree = new WorkTree(context.workspace, settings.root, index)
  // Read now, so that the plan's write of its comment needs no read of its own (docs/comment.md#sticky-comment).
  const pr = context.pullRequest
  const comments =
    planning && github && pr && target.comment && context.eventName !== 'merge_group'
      ? (shared.comments ??= github
          .stickyComments(pr.number, commentMarker(settings.commentKey))
          .catch(() => []))
      : undefined
  const kinds = input.kinds
    .filter((kind) => kind.gather)
    .map(async (kind) => {
      const held = await kind.gather?.({
        settings,
        target,
        work,
        layout,
        workTree,
        openBase: borrowBase
          ? () => borrowBase().then((borrowed) => borrowed && asClosable(borrowed))
          : undefined,
        kestra: planning || work.serverValidation ? kestra : undefined
      })
      return [kind.name, held] as const
    })
  return {
    probe,
    committed,
    comments,
    changed,
    borrowBase,
    // A plan takes files' summaries from content facts when it reuses what deploys stored; a deploy reads
    // every file, and records the facts its commit markers store
    // (docs/performance.md#what-a-plan-knows-without-reading).
    reads: planning
      ? new ServerReads(kestra, {
          markers: work.markers,
          facts: work.facts,
          seal: sealing(settings, work)
        })
      : undefined,
    onServer:
      kestra && work.serverValidation
        ? (shared.validation ??= new ServerValidation(kestra, settings.concurrency))
        : undefined,
    index,
    workTree,
    kinds: settle(Promise.all(kinds)),
    // Each kind's part of the walk (docs/kinds.md#the-walk-two-kinds-share): the registry holds every part once.
    walk: Object.assign({}, ...input.kinds.map((kind) => kind.walk)) as WalkParts,
    reused: new Map<FlowFile, StoredFlowCheck>(),
    baseReused: new Set<string>()
  }
}

type Started = ReturnType<typeof startReads>

/**
 * The run's seal (`markerSeal`, derived once): a deploy, which seals what it stores, starts the derivation with its
 * reads, off the main thread; a plan only when a marker it reads stores something.
 */
function sealing(settings: Settings, work: Work): () => Promise<MarkerSeal | undefined> {
  const { auth, sealKey, server, tenant } = settings
  const seal = () => markerSeal({ auth, sealKey, server, tenant }).catch(() => undefined)
  if (work.markers) void seal()
  return seal
}

/** Where a flow file's checks stored in its namespace's marker are reused (`input.reuse`), how to reuse them. */
function reuseOf(
  { reuse, sending, settings, layout }: GatherInput,
  { reads }: Started,
  options: Pick<Parameters<typeof reuseStoredChecks>[0], 'reused' | 'onlyStarted'>
) {
  if (!reads || !reuse) return undefined
  return reuseStoredChecks({
    reads,
    sending,
    extraNamespaces: settings.extraNamespaces,
    layout: layout.layout,
    identity: reuse,
    ...options
  })
}

function readRemaining(
  input: GatherInput,
  started: Started,
  ...[model, sent, referenced, names]: Parameters<GatherResult['after']>
): Remaining {
  const { settings, kestra, target, layout } = input
  const { work } = target
  const { reads, onServer, borrowBase, changed, probe, baseReused } = started
  const shared = input.reads
  const reading = reads && settle(reads.state(sent))
  const answers = onServer && settle(onServer.answers())
  const markers = work.markers ? reads?.markersOf(sent.managedNamespaces) : undefined
  const recordsOf = [...sent.managedNamespaces].sort()
  const rollbackRecords =
    work.markers && reads && kestra
      ? { namespaces: recordsOf, read: settle(readRollbackRecords(kestra, recordsOf)) }
      : undefined
  const repositoryBase =
    borrowBase &&
    (shared.base ??= settle(
      readBaseSnapshot(
        borrowBase(),
        settings,
        model,
        started.walk,
        // A plan takes the identity of a base version from its stored checks; a deploy parses it.
        work.reuseBase
          ? reuseOf(input, started, {
              reused: (flow) => baseReused.add(flow.file),
              onlyStarted: true
            })
          : undefined
      )
    ))
  // Drift by default (docs/drift.md#drift-by-default): without an event's base, each namespace's last deployed
  // commit; a drift run plans the head itself.
  const deployedBase =
    !borrowBase && reads && work.plan && work.writes !== 'drift'
      ? settle(
          readDeployedBase(reads, {
            input,
            model,
            walk: started.walk,
            reuseFlow: work.reuseBase
              ? reuseOf(input, started, {
                  reused: (flow) => baseReused.add(flow.file),
                  onlyStarted: true
                })
              : undefined
          })
        )
      : undefined
  const base =
    (repositoryBase ?? deployedBase) &&
    settle(
      Promise.all([valueOf((repositoryBase ?? deployedBase)!), reading && valueOf(reading)]).then(
        ([snapshot, server]) => {
          if (!snapshot) return undefined
          const sent = input.sending.base(snapshot, model.managedNamespaces, server)
          return snapshot.deployed ? { ...sent, deployed: snapshot.deployed } : sent
        }
      )
    )
  const desired =
    reading && settle(valueOf(reading).then((held) => desiredState(sent, held, started.walk)))
  // Read with the server state, so that they cost the plan no round trip of their own; validate with a
  // server reads them too, to check every flow's names (docs/caught-at-review.md#which-flows-are-checked).
  const listings =
    kestra && names.length > 0
      ? settle(
          readNameListings(
            { ...kestra, secretNames: () => (shared.secretNames ??= kestra.secretNames()) },
            names
          )
        )
      : undefined
  // The review's searches leave once every namespace's flows are read, the namespaces sharing them.
  const unfinished =
    reads &&
    kestra &&
    readUnfinishedOfRewritable(
      kestra,
      sent.managedNamespaces.map((namespace) => ({ namespace, held: reads.flowsOf(namespace) })),
      { flows: desiredFlows(sent), deleteEnabled: target.delete }
    )
  const state = reading ?? settle(Promise.resolve(undefined))
  const snapshot = settle(
    (async (): Promise<Snapshot> => {
      const held = await valueOf(state)
      const changedFiles = await valueOf(changed)
      const serverVersion = await probe
      // The server's verdicts travel with the walk (`Remaining.serverAnswers`); a failed batch fails the snapshot.
      if (answers) await valueOf(answers)
      return Object.freeze({
        layout,
        model: sent,
        changed: changedFiles,
        serverVersion,
        state: held,
        targets: await knownOf(input.kinds, referenced, { model: sent, state: held, kestra }),
        markers: await markers,
        desired: desired && (await valueOf(desired)),
        commitTime: await started.committed,
        kinds: new Map(await valueOf(started.kinds)),
        base: await base,
        listings: await listings,
        unfinished: await unfinished,
        rollbackRecords: rollbackRecords && {
          ...rollbackRecords,
          read: await rollbackRecords.read
        },
        comments: await started.comments
      })
    })()
  )
  return {
    serverVersion: Promise.resolve(probe),
    changed,
    state,
    snapshot,
    serverAnswers: answers,
    baseReused
  }
}

/** What each kind knows to exist (`GatherKind.known`), by kind name; the kinds ask the server in turn. */
async function knownOf(
  kinds: readonly GatherKind[],
  referenced: readonly Referenced[],
  input: Omit<KnownInput, 'asked'>
): Promise<Map<string, ReadonlySet<string>>> {
  const known = new Map<string, ReadonlySet<string>>()
  for (const kind of kinds) {
    if (!kind.known) continue
    const asked = referenced.filter((ref) => ref.kind === kind.name)
    known.set(kind.name, await kind.known({ ...input, asked }))
  }
  return known
}

/** The flows of a repository loaded before: all at once, or none when its loading failed (said there). */
async function* wholeFlows(loading: Promise<RepoModel>): AsyncIterable<FlowFile> {
  const model = await loading.catch(() => undefined)
  if (model) yield* model.flows
}

/**
 * Flows pushed as they are read, taken in order by one reader, until the end. The reader checks each flow it
 * takes, synchronously: between two, server answers are let in (`EventLoopYielder`).
 */
class FlowStream implements AsyncIterable<FlowFile> {
  private readonly held: FlowFile[] = []
  private ended = false
  private wake?: () => void
  private readonly yielder = new EventLoopYielder()

  push(flow: FlowFile): void {
    this.held.push(flow)
    this.wake?.()
  }

  end(): void {
    this.ended = true
    this.wake?.()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<FlowFile> {
    for (;;) {
      await this.yielder.yieldTurn()
      const flow = this.held.shift()
      if (flow !== undefined) yield flow
      else if (this.ended) return
      else await new Promise<void>((resume) => (this.wake = resume))
    }
  }
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i
const ZERO_SHA = /^0+$/
const FULL_HISTORY_HINT = 'fetch history with actions/checkout `fetch-depth: 0` for an exact list'

/**
 * Which files a PR or push changed (docs/modes.md#changed-files): from local git history when it holds both
 * commits, else the GitHub API, else "everything" with the reason. Git gets argument arrays and validated commit
 * ids only; paths are read NUL-separated.
 */
export async function detectChangedFiles(
  context: RunContext,
  { workspace, github }: { workspace: string; github?: GitHubPort }
): Promise<ChangedFiles> {
  const { pullRequest: pr, push } = context
  if (onPullRequest(context)) {
    if (!pr) return all(`the ${context.eventName} event names no pull request`)
    return changedBetween(
      workspace,
      [pr.baseSha, pr.headSha],
      [`${pr.baseSha}...${pr.headSha}`],
      `the PR's base and head commits are not in the local history (shallow clone)`,
      github &&
        (async (gitProblem) => {
          const files = await github.listPullRequestFiles(pr.number)
          if (files.truncated) {
            return all(
              `the PR changes more than 3,000 files, GitHub's listing limit; ${FULL_HISTORY_HINT}`
            )
          }
          if (pr.changedFiles !== undefined && files.files.length < pr.changedFiles) {
            return all(
              `GitHub listed ${files.files.length} of the PR's ${pr.changedFiles} changed files; ${FULL_HISTORY_HINT}`
            )
          }
          return fromApi(files.files, `${gitProblem}; listed through the GitHub API`)
        })
    )
  }
  if (context.eventName !== 'push') {
    return all(
      context.local ? 'no --base was given' : `${context.eventName} treats every file as changed`
    )
  }
  if (!push || !SHA.test(push.after)) return all('the push event names no commit range')
  if (ZERO_SHA.test(push.after)) return all('the push deleted the branch')
  if (ZERO_SHA.test(push.before) || !push.before) {
    return all('the push created a new branch, so there is no previous commit to compare with')
  }
  const short = push.before.slice(0, 12)
  const missing = `the previous commit ${short} is not in the local history (force push or shallow clone)`
  // Two-dot: what the tree looks like now against what it was, right even after a force push.
  const pair: [string, string] = [push.before, push.after]
  return changedBetween(
    workspace,
    pair,
    pair,
    missing,
    github &&
      (async (gitProblem) => {
        const compared = await github.compareCommits(push.before, push.after)
        if (compared.status !== 'ahead' && compared.status !== 'identical') {
          // The compare is three-dot (since the merge base): after a force push it misses reverted files.
          return all(`the push rewrote history (${short} is not an ancestor of the pushed commit)`)
        }
        if (compared.truncated) {
          return all(
            `the push changes more than 300 files, GitHub's compare limit; ${FULL_HISTORY_HINT}`
          )
        }
        return fromApi(compared.files, `${gitProblem}; compared through the GitHub API`)
      })
  )
}

/**
 * The files git lists as changed between two commits. When git fails, and both commits are at hand (looked for
 * only then: the usual run starts one git process), that failure is the problem, else `missing`: GitHub's list
 * is asked then, else every file counts as changed.
 */
async function changedBetween(
  workspace: string,
  [from, to]: [string, string],
  revisions: string[],
  missing: string,
  fromGitHub: ((gitProblem: string) => Promise<ChangedFiles>) | undefined
): Promise<ChangedFiles> {
  let gitProblem = missing
  if (SHA.test(from) && SHA.test(to)) {
    try {
      return { kind: 'list', paths: await gitDiff(workspace, revisions), source: 'git' }
    } catch (error) {
      const hasCommit = async (sha: string) =>
        (await git(workspace, ['cat-file', '-e', `${sha}^{commit}`])) !== undefined
      if ((await hasCommit(from)) && (await hasCommit(to))) {
        gitProblem = `git diff failed (${errorMessage(error).split('\n', 1)[0]})`
      }
    }
  }
  if (!fromGitHub)
    return all(`${gitProblem} and no GitHub token is available; ${FULL_HISTORY_HINT}`)
  try {
    return await fromGitHub(gitProblem)
  } catch (error) {
    return all(`${gitProblem} and ${errorMessage(error)}`)
  }
}

/** `git diff --name-status -z -M`: entries are STATUS\0PATH\0, renames and copies STATUS\0OLD\0NEW\0. */
async function gitDiff(workspace: string, revisions: string[]): Promise<Set<string>> {
  const output = await gitOrThrow(workspace, [
    'diff',
    '--name-status',
    '-z',
    '-M',
    '--no-color',
    '--no-ext-diff',
    '--relative',
    ...revisions,
    '--'
  ])
  const fields = output.split('\0')
  const paths = new Set<string>()
  for (let i = 0; i < fields.length;) {
    const status = fields[i++]
    if (!status) continue
    if (status[0] === 'R' || status[0] === 'C') paths.add(fields[i++])
    paths.add(fields[i++])
  }
  return paths
}

function fromApi(files: ChangedPath[], note: string): ChangedFiles {
  const paths = new Set(files.flatMap((file) => [file.path, file.previousPath ?? []].flat()))
  return { kind: 'list', paths, source: 'api', note }
}

function all(reason: string): ChangedFiles {
  return { kind: 'all', reason }
}

/** What the repository wants on the server; a file's bytes are read only where the server's differ. */
export async function desiredState(
  model: RepoModel,
  actual: ReadonlyMap<string, ActualNamespace> | undefined,
  { readFileBytes }: Pick<WalkParts, 'readFileBytes'>
): Promise<{ flows: DesiredFlow[]; files: DesiredFile[] }> {
  const managed = new Set(model.managedNamespaces)
  const safe = model.files.filter((entry) => !entry.symlinkEscapes && managed.has(entry.namespace))
  const held = new Map<string, string>()
  for (const [namespace, { files }] of actual ?? []) {
    for (const file of files) held.set(fileKey(namespace, file.path), file.summary.sha256)
  }
  const differing = safe.filter(
    (entry) =>
      entry.size <= MAX_FILE_BYTES &&
      held.get(fileKey(entry.namespace, entry.path)) !== entry.sha256
  )
  const bytes = new Map(
    await mapLimit(differing, 32, async (entry) => [entry, await readFileBytes(entry)] as const)
  )
  const files = safe.map((entry) => ({
    namespace: entry.namespace,
    path: entry.path,
    ...(bytes.has(entry) && { bytes: bytes.get(entry) }),
    sha256: entry.sha256,
    size: entry.size,
    binary: entry.binary,
    file: entry.file
  }))
  return { flows: desiredFlows(model), files }
}

/** The flows the repository wants on the server: the first file declaring an identity wins. */
function desiredFlows(model: Pick<RepoModel, 'flows' | 'managedNamespaces'>): DesiredFlow[] {
  const managed = new Set(model.managedNamespaces)
  return [...firstDeclared(model.flows.filter((flow) => managed.has(flow.namespace!)))].map(
    ([, flow]) => ({
      namespace: flow.namespace!,
      id: flow.id!,
      source: flow.source,
      file: flow.file
    })
  )
}

/** Each deployable flow identity's first file, by flowKey. */
function firstDeclared(flows: readonly FlowFile[]): Map<string, FlowFile> {
  const first = new Map<string, FlowFile>()
  for (const flow of flows.filter(deployableFlow)) {
    const key = flowKey(flow.namespace!, flow.id!)
    if (!first.has(key)) first.set(key, flow)
  }
  return first
}

/** The commit the change starts from: the PR base, or the push's `before` (none for a new branch). */
export function baseCommit(context: RunContext): string | undefined {
  const sha = context.pullRequest?.baseSha || context.push?.before
  return sha && !ZERO_SHA.test(sha) ? sha : undefined
}

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
async function readBaseSnapshot(
  borrowing: Promise<SharedTree<GitTree> | undefined>,
  settings: Settings,
  current: RepoModel,
  walk: WalkParts,
  reuseFlow?: ReuseFlow
): Promise<BaseSnapshot | undefined> {
  const borrowed = await borrowing
  if (!borrowed) return undefined
  try {
    return snapshotOf(
      await loadRepository(borrowed.tree, settings, {
        walk,
        known: workTreeReuse(current, borrowed.tree),
        layout: current.layout,
        reuseFlow
      })
    )
  } finally {
    await borrowed.release()
  }
}

/**
 * Each managed namespace's last deployed commit, read from its commit marker, as one base snapshot in the
 * repository's names (docs/drift.md#drift-by-default): the namespaces deployed from one commit read it once; a
 * namespace without a marker, with one this action cannot read, or whose commit the checkout lacks has no base, and
 * `deployed.unchecked` says why. The marker is untrusted text: only a well-formed commit id is ever given to git.
 */
async function readDeployedBase(
  reads: ServerReads,
  run: {
    input: GatherInput
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

/** The borrowed tree itself (what its methods read and set is the tree's), but `close` releases this borrow. */
export function asClosable<T extends ClosableTree>({ tree, release }: SharedTree<T>): ClosableTree {
  return new Proxy(tree, {
    get: (target, key) => (key === 'close' ? release : target[key as keyof T])
  })
}

/** Events a drift run plans on: the default branch's head (docs/drift.md#when-it-runs). */
const DRIFT_EVENTS = ['schedule', 'workflow_dispatch']

/**
 * The default branch, once the run is known to be on it: a drift run plans the default branch's head and
 * refuses any other ref before the server is read.
 */
export async function driftBranchOf(
  context: RunContext,
  github: DriftGitHub | undefined
): Promise<string> {
  if (!DRIFT_EVENTS.includes(context.eventName)) {
    throw new ConfigError(
      'mode',
      `mode drift runs on schedule or workflow_dispatch, not on ${context.eventName}; start it from a scheduled workflow (docs/drift.md#when-it-runs)`
    )
  }
  const onBranch = context.ref?.startsWith('refs/heads/')
    ? context.ref.slice('refs/heads/'.length)
    : undefined
  const known = context.defaultBranch ?? (await github?.defaultBranch())
  // GitHub runs a schedule on the default branch's last commit.
  const branch = known ?? (context.eventName === 'schedule' ? onBranch : undefined)
  if (!branch) {
    throw new ConfigError(
      'github-token',
      'mode drift needs the repository’s default branch: pass a github-token that can read the repository'
    )
  }
  if (context.ref && context.ref !== `refs/heads/${branch}`) {
    throw new ConfigError(
      'mode',
      `mode drift plans the default branch (${branch}), and this run is on ${context.ref}: run the workflow on ${branch}`
    )
  }
  return branch
}

/** The server's bytes of drifted namespace files that the plan did not keep, by resource name. */
export async function readServerFiles(
  kestra: KestraApi,
  items: readonly DriftedResource[],
  state: ReadonlyMap<string, ActualNamespace>
): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>()
  for (const item of items) {
    const { change } = item
    if (change.kind !== 'file' || item.kind === 'deleted-in-kestra' || change.previous) continue
    const kept = state.get(change.namespace)?.files.find((f) => f.path === change.path)?.bytes
    const bytes = kept ?? (await kestra.getFile(change.namespace, change.path))
    if (bytes) found.set(item.name, bytes)
  }
  return found
}

/** Every path of the planned commit (workspace-relative): new files never replace one of them. */
export async function readCommitPaths(workspace: string, sha: string): Promise<Set<string>> {
  const paths = await readClosing(GitTree.open(workspace, sha, '.'), async (tree) => tree.blobs)
  return new Set(paths?.keys())
}

/**
 * Why the planned commit's ignore files leave each of `paths` (workspace-relative) out of what the layout
 * reads, by path: a file written there would never be read back
 * (docs/drift.md#where-the-drift-pull-request-never-writes).
 */
export async function ignoredPaths(
  workspace: string,
  sha: string,
  root: string,
  paths: readonly string[]
): Promise<Map<string, string>> {
  const ignored = new Map<string, string>()
  if (paths.length === 0) return ignored
  await readClosing(GitTree.open(workspace, sha, root), async (tree) => {
    const rules = new IgnoreRules(tree)
    const under = tree.rootRel === '' ? '' : `${tree.rootRel}/`
    for (const path of paths) {
      if (!path.startsWith(under)) continue
      const rule = await rules.pathExcludedBy(path.slice(under.length))
      if (rule === undefined) continue
      ignored.set(
        path,
        rule === 'fixed' || rule.file === undefined
          ? 'the layout never reads that name'
          : `${rule.file} line ${rule.line} (${rule.pattern}) leaves it out of what the layout reads`
      )
    }
  })
  return ignored
}

/** How far back an environment's history is read: GitHub lists newest first. */
const HISTORY_LIMIT = 30

/**
 * The environment's deployments, newest first, with their verdicts: statuses are read one deployment at a
 * time and the reading stops as soon as `sha`'s verdict and the verified commit are both known.
 */
export async function environmentHistory(
  reads: DeploymentReads,
  environment: string,
  sha: string
): Promise<EnvironmentHistory> {
  const history: EnvironmentHistory = { deployments: [] }
  for (const deployment of await reads.deployments({ environment }, HISTORY_LIMIT)) {
    history.deployments.push({
      deployment,
      verdict: verdictOf(await reads.statuses(deployment.id))
    })
    const decided = history.deployments.some(
      (entry) => entry.deployment.sha === sha && entry.verdict !== 'pending'
    )
    if (decided && (isVerified(history, sha) || verifiedCommit(history))) break
  }
  return history
}

/** The newest deployment of each environment with its statuses; previews already removed are left out. */
export async function environmentRows(reads: DeploymentReads): Promise<EnvironmentRow[]> {
  const newest = new Map<string, EnvironmentRow['deployment']>()
  for (const deployment of await reads.deployments({}, 100)) {
    if (!newest.has(deployment.environment)) newest.set(deployment.environment, deployment)
  }
  const rows = await Promise.all(
    [...newest.values()].map(async (deployment) => ({
      deployment,
      statuses: await reads.statuses(deployment.id)
    }))
  )
  return rows.filter((row) => !(row.deployment.transient && row.statuses[0]?.state === 'inactive'))
}
