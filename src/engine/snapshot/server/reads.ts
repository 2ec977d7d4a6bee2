import { type MarkersRead, readMarkers } from '../../../adapters/kestra/commit-markers.js'
import { type MarkerSeal, storesAny, trustedMarker } from '../../../model/marker-seal.js'
import type { EarlyMarkers } from '../../../model/commit-marker.js'
import { storedChecksOf, type StoredFlowCheck } from '../../../model/stored-checks.js'
import {
  type ContentFacts,
  contentFactsOf,
  NO_CONTENT_FACTS
} from '../../../model/content-facts.js'
import { Semaphore } from '../../../model/concurrency.js'
import {
  batchCount,
  FillingBatch,
  MAX_BATCH,
  MAX_BATCH_BYTES
} from '../../../adapters/kestra/validate.js'
import { compareCodeUnits, normaliseText, utf8Length } from '../../../model/content.js'
import { fitToSend } from '../../../model/yaml-aliases.js'
import type { ServerAnswer } from '../../../model/snapshot.js'
import type { KestraApi, ListingsApi } from '../../../adapters/kestra/api.js'
import { type Outcome, settle, valueOf } from '../../../model/outcome.js'
import type { Execution, RemoteFile, RemoteFlow } from '../../../model/kestra.js'
import { fileNaming, repositoryNames } from '../../../adapters/kestra/file-paths.js'
import {
  type ActualNamespace,
  type DesiredFlow,
  serverFile,
  type ServerFile
} from '../../../model/plan-input.js'
import type { LocalFiles } from '../../../model/sent-names.js'
import {
  type FlowFile,
  type NamespaceFileEntry,
  type RepoModel
} from '../../../model/repository.js'
import { parseVersion } from '../../../model/version.js'
import { ApiError } from '../../../adapters/kestra/errors.js'
import { liveKvKeys } from '../../../adapters/kestra/listings.js'
import { errorMessage } from '../../../model/errors.js'
import {
  kvLookupScopes,
  type Listed,
  type NameListings,
  type NameReference
} from '../../../model/names.js'
import { atLeast } from '../../../model/version.js'
import { executionUrl } from '../../../adapters/kestra/executions.js'
import { flowKey } from '../../../model/targets.js'
import type { UnfinishedExecution, UnfinishedReading } from '../../../model/plan.js'
import { ROLLBACK_RECORD_KEY } from '../../../model/after-deploy.js'

/** Exports in flight: each can weigh megabytes. More than 8 at once raised the peak memory, not the speed. */
const EXPORTS_AT_ONCE = 8
/** Bytes of exported files held at most (about) while they wait for their namespace's repository files. */
const EXPORTED_BYTES_HELD = 256 * 1024 * 1024

/**
 * Reads the server state of the managed namespaces in bulk, each namespace's reads leaving as soon as the loading
 * repository reveals it: the answers come while the repository is still read and checked.
 */
export class ServerReads {
  private readonly flows = new Map<string, Promise<Outcome<RemoteFlow[]>>>()
  private readonly files = new Map<string, Promise<Outcome<ServerFile[]>>>()
  private readonly markers = new Map<string, Promise<MarkersRead>>()
  /** Each namespace's marker as stored, read once for its stored checks and content facts. */
  private readonly stored = new Map<string, Promise<Record<string, unknown> | undefined>>()
  private readonly checks = new Map<string, Promise<Map<string, StoredFlowCheck>>>()
  private readonly facts = new Map<string, Promise<ContentFacts>>()
  /** The namespaces whose marker stores checks or facts that no seal of this job's credentials vouches for. */
  readonly unsealed = new Set<string>()
  private readonly localFiles: Promise<LocalFiles>
  /** Where the repository's namespace files come from (the first word counts): server files may be read. */
  knowFiles!: (files: LocalFiles) => void
  private readonly exports = new Semaphore(EXPORTS_AT_ONCE)
  private heldBytes = 0
  private readonly waitingForRoom: (() => void)[] = []

