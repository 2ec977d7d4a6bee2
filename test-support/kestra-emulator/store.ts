/**
 * The emulator's in-memory Kestra: flows with full revision history, namespace files, KV, dashboards and
 * secret names, per tenant.
 */
import { parseLenient } from './flow-source.js'
import { compare, NamespaceFiles } from './namespace-files.js'
import type { StoredTestSuite } from './handlers/tests.js'
import type { Snapshot, StoredFlow } from './types.js'

export interface FlowRevision {
  revision: number
  source: string
  deleted: boolean
  /** ISO-8601. */
  updated: string
  /** Lazily parsed YAML (null: not a mapping). */
  parsed?: Record<string, unknown> | null
  /** 2.0: a draft saved in the UI (`Emulator.saveDraft`). */
  draft?: true
}

export type KvType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'DATE' | 'DURATION' | 'JSON'

export interface KvEntry {
  type: KvType
  value: unknown
  revision: number
  created: number
  updated: number
  expiresAt?: number
  description?: string
}

/** One dashboard row: soft-deleted rows stay (`deleted`), as the JDBC repository keeps them. */
export interface DashboardRecord {
  id: string
  source: string
  deleted: boolean
  /** Epoch ms. */
  created: number
  updated: number
}

/** A secret's name (never its value); `namespace` only means something on EE. */
export interface SecretName {
  key: string
  namespace?: string
  description?: string
}

type ByNamespace<T> = Map<string, Map<string, T>>

export class EmulatorState {
  private readonly flows = new Map<string, ByNamespace<FlowRevision[]>>()
  private readonly files = new Map<string, Map<string, NamespaceFiles>>()
  private readonly kv = new Map<string, ByNamespace<KvEntry>>()
  private readonly dashboards = new Map<string, Map<string, DashboardRecord>>()
  private readonly secrets = new Map<string, SecretName[]>()
  private readonly testSuites = new Map<string, ByNamespace<StoredTestSuite>>()
  private readonly namespaceEntities = new Map<string, Map<string, Record<string, unknown>>>()
  private closed = false

  /** EE's namespace entities of a tenant by id (handlers/namespaces.ts). */
  namespaceEntitiesOf(tenant: string): Map<string, Record<string, unknown>> {
    return nested(this.namespaceEntities, tenant)
  }

  /** The test suites of a namespace by id (EE, handlers/tests.ts). */
  testSuitesOf(tenant: string, namespace: string): Map<string, StoredTestSuite> {
    return nested(nested(this.testSuites, tenant), namespace)
  }

  /** Every test suite of a tenant: [namespace, id, suite]. */
  allTestSuites(tenant: string): [string, string, StoredTestSuite][] {
    return [
      ...(this.testSuites.get(tenant) ?? new Map<string, Map<string, StoredTestSuite>>())
    ].flatMap(([namespace, suites]) =>
      [...suites].map(([id, suite]): [string, string, StoredTestSuite] => [namespace, id, suite])
    )
  }

  history(tenant: string, namespace: string, id: string): FlowRevision[] | undefined {
    return this.flows.get(tenant)?.get(namespace)?.get(id)
  }

  latest(tenant: string, namespace: string, id: string): FlowRevision | undefined {
    const history = this.history(tenant, namespace, id)
    return history?.[history.length - 1]
  }

  /** The latest revision when it is not a deletion. */
  live(tenant: string, namespace: string, id: string): FlowRevision | undefined {
    const latest = this.latest(tenant, namespace, id)
    return latest && !latest.deleted ? latest : undefined
  }

  appendFlow(
    tenant: string,
    namespace: string,
    id: string,
    source: string,
    deleted: boolean
  ): FlowRevision {
    const ids = nested(nested(this.flows, tenant), namespace)
    let history = ids.get(id)
    if (!history) ids.set(id, (history = []))
    const last = history[history.length - 1]
    const revision: FlowRevision = {
      revision: (last?.revision ?? 0) + 1,
      source,
      deleted,
      updated: new Date().toISOString()
    }
    history.push(revision)
    return revision
  }

  /** Live flows of exactly this namespace, by id. */
  liveFlowsOf(tenant: string, namespace: string): { id: string; flow: FlowRevision }[] {
    const ids = this.flows.get(tenant)?.get(namespace)
    if (!ids) return []
    const result: { id: string; flow: FlowRevision }[] = []
    for (const [id, history] of ids) {
      const latest = history[history.length - 1]
      if (!latest.deleted) result.push({ id, flow: latest })
    }
    return result.sort((a, b) => compare(a.id, b.id))
  }

