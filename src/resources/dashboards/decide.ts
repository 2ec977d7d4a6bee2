import { isMap, isScalar, LineCounter, type Node, parse, parseDocument } from 'yaml'
import type { DecideKind, KindPlanOptions } from '../../engine/decide-kind.js'
import { applyDiff, isDrifted, scopeFilter } from '../../engine/plan/build.js'
import { diffTexts } from '../../engine/plan/diff.js'
import { locateKestraPath } from '../../engine/validate/kestra-path.js'
import { isRecord, sha256Hex } from '../../model/content.js'
import type { Finding, Severity } from '../../model/finding.js'
import { isEnterprise, type ServerVerdict } from '../../model/kestra.js'
import { segmentProblem } from '../../model/path-segment.js'
import type { ChangeBase, PlanAction } from '../../model/plan.js'
import { repositoryPath } from '../../model/repository-paths.js'
import { atLeast, type KestraVersion } from '../../model/version.js'

/** A Kestra dashboard: tenant-wide (`namespace` is ''), by id (docs/dashboards.md). */
interface DashboardChange extends ChangeBase {
  kind: 'dashboard'
  id: string
  /** The repository file's text, sent as is (create/update/unchanged). */
  desired?: string
  /**
   * What the server holds, as compared: its stored source, or (servers whose answers carry none) its
   * fields written as YAML. `source` is what a rollback puts back, when the server gave it.
   */
  current?: { compared: string; source?: string }
}

declare module '../../model/plan.js' {
  interface ResourceChanges {
    dashboard: DashboardChange
  }
}

/** A dashboard as the decide part compares it: its source when known, its fields as one text. */
interface HeldDashboard {
  source?: string
  fields?: string
}

interface HeldFile extends HeldDashboard {
  /** Workspace-relative path. */
  file: string
  source: string
}

/** What the dashboards kind's decide part takes (what its gather part reads, docs/dashboards.md). */
export interface HeldDashboards {
  files: HeldFile[]
  base?: HeldFile[]
  server?:
    | { dashboards: ({ id: string } & HeldDashboard)[] }
    | { unsupported: string }
    /** A server whose edition keeps no dashboards (open-source 2.0): none is planned or written. */
    | { enterpriseOnly: { version: string; edition: string } }
  /** The server's edition as it answers (`OSS`, `EE`), when the server's dashboards were asked for. */
  edition?: string
  /** The server's validate endpoint's constraints on each file (undefined: valid). */
  verdicts?: ReadonlyMap<string, ServerVerdict>
  /** The run's namespace prefix: no dashboard is planned (docs/dashboards.md#namespace-prefix-and-previews). */
  prefixed?: string
}

const SECTION = 'Dashboards'
const RESOURCE = (id: string) => `dashboard:${id}`

/** The `id` a dashboard's YAML declares, or undefined when it has none (or is no mapping). */
function idOf(source: string): string | undefined {
  try {
    const value: unknown = parse(source)
    const id = isRecord(value) ? value.id : undefined
    return id === undefined || id === null || String(id).trim() === '' ? undefined : String(id)
  } catch {
    return undefined
  }
}

/** Kestra's pattern for a chart id (`Chart.id`, docs/dashboards.md#checks). */
const CHART_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/

