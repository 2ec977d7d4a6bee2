/**
 * Route table (docs/kestra.md#routes) for both URL eras, with the stable names the request log
 * uses.
 */
import type { Features } from './version.js'

export const ROUTES = [
  'configs',
  'flows.create',
  'flows.get',
  'flows.update',
  'flows.delete',
  'flows.list',
  'flows.search',
  'flows.validate',
  'flows.export.by-ids',
  'flows.export.by-query',
  'flows.import',
  'flows.revisions',
  'flows.dependencies',
  'flows.bulk-namespace',
  'namespaces.get',
  'namespaces.search',
  'namespaces.create',
  'namespaces.update',
  'namespaces.delete',
  'namespaces.files.get',
  'namespaces.files.stats',
  'namespaces.files.directory',
  'namespaces.files.mkdir',
  'namespaces.files.upload',
  'namespaces.files.delete',
  'namespaces.files.export',
  'namespaces.files.revisions',
  'namespaces.files.move',
  'namespaces.files.search',
  'kv.get',
  'kv.put',
  'kv.delete',
  'kv.list',
  'kv.inheritance',
  'kv.search',
  'secrets.list',
  'namespaces.secrets.list',
  'namespaces.secrets.inherited',
  'dashboards.list',
  'dashboards.get',
  'dashboards.create',
  'dashboards.validate',
  'dashboards.update',
  'dashboards.delete',
  'tests.create',
  'tests.get',
  'tests.update',
  'tests.delete',
  'tests.search',
  'executions.create',
  'executions.get',
  'executions.search',
  'executions.kill',
  'unmatched'
] as const

export type RouteName = (typeof ROUTES)[number]

export interface MatchedRoute {
  route: RouteName
  /** `id` is the flow id, the execution id on `executions.*`, the dashboard id on `dashboards.*`. */
  params: { namespace?: string; id?: string; key?: string }
}

const UNMATCHED: MatchedRoute = { route: 'unmatched', params: {} }

/**
 * Resolves a request path; the other era's prefix is an unmatched route, and so is a wrong tenant on EE.
 * OSS serves any tenant segment as `main` (`anyTenant`): its `TenantService.resolveTenant()` returns the
 * constant "main" whatever the path says (docs/kestra.md#tenant-prefix).
 */
export function matchRoute(
  method: string,
  pathname: string,
  features: Features,
  tenant: string,
  anyTenant = false
): MatchedRoute {
  let segments: string[]
  try {
    segments = pathname.split('/').slice(1).map(decodeURIComponent)
  } catch {
    return UNMATCHED
  }
  if (segments[0] !== 'api' || segments[1] !== 'v1') return UNMATCHED
  if (segments.length === 3 && segments[2] === 'configs') {
    return method === 'GET' ? { route: 'configs', params: {} } : UNMATCHED
  }
  let rest = segments.slice(2)
  if (features.tenantRoutes) {
    if (rest[0] !== tenant && !(anyTenant && rest[0])) return UNMATCHED
    rest = rest.slice(1)
  }
  const matched = resourceRoute(method, rest, features)
  return matched && available(matched.route, features) ? matched : UNMATCHED
}

function resourceRoute(
  method: string,
  rest: string[],
  features: Features
): MatchedRoute | undefined {
  const s = rest.slice(1)
  if (rest[0] === 'flows') return flowRoute(method, s)
  if (rest[0] === 'executions') return executionRoute(method, s)
  if (rest[0] === 'dashboards') return dashboardRoute(method, s)
  if (rest[0] === 'tests') return testSuiteRoute(method, s)
  if (rest.length === 1 && method === 'GET') {
    if (rest[0] === 'secrets') return { route: 'secrets.list', params: {} }
    if (rest[0] === 'kv') return { route: 'kv.search', params: {} }
  }
  return namespaceRoute(method, rest, features)
}

