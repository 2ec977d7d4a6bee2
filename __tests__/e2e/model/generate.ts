/**
 * Generated teams and their changes: a starting repository of all six kinds in one of the layouts `auto` finds,
 * 1 to 6 namespaces (children among them), Subflow calls and Flow triggers across namespaces, `secret()`,
 * `kv()` and `read()` references (some satisfied by the same change), and the edits a commit makes.
 */
import fc from 'fast-check'
import {
  emptyRepository,
  flowKey,
  type DashboardSpec,
  type FileSpec,
  type FlowRef,
  type FlowSpec,
  type KvSpec,
  type Layout,
  type NamespaceSettingsSpec,
  type Repository,
  type SuiteSpec,
  type Team
} from './repository.js'

/** Namespaces a team may use: two roots with children, so child namespaces are their own. */
const NAMESPACE_POOL = [
  'company.team',
  'company.team.analytics',
  'company.ops',
  'acme',
  'acme.sales',
  'data.platform'
] as const
/** The namespace layout's root and its children. */
const UNDER_ROOT = ['company.team', 'company.team.analytics', 'company.team.ops'] as const

const IDS = ['hello', 'load', 'report', 'notify', 'cleanup', 'ingest'] as const
const PATHS = ['/sql/query.sql', '/scripts/run.py', '/data/blob.bin', '/config.json'] as const
const KV_KEYS = ['region', 'retries', 'healthcheck_url', 'limits'] as const
const OUTPUTS = ['rows', 'count'] as const
const DASHBOARD_IDS = ['overview', 'failures', 'sales'] as const
/** Secrets the server holds from the start; MISSING_SECRET it never holds. */
export const SERVER_SECRETS = ['SLACK_WEBHOOK', 'API_TOKEN'] as const
export const MISSING_SECRET = 'MISSING_SECRET'
const SECRETS = [...SERVER_SECRETS, MISSING_SECRET] as const
const CRONS = ['0 6 * * *', '*/15 * * * *', '@daily'] as const

const word = fc.constantFrom('hello', 'bonjour', 'hola', 'hallo', 'ciao', 'salut')
const message = fc.tuple(word, fc.nat(99)).map(([w, n]) => `${w} ${n}`)

const textBytes = fc
  .tuple(fc.constantFrom('select 1', 'print("x")', '{"a": 1}', 'a,b\n1,2'), fc.nat(99))
  .map(([text, n]) => new TextEncoder().encode(`${text} -- ${n}\n`))
const binaryBytes = fc.uint8Array({ minLength: 1, maxLength: 24 })
const bytesFor = (path: string) => (path.endsWith('.bin') ? binaryBytes : textBytes)

const kvValue = fc.oneof(
  fc.constantFrom('eu-west-1', 'us-east-1', 'https://status.example.com'),
  fc.integer({ min: 0, max: 1000 }),
  fc.boolean(),
  fc.record({ cpu: fc.integer({ min: 1, max: 8 }), tier: fc.constantFrom('a', 'b') })
)

/** A reference is mostly satisfied by the same change; sometimes by nothing (its finding is then warranted). */
const mostly = fc.oneof(
  { weight: 4, arbitrary: fc.constant(true) },
  { weight: 1, arbitrary: fc.constant(false) }
)

export const team: fc.Arbitrary<Team> = fc.record({
  space: fc.constant(''),
  dashboards: fc.constant(true),
  line: fc.constantFrom('1.3' as const, '2.0' as const),
  edition: fc.constantFrom('OSS' as const, 'EE' as const),
  layout: fc.constantFrom<Layout>('tenant', 'kestra', 'namespace', 'custom'),
  root: fc.constant('company.team'),
  settings: fc.record({
    delete: fc.boolean(),
    requireReviewedPlan: fc.boolean(),
    readOnly: fc.boolean(),
    underGithub: fc.boolean(),
    yamlSpelling: fc.boolean()
  })
})

/** The namespaces a team of `layout` may hold resources in. */
export function namespacePool(t: Team): readonly string[] {
  return (t.layout === 'namespace' ? UNDER_ROOT : NAMESPACE_POOL).map(
    (namespace) => `${t.space}${namespace}`
  )
}

/**
 * One change to a repository, drawn against what it holds. Each keeps the layout finding everything: a namespace
 * that holds files or suites holds a flow (one may hold kv or settings files alone), and namespace files stay where
 * the layout reads them.
 */
