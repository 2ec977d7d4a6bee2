/**
 * The Kestra a history runs against: the emulator (its state read whole, every request logged, faults injected)
 * or Kestra's own engine of a released line (its state read through its API, its writes seen as what changed).
 */
import { createHash } from 'node:crypto'
import {
  startEmulator,
  type Emulator,
  type Fault,
  type LoggedRequest
} from '../../../test-support/kestra-emulator/index.js'
import { engineFetch, engineJson, type KestraEngine } from '../../../test-support/kestra-engine.js'
import { CREDENTIALS } from '../../../test-support/scenario.js'
import { KestraUi } from '../drift/stage.js'
import type { Edition, Line } from './repository.js'

/**
 * The server's resources of the six kinds by identity: a flow's source, a file's SHA-256, a KV value's JSON, an
 * Enterprise namespace's `description` and `variables` as JSON.
 */
export interface ServerState {
  flows: Map<string, string>
  files: Map<string, string>
  kv: Map<string, string>
  dashboards: Map<string, string>
  suites: Map<string, string>
  namespaces: Map<string, string>
  /** The action's own records (`kestra-gitops*` KV keys), by namespace and key. */
  records: Map<string, string>
}

export interface Kestra {
  url: string
  credentials: { username: string; password: string }
  /** Every request the emulator answered; the engine logs none, so its writes are read from what changed. */
  requests?: LoggedRequest[]
  /** A failure the next matching requests meet (the emulator only). */
  inject?(fault: Fault): void
  /** Drops what is left of the injected failures. */
  clearFaults?(): void
  /** Secret names the server holds for every namespace (none on the engine: its OSS secrets are its environment). */
  secrets: readonly string[]
  /** The resources of these namespaces (the emulator answers every namespace). */
  state(namespaces: readonly string[]): Promise<ServerState>
  ui: KestraUi
  close(): Promise<void>
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const isRecordKey = (key: string) => /^kestra-gitops/i.test(key)

export function emptyState(): ServerState {
  return {
    flows: new Map(),
    files: new Map(),
    kv: new Map(),
    dashboards: new Map(),
    suites: new Map(),
    namespaces: new Map(),
    records: new Map()
  }
}

export async function emulatedKestra(
  line: Line,
  edition: Edition,
  secrets: readonly string[]
): Promise<Kestra & { emulator: Emulator }> {
  const emulator = await startEmulator({
    version: line === '1.3' ? '1.3.31' : '2.0.0',
    edition,
    basicAuth: CREDENTIALS
  })
  // OSS secrets are global; Enterprise's belong to a namespace and its children: one per root.
  const roots = edition === 'EE' ? ['company', 'acme', 'data'] : [undefined]
  emulator.seed({
    secrets: secrets.flatMap((key) =>
      roots.map((namespace) => ({ key, ...(namespace && { namespace }) }))
    )
  })
  return {
    emulator,
    url: emulator.url,
    credentials: CREDENTIALS,
    requests: emulator.requests,
    inject: (fault) => emulator.inject(fault),
    clearFaults: () => emulator.clearFaults(),
    secrets,
    ui: new KestraUi(emulator.url),
    close: () => emulator.close(),
    async state() {
      const snapshot = emulator.snapshot()
      const state = emptyState()
      for (const flow of snapshot.flows) {
        if (!flow.deleted) state.flows.set(`${flow.namespace}/${flow.id}`, flow.source)
      }
      for (const file of snapshot.files)
        state.files.set(`${file.namespace}${file.path}`, sha256(file.bytes))
      for (const entry of snapshot.kv) {
        const into = isRecordKey(entry.key) ? state.records : state.kv
        into.set(`${entry.namespace}/${entry.key}`, JSON.stringify(entry.value))
      }
      for (const dashboard of snapshot.dashboards) {
        if (!dashboard.deleted) state.dashboards.set(dashboard.id, dashboard.source)
      }
      if (edition === 'EE') {
        for (const suite of emulator.testSuites()) {
          state.suites.set(`${suite.namespace}/${suite.id}`, suite.source)
        }
        for (const {
          id,
          deleted,
          description,
          variables,
          pluginDefaults
        } of emulator.namespaces()) {
          const kept = Array.isArray(pluginDefaults) && pluginDefaults.length > 0
          if (deleted) continue
          state.namespaces.set(
            String(id),
            JSON.stringify({ description, variables, ...(kept && { pluginDefaults }) })
          )
        }
      }
      return state
    }
  }
}

/** Kestra's engine, already running for the engine project: read through the routes Kestra's controllers serve. */
export function engineKestra(engine: KestraEngine): Kestra {
  const v2 = engine.version.startsWith('2.')
  return {
    url: engine.url,
    credentials: { username: engine.username, password: engine.password },
    secrets: [],
    ui: new KestraUi(engine.url, { username: engine.username, password: engine.password }),
    close: async () => {},
    async state(namespaces) {
      const state = emptyState()
      for (const namespace of namespaces) {
        const flows = await engineJson<{ id: string }[]>(engine, `/flows/${namespace}`)
        for (const { id } of flows) {
          const flow = await engineJson<{ source: string }>(
            engine,
            `/flows/${namespace}/${id}?source=true`
          )
          state.flows.set(`${namespace}/${id}`, flow.source)
        }
        for (const path of await filesOf(engine, namespace, '/')) {
          const response = await engineFetch(
            engine,
            `/namespaces/${namespace}/files?path=${encodeURIComponent(path)}`
          )
          state.files.set(
            `${namespace}${path}`,
            sha256(new Uint8Array(await response.arrayBuffer()))
          )
        }
        const keys = v2
          ? (
              await engineJson<{ results: { key: string; namespace: string }[] }>(
                engine,
                `/kv?size=1000&filters[namespace][EQUALS]=${namespace}`
              )
            ).results.filter((entry) => entry.namespace === namespace)
          : await engineJson<{ key: string }[]>(engine, `/namespaces/${namespace}/kv`)
        for (const { key } of keys) {
          const { value } = await engineJson<{ value: unknown }>(
            engine,
            `/namespaces/${namespace}/kv/${key}`
          )
          const into = isRecordKey(key) ? state.records : state.kv
          into.set(`${namespace}/${key}`, JSON.stringify(value))
        }
      }
      // Dashboards are the tenant's, shared by every test of the engine run: histories replayed here hold none.
      // Namespace settings are Enterprise's: the engine (open source) keeps none.
      return state
    }
  }
}

/** The paths of a namespace's files, from its directory listing, `_flows` excluded as the action excludes it. */
async function filesOf(engine: KestraEngine, namespace: string, dir: string): Promise<string[]> {
  const response = await engineFetch(
    engine,
    `/namespaces/${namespace}/files/directory?path=${encodeURIComponent(dir)}`
  )
  if (response.status === 404) return []
  const entries = (await response.json()) as { fileName: string; type: string }[]
  const paths: string[] = []
  for (const entry of entries) {
    const path = `${dir === '/' ? '' : dir}/${entry.fileName}`
    if (path === '/_flows') continue
    if (entry.type === 'Directory') paths.push(...(await filesOf(engine, namespace, path)))
    else paths.push(path)
  }
  return paths
}