/** Which routes the configured version serves at all; the others are a 404 route miss. */
function available(route: RouteName, f: Features): boolean {
  // Search and read are older than the start route: both are in 0.13's controller [S21 v0.13.0
  // webserver/.../controllers/ExecutionController.java].
  if (route === 'executions.search' || route === 'executions.get') return true
  if (route.startsWith('executions.')) return f.executions
  if (route.startsWith('dashboards.')) return f.dashboards !== 'none'
  if (route.startsWith('tests.')) return f.testSuites
  if (['namespaces.create', 'namespaces.update', 'namespaces.delete'].includes(route)) {
    return f.namespaceEntities
  }
  if (route === 'namespaces.files.revisions') return f.fileRevisions
  if (route === 'kv.list') return f.kvNamespaceList
  if (route === 'kv.inheritance') return f.kvInheritance
  if (route === 'kv.search') return f.kvSearch
  if (route.startsWith('kv.')) return f.kv
  if (route === 'namespaces.secrets.list') return f.namespaceSecretList
  if (route === 'secrets.list' || route === 'namespaces.secrets.inherited') return f.secrets
  return true
}

function flowRoute(method: string, s: string[]): MatchedRoute | undefined {
  const one = (route: RouteName, params: MatchedRoute['params'] = {}): MatchedRoute => ({
    route,
    params
  })
  if (s.length === 0) return method === 'POST' ? one('flows.create') : undefined
  if (s.length === 1) {
    if (s[0] === 'validate') return method === 'POST' ? one('flows.validate') : undefined
    if (s[0] === 'search') return method === 'GET' ? one('flows.search') : undefined
    if (s[0] === 'import') return method === 'POST' ? one('flows.import') : undefined
    if (method === 'GET') return one('flows.list', { namespace: s[0] })
    if (method === 'POST') return one('flows.bulk-namespace', { namespace: s[0] })
    return undefined
  }
  if (s.length === 2 && s[0] === 'export') {
    if (s[1] === 'by-ids' && method === 'POST') return one('flows.export.by-ids')
    if (s[1] === 'by-query' && method === 'GET') return one('flows.export.by-query')
  }
  if (s.length === 2) {
    const params = { namespace: s[0], id: s[1] }
    if (method === 'GET') return one('flows.get', params)
    if (method === 'PUT') return one('flows.update', params)
    if (method === 'DELETE') return one('flows.delete', params)
    return undefined
  }
  if (s.length === 3 && s[2] === 'revisions' && method === 'GET') {
    return one('flows.revisions', { namespace: s[0], id: s[1] })
  }
  if (s.length === 3 && s[2] === 'dependencies' && method === 'GET') {
    return one('flows.dependencies', { namespace: s[0], id: s[1] })
  }
  return undefined
}

/**
 * docs/kestra.md#executions: start `{ns}/{id}` (POST), search (GET `search`), read `{execId}`
 * (GET), kill `{execId}/kill` (DELETE).
 */
function executionRoute(method: string, s: string[]): MatchedRoute | undefined {
  if (s.length === 2 && method === 'POST') {
    return { route: 'executions.create', params: { namespace: s[0], id: s[1] } }
  }
  if (s.length === 1 && s[0] === 'search' && method === 'GET') {
    return { route: 'executions.search', params: {} }
  }
  if (s.length === 1 && method === 'GET') return { route: 'executions.get', params: { id: s[0] } }
  if (s.length === 2 && s[1] === 'kill' && method === 'DELETE') {
    return { route: 'executions.kill', params: { id: s[0] } }
  }
  return undefined
}

/** DashboardController: `validate` is a literal POST route; any other segment is an id. */
function dashboardRoute(method: string, s: string[]): MatchedRoute | undefined {
  if (s.length === 0) {
    if (method === 'GET') return { route: 'dashboards.list', params: {} }
    return method === 'POST' ? { route: 'dashboards.create', params: {} } : undefined
  }
  if (s.length !== 1) return undefined
  if (s[0] === 'validate' && method === 'POST') return { route: 'dashboards.validate', params: {} }
  const params = { id: s[0] }
  if (method === 'GET') return { route: 'dashboards.get', params }
  if (method === 'PUT') return { route: 'dashboards.update', params }
  if (method === 'DELETE') return { route: 'dashboards.delete', params }
  return undefined
}

