/**
 * `P/dashboards` routes as Kestra 1.3.25's `DashboardController` and `AbstractJdbcDashboardRepository`
 * answer them (tenant-wide, soft delete, no revisions), and the 0.20 → 1.2 controller that assigns ids
 * itself (`DashboardController` at v0.20: `Dashboard id is not editable`).
 */
import { randomBytes } from 'node:crypto'
import {
  emptyReply,
  jsonReply,
  queryValue,
  type EmulatorCore,
  type Reply,
  type RequestContext
} from '../context.js'
import { checkDashboard, timeWindowJson, type DashboardCheck } from '../dashboard-validation.js'
import {
  illegalArgument,
  illegalState,
  internalError,
  invalidEntity,
  methodNotAllowed,
  notFound,
  toPointer,
  unsupportedMediaType
} from '../errors.js'
import { alreadyExists, embedded } from '../flow-ops.js'
import { parseLenient } from '../flow-source.js'
import type { DashboardRecord } from '../store.js'
import { byKeys, pageParams, slice, sortKeys } from '../paged-search.js'

const YAML = 'application/x-yaml'
/** `DashboardController.getDashboard` looks for this line before prepending one. */
const ID_LINE = /^id:.*$/m

/**
 * Kestra 2.0 open source keeps no dashboards. Its migration guide (kestra.io/docs/migration-guide/v2.0.0/
 * git-dashboard-tasks-moved-to-ee): "The dashboard create, update, and delete API routes moved to EE in Kestra
 * 2.0 (POST/PUT/DELETE /api/v1/{tenant}/dashboards are now EE-only)", and the OSS tasks that call them "always
 * failed with 405 Method Not Allowed against a 2.0 instance"; the released 2.0.0 jars hold no
 * `DashboardRepositoryInterface`. A 405 is Micronaut's answer for a URI whose routes take other methods, so the
 * reads are there, with no store behind them: the listing is empty and no dashboard is found. The validate route
 * is a POST of the same controller, taken as moved with the writes (not documented either way; the action asks
 * an open-source 2.0 server nothing about dashboards).
 */
function enterpriseOnly(ctx: RequestContext, core: EmulatorCore): void {
  if (core.features.dashboards !== 'enterprise-only') return
  throw methodNotAllowed(ctx.method, ctx.href.split('?')[0]!, 'GET')
}

/** Open-source 2.0: no store behind the reads (`enterpriseOnly`). */
const storeless = (core: EmulatorCore) => core.features.dashboards === 'enterprise-only'

/** `GET P/dashboards?page&size&q&sort`: live rows; `q` read as a case-insensitive match on id or title. */
export function handleListDashboards(ctx: RequestContext, core: EmulatorCore): Reply {
  if (storeless(core)) return jsonReply({ results: [], total: 0 })
  const page = pageParams(ctx.query, 'searchDashboards', 10)
  const keys = sortKeys(ctx.query, ['id', 'title', 'created', 'updated'])
  const needle = queryValue(ctx, 'q')?.toLowerCase()
  const rows = [...core.state.dashboardsOf(ctx.tenant).values()]
    .filter((row) => !row.deleted)
    .map((row) => dashboardJson(core, ctx.tenant, row))
    .filter(
      (json) =>
        needle === undefined ||
        [json.id, json.title].some((text) =>
          String(text ?? '')
            .toLowerCase()
            .includes(needle)
        )
    )
  if (keys.length > 0) rows.sort(byKeys(keys, (json, field) => String(json[field] ?? '')))
  return jsonReply({ results: slice(rows, page), total: rows.length })
}

/** Missing or deleted: the controller returns null, a 404. */
export function handleGetDashboard(ctx: RequestContext, core: EmulatorCore): Reply {
  if (storeless(core)) throw notFound()
  const row = liveRow(core, ctx)
  if (!row) throw notFound()
  const json = dashboardJson(core, ctx.tenant, row)
  // Dashboards stored before ids lived in the YAML get their id line back (`sourceShouldHaveIdAddedIfNotPresent`).
  if (typeof json.sourceCode === 'string' && !ID_LINE.test(json.sourceCode)) {
    json.sourceCode = `id: ${row.id}\n${json.sourceCode}`
  }
  return jsonReply(json)
}

/** 200 (not 201); 1.3: the YAML's id, mandatory and unique; before: an id of the server's own. */
export function handleCreateDashboard(ctx: RequestContext, core: EmulatorCore): Reply {
  enterpriseOnly(ctx, core)
  const source = yamlBody(ctx)
  const yamlIds = core.features.dashboards === 'yaml-ids'
  const result = check(core, source)
  const parsed = bound(result)
  if (yamlIds && isMissing(parsed.id)) throw illegalArgument('Dashboard id is mandatory')
  throwViolations(result)
  if (!yamlIds && !isMissing(parsed.id)) throw illegalArgument('Dashboard id is not editable')
  const id = yamlIds ? String(parsed.id) : serverId()
  const rows = core.state.dashboardsOf(ctx.tenant)
  if (rows.get(id)?.deleted === false) throw alreadyExists(core, 'dashboard')
  const now = Date.now()
  const row = { id, source, deleted: false, created: now, updated: now }
  rows.set(id, row)
  return jsonReply(dashboardJson(core, ctx.tenant, row))
}

/** Never a 422 for the content: one `ValidateConstraintViolation` object (not an array). */
/**
 * One `ValidateConstraintViolation`, the class flows' validate answers with: `constraints` (≤ 1.3), or with
 * `validateErrorsList` 2.0's `errors: [{detail, pointer, path}]` (docs/kestra.md#validate-flows).
 */