/** Every dashboard file's findings (docs/dashboards.md#checks), and a notice when none can be planned. */
export function dashboardFindings(held: HeldDashboards): Finding[] {
  const firstOf = new Map<string, string>()
  const findings = held.files.flatMap((file) => {
    const lineCounter = new LineCounter()
    const doc = parseDocument(file.source, { lineCounter, uniqueKeys: false })
    const at = (node: Node | null | undefined) =>
      node?.range ? lineCounter.linePos(node.range[0]).line : 1
    const finding = (severity: Severity, rule: string, line: number, message: string): Finding => ({
      severity,
      file: file.file,
      line,
      rule,
      message,
      ...(id !== undefined && { resource: RESOURCE(id) })
    })
    const id = textOf(
      doc.contents && isMap(doc.contents) ? doc.contents.get('id', true) : undefined
    )
    if (doc.errors.length > 0 || !isMap(doc.contents)) {
      const error = doc.errors[0]
      const line = error ? lineCounter.linePos(error.pos[0]).line : 1
      return [
        finding(
          'error',
          'dashboard-yaml',
          line,
          `not a dashboard: ${error?.message ?? 'the YAML is no mapping'}`
        )
      ]
    }
    const root = doc.contents
    const out: Finding[] = []
    const add = (...args: Parameters<typeof finding>) => out.push(finding(...args))
    const idNode = root.get('id', true) as Node | undefined
    if (id === undefined || id.trim() === '') {
      add(
        'error',
        'dashboard-id',
        at(idNode),
        'a dashboard needs an `id` (Kestra 1.0+ takes it from the YAML): add `id: <name>`'
      )
    } else if (segmentProblem(id) !== undefined) {
      add(
        'error',
        'dashboard-id',
        at(idNode),
        `dashboard id ${JSON.stringify(id)} cannot be addressed in Kestra's API (${segmentProblem(id)!}): give it an id without '/' or '\\' that is not '.' or '..'`
      )
    } else if (firstOf.has(id)) {
      add(
        'error',
        'dashboard-duplicate-id',
        at(idNode),
        `dashboard id '${id}' is already declared in ${firstOf.get(id)!}: give each dashboard its own id`
      )
    } else firstOf.set(id, file.file)
    const title = textOf(root.get('title', true))
    if (title === undefined || title.trim() === '') {
      add(
        'error',
        'dashboard-title',
        at(root.get('title', true) as Node | undefined),
        'a dashboard needs a `title`: add `title: <text>`'
      )
    }
    const charts = root.get('charts', true)
    if (charts && 'items' in charts && Array.isArray(charts.items)) {
      for (const chart of charts.items) {
        if (!isMap(chart)) continue
        const node = chart.get('id', true) as Node | undefined
        const raw = isScalar(node) ? String(node.source ?? node.value) : undefined
        if (raw === undefined || !CHART_ID.test(raw)) {
          add(
            'error',
            'dashboard-chart-id',
            at(node ?? chart),
            `chart id '${raw ?? ''}' does not match Kestra's pattern ${CHART_ID.source.slice(0, -1)}: start with a letter or digit, then letters, digits, '_' or '-'`
          )
        }
      }
    }
    const verdict = held.verdicts?.get(file.file)
    if (verdict?.unreadable !== undefined) {
      const named = id === undefined ? 'this dashboard' : `dashboard ${JSON.stringify(id)}`
      add('error', 'server-constraint', 1, `${named}: ${verdict.unreadable}`)
    } else {
      for (const { path, message } of verdict?.errors ?? []) {
        const line = path ? locateKestraPath(doc, lineCounter, yamlPath(path))?.line : undefined
        const text = path ? `${path}: ${message}` : message
        add('error', 'server-constraint', line ?? 1, `the server refuses this dashboard: ${text}`)
      }
    }
    return out
  })
  return [...findings, ...unaddressableOnServer(held), ...unsupportedNotice(held)]
}

/**
 * The server's dashboards whose id no request can address exactly (docs/kestra.md#path-segments): never
 * read, written or deleted by id; each named once, to be removed or renamed in the Kestra UI.
 */
function unaddressableOnServer(held: HeldDashboards): Finding[] {
  const server = held.server
  const first = held.files[0]
  if (!server || !('dashboards' in server) || held.prefixed || !first) return []
  return server.dashboards.flatMap(({ id }): Finding[] => {
    const problem = segmentProblem(id)
    if (problem === undefined || held.files.some((f) => f.source && idOf(f.source) === id))
      return []
    return [
      {
        severity: 'warning',
        file: first.file,
        line: 1,
        rule: 'dashboard-id',
        resource: RESOURCE(id),
        message: `The server's dashboard ${JSON.stringify(id)} cannot be addressed in Kestra's API (${problem}): it is left alone, never deleted; rename or remove it in the Kestra UI.`
      }
    ]
  })
}

