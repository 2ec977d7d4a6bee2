import type { KestraApi, ListingsApi } from '../../adapters/kestra/api.js'
import { mapLimit } from '../../model/concurrency.js'
import type { ActualNamespace, BaseResource } from '../../model/plan-input.js'
import type { Referenced } from '../../model/references.js'
import type { Settings } from '../../model/settings.js'
import type { ChosenLayout, RepoModel } from '../../model/repository.js'
import type { NameReference } from '../../model/names.js'
import type { ResourceChange } from '../../model/plan.js'
import type { KestraVersion } from '../../model/version.js'
import type { Target, Work } from '../../model/target.js'
import type { WalkParts } from '../../layout/load.js'
import type { ClosableTree, TreeSource } from '../../adapters/git/tree-source.js'

/** A base commit's tree, and whether it is the base of a namespace (as the repository names it). */
export type BaseTree = ClosableTree & { holds(namespace: string): boolean }

/** What gather/ hands a kind's reading (docs/kinds.md). */
export interface KindGatherInput {
  settings: Settings
  target: Pick<Target, 'namespacePrefix'>
  /** What the run reads: the server's copy only when it plans against it (`work.plan`). */
  work: Work
  layout: ChosenLayout
  workTree: TreeSource
  /**
   * Opens the base commit's tree, when git holds it; the kind closes it. The event's base commit, else the commit the
   * namespaces' commit markers name when they all name one (docs/drift.md#drift-by-default).
   */
  openBase: (() => Promise<BaseTree | undefined>) | undefined
  /** The server, when the run reads it (plan and deploy) or validates on it (validate with a server). */
  kestra: (KestraApi & ListingsApi) | undefined
}

/**
 * What gather/ needs of a resource kind (docs/kinds.md): everything the kind reads, in the tree and on
 * the server, as one value that decide/ hands back to the same kind. gather/ never names a kind.
 */
export interface GatherKind<H = unknown, C extends ResourceChange = ResourceChange> {
  readonly name: string
  /**
   * Reads what the kind needs: found in the work tree (and the base commit), the server's copy and its
   * verdicts. A failed read rejects: the run fails where the snapshot is needed, saying why.
   */
  gather?(input: KindGatherInput): Promise<H>
  /** Its part of the run's one walk of the repository (docs/kinds.md#the-walk-two-kinds-share). */
  fromWalk?(walk: WalkRead): H
  /** How it reads the paths the walk's layout places as its own. */
  walk?: Partial<WalkParts>
  /**
   * The folder name it keeps its files in (`kv`): such folders are found as the layout is chosen
   * (`ChosenLayout.kindFolders`, docs/layouts.md#kind-folders), and the run's first lines name them, each
   * under `label`.
   */
  readonly folder?: { name: string; label: string }
  /**
   * What a commit held of this kind, by its key (`resourceKey`): the base drift is measured against
   * (docs/drift.md#drift-by-default).
   */
  base?(model: RepoModel): ReadonlyMap<string, BaseResource>
  /**
   * A change's version at the base commit from its file's bytes there, read through GitHub in a shallow clone;
   * undefined when the file does not hold it.
   */
  baseOfBytes?(change: C, bytes: Uint8Array): BaseResource | undefined
  /**
   * What the repository wants on the server of this kind, once the server's state is read: the kind's plan reads
   * it as `PlanInput.desired` (a value only the kind reads).
   */
  desired?(input: DesiredInput): Promise<unknown>
  /**
   * What of this kind exists, in the repository or on the server, as `namespace\0name`: what another kind's
   * resources reference (a flow's subflow, its `read('…')` of a file) is looked up in it
   * (docs/kinds.md#what-one-kind-tells-another).
   */
  known?(input: KnownInput): Promise<ReadonlySet<string>>
  /** Its copy of each managed namespace on the server (docs/kinds.md#what-the-server-holds). */
  server?: ServerPart
  /**
   * What the review reads of the server once the repository is read (`WalkRead.reviews`): it leaves as soon as the
   * repository is sent, reading the kind's copy of each namespace as it comes. Settles, never rejects: a failure is
   * said in the plan.
   */
  review?(input: ReviewInput): Promise<unknown>
  /**
   * The server's validation of its resources as the walk reads them (`WalkRead.verdicts`), when the run validates
   * on the server: each resource is handed over as read, so that requests leave while the walk goes on.
   */
  verdicts?(input: VerdictsInput): ServerVerdicts
  /**
   * The server's copy of a change whose copy the plan did not keep (`DecideKind.serverContent`), read for the
   * drift pull request (docs/drift.md#the-drift-pull-request).
   */
  serverCopy?(kestra: KestraApi, change: C): Promise<Uint8Array | undefined>
}