export type Edit =
  | { kind: 'add-flow'; namespace: string; id: string; message: string }
  | { kind: 'edit-flow'; index: number; message: string }
  /** `keepSuites`: the team forgets the test suites of the flow (their findings are then warranted). */
  | { kind: 'delete-flow'; index: number; keepSuites?: boolean }
  | { kind: 'link'; from: number; to: number; how: 'calls' | 'after' }
  | { kind: 'unlink'; index: number }
  | { kind: 'use-secret'; index: number; secret: string }
  | { kind: 'output'; index: number; side: 'output' | 'readsOutput'; name: string | undefined }
  | { kind: 'use-kv'; index: number; key: string; define: boolean; value: KvSpec['value'] }
  | { kind: 'use-file'; index: number; path: string; define: boolean; bytes: Uint8Array }
  | { kind: 'schedule'; index: number; cron: string | undefined }
  | { kind: 'put-file'; namespace: string; path: string; bytes: Uint8Array }
  | { kind: 'delete-file'; index: number }
  | { kind: 'put-kv'; namespace: string; key: string; value: KvSpec['value'] }
  | { kind: 'delete-kv'; index: number }
  | { kind: 'put-dashboard'; id: string; title: string }
  | { kind: 'delete-dashboard'; index: number }
  | { kind: 'put-suite'; namespace: string; id: string; flowId: string }
  | { kind: 'delete-suite'; index: number }
  | {
      kind: 'put-settings'
      namespace: string
      description: string
      region: string
      pluginDefaults?: boolean
    }
  | { kind: 'delete-settings'; index: number }
  | { kind: 'note'; text: string }

export function editArbitrary(t: Team): fc.Arbitrary<Edit> {
  const namespace = fc.constantFrom(...namespacePool(t))
  const index = fc.nat(50)
  const path = fc.constantFrom(...PATHS)
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('add-flow' as const),
        namespace,
        id: fc.constantFrom(...IDS),
        message
      })
    },
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('edit-flow' as const), index, message })
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('delete-flow' as const),
        index,
        keepSuites: fc.boolean()
      })
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('link' as const),
        from: index,
        to: index,
        how: fc.constantFrom('calls' as const, 'after' as const)
      })
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('unlink' as const), index }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('output' as const),
        index,
        side: fc.constantFrom('output' as const, 'readsOutput' as const),
        name: fc.option(fc.constantFrom(...OUTPUTS), { nil: undefined })
      })
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('use-secret' as const),
        index,
        secret: fc.constantFrom(...SECRETS)
      })
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('use-kv' as const),
        index,
        key: fc.constantFrom(...KV_KEYS),
        define: mostly,
        value: kvValue
      })
    },
    {
      weight: 1,
      arbitrary: path.chain((p) =>
        fc.record({
          kind: fc.constant('use-file' as const),
          index,
          path: fc.constant(p),
          define: mostly,
          bytes: bytesFor(p)
        })
      )
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('schedule' as const),
        index,
        cron: fc.option(fc.constantFrom(...CRONS), { nil: undefined })
      })
    },
    {
      weight: 2,
      arbitrary: path.chain((p) =>
        fc.record({
          kind: fc.constant('put-file' as const),
          namespace,
          path: fc.constant(p),
          bytes: bytesFor(p)
        })
      )
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-file' as const), index }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('put-kv' as const),
        namespace,
        key: fc.constantFrom(...KV_KEYS),
        value: kvValue
      })
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-kv' as const), index }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('put-dashboard' as const),
        id: fc.constantFrom(...DASHBOARD_IDS),
        title: message
      })
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-dashboard' as const), index }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('put-suite' as const),
        namespace,
        id: fc.constantFrom('smoke', 'nightly'),
        flowId: fc.constantFrom(...IDS)
      })
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-suite' as const), index }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('put-settings' as const),
        namespace,
        description: message,
        region: fc.constantFrom('eu-west-1', 'us-east-1'),
        pluginDefaults: fc.boolean()
      })
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-settings' as const), index }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('note' as const), text: message }) }
  )
}