/**
 * Kestra names `timeWindow`'s fields by their Java names (`TimeWindow.defaultDuration`, `maxDuration`),
 * which the YAML spells `default` and `max`.
 */
function yamlPath(path: string): string {
  return path.replace(/\.defaultDuration\b/, '.default').replace(/\.maxDuration\b/, '.max')
}

function unsupportedNotice(held: HeldDashboards): Finding[] {
  const server = held.server
  const first = held.files[0]
  const notice = (rule: string, message: string): Finding[] =>
    first ? [{ severity: 'notice', file: first.file, line: 1, rule, message }] : []
  if (held.prefixed) {
    return notice(
      'dashboards-prefixed',
      `Dashboards are not planned under namespace-prefix ${held.prefixed} (a preview or a prefixed environment): they are tenant-wide, so the repository's ${held.files.length} dashboard file(s) would replace the tenant's own. A plan or deploy without a prefix (the pull request's own plan) takes them.`
    )
  }
  if (server && 'enterpriseOnly' in server && first) {
    const { version, edition } = server.enterpriseOnly
    const named = held.files.map((f) => idOf(f.source) ?? f.file)
    return [
      {
        severity: 'warning',
        file: first.file,
        line: 1,
        rule: 'dashboards-edition',
        message: `Dashboards are not deployed: Kestra ${version} ${edition} keeps no dashboards (Kestra 2.0 moved their create, update and delete to the Enterprise Edition), so the repository's ${named.length} dashboard(s) are left out: ${named.join(', ')}. Every other kind is planned and deployed; deploy them to a Kestra Enterprise server, or remove them from the repository.`
      }
    ]
  }
  if (!server || !('unsupported' in server)) return []
  return notice(
    'dashboards-unsupported',
    `Dashboards are not planned: this Kestra server (${server.unsupported}) has no dashboards API taking ids from the YAML (Kestra 1.0+); the repository's ${held.files.length} dashboard file(s) are left alone.`
  )
}

/**
 * Kestra 2.0 moved dashboard create, update and delete to the Enterprise Edition (its 2.0 migration guide,
 * docs/kestra.md#dashboards): an open-source 2.0 server answers 405, and its jars hold no dashboard store.
 */
export const ENTERPRISE_ONLY: KestraVersion = [2, 0, 0]

/** Dashboards named in one sentence: the first few ids (quoted, as the repository spells them), then a count. */
const NAMED = 5

/**
 * Upgrade readiness beyond flows (docs/upgrade.md#where-you-see-it): an open-source server before 2.0 keeps the
 * repository's dashboards, which an open-source 2.0 no longer does.
 */
function dashboardsOnUpgrade(held: HeldDashboards, target: KestraVersion): string[] {
  if (held.prefixed || held.files.length === 0) return []
  if (held.edition === undefined || isEnterprise(held.edition)) return []
  if (!atLeast(target, ENTERPRISE_ONLY)) return []
  const ids = held.files.map((file) => JSON.stringify(idOf(file.source) ?? file.file))
  const more = ids.length > NAMED ? ` and ${ids.length - NAMED} more` : ''
  return [
    `Dashboards: Kestra ${target[0]}.${target[1]} keeps none on the open-source edition this server runs (2.0 moved their create, update and delete to the Enterprise Edition), so the repository's ${ids.length} dashboard(s), ${ids.slice(0, NAMED).join(', ')}${more}, would no longer be deployed. Upgrade to the Enterprise Edition to keep them, or remove them from the repository.`
  ]
}

function textOf(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined
  return String(node.value)
}

const BY_FIELDS = "compared by their fields: this server's answers carry no dashboard source"
const NO_DASHBOARD = 'kept because the repository holds no dashboard'
const UNADDRESSABLE =
  "kept: its id cannot be addressed in Kestra's API (docs/kestra.md#path-segments)"

