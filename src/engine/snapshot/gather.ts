import { detectChangedFiles } from './changed.js'
import { asBaseTree } from './shared-tree.js'
import { deployedBaseOf, readBaseSnapshot, readDeployedBase } from './base-snapshot.js'
import { resolve } from 'node:path'
import { markerSeal, type MarkerSeal } from '../record/seal.js'
import type { ChangedFiles } from '../../model/plan-input.js'
import { NOTHING_FOUND, type ChosenLayout, type RepoModel } from '../../model/repository.js'
import { ReadStream, wholeOf } from './read-stream.js'
import type { RunReads } from './run-reads.js'
import { commitTime } from '../../adapters/git/git-tree.js'
import { chooseWorkTreeLayout } from '../../layout/choose-layout.js'
import { loadRepository, type ReuseOptions, type WalkParts } from '../../layout/load.js'
import { placedOf } from '../../layout/walked.js'
import { knownFilesOf } from '../../layout/known-files.js'
import { WorkTree } from '../../adapters/git/work-tree.js'
import type { ContentSummary } from '../../model/content.js'
import { confirmFacts, factsKept, type TakenFact, usesFacts } from './content-facts.js'
import { readIndexBlobs } from '../../adapters/git/git.js'
import { readRollbackRecords, ServerReads } from './server/reads.js'
import {
  answersOf,
  desiredOf,
  knownOf,
  startVerdicts,
  type GatherKind,
  type ReviewInput
} from './kind.js'
import { managedNamespaces } from '../../model/managed-namespaces.js'
import type { KestraApi, ListingsApi } from '../../adapters/kestra/api.js'
import { type RunContext } from '../../model/context.js'
import type { GitHubPort } from '../../model/github.js'
import { commentMarker } from '../../model/markdown/comment-markers.js'
import { settle, valueOf, type Outcome } from '../../model/outcome.js'
import type { Referenced } from '../../model/references.js'
import type { NameReference } from '../../model/names.js'
import type { SentNames } from '../../model/sent-names.js'
import type { Settings } from '../../model/settings.js'
import type { Snapshot } from '../../model/snapshot.js'
import type { Target, Work } from '../../model/target.js'

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
  /**
   * The resources whose checks stored in their namespace's commit marker were reused, with those checks: complete
   * once `repository` is.
   */
  reused: ReadonlyMap<unknown, unknown>
  /**
   * The namespaces whose marker's stored checks or content facts were not used: no seal of this job vouches for
   * them.
   */
  unsealed: ReadonlySet<string>
  /** Why the seal that vouches for them could not be derived, when it could not (known once `repository` is). */
  sealFailure: () => string | undefined
  /** Deploy: reads the files whose summaries content facts gave, right before the first write (`usesFacts`). */
  confirmFacts(): Promise<void>
  /**
   * Each kind's resources as the loading reads them, by kind name (each after its entry in `reused`), read once:
   * they can be checked, and their syntax trees let go of, while the rest is still read.
   */
  asRead: ReadonlyMap<string, AsyncIterable<unknown>>
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

/** What the server says of what the walk read, each read when the run asks it (`WalkRead`). */
interface WalkReads {
  /** Its verdicts by kind name, when it validates: `Remaining.snapshot` fails when they do. */
  verdicts: Promise<Outcome<ReadonlyMap<string, unknown>>> | undefined
  /** Each kind's review read, by kind name (`GatherKind.review`). */
  reviews: ReadonlyMap<string, Promise<unknown>> | undefined
}

