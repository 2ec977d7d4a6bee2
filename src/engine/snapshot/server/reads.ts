import { type MarkersRead, readMarkers } from '../../../adapters/kestra/commit-markers.js'
import { type MarkerSeal, storesAny, trustedMarker } from '../../../model/marker-seal.js'
import type { MarkersReadBefore } from '../../../model/commit-marker.js'
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
import { utf8Length } from '../../../model/content.js'
import { fitToSend } from '../../../model/yaml-aliases.js'
import type { ServerAnswer } from '../../../model/snapshot.js'
import type { KestraApi, ListingsApi } from '../../../adapters/kestra/api.js'
import { type Outcome, settle, valueOf } from '../../../model/outcome.js'
import type { RemoteFile, RemoteFlow } from '../../../model/kestra.js'
import { fileNaming, repositoryNames } from '../../../adapters/kestra/file-paths.js'
import { type ActualNamespace, serverFile, type ServerFile } from '../../../model/plan-input.js'
import type { LocalFiles } from '../../../model/sent-names.js'
import {
  type FlowFile,
  type NamespaceFileEntry,
  type RepoModel
} from '../../../model/repository.js'
import { liveKvKeys } from '../../../adapters/kestra/listings.js'
import { errorMessage } from '../../../model/errors.js'
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

  async markersOf(namespaces: readonly string[]): Promise<MarkersReadBefore> {
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
