import { readMarkers } from '../../kestra/commit-markers.js'
import { trustedMarker, type MarkerSeal } from '../../model/marker-seal.js'
import type { EarlyMarkers, MarkerReading } from '../../model/commit-marker.js'
import { storedChecksOf, type StoredFlowCheck } from '../../model/stored-checks.js'
import { contentFactsOf, NO_CONTENT_FACTS, type ContentFacts } from '../../model/content-facts.js'
import { Semaphore } from '../../model/concurrency.js'
import { batchCount, FillingBatch, MAX_BATCH, MAX_BATCH_BYTES } from '../../kestra/validate.js'
import { utf8Length } from '../../model/content.js'
import { fitToSend } from '../../model/yaml-aliases.js'
import type { ServerAnswer } from '../../model/snapshot.js'
import type { KestraApi } from '../../kestra/api.js'
import { settle, valueOf, type Outcome } from '../../model/outcome.js'
import type { RemoteFile, RemoteFlow } from '../../model/kestra.js'
import { fileNaming, repositoryNames } from '../../kestra/file-paths.js'
import { serverFile } from '../../model/plan-input.js'
import type { ActualNamespace, ServerFile } from '../../model/plan-input.js'
import type { ContentSummary } from '../../model/content.js'
import type { LocalFiles } from '../../model/sent-names.js'
import type { FlowFile, NamespaceFileEntry, RepoModel } from '../../model/repository.js'

/** Exports in flight: each can weigh megabytes. More than 8 at once raised the peak memory, not the speed. */
const EXPORTS_AT_ONCE = 8
/**
 * Bytes of exported files held at most while they wait for the repository's files of their namespace (about: the
 * exports in flight come on top). A namespace asked for past it waits until earlier ones are summarised.
 */
const EXPORTED_BYTES_HELD = 256 * 1024 * 1024

/**
 * Reads the server state of the managed namespaces in bulk; the client bounds the concurrency. A
 * namespace's flows, files (and, for a deploy, its deployed-commit marker) are asked for as soon as the
 * loading repository reveals it, so the answers come while the repository is still being read and checked.
 */
export class ServerReads {
  private readonly flows = new Map<string, Promise<Outcome<RemoteFlow[]>>>()
  private readonly files = new Map<string, Promise<Outcome<ServerFile[]>>>()
  private readonly markers = new Map<string, Promise<MarkerReading>>()
  /** Each namespace's marker as stored, read once for its stored checks and content facts. */
  private readonly stored = new Map<string, Promise<Record<string, unknown> | undefined>>()
  private readonly checks = new Map<string, Promise<Map<string, StoredFlowCheck>>>()
  private readonly facts = new Map<string, Promise<ContentFacts>>()
  /** The namespaces whose marker stores checks or facts that no seal of this job's credentials vouches for. */
  readonly unsealed = new Set<string>()
  /** The repository's namespace files, as the loading reads them. */
  private readonly localFiles: Promise<LocalFiles>
  private knowLocalFiles!: (files: LocalFiles) => void
  /** Held while an export is asked for. */
  private readonly exports = new Semaphore(EXPORTS_AT_ONCE)
  /** Bytes of exported files held until summarised, and the exports waiting for room. */
  private heldBytes = 0
  private readonly waitingForRoom: (() => void)[] = []

  constructor(
    private readonly api: KestraApi,
    private readonly options: {
      markers: boolean
      /**
       * Content facts (docs/performance.md#what-a-plan-knows-without-reading): `use` summarises a server file
       * from its namespace's facts when they know its export entry; `record` keeps each entry's digest, for
       * the facts a deploy stores. Neither: every file is read and hashed.
       */
      facts?: 'use' | 'record'
      /**
       * Tells the stored checks and content facts this action's deploys sealed from what anyone who may write
       * KV could put there (docs/performance.md#what-kv-can-do-to-it); none: nothing stored is used.
       */
      seal?: MarkerSeal
    }
  ) {
    this.localFiles = new Promise((resolve) => (this.knowLocalFiles = resolve))
  }