function namespaceRoute(method: string, s: string[], features: Features): MatchedRoute | undefined {
  if (s[0] !== 'namespaces') return undefined
  // EE's namespace entities (handlers/namespaces.ts): `POST P/namespaces`, `PUT|DELETE P/namespaces/{id}`.
  if (s.length === 1)
    return method === 'POST' ? { route: 'namespaces.create', params: {} } : undefined
  if (s.length === 2) {
    const params = { namespace: s[1] }
    if (method === 'PUT') return { route: 'namespaces.update', params }
    if (method === 'DELETE') return { route: 'namespaces.delete', params }
    if (method !== 'GET') return undefined
    return s[1] === 'search'
      ? { route: 'namespaces.search', params: {} }
      : { route: 'namespaces.get', params }
  }
  const namespace = s[1]
  if (s[2] === 'files') return fileRoute(method, s.slice(3), namespace)
  if (s.length === 3 && method === 'GET' && s[2] === 'secrets') {
    return { route: 'namespaces.secrets.list', params: { namespace } }
  }
  if (s.length === 3 && method === 'GET' && s[2] === 'inherited-secrets') {
    return { route: 'namespaces.secrets.inherited', params: { namespace } }
  }
  if (s[2] === 'kv') {
    if (s.length === 3)
      return method === 'GET' ? { route: 'kv.list', params: { namespace } } : undefined
    if (s.length !== 4) return undefined
    // Micronaut prefers the literal `inheritance` route: a key of that name cannot be read by GET there.
    if (s[3] === 'inheritance' && method === 'GET' && features.kvInheritance) {
      return { route: 'kv.inheritance', params: { namespace } }
    }
    const params = { namespace, key: s[3] }
    if (method === 'GET') return { route: 'kv.get', params }
    if (method === 'PUT') return { route: 'kv.put', params }
    if (method === 'DELETE') return { route: 'kv.delete', params }
  }
  return undefined
}

const FILE_ROUTES: Record<string, RouteName | undefined> = {
  GET: 'namespaces.files.get',
  POST: 'namespaces.files.upload',
  PUT: 'namespaces.files.move',
  DELETE: 'namespaces.files.delete',
  'GET stats': 'namespaces.files.stats',
  'GET directory': 'namespaces.files.directory',
  'POST directory': 'namespaces.files.mkdir',
  'GET export': 'namespaces.files.export',
  'GET revisions': 'namespaces.files.revisions',
  'GET search': 'namespaces.files.search'
}

/** The EE `TestSuiteController` (handlers/tests.ts): `search` is a literal GET route. */
function testSuiteRoute(method: string, s: string[]): MatchedRoute | undefined {
  if (s.length === 0) return method === 'POST' ? { route: 'tests.create', params: {} } : undefined
  if (s.length === 1) {
    return s[0] === 'search' && method === 'GET' ? { route: 'tests.search', params: {} } : undefined
  }
  if (s.length !== 2) return undefined
  const params = { namespace: s[0], id: s[1] }
  if (method === 'GET') return { route: 'tests.get', params }
  if (method === 'PUT') return { route: 'tests.update', params }
  if (method === 'DELETE') return { route: 'tests.delete', params }
  return undefined
}

function fileRoute(method: string, s: string[], namespace: string): MatchedRoute | undefined {
  if (s.length > 1) return undefined
  const route = FILE_ROUTES[s.length === 0 ? method : `${method} ${s[0]}`]
  return route ? { route, params: { namespace } } : undefined
}

/** The routes that change flows, namespace files, KV entries or dashboards; the others read (or run executions). */
export const WRITE_ROUTES: readonly string[] = [
  'flows.create',
  'flows.update',
  'flows.delete',
  'namespaces.files.upload',
  'namespaces.files.delete',
  'flows.import',
  'flows.bulk-namespace',
  'namespaces.files.move',
  'namespaces.files.mkdir',
  'kv.put',
  'kv.delete',
  'dashboards.create',
  'dashboards.update',
  'dashboards.delete',
  'tests.create',
  'tests.update',
  'tests.delete',
  'namespaces.create',
  'namespaces.update',
  'namespaces.delete'
] satisfies RouteName[]