  constructor(
    private readonly api: KestraApi,
    private readonly options: {
      markers: boolean
      /**
       * Content facts (docs/performance.md#what-a-plan-knows-without-reading): `use` summarises server files from
       * them; `record` keeps each export entry's digest, for the facts a deploy stores; neither: all read and
       * hashed.
       */
      facts?: 'use' | 'record'
      /**
       * Tells what this action's deploys sealed from what any KV writer could put there
       * (docs/performance.md#what-kv-can-do-to-it), asked only for a marker that stores something; none: nothing
       * stored is used.
       */
      seal?: () => Promise<MarkerSeal | undefined>
    }
  ) {
    this.localFiles = new Promise((resolve) => (this.knowFiles = resolve))
  }

  /**
   * Starts the reads of a namespace; a failure surfaces where its answer is used. Its files are summarised once
   * the repository's own are read, keeping bytes only where they differ, within EXPORTED_BYTES_HELD. A deploy's
   * marker read goes first: the flows looking up their stored checks in it wait on nothing else.
   */
  start(namespace: string): void {
    if (this.flows.has(namespace)) return
    if (this.options.markers) void this.markerOf(namespace)
    const flows = this.api.listFlows(namespace)
    const exported = this.exported(namespace)
    // Settled at once: a failed export is this namespace's failure, met where its files are used.
    exported.catch(() => undefined)
    const files = this.localFiles
      .then((local) => local.of(namespace))
      .then(async (entries) => {
        const local = hashesByPath(entries)
        const deployable = entries.filter((entry) => !entry.symlinkEscapes)
        const names = repositoryNames(fileNaming(await this.api.info()), namespace, deployable)
        const facts =
          this.options.facts === 'use'
            ? { known: (await this.contentFacts(namespace)).zipped }
            : this.options.facts && {}
        const { files: held, bytes } = await exported
        try {
          return held.map((file) => {
            const path = names.get(file.path) ?? file.path
            const same = local.get(path)
            return serverFile(
              path,
              file,
              ({ sha256 }) => !(same?.size === 1 && same.has(sha256)),
              facts
            )
          })
        } finally {
          this.letGo(bytes)
        }
      })
    this.flows.set(namespace, settle(flows))
    this.files.set(namespace, settle(files))
  }

  private async exported(namespace: string): Promise<{ files: RemoteFile[]; bytes: number }> {
    while (this.heldBytes >= EXPORTED_BYTES_HELD) {
      await new Promise<void>((resume) => this.waitingForRoom.push(resume))
    }
    const files = await this.exports.run(() => this.api.listFiles(namespace))
    const bytes = files.reduce((sum, file) => sum + file.size, 0)
    this.heldBytes += bytes
    return { files, bytes }
  }

  private letGo(bytes: number): void {
    this.heldBytes -= bytes
    for (const resume of this.waitingForRoom.splice(0)) resume()
  }

  /**
   * The flow checks stored in a namespace's marker; none when unreadable
   * (docs/performance.md#incremental-planning). `onlyStarted`: none for a namespace whose reads have not begun,
   * for which nothing is read.
   */
  storedChecks(namespace: string, onlyStarted = false): Promise<Map<string, StoredFlowCheck>> {
    if (onlyStarted && !this.flows.has(namespace)) return Promise.resolve(new Map())
    const checks = once(this.checks, namespace, () =>
      this.storedMarker(namespace).then(storedChecksOf)
    )
    this.start(namespace)
    return checks
  }

  /**
   * A namespace marker's content facts; none if unreadable
   * (docs/performance.md#what-a-plan-knows-without-reading).
   */
  contentFacts(namespace: string): Promise<ContentFacts> {
    if (this.options.facts !== 'use') return Promise.resolve(NO_CONTENT_FACTS)
    return once(this.facts, namespace, () => this.storedMarker(namespace).then(contentFactsOf))
  }

  /**
   * A namespace's marker as stored, read once; asked early, it is queued ahead of the namespace's own reads
   * (docs/performance.md#incremental-planning).
   */
  storedMarker(namespace: string): Promise<Record<string, unknown> | undefined> {
    return once(this.stored, namespace, () => {
      // A deploy reads every marker anyway: what it stores comes with it, in one read.
      if (this.options.markers) this.start(namespace)
      return this.markerOf(namespace).then(
        async (read) => {
          const stored = read.stored?.get(namespace)
          if (!stored) return undefined
          const seal = storesAny(stored) ? await this.options.seal?.() : undefined
          const { marker, trusted } = trustedMarker(seal, namespace, stored)
          if (!trusted) this.unsealed.add(namespace)
          return marker
        },
        () => undefined
      )
    })
  }