/** A starting repository: some flows in 1 to 6 namespaces, then a few edits of every kind. */
export function repositoryArbitrary(t: Team): fc.Arbitrary<Repository> {
  const pool = namespacePool(t)
  const first = fc.record({
    namespaces: fc.shuffledSubarray([...pool], {
      minLength: 1,
      maxLength: Math.min(6, pool.length)
    }),
    messages: fc.array(message, { minLength: 1, maxLength: 8 })
  })
  return fc.tuple(first, fc.array(editArbitrary(t), { maxLength: 10 })).map(([start, edits]) => {
    let repository = emptyRepository()
    start.messages.forEach((text, i) => {
      const namespace = start.namespaces[i % start.namespaces.length]!
      const id = IDS[Math.floor(i / start.namespaces.length) % IDS.length]!
      repository = applyEdit(t, repository, { kind: 'add-flow', namespace, id, message: text })
    })
    for (const edit of edits) repository = applyEdit(t, repository, edit)
    return repository
  })
}

const pick = <T>(items: readonly T[], index: number): T | undefined =>
  items.length ? items[index % items.length] : undefined

/** The repository after `edit`; an edit that does not apply (nothing to edit) leaves it as it is. */
export function applyEdit(t: Team, repository: Repository, edit: Edit): Repository {
  const next: Repository = structuredClone(repository)
  const flows = next.flows
  const withFlows = new Set(flows.map((flow) => flow.namespace))
  switch (edit.kind) {
    case 'add-flow': {
      if (flows.some((flow) => flowKey(flow) === flowKey(edit))) break
      flows.push({ namespace: edit.namespace, id: edit.id, message: edit.message })
      break
    }
    case 'edit-flow': {
      const flow = pick(flows, edit.index)
      if (flow) flow.message = edit.message
      break
    }
    case 'delete-flow': {
      const flow = pick(flows, edit.index)
      if (!flow) break
      next.flows = flows.filter((other) => other !== flow)
      // The references to it go with it: a team that removes a flow removes its callers' calls.
      for (const other of next.flows) {
        if (other.calls && flowKey(other.calls) === flowKey(flow)) delete other.calls
        if (other.after && flowKey(other.after) === flowKey(flow)) delete other.after
      }
      if (!edit.keepSuites) {
        next.suites = next.suites.filter(
          (suite) => !(suite.namespace === flow.namespace && suite.flowId === flow.id)
        )
      }
      dropEmptyNamespaces(next)
      break
    }
    case 'link': {
      const from = pick(flows, edit.from)
      const to = pick(flows, edit.to)
      if (!from || !to || from === to) break
      // On 1.3 a flow calls only flows that call nothing back to it: no check refuses a loop of calls there, and the
      // engine replay would run it without end. On 2.0 any loop may be drawn: Kestra refuses to save it, and the
      // model warrants that error (`loopFiles` in invariants.ts).
      if (t.line === '1.3' && edit.how === 'calls' && calls(next, to, from)) break
      from[edit.how] = { namespace: to.namespace, id: to.id }
      break
    }
    case 'unlink': {
      const flow = pick(flows, edit.index)
      if (flow) {
        delete flow.calls
        delete flow.after
      }
      break
    }
    case 'output': {
      // A flow declares an output, or reads one of the flow it calls: one step from the subflow inputs checked.
      const flow = pick(flows, edit.index)
      if (!flow) break
      if (edit.name === undefined) delete flow[edit.side]
      else flow[edit.side] = edit.name
      break
    }
    case 'use-secret': {
      const flow = pick(flows, edit.index)
      if (flow) flow.secret = edit.secret
      break
    }
    case 'use-kv': {
      const flow = pick(flows, edit.index)
      if (!flow) break
      flow.kvKey = edit.key
      if (
        edit.define &&
        !next.kv.some((e) => e.namespace === flow.namespace && e.key === edit.key)
      ) {
        next.kv.push({ namespace: flow.namespace, key: edit.key, value: edit.value })
      }
      break
    }
    case 'use-file': {
      const flow = pick(flows, edit.index)
      if (!flow || !placesFiles(t, flow.namespace)) break
      flow.reads = edit.path
      if (
        edit.define &&
        !next.files.some((f) => f.namespace === flow.namespace && f.path === edit.path)
      ) {
        next.files.push({ namespace: flow.namespace, path: edit.path, bytes: edit.bytes })
      }
      break
    }
    case 'schedule': {
      const flow = pick(flows, edit.index)
      if (flow) {
        if (edit.cron) flow.schedule = edit.cron
        else delete flow.schedule
      }
      break
    }
    case 'put-file': {
      if (!withFlows.has(edit.namespace) || !placesFiles(t, edit.namespace)) break
      next.files = next.files.filter(
        (f) => !(f.namespace === edit.namespace && f.path === edit.path)
      )
      next.files.push({ namespace: edit.namespace, path: edit.path, bytes: edit.bytes })
      break
    }
    case 'delete-file': {
      const file = pick(next.files, edit.index)
      if (file) next.files = next.files.filter((other) => other !== file)
      break
    }
    case 'put-kv': {
      // Any namespace: one only a kv file holds is managed for its keys alone (docs/resources.md).
      next.kv = next.kv.filter((e) => !(e.namespace === edit.namespace && e.key === edit.key))
      next.kv.push({ namespace: edit.namespace, key: edit.key, value: edit.value })
      break
    }
    case 'delete-kv': {
      const entry = pick(next.kv, edit.index)
      if (entry) next.kv = next.kv.filter((other) => other !== entry)
      break
    }
    case 'put-dashboard': {
      if (!t.dashboards) break
      next.dashboards = next.dashboards.filter((d) => d.id !== edit.id)
      next.dashboards.push({ id: edit.id, title: edit.title })
      break
    }
    case 'delete-dashboard': {
      const dashboard = pick(next.dashboards, edit.index)
      if (dashboard) next.dashboards = next.dashboards.filter((other) => other !== dashboard)
      break
    }
    case 'put-suite': {
      if (!flows.some((f) => f.namespace === edit.namespace && f.id === edit.flowId)) break
      next.suites = next.suites.filter((s) => !(s.namespace === edit.namespace && s.id === edit.id))
      next.suites.push({ namespace: edit.namespace, id: edit.id, flowId: edit.flowId })
      break
    }
    case 'delete-suite': {
      const suite = pick(next.suites, edit.index)
      if (suite) next.suites = next.suites.filter((other) => other !== suite)
      break
    }
    case 'put-settings': {
      // Any namespace: one only a settings file holds is managed for its settings alone.
      const { namespace, description, region, pluginDefaults } = edit
      next.namespaceSettings = next.namespaceSettings.filter((n) => n.namespace !== namespace)
      next.namespaceSettings.push({
        namespace,
        description,
        region,
        ...(pluginDefaults && { pluginDefaults })
      })
      break
    }
    case 'delete-settings': {
      const spec = pick(next.namespaceSettings, edit.index)
      if (spec) next.namespaceSettings = next.namespaceSettings.filter((other) => other !== spec)
      break
    }
    case 'note': {
      next.notes = `\n${edit.text}\n`
      break
    }
  }
  sortRepository(next)
  return next
}