/**
 * How a kind reads its copy of a managed namespace on the server: the run's state (`Snapshot.state`) holds it
 * under the kind's name, a value only the kind reads.
 */
export interface ServerPart {
  /** Made once a run; its namespace reads leave as soon as the loading repository reveals each namespace. */
  reader(context: ServerContext): (namespace: string) => Promise<unknown>
}

/** What a kind's review read is given (`GatherKind.review`). */
export interface ReviewInput {
  kestra: KestraApi & ListingsApi
  /** The repository as sent. */
  model: RepoModel
  /** The `secret()` and `kv()` names the repository's resources use, as sent (`CheckedKind.names`). */
  names: readonly NameReference[]
  /**
   * The kind's copy of a managed namespace on the server (`GatherKind.server`), as it comes; none when the run
   * does not read the server's state (validate with a server).
   */
  heldOf: ((namespace: string) => Promise<unknown>) | undefined
  /** Whether the plan deletes what the repository no longer holds (the `delete` input). */
  deleteEnabled: boolean
}

/** What a kind's server validation is given (`GatherKind.verdicts`). */
export interface VerdictsInput {
  kestra: KestraApi
  /** The requests in flight at most (the `concurrency` input). */
  concurrency: number
}

/** A kind's server validation under way: fed as the walk reads, answered once the walk is whole. */
export interface ServerVerdicts {
  /** How many of the kind's resources the walk placed, known before most are read. */
  placed(count: number): void
  /** One of the kind's resources, as the walk read it. */
  add(resource: unknown): void
  /** The server's verdicts on every resource added; rejects when a request failed. */
  answers(): Promise<unknown>
}

/** What a kind's server reads are given. */
export interface ServerContext {
  api: KestraApi
  /** What the run does (a kind's reads may do less where it reuses what deploys stored). */
  work: Work
  /**
   * The kind's own resources that the repository's walk places in a namespace (as sent), once it has placed
   * them all.
   */
  placed(namespace: string): Promise<readonly unknown[]>
  /**
   * What a kind keeps in a namespace's marker under `field`, where the marker's seal holds and the run takes what
   * markers keep for its server reads (docs/kinds.md#what-a-kind-keeps-in-the-commit-marker): a plan from any such
   * marker, a deploy only from a marker of the commit it deploys; undefined otherwise.
   */
  kept(namespace: string, field: string): Promise<unknown>
  /**
   * A server resource's summary a kind took from what it keeps (`name` says whose, to the user): a deploy asks
   * `holds` right before its first write, and stops with nothing written when the resource is not what was kept.
   */
  took(name: string, holds: () => boolean): void
}

/** What a commit held of each kind (`GatherKind.base`), by kind name; `keep` chooses by namespace. */
export function baseByKind(
  kinds: readonly GatherKind[],
  model: RepoModel,
  keep: (namespace: string) => boolean = () => true
): Map<string, Map<string, BaseResource>> {
  const byKind = new Map<string, Map<string, BaseResource>>()
  for (const kind of kinds) {
    if (!kind.base) continue
    const held = [...kind.base(model)].filter(([, resource]) => keep(resource.namespace))
    byKind.set(kind.name, new Map(held))
  }
  return byKind
}