  async flowsOf(namespace: string): Promise<RemoteFlow[]> {
    this.start(namespace)
    return valueOf(this.flows.get(namespace)!)
  }

  async state(
    model: Pick<RepoModel, 'managedNamespaces' | 'files'>
  ): Promise<Map<string, ActualNamespace>> {
    this.knowFiles({
      of: async (namespace) => model.files.filter((entry) => entry.namespace === namespace)
    })
    const entries = await Promise.all(
      model.managedNamespaces.map(async (namespace) => {
        this.start(namespace)
        const [flows, files] = await Promise.all([
          valueOf(this.flows.get(namespace)!),
          valueOf(this.files.get(namespace)!)
        ])
        return [namespace, { flows, files }] as const
      })
    )
    return new Map(entries)
  }

  /**
   * A namespace's commit marker as read, once a run: its stored checks, content facts, deployed commit and the
   * deploy's order guard all take this one read (asked early, it is queued ahead of the namespace's own reads).
   */
  markerOf(namespace: string): Promise<MarkersRead> {
    return once(this.markers, namespace, () => readMarkers(this.api, [namespace], undefined, true))
  }

  async markersOf(namespaces: readonly string[]): Promise<EarlyMarkers> {
    const sorted = [...namespaces].sort()
    const parts = await Promise.all(sorted.map((namespace) => this.markerOf(namespace)))
    const read = {
      markers: new Map(parts.flatMap((part) => [...part.markers])),
      warnings: parts.flatMap((part) => part.warnings).sort(),
      stored: new Map(parts.flatMap((part) => [...(part.stored ?? [])])),
      held: new Map(parts.flatMap((part) => [...(part.held ?? [])])),
      unreadable: new Map(parts.flatMap((part) => [...(part.unreadable ?? [])]))
    }
    return { namespaces: sorted, read }
  }
}

/** The map's value for `key`, made on the first ask. */
function once<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key)
  if (value === undefined) map.set(key, (value = make()))
  return value
}

function hashesByPath(entries: readonly NamespaceFileEntry[]): Map<string, Set<string>> {
  const local = new Map<string, Set<string>>()
  for (const entry of entries) {
    if (entry.symlinkEscapes) continue // never deployed: the server copy is planned for deletion
    local.set(entry.path, (local.get(entry.path) ?? new Set()).add(entry.sha256))
  }
  return local
}

/**
 * The server's verdict on every well-formed flow, sent a batch at a time as the repository loads. A flow whose
 * aliases expand without bound is already an error locally and is never sent (the server would expand it).
 */
export class ServerValidation {
  private readonly waiting: FlowFile[] = []
  /** The flows a request carries at most: `MAX_BATCH` until the walk tells how many there are. */
  private count = MAX_BATCH
  private filling = this.nextBatch()
  private readonly sent: Promise<Outcome<ServerAnswer>>[] = []

  constructor(
    private readonly api: KestraApi,
    private readonly concurrency: number
  ) {}

  /** How many flow files the repository holds: the batches not yet filling are sized for them. */
  sizeBatches(flowFiles: number): void {
    this.count = batchCount(flowFiles, this.concurrency)
    if (this.waiting.length === 0) this.filling = this.nextBatch()
  }

  add(flow: FlowFile): void {
    if (!fitToSend(flow)) return
    const bytes = utf8Length(flow.source)
    if (!this.filling.fits(bytes)) this.send()
    this.waiting.push(flow)
    this.filling.add(bytes)
    if (this.filling.full) this.send()
  }

  /** Every added flow's verdict; the last, partial batch leaves now. A failed batch throws here. */
  async answers(): Promise<ServerAnswer[]> {
    this.send()
    return Promise.all(this.sent.map(valueOf))
  }

  private send(): void {
    if (this.waiting.length === 0) return
    const flows = this.waiting.splice(0)
    this.filling = this.nextBatch()
    const answer = this.api
      .validateFlows(
        flows.map((flow) => flow.source),
        this.count
      )
      .then((results) => ({ flows, results }))
    this.sent.push(settle(answer))
  }

  private nextBatch(): FillingBatch {
    return new FillingBatch({ count: this.count, bytes: MAX_BATCH_BYTES })
  }
}

