/**
 * Plugin-blind validation of one dashboard YAML as Kestra 1.3.25 binds and validates it: strict YAML
 * binding first (`YamlParser`: duplicate and unknown keys fail, an unknown chart type is `Invalid type`,
 * the first problem stops it), then bean validation of `Dashboard`, `TimeWindow` and `Chart`, all
 * collected (`core/.../models/dashboards/Dashboard.java`, `TimeWindow.java`, `charts/Chart.java`,
 * `validations/validator/DashboardWindowValidator.java`).
 */
import { isScalar, parseDocument, type Document } from 'yaml'
import { isRecord } from './flow-source.js'
import type { Violation } from './flow-validation.js'
import { durationSeconds, javaDuration } from './java-duration.js'

export interface DashboardCheck {
  parsed?: Record<string, unknown>
  /** Set when binding or validation fails: the exception message and its violations. */
  failure?: { message: string; violations: Violation[] }
  /** Set when a validator throws instead of reporting: the exception's message. */
  crash?: string
}

export interface DashboardCheckOptions {
  /** 1.3+: `id` and `title` are `@NotNull @NotBlank`; before, the id is the server's. */
  yamlIds: boolean
  knownTypes: (type: string) => boolean
}

/** Jackson properties of `Dashboard`, the `@Hidden` ones included (Hidden only hides them from the spec). */
const DASHBOARD_KEYS = [
  'tenantId',
  'id',
  'title',
  'description',
  'timeWindow',
  'charts',
  'deleted',
  'created',
  'updated',
  'sourceCode'
]
const TIME_WINDOW_KEYS = ['default', 'max']
/** `Dashboard`'s `String` properties. */
const TEXT_KEYS = ['tenantId', 'id', 'title', 'description', 'sourceCode']
const CHART_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
const TIME_SERIES = 'io.kestra.plugin.core.dashboard.chart.TimeSeries'
/** `RegexPatterns.JAVA_IDENTIFIER_REGEX`: a Java class name. */
const JAVA_CLASS = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/
const YEAR_SECONDS = 366 * 24 * 3600
const DEFAULT_WINDOW = 30 * 24 * 3600

export function checkDashboard(source: string, options: DashboardCheckOptions): DashboardCheck {
  const doc = parseDocument(source, { uniqueKeys: true })
  const syntax = doc.errors[0]
  if (syntax) {
    const line = syntax.linePos?.[0].line
    const text = syntax.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
    return illegalSource(`${text}${line ? ` (at line ${line})` : ''}`)
  }
  let parsed: unknown
  try {
    parsed = doc.toJS()
  } catch (error) {
    return illegalSource((error as Error).message)
  }
  if (!isRecord(parsed)) return illegalSource('a dashboard must be a YAML mapping')
  const binding = firstBindingError(parsed, options)
  if (binding) return { failure: { message: binding.message, violations: [binding] } }
  // engine 1.3.31: TimeSeriesChartValidator dereferences `data.columns`; without them validation throws.
  const charts = Array.isArray(parsed.charts) ? parsed.charts : []
  const bare = charts.some(
    (chart) =>
      isRecord(chart) &&
      chart.type === TIME_SERIES &&
      isRecord(chart.data) &&
      chart.data.columns == null
  )
  if (options.yamlIds && bare) {
    return { parsed, crash: 'HV000028: Unexpected exception during isValid call.' }
  }
  const violations = beanViolations(parsed, chartIdTexts(doc, parsed), options)
  if (violations.length === 0) return { parsed }
  return {
    parsed,
    failure: {
      message: violations.map((v) => `${v.path}: ${v.message}`).join(', '),
      violations
    }
  }
}

/** `timeWindow` as the response shows it: Java `Duration.toString()` of each bound, defaults filled. */
export function timeWindowJson(parsed: Record<string, unknown>): Record<string, string> {
  const window = isRecord(parsed.timeWindow) ? parsed.timeWindow : {}
  return {
    default: javaDuration(durationSeconds(window.default) ?? DEFAULT_WINDOW),
    max: javaDuration(durationSeconds(window.max) ?? YEAR_SECONDS)
  }
}

function illegalSource(detail: string): DashboardCheck {
  const message = `YAML parsing error: ${detail}`
  return {
    failure: {
      message: `Illegal dashboard source: ${message}`,
      violations: [{ message, path: 'yaml', idPath: 'yaml' }]
    }
  }
}

function violation(path: string, message: string): Violation {
  return { path, idPath: path, message }
}

function firstBindingError(
  dashboard: Record<string, unknown>,
  options: DashboardCheckOptions
): Violation | undefined {
  for (const key of Object.keys(dashboard)) {
    if (!DASHBOARD_KEYS.includes(key)) return unrecognized(key, key, 'Dashboard')
  }
  for (const key of TEXT_KEYS) {
    const refused = notText(dashboard[key], key)
    if (refused) return refused
  }
  const list = dashboard.charts
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    return bindingProblem(
      'charts',
      shapeOf(list),
      'java.util.List<io.kestra.core.models.dashboards.charts.Chart<?>>'
    )
  }
  const window = dashboard.timeWindow
  if (window !== undefined && window !== null) {
    if (!isRecord(window)) return durationProblem('timeWindow', window, 'TimeWindow')
    for (const key of Object.keys(window)) {
      if (!TIME_WINDOW_KEYS.includes(key)) {
        return unrecognized(`timeWindow.${key}`, key, 'TimeWindow')
      }
      if (window[key] !== null && durationSeconds(window[key]) === undefined) {
        return durationProblem(`timeWindow.${key}`, window[key], 'java.time.Duration')
      }
    }
  }
  const charts = Array.isArray(dashboard.charts) ? dashboard.charts : []
  for (const [i, chart] of charts.entries()) {
    const unknown = unknownType(chart, `charts[${i}]`, options)
    if (unknown) return unknown
    const refused = notText((chart as Record<string, unknown>).id, `charts[${i}].id`)
    if (refused) return refused
    const data = isRecord(chart) ? chart.data : undefined
    if (isRecord(data) && data.type !== undefined) {
      const unknownData = unknownType(data, `charts[${i}].data`, options)
      if (unknownData) return unknownData
    }
  }
  return undefined
}