/** Each read as an outcome: `valueOf` where it is needed throws a failure there. */
export interface Remaining {
  serverVersion: Promise<Snapshot['serverVersion']>
  changed: Promise<Outcome<ChangedFiles>>
  state: Promise<Outcome<Snapshot['state']>>
  snapshot: Promise<Outcome<Snapshot>>
  /** What the server says of what the walk read (`WalkRead`), each when asked. */
  walkReads: WalkReads
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
  // The repository's model once walked: the namespaces whose commit markers give the kinds their base.
  let walked!: (model: Promise<RepoModel>) => void
  const walkedModel = new Promise<RepoModel>((resolve) => (walked = resolve))
  walkedModel.catch(() => undefined)
  const started = startReads(input, walkedModel)
  const { reads, reused, index, workTree } = started
  // The server validates what the walk reads in a flow place as the walk reads it.
  const validating = started.verdicts?.get(started.walk.flowKind)
  // The flows reach the checks as they are read; a repository another target of the run loaded is whole.
  const stream = shared.repository ? undefined : new ReadStream<unknown>()
  const loading = (shared.repository ??= loadRepository(workTree, settings, {
    walk: started.walk,
    layout,
    reuseFlow: reuseOf(input, started, { reused: (flow, check) => reused.set(flow, check) }),
    knownFiles:
      reads && index && usesFacts(target.work)
        ? knownFilesOf(started.walk, factsKept(input, reads), index, started.fromFacts)
        : undefined,
    onNamespace: (namespace) => reads?.start(sending.namespace(namespace)),
    onWalked: ({ placed, placedFlows }) => {
      reads?.knowPlaced(sending.placed(placed))
      validating?.placed(placedFlows)
    },
    onFlow: (flow) => {
      validating?.add(flow)
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
          managedNamespaces: managedNamespaces(
            [],
            [],
            [...model.managedNamespaces, ...target.alsoManaged]
          ),
          // A target that still manages namespaces has something to plan: their removal.
          readProblems: model.readProblems.filter((problem) => problem.rule !== NOTHING_FOUND)
        }))
  walked(repository)
  return {
    repository,
    reused,
    unsealed: reads?.unsealed ?? new Set(),
    sealFailure: () => reads?.sealFailure,
    confirmFacts: () => confirmFacts(started.fromFacts, started.workTree, started.serverFacts),
    asRead: new Map([[started.walk.flowKind, stream ?? wholeOf(loading, started.walk.flowKind)]]),
    after: (...after) => readRemaining(input, started, ...after)
  }
}

/** The reads `gather` starts before the repository is loaded, each as early as it can leave. */
function startReads(input: GatherInput, walked: Promise<RepoModel>) {
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
  const baseTree = planning ? shared.openBase(settings, context) : undefined
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
  const serverFacts: TakenFact[] = []
  const reads = planning
    ? new ServerReads(kestra, input.kinds, {
        markers: work.markers,
        work,
        seal: sealing(settings, work),
        facts: factsOfRun(work, context, serverFacts)
      })
    : undefined
  // Drift by default (docs/drift.md#drift-by-default): without an event's base, the commit the markers name. Its tree
  // is opened as soon as a marker names it, while the repository loads.
  const driftByDefault = !baseTree && reads !== undefined && work.writes !== 'drift'
  if (driftByDefault) {
    void reads.firstCommit.then((commit) =>
      shared.holdCommit(context.workspace, commit, settings.root)
    )
  }
  const openBase = baseTree
    ? () => baseTree().then((tree) => tree && asBaseTree(tree, () => true))
    : driftByDefault
      ? deployedBaseOf(reads, walked, {
          sending: input.sending,
          open: (commit) => shared.openCommit(context.workspace, commit, settings.root)
        })
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
        openBase,
        kestra: planning || work.serverValidation ? kestra : undefined
      })
      return [kind.name, held] as const
    })
  return {
    probe,
    committed,
    comments,
    changed,
    baseTree,
    // Files' summaries come from content facts where `usesFacts` says so, and are recorded by every deploy.
    reads,
    verdicts:
      kestra && work.serverValidation
        ? (shared.verdicts ??= startVerdicts(input.kinds, {
            kestra,
            concurrency: settings.concurrency
          }))
        : undefined,
    index,
    workTree,
    driftByDefault,
    kinds: settle(Promise.all(kinds)),
    // Each kind's part of the walk (docs/kinds.md#the-walk-two-kinds-share): the registry holds every part once.
    walk: Object.assign({}, ...input.kinds.map((kind) => kind.walk)) as WalkParts,
    reused: new Map<unknown, unknown>(),
    baseReused: new Set<string>(),
    fromFacts: new Map<string, ContentSummary>(),
    serverFacts
  }
}

type Started = ReturnType<typeof startReads>

/**
 * Where the run takes files' summaries from content facts (`usesFacts`): a deploy from its own commit's markers only,
 * confirming each it took (`taken`) before its first write.
 */
function factsOfRun(work: Work, context: RunContext, taken: TakenFact[]) {
  if (!usesFacts(work)) return undefined
  if (work.facts !== 'record') return {}
  return {
    commit: context.sha,
    took: (name: string, holds: () => boolean) => taken.push({ name, holds })
  }
}

