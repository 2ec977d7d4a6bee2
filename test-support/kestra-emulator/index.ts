/**
 * An in-process Kestra API (plain node:http) faithful to the routes of docs/kestra.md#routes, for
 * contract tests, end-to-end runs of the bundled action, the demo and the benchmark.
 */
import { parseLenient } from './flow-source.js'
import type { EmulatorCore, ResolvedOptions } from './context.js'
import { check } from './flow-ops.js'
import { defaultKnownTypes } from './flow-validation.js'
import { storeKv, typeOf } from './handlers/kv.js'
import { dashboardId, seedDashboard } from './handlers/dashboards.js'
import { Executions } from './executions.js'
import { EmulatorServer } from './server.js'
import { EmulatorState, toStored, type FlowRevision, type SecretName } from './store.js'
import type { Emulator, EmulatorOptions, SeedState } from './types.js'
import { DEFAULT_BOUNDARIES, featuresOf } from './version.js'

export { ROUTES, WRITE_ROUTES, type RouteName } from './routes.js'
export type { ExecutionScript, SeededExecution, StoredExecution } from './executions.js'
export type {
  Emulator,
  EmulatorOptions,
  Fault,
  LoggedRequest,
  SentCredentials,
  SeedState,
  Snapshot,
  StoredDashboard,
  StoredFile,
  StoredFlow,
  StoredKv
} from './types.js'
export type { VersionBoundaries } from './version.js'

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved: ResolvedOptions = {
    version: options.version ?? '1.3.2',
    edition: options.edition ?? 'OSS',
    tenant: options.tenant ?? 'main',
    problemJson: options.problemJson ?? false,
    validateErrorsList: options.validateErrorsList ?? false,
    knownTypes: options.knownTypes ?? defaultKnownTypes,
    dropEmptyFileParts: options.dropEmptyFileParts ?? false,
    inheritedSecretsIncludeOwn: options.inheritedSecretsIncludeOwn ?? true
  }
  const boundaries = { ...DEFAULT_BOUNDARIES, ...options.boundaries }
  const core: EmulatorCore = {
    state: new EmulatorState(),
    executions: new Executions(),
    features: featuresOf(resolved.version, resolved.edition, boundaries),
    options: resolved,
    checks: new Map(),
    deflated: new Map(),
    fileExports: new WeakMap()
  }
  const server = new EmulatorServer({
    core,
    port: options.port ?? 0,
    latencyMs: options.latencyMs ?? 0,
    basicAuth: options.basicAuth,
    tokens: options.tokens,
    missingEndpoints: options.missingEndpoints ?? [],
    forbiddenRoutes: options.forbiddenRoutes ?? []
  })
  const url = await server.listen()
  const { state } = core
  let warming = Promise.resolve()

  return {
    url,
    get options() {
      return { version: resolved.version, edition: resolved.edition, tenant: resolved.tenant }
    },
    upgrade(version: string) {
      resolved.version = version
      core.features = featuresOf(version, resolved.edition, boundaries)
      // The verdicts remembered were the old release's.
      core.checks.clear()
    },
    requests: server.requests,
    onRequest(hook) {
      server.hook = hook
    },
    seed(seedState: SeedState) {
      const latest: FlowRevision[] = []
      for (const flow of seedState.flows ?? []) {
        const tenant = flow.tenant ?? resolved.tenant
        const revisions = Math.max(1, flow.revisions ?? 1)
        for (let i = 1; i <= revisions; i++) {
          const deleted = flow.deleted === true && i === revisions
          const revision = state.appendFlow(tenant, flow.namespace, flow.id, flow.source, deleted)
          if (i === revisions) latest.push(revision)
        }
      }
      if (options.warmSeeds !== false) {
        const warmed = state.warmParseCache(latest, ({ source }) => check(core, source))
        warming = Promise.all([warming, warmed]).then(() => undefined)
      }
      const now = Date.now()
      for (const file of seedState.files ?? []) {
        const path = file.path.startsWith('/') ? file.path : `/${file.path}`
        const bytes =
          typeof file.content === 'string' ? Buffer.from(file.content) : Buffer.from(file.content)
        state.namespaceFiles(file.tenant ?? resolved.tenant, file.namespace).put(path, bytes, now)
      }
      for (const entry of seedState.kv ?? []) {
        const entries = state.kvOf(entry.tenant ?? resolved.tenant, entry.namespace)
        if (entry.deleted) {
          entries.delete(entry.key)
          continue
        }
        storeKv(entries, entry.key, {
          type: typeOf(entry.value),
          value: entry.value,
          ttl: entry.ttl,
          description: entry.description
        })
      }
      for (const dashboard of seedState.dashboards ?? []) {
        const id = dashboard.id ?? dashboardId(dashboard.source)
        seedDashboard(state.dashboardsOf(dashboard.tenant ?? resolved.tenant), id, dashboard)
      }
      for (const suite of seedState.tests ?? []) {
        const fields = parseLenient(suite.source) ?? {}
        state
          .testSuitesOf(suite.tenant ?? resolved.tenant, String(fields.namespace))
          .set(String(fields.id), { source: suite.source, fields })
      }
      for (const { tenant, ...entity } of seedState.namespaces ?? []) {
        state
          .namespaceEntitiesOf(tenant ?? resolved.tenant)
          .set(entity.id, { deleted: false, ...entity })
      }
      for (const { deleted, ...secret } of seedState.secrets ?? []) {
        const names = state.secretsOf(secret.tenant ?? resolved.tenant)
        // OSS SecretService: `SECRET_<NAME>` env vars, stored upper-cased, global; EE keeps both.
        const name = resolved.edition === 'EE' ? secret : { key: secret.key.toUpperCase() }
        const same = (other: SecretName) =>
          other.key === name.key && other.namespace === name.namespace
        if (deleted) names.splice(0, names.length, ...names.filter((other) => !same(other)))
        else if (resolved.edition === 'EE' || !names.some(same)) names.push(name)
      }
      for (const run of seedState.executions ?? []) {
        core.executions.seed({ ...run, tenant: run.tenant ?? resolved.tenant }, core.features.v1)
      }
    },
    warmedUp: () => warming,
    saveDraft(namespace, id, source, tenant = resolved.tenant) {
      if (!core.features.v2) throw new Error(`Kestra ${resolved.version} has no drafts (2.0 has)`)
      state.appendFlow(tenant, namespace, id, source, false).draft = true
    },
    scriptExecutions(namespace, id, script, tenant = resolved.tenant) {
      core.executions.script(tenant, namespace, id, script)
    },
    executions: () => core.executions.all(),
    snapshot: () => state.snapshot(),
    namespaces: (tenant = resolved.tenant) =>
      [...state.namespaceEntitiesOf(tenant)]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, entity]) => structuredClone(entity)),
    testSuites: (tenant = resolved.tenant) =>
      state
        .allTestSuites(tenant)
        .map(([namespace, id, suite]) => ({ namespace, id, source: suite.source }))
        .sort((a, b) => (`${a.namespace}/${a.id}` < `${b.namespace}/${b.id}` ? -1 : 1)),
    flowRevisions(namespace: string, id: string, tenant = resolved.tenant) {
      return (state.history(tenant, namespace, id) ?? []).map((revision) =>
        toStored(tenant, namespace, id, revision)
      )
    },
    clearLog() {
      server.requests.length = 0
    },
    inject: (fault) => server.inject(fault),
    clearFaults: () => server.clearFaults(),
    setLatency(ms: number) {
      server.latencyMs = ms
    },
    close() {
      state.close()
      return server.close()
    }
  }
}
