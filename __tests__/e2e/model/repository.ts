/**
 * A team's repository as the model sees it: its resources of the six kinds by identity, and how a layout of
 * docs/layouts.md places them in files. The model changes this value; `treeOf` turns it into the files a commit holds.
 */
import { stringify } from 'yaml'

export type Line = '1.3' | '2.0'
export type Edition = 'OSS' | 'EE'

/** Where the team keeps its resources (docs/layouts.md), each found by `auto` with no setting. */
export type Layout =
  /** `<ns>/flows/`, `<ns>/files/`, `kv/<ns>.yml` */
  | 'tenant'
  /** `kestra/flows/<ns>/`, `kestra/files/<ns>/`, `kestra/kv/<ns>.yml`: anywhere, with files folders beside */
  | 'kestra'
  /** `flows/`, `files/` for one namespace (the `namespace` setting), its children's flows beside */
  | 'namespace'
  /** `pipelines/**` (a `flows` glob), `assets/<ns>/` mapped by `namespace-files` lines */
  | 'custom'

export interface FlowRef {
  namespace: string
  id: string
}

export interface FlowSpec extends FlowRef {
  /** The Log task's message: what an edit changes. */
  message: string
  /** A Subflow task calling this flow. */
  calls?: FlowRef
  /** A Flow trigger that starts this flow after that one. */
  after?: FlowRef
  schedule?: string
  secret?: string
  kvKey?: string
  /** A namespace file of the flow's own namespace, `read()` by the Log task. */
  reads?: string
  /** The one output the flow declares. */
  output?: string
  /** What a task after the Subflow call reads of the called flow: `outputs.call.outputs.<readsOutput>`. */
  readsOutput?: string
}

export interface FileSpec {
  namespace: string
  path: string
  bytes: Uint8Array
}

export interface KvSpec {
  namespace: string
  key: string
  value: string | number | boolean | Record<string, unknown>
}

export interface DashboardSpec {
  id: string
  title: string
}

export interface SuiteSpec {
  namespace: string
  id: string
  flowId: string
}

/** A namespace's settings file (Enterprise): the two keys the model manages of it. */
export interface NamespaceSettingsSpec {
  namespace: string
  description: string
  /** `variables: { region }` */
  region: string
  /** A `pluginDefaults` entry (`PLUGIN_DEFAULTS`), which Kestra 2.0's namespaces no longer keep. */
  pluginDefaults?: boolean
}

/** The plugin defaults a settings file may hold. */
export const PLUGIN_DEFAULTS = [
  { type: 'io.kestra.plugin.core.log.Log', values: { level: 'INFO' } }
]

export interface Repository {
  flows: FlowSpec[]
  files: FileSpec[]
  kv: KvSpec[]
  dashboards: DashboardSpec[]
  suites: SuiteSpec[]
  namespaceSettings: NamespaceSettingsSpec[]
  /** The README's text below its title: no resource of Kestra's, yet a commit a deploy records in its markers. */
  notes?: string
}

export interface Settings {
  delete: boolean
  requireReviewedPlan: boolean
  readOnly: boolean
  /** `.github/kestra-gitops.yml` instead of the root's. */
  underGithub: boolean
  /** Written as `kestra-gitops.yaml`. */
  yamlSpelling: boolean
}

export interface Team {
  /**
   * Put before every namespace the team uses: empty on a server of its own (the emulator), unique per history on
   * Kestra's engine, which every test of the engine run shares.
   */
  space: string
  /** Whether the history may hold dashboards: tenant-wide, so not where other tests share the tenant. */
  dashboards: boolean
  line: Line
  edition: Edition
  layout: Layout
  /** The namespace layout's `namespace` setting: the root every flow's namespace is or is under. */
  root: string
  settings: Settings
}

export const flowKey = (ref: FlowRef) => `${ref.namespace}/${ref.id}`

export function emptyRepository(): Repository {
  return { flows: [], files: [], kv: [], dashboards: [], suites: [], namespaceSettings: [] }
}