/** The namespace layout reads files only for its own namespace (docs/layouts.md). */
function placesFiles(t: Team, namespace: string): boolean {
  return t.layout !== 'namespace' || namespace === t.root
}

/** Whether `from` reaches `to` through Subflow calls. */
function calls(repository: Repository, from: FlowRef, to: FlowRef): boolean {
  const byKey = new Map(repository.flows.map((flow) => [flowKey(flow), flow]))
  const seen = new Set<string>()
  for (let key: string | undefined = flowKey(from); key && !seen.has(key);) {
    if (key === flowKey(to)) return true
    seen.add(key)
    const called: FlowRef | undefined = byKey.get(key)?.calls
    key = called && flowKey(called)
  }
  return false
}

/**
 * A namespace left without flows loses its files and suites, which the layouts find by its flows; its kv and settings
 * files stay, found at the root for any namespace (docs/kv.md, docs/namespace-settings.md).
 */
function dropEmptyNamespaces(repository: Repository): void {
  const withFlows = new Set(repository.flows.map((flow) => flow.namespace))
  repository.files = repository.files.filter((file) => withFlows.has(file.namespace))
  repository.suites = repository.suites.filter((suite) => withFlows.has(suite.namespace))
}

function sortRepository(repository: Repository): void {
  const by =
    <T>(key: (item: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b))
  repository.flows.sort(by<FlowSpec>(flowKey))
  repository.files.sort(by<FileSpec>((f) => `${f.namespace}${f.path}`))
  repository.kv.sort(by<KvSpec>((e) => `${e.namespace}/${e.key}`))
  repository.dashboards.sort(by<DashboardSpec>((d) => d.id))
  repository.suites.sort(by<SuiteSpec>((s) => `${s.namespace}/${s.id}`))
  repository.namespaceSettings.sort(by<NamespaceSettingsSpec>((n) => n.namespace))
}