/**
 * The names the flows' `secret()` and `kv()` calls need, never a value
 * (docs/caught-at-review.md#secrets-and-kv-keys): OSS secrets tenant-wide, Enterprise ones per namespace (own and
 * inherited), KV keys in one search. A listing the server cannot give becomes the reason, never a failure of the
 * run nor a finding.
 */
export async function readNameListings(
  api: KestraApi & ListingsApi,
  refs: readonly NameReference[]
): Promise<NameListings> {
  const secretScopes = new Set<string>()
  const kvNamespaces = new Set<string>()
  const kvOwnNamespaceOnly = refs.some((ref) => ref.kind === 'kv') && (await kvLooksInOwnOnly(api))
  for (const ref of refs) {
    if (ref.kind === 'secret') secretScopes.add(ref.namespace ?? ref.flowNamespace)
    else for (const scope of kvLookupScopes(ref, kvOwnNamespaceOnly)) kvNamespaces.add(scope)
  }
  const [secrets, kv] = await Promise.all([
    secretScopes.size > 0 ? listed(() => secretNames(api, [...secretScopes].sort())) : undefined,
    kvNamespaces.size > 0 ? listed(() => liveKvKeys(api, [...kvNamespaces].sort())) : undefined
  ])
  return {
    ...(secrets && { secrets }),
    ...(kv && { kv }),
    ...(kvOwnNamespaceOnly && { kvOwnNamespaceOnly: true as const })
  }
}

/** Kestra before 0.22 looks a `kv()` key up in the flow's namespace only (docs/kestra.md#kv-inheritance). */
async function kvLooksInOwnOnly(api: KestraApi): Promise<boolean> {
  const version = await api.info().then(
    (info) => parseVersion(info.version),
    () => undefined
  )
  return version !== undefined && !atLeast(version, [0, 22, 0])
}

async function secretNames(
  api: KestraApi & ListingsApi,
  namespaces: string[]
): Promise<{ tenant?: string[]; byNamespace?: Record<string, string[]> }> {
  const { edition } = await api.info()
  if (edition.toUpperCase() !== 'EE') return { tenant: await api.secretNames() }
  // Which namespaces `inherited-secrets` answers for is not documented: the namespace's own are read too.
  const entries = await Promise.all(
    namespaces.map(async (namespace) => {
      const [own, inherited] = await Promise.all([
        api.namespaceSecretNames(namespace),
        api.inheritedSecretNames(namespace)
      ])
      return [namespace, [...own, ...inherited]] as [string, string[]]
    })
  )
  return { byNamespace: Object.fromEntries(entries) }
}

async function listed<T>(read: () => Promise<T>): Promise<Listed<T>> {
  try {
    return { listed: true, value: await read() }
  } catch (error) {
    return { listed: false, reason: unlistedReason(error) }
  }
}

function unlistedReason(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) {
    return `the server has no such listing: ${error.method} ${error.path.replace(/\?.*/, '')} answered 404 (an older Kestra, or an edition without it)`
  }
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    return `no permission to list them: ${error.method} ${error.path.replace(/\?.*/, '')} answered ${error.status}`
  }
  return `the listing failed: ${errorMessage(error)}`
}

/**
 * The states that are not terminated, with the release that added each (docs/kestra.md#execution-states):
 * a search naming a state the server's enum lacks fails, so only the server's own are sent.
 */
const NOT_TERMINATED: [state: string, since: [number, number, number]][] = [
  ['CREATED', [0, 0, 0]],
  ['RUNNING', [0, 0, 0]],
  ['PAUSED', [0, 0, 0]],
  ['RESTARTED', [0, 0, 0]],
  ['KILLING', [0, 0, 0]],
  ['QUEUED', [0, 0, 0]],
  ['RETRYING', [0, 17, 0]],
  ['SUBMITTED', [1, 1, 4]],
  ['BREAKPOINT', [1, 1, 4]]
]

/**
 * The executions not finished of the named flows, per flowKey, oldest first, read to their end
 * (docs/caught-at-review.md#executions-not-finished). A failed or endless search throws: the guard refuses.
 */
export function readUnfinished(
  api: KestraApi & ListingsApi,
  flows: readonly { namespace: string; id: string }[]
): Promise<Map<string, UnfinishedExecution[]>> {
  const idsOf = new Map<string, string[]>()
  for (const f of flows) idsOf.set(f.namespace, [...(idsOf.get(f.namespace) ?? []), f.id])
  return searchUnfinished(
    api,
    [...idsOf].map(([namespace, ids]) => Promise.resolve({ namespace, ids }))
  )
}