/** The namespaces the repository holds a resource in (dashboards have none). */
export function namespacesOf(repository: Repository): string[] {
  const all = [
    ...repository.flows,
    ...repository.files,
    ...repository.kv,
    ...repository.suites,
    ...repository.namespaceSettings
  ].map((resource) => resource.namespace)
  return [...new Set(all)].sort()
}

const LOG = 'io.kestra.plugin.core.log.Log'

/** A flow's YAML, in the shapes of its line (a Flow trigger is `preconditions` on 1.3, `dependsOn` on 2.0). */
export function flowSource(flow: FlowSpec, line: Line): string {
  const uses = [
    flow.secret && `{{ secret('${flow.secret}') }}`,
    flow.kvKey && `{{ kv('${flow.kvKey}') }}`,
    flow.reads && `{{ read('${flow.reads}') }}`
  ].filter(Boolean)
  const message = uses.length ? `${flow.message} ${uses.join(' ')}` : flow.message
  const lines = [
    `id: ${flow.id}`,
    `namespace: ${flow.namespace}`,
    'tasks:',
    '  - id: log',
    `    type: ${LOG}`,
    `    message: ${JSON.stringify(message)}`
  ]
  if (flow.calls) {
    lines.push(
      '  - id: call',
      '    type: io.kestra.plugin.core.flow.Subflow',
      `    namespace: ${flow.calls.namespace}`,
      `    flowId: ${flow.calls.id}`
    )
    if (flow.readsOutput) {
      lines.push(
        '  - id: say',
        `    type: ${LOG}`,
        `    message: "{{ outputs.call.outputs.${flow.readsOutput} }}"`
      )
    }
  }
  if (flow.output) {
    lines.push('outputs:', `  - id: ${flow.output}`, '    type: STRING', '    value: done')
  }
  const triggers: string[] = []
  if (flow.after) {
    triggers.push('  - id: after', '    type: io.kestra.plugin.core.trigger.Flow')
    if (line === '2.0') {
      triggers.push(
        '    dependsOn:',
        `      - namespace: ${flow.after.namespace}`,
        `        flowId: ${flow.after.id}`
      )
    } else {
      triggers.push(
        '    preconditions:',
        '      id: upstream',
        '      flows:',
        `        - namespace: ${flow.after.namespace}`,
        `          flowId: ${flow.after.id}`
      )
    }
  }
  if (flow.schedule) {
    triggers.push(
      '  - id: every',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      `    cron: "${flow.schedule}"`
    )
  }
  if (triggers.length) lines.push('triggers:', ...triggers)
  return `${lines.join('\n')}\n`
}

export function dashboardSource(dashboard: DashboardSpec): string {
  return [
    `id: ${dashboard.id}`,
    `title: ${dashboard.title}`,
    'charts:',
    '  - id: executions_timeseries',
    '    type: io.kestra.plugin.core.dashboard.chart.TimeSeries',
    '    data:',
    '      type: io.kestra.plugin.core.dashboard.data.Executions',
    '      columns:',
    '        date:',
    '          field: START_DATE',
    '        total:',
    '          agg: COUNT',
    ''
  ].join('\n')
}

export function suiteSource(suite: SuiteSpec): string {
  return [
    `id: ${suite.id}`,
    `namespace: ${suite.namespace}`,
    `flowId: ${suite.flowId}`,
    'testCases:',
    '  - id: runs',
    '    type: io.kestra.core.tests.flow.UnitTest',
    '    assertions:',
    "      - value: '{{ execution.state }}'",
    '        equalTo: SUCCESS',
    ''
  ].join('\n')
}

/** A namespace's settings file, as `namespaces/<ns>.yml` holds it (docs/namespace-settings.md). */
export function namespaceSettingsSource(spec: NamespaceSettingsSpec): string {
  return stringify({
    description: spec.description,
    variables: { region: spec.region },
    ...(spec.pluginDefaults && { pluginDefaults: PLUGIN_DEFAULTS })
  })
}