/**
 * The dashboards' changes (docs/dashboards.md#plan): the server's other dashboards are deleted only with
 * `delete` and when the repository holds one.
 */
function planDashboards(held: HeldDashboards, options: KindPlanOptions): DashboardChange[] {
  const server = held.server
  if (!server || !('dashboards' in server) || held.prefixed) return []
  const desired = byId(held.files)
  const base = held.base && byId(held.base)
  const actual = new Map(server.dashboards.map((d) => [d.id, d]))
  const inScope = scopeFilter(options, desired, base)
  const changes: DashboardChange[] = []
  for (const id of new Set([...desired.keys(), ...actual.keys()])) {
    if (!inScope(id)) continue
    const file = desired.get(id)
    const current = actual.get(id)
    const compared = current && comparedOf(current)
    const wanted = file && current ? comparedOf(current, file) : undefined
    let action: PlanAction
    if (!current) action = 'create'
    else if (file) action = wanted === compared ? 'unchanged' : 'update'
    else if (segmentProblem(id) !== undefined) action = 'orphaned'
    else action = options.deleteEnabled && held.files.length > 0 ? 'delete' : 'orphaned'
    const change: DashboardChange = {
      kind: 'dashboard',
      namespace: '',
      section: SECTION,
      id,
      action,
      drifted: false,
      ...(file && { file: file.file, desired: file.source }),
      ...(current &&
        compared !== undefined && {
          current: { compared, ...(current.source !== undefined && { source: current.source }) }
        })
    }
    if (current && current.source === undefined && file) change.remark = BY_FIELDS
    if (action === 'orphaned' && held.files.length === 0) change.remark = NO_DASHBOARD
    else if (action === 'orphaned' && segmentProblem(id) !== undefined)
      change.remark = UNADDRESSABLE
    const before = action === 'create' ? undefined : compared
    const after =
      action === 'delete' || action === 'orphaned' ? undefined : (wanted ?? file?.source)
    if (action !== 'unchanged' && action !== 'orphaned') {
      applyDiff(
        change,
        diffTexts(`a/dashboard/${id}`, `b/dashboard/${id}`, before, after, options.limits)
      )
    }
    if (base) {
      const then = base.get(id)
      change.drifted = isDrifted(
        action,
        true,
        then && (!current || comparedOf(current, then) !== compared)
      )
    }
    changes.push(change)
  }
  return changes
}

/** The repository's dashboards by id; the first file (by path) wins, its duplicates being findings. */
function byId(files: readonly HeldFile[]): Map<string, HeldFile> {
  const index = new Map<string, HeldFile>()
  for (const file of files) {
    const id = idOf(file.source)
    if (id !== undefined && !index.has(id)) index.set(id, file)
  }
  return index
}

/** A dashboard as compared with the server's copy: by source when the server gave one, else by fields. */
function comparedOf(server: HeldDashboard, dashboard: HeldDashboard = server): string | undefined {
  return server.source !== undefined ? dashboard.source : dashboard.fields
}

/** Dashboards in a plan: tenant-wide, after a namespace's files and flows, by id (docs/dashboards.md). */
export const dashboardsDecide: DecideKind<DashboardChange, HeldDashboards> = {
  name: 'dashboard',
  order: 2,
  label: 'Dashboards',
  idOf: (change) => change.id,
  planFileIdentity: (change) => ({ id: change.id }),
  fingerprintOf: (r) => [
    'dashboard',
    r.id,
    r.action,
    r.desired === undefined ? null : sha256Hex(r.desired),
    r.current === undefined ? null : sha256Hex(r.current.compared)
  ],
  validate: dashboardFindings,
  upgradeNotes: dashboardsOnUpgrade,
  plan: (held, options) => (held ? planDashboards(held, options) : []),
  serverContent: (change) => change.current?.source,
  newPath: (change, shape) =>
    FILE_NAME.test(change.id)
      ? { path: repositoryPath(shape.rootRel, 'dashboards', `${change.id}.yml`) }
      : { reason: 'its id cannot name a file' }
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