/**
 * The review's read (docs/caught-at-review.md#executions-not-finished): executions not finished of the server
 * flows whose repository source differs or (with `delete`) is gone, a superset of the plan's updates and
 * deletions, searched once every namespace's flows are read. Settles, never rejects: a failure is said in the
 * plan.
 */
export function readUnfinishedOfRewritable(
  api: KestraApi & ListingsApi,
  namespaces: readonly { namespace: string; held: Promise<readonly RemoteFlow[]> }[],
  wanted: { flows: readonly DesiredFlow[]; deleteEnabled: boolean }
): Promise<UnfinishedReading> {
  const sources = new Map(wanted.flows.map((f) => [flowKey(f.namespace, f.id), f.source]))
  const groups = namespaces.map(async ({ namespace, held }) => {
    const ids = (await held).flatMap((flow) => {
      const source = sources.get(flowKey(namespace, flow.id))
      const rewritten =
        source === undefined
          ? wanted.deleteEnabled
          : normaliseText(source) !== normaliseText(flow.source)
      return rewritten ? [flow.id] : []
    })
    return { namespace, ids }
  })
  return searchUnfinished(api, groups).then(
    (byFlow) => ({ byFlow }),
    (error: unknown) => ({ error })
  )
}

/**
 * The executions not finished of the groups' flows, searches sharing namespaces
 * (docs/kestra.md#search-executions).
 */
async function searchUnfinished(
  api: KestraApi & ListingsApi,
  groups: readonly Promise<{ namespace: string; ids: readonly string[] }>[]
): Promise<Map<string, UnfinishedExecution[]>> {
  const known = (await Promise.all(groups)).filter(({ ids }) => ids.length > 0)
  const byFlow = new Map<string, UnfinishedExecution[]>()
  if (known.length === 0) return byFlow
  const version = parseVersion((await api.info()).version)
  const states = NOT_TERMINATED.filter(([, since]) => !version || atLeast(version, since)).map(
    ([state]) => state
  )
  const legacy = version !== undefined && !atLeast(version, [1, 1, 0])
  const searched = known
    .map(({ namespace, ids }) => ({ namespace, flowIds: [...new Set(ids)].sort() }))
    .sort((a, b) => compareCodeUnits(a.namespace, b.namespace))
  const found = await api.executionsOf(searched, states, legacy)
  const uiBase = await api.uiBase()
  for (const execution of found.sort(byStart)) {
    if (!states.includes(execution.state)) continue
    once(byFlow, flowKey(execution.namespace, execution.flowId), () => []).push({
      id: execution.id,
      state: execution.state,
      url: executionUrl(uiBase, execution)
    })
  }
  return byFlow
}

function byStart(a: Execution, b: Execution): number {
  return Date.parse(a.startDate ?? '') - Date.parse(b.startDate ?? '') || (a.id < b.id ? -1 : 1)
}

/**
 * The rollback records of these namespaces as stored (docs/rollback.md#finishing-a-stopped-rollback): one listing
 * of keys tells which to read, all when it cannot tell (docs/performance.md#where-the-requests-go). An unreadable
 * record throws: a half rollback must be known.
 */
export async function readRollbackRecords(
  api: KestraApi & ListingsApi,
  namespaces: readonly string[]
): Promise<Map<string, unknown>> {
  // A listing that cannot be read whole is an error (docs/kestra.md#paged-listings), never a part: then each
  // namespace's record is read, and its own failure is the one reported.
  const keys = await liveKvKeys(api, [...namespaces]).catch(() => undefined)
  const values = await Promise.all(
    namespaces.map(async (namespace) => {
      if (keys && !keys[namespace]?.includes(ROLLBACK_RECORD_KEY)) return undefined
      try {
        return await api.getKv(namespace, ROLLBACK_RECORD_KEY)
      } catch (error) {
        throw new Error(
          `could not read whether a rollback is unfinished in namespace ${namespace} (KV ${ROLLBACK_RECORD_KEY}): ${errorMessage(error)}`,
          { cause: error }
        )
      }
    })
  )
  return new Map(
    namespaces.flatMap((namespace, i) =>
      values[i] === undefined ? [] : [[namespace, values[i]] as const]
    )
  )
}