/** A namespace's KV file: its keys in order, as `kv/<ns>.yml` holds them. */
export function kvSource(entries: readonly KvSpec[]): string {
  return stringify(Object.fromEntries(entries.map((entry) => [entry.key, entry.value])))
}

export type Tree = Record<string, string | Uint8Array>

/** The files of a commit that holds `repository`, placed as `team.layout` places them, with the settings file. */
export function treeOf(team: Team, repository: Repository): Tree {
  const tree: Tree = { 'README.md': `# Kestra flows\n${repository.notes ?? ''}` }
  const place = placement(team)
  for (const flow of repository.flows) tree[place.flow(flow)] = flowSource(flow, team.line)
  for (const file of repository.files) tree[place.file(file)] = file.bytes
  for (const namespace of new Set(repository.kv.map((entry) => entry.namespace))) {
    tree[place.kv(namespace)] = kvSource(repository.kv.filter((e) => e.namespace === namespace))
  }
  for (const dashboard of repository.dashboards) {
    tree[`${place.dashboards}/${dashboard.id}.yml`] = dashboardSource(dashboard)
  }
  for (const suite of repository.suites) {
    tree[`tests/${suite.namespace}/${suite.id}.yml`] = suiteSource(suite)
  }
  for (const spec of repository.namespaceSettings) {
    tree[`namespaces/${spec.namespace}.yml`] = namespaceSettingsSource(spec)
  }
  tree[settingsPath(team.settings)] = settingsSource(team, repository)
  return tree
}

interface Placement {
  flow(flow: FlowRef): string
  file(file: FileSpec): string
  kv(namespace: string): string
  dashboards: string
}

function placement(team: Team): Placement {
  switch (team.layout) {
    case 'tenant':
      return {
        flow: (flow) => `${flow.namespace}/flows/${flow.id}.yml`,
        file: (file) => `${file.namespace}/files${file.path}`,
        kv: (namespace) => `kv/${namespace}.yml`,
        dashboards: 'dashboards'
      }
    case 'kestra':
      return {
        flow: (flow) => `kestra/flows/${flow.namespace}/${flow.id}.yml`,
        file: (file) => `kestra/files/${file.namespace}${file.path}`,
        kv: (namespace) => `kv/${namespace}.yml`,
        dashboards: 'kestra/dashboards'
      }
    case 'namespace':
      return {
        flow: (flow) => `flows/${flow.namespace}/${flow.id}.yml`,
        file: (file) => `files${file.path}`,
        kv: (namespace) => `kv/${namespace}.yml`,
        dashboards: 'dashboards'
      }
    case 'custom':
      return {
        flow: (flow) => `pipelines/${flow.namespace.replaceAll('.', '-')}/${flow.id}.yaml`,
        file: (file) => `assets/${file.namespace}${file.path}`,
        kv: (namespace) => `kv/${namespace}.yml`,
        dashboards: 'dashboards'
      }
  }
}

export function settingsPath(settings: Settings): string {
  const name = settings.yamlSpelling ? 'kestra-gitops.yaml' : 'kestra-gitops.yml'
  return settings.underGithub ? `.github/${name}` : name
}

/** The shared settings file: what the team set, and what its layout needs said. */
function settingsSource(team: Team, repository: Repository): string {
  const settings: Record<string, unknown> = {
    delete: team.settings.delete,
    'max-deletions': 1000
  }
  if (team.settings.requireReviewedPlan) settings['require-reviewed-plan'] = true
  if (team.settings.readOnly) settings['read-only'] = true
  if (team.layout === 'namespace') settings.namespace = team.root
  if (team.layout === 'custom') {
    settings.layout = 'custom'
    settings.flows = 'pipelines/**/*.yaml'
    const mapped = [...new Set(repository.files.map((file) => file.namespace))].sort()
    if (mapped.length) {
      settings['namespace-files'] = mapped
        .map((namespace) => `assets/${namespace} -> ${namespace}`)
        .join('\n')
    }
  }
  return stringify(settings)
}
