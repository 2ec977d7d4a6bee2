import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import type { Finding, Severity } from '../../model/finding.js'
import type { ServerVerdict } from '../../model/kestra.js'
import { locateKestraPath } from '../../decide/validate/kestra-path.js'
import { segmentProblem } from '../../model/path-segment.js'
import { idOf, RESOURCE, type HeldDashboards } from './decide-held.js'

/** Kestra's pattern for a chart id (`Chart.id`, docs/dashboards.md#checks). */
const CHART_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
const CHART_ID_TEXT = '^[a-zA-Z0-9][a-zA-Z0-9_-]*'

/**
 * Every dashboard file's findings (docs/dashboards.md#checks): YAML, `id` and `title` present, chart ids
 * as Kestra's pattern requires, one file per id, the server's constraints on their lines; and one notice
 * when the server cannot manage dashboards.
 */
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
            `chart id '${raw ?? ''}' does not match Kestra's pattern ${CHART_ID_TEXT}: start with a letter or digit, then letters, digits, '_' or '-'`
          )
        }
      }
    }
    const verdict = held.verdicts?.get(file.file)
    if (verdict !== undefined) out.push(...serverFindings(verdict, doc, lineCounter, finding, id))
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
  if (!server || 'unsupported' in server || held.prefixed || !first) return []
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

function serverFindings(
  verdict: ServerVerdict,
  doc: Document,
  lineCounter: LineCounter,
  finding: (severity: Severity, rule: string, line: number, message: string) => Finding,
  id: string | undefined
): Finding[] {
  if (verdict.unreadable !== undefined) {
    const named = id === undefined ? 'this dashboard' : `dashboard ${JSON.stringify(id)}`
    return [finding('error', 'server-constraint', 1, `${named}: ${verdict.unreadable}`)]
  }
  return verdict.errors.map(({ path, message }) => {
    const line = path ? locateKestraPath(doc, lineCounter, yamlPath(path))?.line : undefined
    const text = path ? `${path}: ${message}` : message
    return finding(
      'error',
      'server-constraint',
      line ?? 1,
      `the server refuses this dashboard: ${text}`
    )
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
  if (first && held.prefixed) {
    return [
      {
        severity: 'notice',
        file: first.file,
        line: 1,
        rule: 'dashboards-prefixed',
        message: `Dashboards are not planned: they are tenant-wide, and with namespace-prefix ${held.prefixed} (a preview or a prefixed environment) the repository's ${held.files.length} dashboard file(s) would replace the tenant's own; deploy them without a prefix.`
      }
    ]
  }
  if (!server || !('unsupported' in server) || !first) return []
  return [
    {
      severity: 'notice',
      file: first.file,
      line: 1,
      rule: 'dashboards-unsupported',
      message: `Dashboards are not planned: this Kestra server (${server.unsupported}) has no dashboards API taking ids from the YAML (Kestra 1.0+); the repository's ${held.files.length} dashboard file(s) are left alone.`
    }
  ]
}

function textOf(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined
  return String(node.value)
}