function unrecognized(path: string, key: string, model: string): Violation {
  return violation(
    path,
    `Unrecognized field "${key}" (class io.kestra.core.models.dashboards.${model}), not marked as ignorable`
  )
}

/** Jackson's refusal of a value it cannot turn into the target type (an `Illegal … source` in Kestra). */
function durationProblem(path: string, value: unknown, type: string): Violation {
  return bindingProblem(path, JSON.stringify(value), type)
}

/** `from` as Jackson words the value it refused: a JSON text, `Array value` or `Object value`. */
function bindingProblem(path: string, from: string, type: string): Violation {
  const detail = `YAML parsing error: Cannot deserialize value of type \`${type}\` from ${from}`
  return { path: 'yaml', idPath: path, message: `Illegal dashboard source: ${detail}` }
}

/**
 * A `String` property takes any scalar (Jackson coerces numbers and booleans to their text) but refuses
 * a sequence or a mapping while binding.
 */
function notText(value: unknown, path: string): Violation | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  return bindingProblem(path, shapeOf(value), 'java.lang.String')
}

function shapeOf(value: unknown): string {
  return Array.isArray(value)
    ? 'Array value'
    : isRecord(value)
      ? 'Object value'
      : JSON.stringify(value)
}

/**
 * Each chart's `id` as Jackson hands it to the `String` property: a scalar's text as written (`+5`,
 * `1.50`), not the number YAML reads in it, so `@Pattern` sees what the file says.
 */
function chartIdTexts(
  doc: Document.Parsed,
  dashboard: Record<string, unknown>
): (string | undefined)[] {
  const charts = Array.isArray(dashboard.charts) ? dashboard.charts : []
  return charts.map((_, i) => {
    const node = doc.getIn(['charts', i, 'id'], true)
    if (!isScalar(node) || node.value === null || node.value === undefined) return undefined
    return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value))
  })
}

/** A chart (or its data source) is a plugin: Jackson resolves `type` among the installed classes. */
function unknownType(
  node: unknown,
  path: string,
  options: DashboardCheckOptions
): Violation | undefined {
  const type = isRecord(node) ? node.type : undefined
  if (typeof type === 'string' && JAVA_CLASS.test(type) && options.knownTypes(type)) {
    return undefined
  }
  return violation(`${path}.type`, `Invalid type: ${typeof type === 'string' ? type : 'null'}`)
}

function beanViolations(
  dashboard: Record<string, unknown>,
  chartIds: (string | undefined)[],
  options: DashboardCheckOptions
): Violation[] {
  const found: Violation[] = []
  const add = (path: string, message: string) => found.push(violation(path, message))
  if (options.yamlIds) notBlank(dashboard.id, (m) => add('id', m))
  notBlank(dashboard.title, (m) => add('title', m))
  const window = isRecord(dashboard.timeWindow) ? dashboard.timeWindow : {}
  const defaultSeconds = durationSeconds(window.default) ?? DEFAULT_WINDOW
  const maxSeconds = durationSeconds(window.max) ?? YEAR_SECONDS
  const tooLong = "Time window can't be more than 1 year (366 days)."
  if (defaultSeconds > YEAR_SECONDS) add('timeWindow.defaultDuration', tooLong)
  if (maxSeconds > YEAR_SECONDS) add('timeWindow.max', tooLong)
  if (defaultSeconds > maxSeconds) {
    add('timeWindow', "Invalid data chart: Default duration can't exceed max duration")
  }
  const charts = Array.isArray(dashboard.charts) ? dashboard.charts : []
  charts.forEach((chart, i) => {
    if (!isRecord(chart)) return
    notBlank(chart.id, (m) => add(`charts[${i}].id`, m))
    const id = chartIds[i]
    if (id !== undefined && !CHART_ID.test(id)) {
      add(`charts[${i}].id`, 'must match "^[a-zA-Z0-9][a-zA-Z0-9_-]*"')
    }
    // engine 1.3.31: ChartOption's displayName is @NotNull @NotBlank once chartOptions is written.
    if (isRecord(chart.chartOptions)) {
      notBlank(chart.chartOptions.displayName, (m) =>
        add(`charts[${i}].chartOptions.displayName`, m)
      )
    }
  })
  return found
}

/** `@NotNull @NotBlank`: a missing value breaks both (Micronaut's NotBlank refuses null too). */
function notBlank(value: unknown, report: (message: string) => void): void {
  if (value === undefined || value === null) report('must not be null')
  if (value === undefined || value === null || String(value).trim() === '') {
    report('must not be blank')
  }
}
