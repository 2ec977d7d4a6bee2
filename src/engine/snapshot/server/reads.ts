import { readMarkers } from '../../record/read.js'
import { type MarkerSeal, storesAny, trustedMarker } from '../../record/seal.js'
import {
  markedCommit,
  type MarkerReading,
  type MarkersReadBefore
} from '../../../model/commit-marker.js'
import { storedObject } from '../../../model/stored-record.js'
import type { KestraApi, ListingsApi } from '../../../adapters/kestra/api.js'
import { type Outcome, settle, valueOf } from '../../../model/outcome.js'
import type { ActualNamespace } from '../../../model/plan-input.js'
import type { Placed } from '../../../model/sent-names.js'
import type { RepoModel } from '../../../model/repository.js'
import type { Work } from '../../../model/target.js'
import type { GatherKind, ServerContext } from '../kind.js'
import { liveKvKeys } from '../../../adapters/kestra/listings.js'
import { errorMessage } from '../../../model/errors.js'
import { ROLLBACK_RECORD_KEY } from '../../../model/after-deploy.js'

/**
 * Reads the server state of the managed namespaces in bulk, each namespace's reads leaving as soon as the loading
 * repository reveals it: the answers come while the repository is still read and checked. Each kind reads its own
 * copy (`GatherKind.server`); the state holds it under the kind's name.
 */
export class ServerReads {
  /** By namespace, by kind name: each kind's read of the namespace. */
  private readonly held = new Map<string, Map<string, Promise<Outcome<unknown>>>>()
  private readonly markers = new Map<string, Promise<MarkerReading>>()
  /** Each namespace's marker as stored, read once for what the kinds keep in it. */
  private readonly stored = new Map<string, Promise<Record<string, unknown> | undefined>>()
  /** The namespaces whose marker keeps what no seal of this job's credentials vouches for. */
  readonly unsealed = new Set<string>()
  /** Why the run's seal could not be derived, when it could not: then nothing stored is used. */
  sealFailure: string | undefined
  /** What the repository's walk places (the first word counts): the kinds' reads waiting on it may go on. */
  knowPlaced!: (placed: Placed) => void
  private readonly readers: readonly (readonly [string, (namespace: string) => Promise<unknown>])[]
  private foundCommit!: (commit: string) => void
  /**
   * The commit the first marker read names: drift by default opens its tree while the walk goes on
   * (docs/drift.md#drift-by-default). Pending while no marker names one.
   */
  readonly firstCommit = new Promise<string>((resolve) => (this.foundCommit = resolve))

  constructor(
    private readonly api: KestraApi,
    kinds: readonly Pick<GatherKind, 'name' | 'server'>[],
    private readonly options: {
      markers: boolean
      work: Work
      /**
       * Tells what this action's deploys sealed from what any KV writer could put there
       * (docs/performance.md#what-kv-can-do-to-it), asked only for a marker that stores something; none: nothing
       * stored is used; rejected when it could not be derived.
       */
      seal?: () => Promise<MarkerSeal | undefined>
      /**
       * Content facts (`usesFacts`): the commit a deploy deploys, the only one whose markers' facts it takes
       * (`factsKept`); `took` hears of each summary taken from them, for a deploy to confirm.
       */
      facts?: { commit?: string; took?: ServerContext['took'] }
    }
  ) {
    const placed = new Promise<Placed>((resolve) => (this.knowPlaced = resolve))
    this.readers = kinds.flatMap(({ name, server }) => {
      if (!server) return []
      const context: ServerContext = {
        api,
        work: options.work,
        placed: (namespace) => placed.then((walk) => walk.of(name, namespace)),
        kept: (namespace, field) => this.factsKept(namespace, field),
        took: (name, holds) => options.facts?.took?.(name, holds)
      }
      return [[name, server.reader(context)] as const]
    })
  }

