/** Route table (reference §9) for both URL eras, with the stable names the request log uses. */
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
  'flows.bulk-namespace',
  'namespaces.get',
  'namespaces.search',
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
  'executions.create',
  'executions.get',
  'executions.search',
  'executions.kill',
  'unmatched'
] as const

export type RouteName = (typeof ROUTES)[number]

export interface MatchedRoute {
  route: RouteName
  /** `id` is the flow id, or the execution id on `executions.get`/`executions.kill`. */
  params: { namespace?: string; id?: string; key?: string }
}

const UNMATCHED: MatchedRoute = { route: 'unmatched', params: {} }

/**
 * Resolves a request path; the other era's prefix is an unmatched route, and so is a wrong tenant on EE.
 * OSS serves any tenant segment as `main` (`anyTenant`): its `TenantService.resolveTenant()` returns the
 * constant "main" whatever the path says (reference §0).
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
  const matched =
    rest[0] === 'flows'
      ? flowRoute(method, rest.slice(1))
      : rest[0] === 'executions'
        ? executionRoute(method, rest.slice(1))
        : namespaceRoute(method, rest)
  if (!matched) return UNMATCHED
  if (matched.route.startsWith('executions.') && !features.executions) return UNMATCHED
  if (matched.route === 'namespaces.files.revisions' && !features.fileRevisions) return UNMATCHED
  if (matched.route.startsWith('kv.') && !features.kv) return UNMATCHED
  return matched
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
  return undefined
}

/**
 * Reference §10.8 and §12.1: start `{ns}/{id}` (POST), search (GET `search`), read `{execId}` (GET), kill
 * `{execId}/kill` (DELETE).
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

function namespaceRoute(method: string, s: string[]): MatchedRoute | undefined {
  if (s[0] !== 'namespaces' || s.length < 2) return undefined
  if (s.length === 2) {
    if (method !== 'GET') return undefined
    return s[1] === 'search'
      ? { route: 'namespaces.search', params: {} }
      : { route: 'namespaces.get', params: { namespace: s[1] } }
  }
  const namespace = s[1]
  if (s[2] === 'files') return fileRoute(method, s.slice(3), namespace)
  if (s[2] === 'kv') {
    if (s.length === 3)
      return method === 'GET' ? { route: 'kv.list', params: { namespace } } : undefined
    if (s.length !== 4) return undefined
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

function fileRoute(method: string, s: string[], namespace: string): MatchedRoute | undefined {
  if (s.length > 1) return undefined
  const route = FILE_ROUTES[s.length === 0 ? method : `${method} ${s[0]}`]
  return route ? { route, params: { namespace } } : undefined
}

/** The routes that change flows, namespace files or KV entries; the others read (or run executions). */
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
  'kv.delete'
] satisfies RouteName[]