export function handleValidateDashboard(ctx: RequestContext, core: EmulatorCore): Reply {
  enterpriseOnly(ctx, core)
  const result = check(core, yamlBody(ctx))
  const answer: Record<string, unknown> = { index: 0, outdated: false }
  if (result.failure && core.options.validateErrorsList) {
    answer.errors = result.failure.violations.map((v) => ({
      detail: v.message,
      pointer: toPointer(v.path),
      path: v.idPath
    }))
  } else if (result.failure) answer.constraints = result.failure.message
  if (result.crash) answer.constraints = `Unable to validate the dashboard: ${result.crash}`
  return jsonReply(answer)
}

/**
 * Unknown or deleted id: 404 with no body (the controller returns a bare status). 1.3: a YAML without
 * `id` reaches `getId().equals(id)` and fails with a NullPointerException (500); another id is a 422.
 * Identical bytes keep the row as it is (`updated` not bumped).
 */
export function handleUpdateDashboard(ctx: RequestContext, core: EmulatorCore): Reply {
  enterpriseOnly(ctx, core)
  const row = liveRow(core, ctx)
  if (!row) {
    if (core.options.problemJson) throw notFound()
    return emptyReply(404)
  }
  const source = yamlBody(ctx)
  const result = check(core, source)
  const parsed = bound(result)
  if (core.features.dashboards === 'yaml-ids') {
    if (isMissing(parsed.id)) {
      throw internalError(
        'Cannot invoke "String.equals(Object)" because the return value of "io.kestra.core.models.dashboards.Dashboard.getId()" is null'
      )
    }
    if (String(parsed.id) !== row.id) {
      const violation = { message: 'Illegal dashboard id update', path: 'dashboard.id' }
      throw invalidEntity(`${violation.path}: ${violation.message}`, [violation])
    }
  }
  throwViolations(result)
  // `Dashboard.equals` compares the parsed fields and `sourceCode`: the same bytes are the same dashboard.
  if (row.source !== source) Object.assign(row, { source, updated: Date.now() })
  return jsonReply(dashboardJson(core, ctx.tenant, row))
}

/**
 * 204 and a soft delete. 1.3 (JDBC): a missing id makes the repository throw `IllegalStateException`, a
 * 409; the controller's own 404 branch answers only on the id-assigning era's backend.
 */
export function handleDeleteDashboard(ctx: RequestContext, core: EmulatorCore): Reply {
  enterpriseOnly(ctx, core)
  const row = liveRow(core, ctx)
  if (row) {
    row.deleted = true
    return emptyReply(204)
  }
  if (core.features.dashboards === 'yaml-ids') {
    throw illegalState(`Dashboard ${ctx.params.id!} doesn't exists`)
  }
  return emptyReply(404)
}

/** The `id:` of a dashboard YAML, for seeding. */
export function dashboardId(source: string): string {
  const id = parseLenient(source)?.id
  if (isMissing(id)) throw new Error('A seeded dashboard needs an id (in its YAML or given)')
  return String(id)
}

export function seedDashboard(
  rows: Map<string, DashboardRecord>,
  id: string,
  seed: { source: string; deleted?: boolean }
): void {
  const now = Date.now()
  rows.set(id, {
    id,
    source: seed.source,
    deleted: seed.deleted ?? false,
    created: now,
    updated: now
  })
}

/** `IdUtils.create()`: a random 22-character base62 id. */
function serverId(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  return [...randomBytes(22)].map((byte) => alphabet[byte % 62]).join('')
}

function liveRow(core: EmulatorCore, ctx: RequestContext): DashboardRecord | undefined {
  const row = core.state.dashboardsOf(ctx.tenant).get(ctx.params.id!)
  return row && !row.deleted ? row : undefined
}

function yamlBody(ctx: RequestContext): string {
  if (ctx.mediaType !== YAML) throw unsupportedMediaType(ctx.headers['content-type'])
  return ctx.body.toString('utf8')
}

function check(core: EmulatorCore, source: string): DashboardCheck {
  return checkDashboard(source, {
    yamlIds: core.features.dashboards === 'yaml-ids',
    knownTypes: core.options.knownTypes
  })
}

/** The parsed mapping, or the 422 of a YAML that does not bind. */
function bound(result: DashboardCheck): Record<string, unknown> {
  if (!result.parsed) throwViolations(result)
  return result.parsed!
}

function throwViolations(result: DashboardCheck): void {
  if (result.crash) throw internalError(result.crash)
  if (result.failure) {
    throw invalidEntity(result.failure.message, embedded(result.failure.violations))
  }
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null
}

/** `DashboardResponse` (1.3.x) or `Dashboard` (before): non-null fields only. */
function dashboardJson(
  core: EmulatorCore,
  tenant: string,
  row: DashboardRecord
): Record<string, unknown> {
  const parsed = parseLenient(row.source) ?? {}
  const json: Record<string, unknown> = {}
  if (core.features.tenantRoutes) json.tenantId = tenant
  json.id = row.id
  if (!isMissing(parsed.title)) json.title = String(parsed.title)
  if (!isMissing(parsed.description)) json.description = String(parsed.description)
  json.timeWindow = timeWindowJson(parsed)
  if (Array.isArray(parsed.charts)) json.charts = parsed.charts
  json.deleted = row.deleted
  json.created = new Date(row.created).toISOString()
  json.updated = new Date(row.updated).toISOString()
  if (core.features.dashboardSourceCode) json.sourceCode = row.source
  return json
}