  /** Namespaces that hold at least one flow revision, sorted. */
  flowNamespaces(tenant: string): string[] {
    return [...(this.flows.get(tenant)?.keys() ?? [])].sort(compare)
  }

  namespaceFiles(tenant: string, namespace: string): NamespaceFiles {
    const byNamespace = nested(this.files, tenant)
    let files = byNamespace.get(namespace)
    if (!files) byNamespace.set(namespace, (files = new NamespaceFiles(Date.now())))
    return files
  }

  hasNamespace(tenant: string, namespace: string): boolean {
    return (
      this.namespaceEntities.get(tenant)?.has(namespace) === true ||
      this.flows.get(tenant)?.has(namespace) === true ||
      this.files.get(tenant)?.has(namespace) === true ||
      this.kv.get(tenant)?.has(namespace) === true
    )
  }

  kvOf(tenant: string, namespace: string): Map<string, KvEntry> {
    return nested(nested(this.kv, tenant), namespace)
  }

  /** Every namespace holding KV entries, in the order they were first written. */
  kvNamespaces(tenant: string): string[] {
    return [...(this.kv.get(tenant)?.keys() ?? [])]
  }

  /** Dashboard rows by id, in insertion order (the database's order when no sort is asked). */
  dashboardsOf(tenant: string): Map<string, DashboardRecord> {
    return nested(this.dashboards, tenant)
  }

  /** Secret names in the order they were configured. */
  secretsOf(tenant: string): SecretName[] {
    let names = this.secrets.get(tenant)
    if (!names) this.secrets.set(tenant, (names = []))
    return names
  }

  /**
   * Parses seeded sources in small idle-time batches so the first listing of a large seed does not
   * pay for thousands of cold YAML parses on the request path; `also` runs on each revision too.
   * Resolves when every batch ran (or the emulator closed).
   */
  warmParseCache(
    revisions: FlowRevision[],
    also?: (revision: FlowRevision) => void
  ): Promise<void> {
    let next = 0
    return new Promise((done) => {
      const batch = () => {
        if (this.closed) return done()
        for (const end = Math.min(next + 50, revisions.length); next < end; next++) {
          this.parsed(revisions[next])
          also?.(revisions[next])
        }
        if (next < revisions.length) setImmediate(batch)
        else done()
      }
      setImmediate(batch)
    })
  }

  /** Stops background work. */
  close(): void {
    this.closed = true
  }

  parsed(revision: FlowRevision): Record<string, unknown> | undefined {
    if (revision.parsed === undefined) revision.parsed = parseLenient(revision.source) ?? null
    return revision.parsed ?? undefined
  }

  snapshot(): Snapshot {
    const snapshot: Snapshot = { flows: [], files: [], kv: [], dashboards: [] }
    for (const [tenant, byNamespace] of sorted(this.flows)) {
      for (const [namespace, ids] of sorted(byNamespace)) {
        for (const [id, history] of sorted(ids)) {
          snapshot.flows.push(toStored(tenant, namespace, id, history[history.length - 1]))
        }
      }
    }
    for (const [tenant, byNamespace] of sorted(this.files)) {
      for (const [namespace, files] of sorted(byNamespace)) {
        for (const [path, record] of files.liveFiles()) {
          const revision = record.revisions.length
          const bytes = record.revisions[revision - 1]
          snapshot.files.push({ tenant, namespace, path, bytes, revision })
        }
      }
    }
    const now = Date.now()
    for (const [tenant, byNamespace] of sorted(this.kv)) {
      for (const [namespace, entries] of sorted(byNamespace)) {
        for (const [key, entry] of sorted(entries)) {
          if (entry.expiresAt !== undefined && entry.expiresAt <= now) continue
          snapshot.kv.push({ tenant, namespace, key, value: entry.value })
        }
      }
    }
    for (const [tenant, rows] of sorted(this.dashboards)) {
      for (const [id, row] of sorted(rows)) {
        snapshot.dashboards.push({ tenant, id, source: row.source, deleted: row.deleted })
      }
    }
    return snapshot
  }
}

export function toStored(
  tenant: string,
  namespace: string,
  id: string,
  revision: FlowRevision
): StoredFlow {
  return {
    tenant,
    namespace,
    id,
    revision: revision.revision,
    source: revision.source,
    deleted: revision.deleted
  }
}

function nested<T>(map: Map<string, Map<string, T>>, key: string): Map<string, T> {
  let inner = map.get(key)
  if (!inner) map.set(key, (inner = new Map()))
  return inner
}

function sorted<T>(map: Map<string, T>): [string, T][] {
  return [...map.entries()].sort(([a], [b]) => compare(a, b))
}