  /**
   * Starts the reads of a namespace; a failure surfaces when the namespace's answer is used. Its files
   * are asked for at once, and summarised once the repository's own of that namespace are read: a file's
   * bytes are kept only when the repository's differ (only a diff needs them), and the answers wait within
   * EXPORTED_BYTES_HELD. A deploy's marker read goes first, ahead of the requests queued: the flows looking up
   * their stored checks in it wait on nothing else.
   */
  start(namespace: string): void {
    if (this.flows.has(namespace)) return
    if (this.options.markers) {
      this.markers.set(namespace, readMarkers(this.api, [namespace], undefined, true))
    }
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
            return serverFile(path, file, keepUnlessSame(local.get(path)), facts)
          })
        } finally {
          this.letGo(bytes)
        }
      })
    this.flows.set(namespace, settle(flows))
    this.files.set(namespace, settle(files))
  }

  /** A namespace's exported files, asked for once the files held leave room; their bytes count as held. */
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
   * The flow checks stored in a namespace's commit marker (empty when it holds none or cannot be read:
   * the flows are then parsed and checked), read with the marker (docs/performance.md#incremental-planning).
   */
  storedChecks(namespace: string): Promise<Map<string, StoredFlowCheck>> {
    let checks = this.checks.get(namespace)
    if (!checks) {
      checks = this.storedMarker(namespace).then(storedChecksOf)
      this.checks.set(namespace, checks)
    }
    this.start(namespace)
    return checks
  }

  /** The stored checks of a namespace whose reads have begun; none for another, for which nothing is read. */
  storedChecksOfStarted(namespace: string): Promise<Map<string, StoredFlowCheck>> {
    return this.flows.has(namespace) ? this.storedChecks(namespace) : Promise.resolve(new Map())
  }

  /**
   * The content facts a namespace's commit marker holds (none when it holds none or cannot be read: the files
   * are then read and hashed), read with the marker (docs/performance.md#what-a-plan-knows-without-reading).
   */
  contentFacts(namespace: string): Promise<ContentFacts> {
    if (this.options.facts !== 'use') return Promise.resolve(NO_CONTENT_FACTS)
    let facts = this.facts.get(namespace)
    if (!facts) {
      facts = this.storedMarker(namespace).then(contentFactsOf)
      this.facts.set(namespace, facts)
    }
    return facts
  }

  /**
   * Queues the read of a namespace's marker now, ahead of the namespace's own reads: the flows and files
   * that look up what it stores wait on nothing else (docs/performance.md#incremental-planning).
   */
  prefetchStoredChecks(namespace: string): void {
    void this.storedMarker(namespace)
  }

  private storedMarker(namespace: string): Promise<Record<string, unknown> | undefined> {
    let marker = this.stored.get(namespace)
    if (!marker) {
      // A deploy reads every marker anyway: what it stores comes with it, in one read.
      if (this.options.markers) this.start(namespace)
      const reading =
        this.markers.get(namespace) ?? readMarkers(this.api, [namespace], undefined, true)
      marker = reading.then(
        (read) => {
          const stored = read.stored?.get(namespace)
          if (!stored) return undefined
          const { marker, trusted } = trustedMarker(this.options.seal, namespace, stored)
          if (!trusted) this.unsealed.add(namespace)
          return marker
        },
        () => undefined
      )
      this.stored.set(namespace, marker)
    }
    return marker
  }

  /** Where the repository's namespace files come from: the reads of server files may begin. The first word counts. */
  knowFiles(files: LocalFiles): void {
    this.knowLocalFiles(files)
  }

  /** The server's flows of a namespace (its reads started if they were not). */
  async flowsOf(namespace: string): Promise<RemoteFlow[]> {
    this.start(namespace)
    return valueOf(this.flows.get(namespace)!)
  }

  /** Flows and files of every managed namespace. */
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

  /** The deployed-commit markers of these namespaces (read early when started with `markers`). */
  async markersOf(namespaces: readonly string[]): Promise<EarlyMarkers> {
    const sorted = [...namespaces].sort()
    const readings = sorted.map(
      (namespace) => this.markers.get(namespace) ?? readMarkers(this.api, [namespace])
    )
    const parts = await Promise.all(readings)
    const read = {
      markers: new Map(parts.flatMap((part) => [...part.markers])),
      warnings: parts.flatMap((part) => part.warnings).sort(),
      stored: new Map(parts.flatMap((part) => [...(part.stored ?? [])])),
      held: new Map(parts.flatMap((part) => [...(part.held ?? [])]))
    }
    return { namespaces: sorted, read }
  }
}

/** Content hashes of the namespace's repository files by path. */
function hashesByPath(entries: readonly NamespaceFileEntry[]): Map<string, Set<string>> {
  const local = new Map<string, Set<string>>()
  for (const entry of entries) {
    if (entry.symlinkEscapes) continue // never deployed: the server copy is planned for deletion
    local.set(entry.path, (local.get(entry.path) ?? new Set()).add(entry.sha256))
  }
  return local
}

/** The keep rule of the plan: a file's bytes stay unless the repository holds exactly these. */
function keepUnlessSame(
  local: ReadonlySet<string> | undefined
): (summary: ContentSummary) => boolean {
  return ({ sha256 }) => !(local?.size === 1 && local.has(sha256))
}

/**
 * The server's verdict on every well-formed flow. Flows are sent a batch at a time as the repository
 * loads, so most answers are in before it ends. A flow whose aliases expand without bound is already an
 * error locally and is never sent (the server would expand it); decide/ maps the verdicts to lines.
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

  /** A flow read from the repository: when fit to send, it goes with the next full batch. */
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