/** What a kind's `desired` reads. */
export interface DesiredInput {
  /** The repository, as sent. */
  model: RepoModel
  /** The server's state of the managed namespaces. */
  state: ReadonlyMap<string, ActualNamespace> | undefined
}

/** What each kind wants on the server (`GatherKind.desired`), by kind name. */
export async function desiredOf(
  kinds: readonly GatherKind[],
  input: DesiredInput
): Promise<ReadonlyMap<string, unknown>> {
  const wanted = kinds.flatMap((kind) =>
    kind.desired ? [kind.desired(input).then((value) => [kind.name, value] as const)] : []
  )
  return new Map(await Promise.all(wanted))
}

/** What a kind's `known` reads. */
export interface KnownInput {
  /** The repository, as sent. */
  model: RepoModel
  /** The server's state of the managed namespaces, when read. */
  state: ReadonlyMap<string, ActualNamespace> | undefined
  /** The names of this kind that other resources reference. */
  asked: readonly Referenced[]
  /** The server, when the run reads it: a referenced name the state does not answer for is asked of it. */
  kestra: KestraApi | undefined
}

/**
 * `held` with the names `asked` that the server holds, when there is one: a namespace whose state was read
 * answers for itself, any other name is asked of the server (`exists`), one request per name.
 */
export async function withServerNames(
  held: Set<string>,
  { asked, state, kestra }: KnownInput,
  exists: (api: KestraApi, namespace: string, name: string) => Promise<boolean>
): Promise<Set<string>> {
  if (!kestra) return held
  const unique = new Map(asked.map((ref) => [`${ref.namespace}\0${ref.name}`, ref]))
  const unresolved = [...unique].filter(([key]) => !held.has(key))
  await mapLimit(unresolved, 8, async ([key, { namespace, name }]) => {
    if (state?.has(namespace)) return // the bulk read already answered for this namespace
    if (await exists(kestra, namespace, name)) held.add(key)
  })
  return held
}

/** Each kind's server validation (`GatherKind.verdicts`), by kind name. */
export function startVerdicts(
  kinds: readonly GatherKind[],
  input: VerdictsInput
): Map<string, ServerVerdicts> {
  return new Map(
    kinds.flatMap((kind) => (kind.verdicts ? [[kind.name, kind.verdicts(input)]] : []))
  )
}

/** Every kind's verdicts, by kind name; rejects when one kind's do. */
export async function answersOf(
  verdicts: ReadonlyMap<string, ServerVerdicts>
): Promise<ReadonlyMap<string, unknown>> {
  const answered = [...verdicts].map(async ([kind, each]) => [kind, await each.answers()] as const)
  return new Map(await Promise.all(answered))
}

/** What each kind knows to exist (`GatherKind.known`), by kind name; the kinds ask the server in turn. */
export async function knownOf(
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

/**
 * What the run's one walk of the repository read, with the server's answers on it: flows and namespace
 * files are placed by the same layout, from the same folders, so one walk reads both (docs/kinds.md).
 */
export interface WalkRead {
  /** The repository as read (its names as written, not as sent). */
  model: RepoModel
  layout: ChosenLayout['layout']
  /** Each kind's checks of what the walk read of it, run (or reused) as it was read, by kind name. */
  checks: ReadonlyMap<string, unknown>
  /** The release the flows are validated for: the server's, else the `kestra-version` input. */
  serverVersion?: KestraVersion
  /** The run's namespace prefix ('' when none): where the walk's namespaces are sent. */
  namespacePrefix: string
  /** The server's verdicts on what the walk read, by kind name (`GatherKind.verdicts`), when it validates. */
  verdicts?: ReadonlyMap<string, unknown>
  /** Each kind's review read of the server (`GatherKind.review`), by kind name, when the run reads the server. */
  reviews?: ReadonlyMap<string, unknown>
}