/**
 * The run's seal (`markerSeal`, derived once): a deploy, which seals what it stores, starts the derivation with its
 * reads, off the main thread; a plan only when a marker it reads stores something.
 */
function sealing(settings: Settings, work: Work): () => Promise<MarkerSeal | undefined> {
  const { auth, sealKey, server, tenant } = settings
  let derived: Promise<MarkerSeal | undefined> | undefined
  const seal = () => (derived ??= markerSeal({ auth, sealKey, server, tenant }))
  // A failure is met where a marker's seal is asked.
  if (work.markers) seal().catch(() => undefined)
  return seal
}

/**
 * Where the checks stored in a namespace's marker are reused (`input.reuse`), how the walk's kind reuses them
 * (`WalkParts.reuse`).
 */
function reuseOf(
  { reuse, sending, settings, layout }: GatherInput,
  { reads, walk }: Started,
  options: Pick<ReuseOptions, 'reused' | 'onlyStarted'>
) {
  if (!reads || !reuse) return undefined
  return walk.reuse({
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
  const { reads, verdicts, baseTree, changed, probe, baseReused, driftByDefault } = started
  const shared = input.reads
  const reading = reads && settle(reads.state(sent, placedOf(sent, started.walk)))
  const answers = verdicts && settle(answersOf(verdicts))
  const markers = work.markers ? reads?.markersOf(sent.managedNamespaces) : undefined
  const recordsOf = [...sent.managedNamespaces].sort()
  const rollbackRecords =
    work.markers && reads && kestra
      ? { namespaces: recordsOf, read: settle(readRollbackRecords(kestra, recordsOf)) }
      : undefined
  const repositoryBase =
    baseTree &&
    (shared.base ??= settle(
      readBaseSnapshot(
        baseTree(),
        settings,
        model,
        input.kinds,
        started.walk,
        // A plan takes the identity of a base version from its stored checks; a deploy parses it.
        work.reuseBase
          ? reuseOf(input, started, {
              reused: (_resource, _check, file) => baseReused.add(file),
              onlyStarted: true
            })
          : undefined
      )
    ))
  // Drift by default (docs/drift.md#drift-by-default): without an event's base, each namespace's last deployed
  // commit; a drift run plans the head itself.
  const deployedBase =
    driftByDefault && reads
      ? settle(
          readDeployedBase(reads, {
            input,
            open: (commit) => shared.openCommit(input.context.workspace, commit, settings.root),
            model,
            kinds: input.kinds,
            walk: started.walk,
            reuseFlow: work.reuseBase
              ? reuseOf(input, started, {
                  reused: (_resource, _check, file) => baseReused.add(file),
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
    reading &&
    settle(valueOf(reading).then((held) => desiredOf(input.kinds, { model: sent, state: held })))
  // Each kind's review read leaves now, with the server's state, reading its copy of each namespace as it comes;
  // validate with a server reviews too, without the state (docs/caught-at-review.md#which-flows-are-checked).
  const reviews =
    kestra &&
    startReviews(input.kinds, reads, {
      // The tenant's secret names, listed once for every target of the run.
      kestra: { ...kestra, secretNames: () => (shared.secretNames ??= kestra.secretNames()) },
      model: sent,
      names,
      deleteEnabled: target.delete
    })
  const state = reading ?? settle(Promise.resolve(undefined))
  const snapshot = settle(
    (async (): Promise<Snapshot> => {
      const held = await valueOf(state)
      const changedFiles = await valueOf(changed)
      const serverVersion = await probe
      // The server's verdicts travel with the walk (`Remaining.walkReads`); a failed batch fails the snapshot.
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
    walkReads: { verdicts: answers, reviews },
    baseReused
  }
}

/** Each kind's review read (`GatherKind.review`) by kind name, each reading the kind's copy of a namespace. */
function startReviews(
  kinds: readonly GatherKind[],
  reads: ServerReads | undefined,
  input: Omit<ReviewInput, 'heldOf'>
): Map<string, Promise<unknown>> {
  const started = new Map<string, Promise<unknown>>()
  for (const kind of kinds) {
    const heldOf = reads && ((namespace: string) => reads.heldOf(namespace, kind.name))
    if (kind.review) started.set(kind.name, kind.review({ ...input, heldOf }))
  }
  return started
}