  /**
   * Starts the reads of a namespace; a failure surfaces where its answer is used. A deploy's marker read goes
   * first: the flows looking up their stored checks in it wait on nothing else.
   */
  start(namespace: string): void {
    if (this.held.has(namespace)) return
    if (this.options.markers) void this.markerOf(namespace)
    const reads = new Map<string, Promise<Outcome<unknown>>>()
    this.held.set(namespace, reads)
    for (const [kind, read] of this.readers) {
      // Settled at once: a failed read is this namespace's failure, met where its answer is used.
      reads.set(kind, settle(read(namespace)))
    }
  }

  /**
   * What a kind keeps in a namespace's marker under `field`, as stored where the marker's seal holds; undefined
   * otherwise (docs/kinds.md#what-a-kind-keeps-in-the-commit-marker). `onlyStarted`: undefined for a namespace whose
   * reads have not begun, for which nothing is read.
   */
  kept(namespace: string, field: string, onlyStarted = false): Promise<unknown> {
    if (onlyStarted && !this.held.has(namespace)) return Promise.resolve(undefined)
    const value = this.storedMarker(namespace).then((marker) => marker?.[field])
    this.start(namespace)
    return value
  }

  /**
   * The content facts a namespace's marker keeps under `field`, where the run takes files' summaries from them
   * (`facts`): a plan from any sealed marker; a deploy only from a marker of the commit it deploys, since a deploy of
   * another rewrites every marker and would read each file again before its first write rather than beside the
   * server's reads.
   */
  async factsKept(namespace: string, field: string): Promise<unknown> {
    const facts = this.options.facts
    if (!facts) return undefined
    if (facts.commit !== undefined) {
      const marker = await this.storedMarker(namespace)
      if (marker && marker.commit !== facts.commit) return undefined
    }
    return this.kept(namespace, field)
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
          const stored = storedObject(read.byNamespace.get(namespace)?.value)
          if (!stored) return undefined
          const seal = storesAny(stored)
            ? await this.options.seal?.().catch((error: unknown) => {
                this.sealFailure ??= errorMessage(error)
                return undefined
              })
            : undefined
          const { marker, trusted } = trustedMarker(seal, namespace, stored)
          if (!trusted) this.unsealed.add(namespace)
          return marker
        },
        () => undefined
      )
    })
  }

  /** One kind's copy of a namespace (`GatherKind.server`); a failed read throws here. */
  async heldOf(namespace: string, kind: string): Promise<unknown> {
    this.start(namespace)
    const read = this.held.get(namespace)!.get(kind)
    return read && valueOf(read)
  }

  /** The managed namespaces' state: each kind's copy, by kind name. */
  async state(
    model: Pick<RepoModel, 'managedNamespaces'>,
    placed: Placed
  ): Promise<Map<string, ActualNamespace>> {
    this.knowPlaced(placed)
    const entries = await Promise.all(
      model.managedNamespaces.map(async (namespace) => {
        this.start(namespace)
        const reads = [...this.held.get(namespace)!]
        const held = await Promise.all(
          reads.map(async ([kind, read]) => [kind, await valueOf(read)] as const)
        )
        return [namespace, new Map(held)] as const
      })
    )
    return new Map(entries)
  }

  /**
   * A namespace's commit marker as read, once a run: its stored checks, content facts, deployed commit and the
   * deploy's order guard all take this one read (asked early, it is queued ahead of the namespace's own reads).
   */
  markerOf(namespace: string): Promise<MarkerReading> {
    return once(this.markers, namespace, () => {
      const reading = readMarkers(this.api, [namespace], undefined, true)
      reading.then(
        (read) => {
          const commit = markedCommit(read, namespace)
          if (commit) this.foundCommit(commit)
        },
        () => undefined
      )
      return reading
    })
  }

  async markersOf(namespaces: readonly string[]): Promise<MarkersReadBefore> {
    const sorted = [...namespaces].sort()
    const parts = await Promise.all(sorted.map((namespace) => this.markerOf(namespace)))
    const read = {
      byNamespace: new Map(parts.flatMap((part) => [...part.byNamespace])),
      warnings: parts.flatMap((part) => part.warnings).sort()
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
