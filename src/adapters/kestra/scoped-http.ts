import { z } from 'zod'
import { fieldOf } from '../../model/stored-record.js'
import { jsonObject } from '../../model/content.js'
import type { ServerInfo } from '../../model/kestra.js'
import { ConfigError, errorMessage } from '../../model/errors.js'
import { pathSegment } from '../../model/path-segment.js'
import { parseVersion } from '../../model/version.js'
import { isTenantScoped, LEGACY_PREFIX, ossTenantProblem, tenantPrefix } from './api-version.js'
import { parsedJson } from './constraints.js'
import { ApiError } from './errors.js'
import {
  responseError,
  type HttpRequest,
  type HttpResponse,
  type Transport,
  unreadableAnswer
} from './transport.js'

export const YAML = { 'content-type': 'application/x-yaml' }

interface ScopedRequest extends Omit<HttpRequest, 'path'> {
  /** Each `{…}` of the route (`/flows/{namespace}/{id}`), in order: the path below the API prefix. */
  params?: readonly string[]
  /** A list repeats its parameter (`labels=a:1&labels=b:2`). */
  query?: Record<string, string | readonly string[]>
}

/** The route with each `{…}` filled, in order, by a param as one encoded path segment. */
export function pathOf(route: string, params: readonly string[] = []): string {
  const holes = route.match(/\{\w+\}/g)?.length ?? 0
  // A miscounted call must fail, never reach `/flows/ns/undefined`.
  if (holes !== params.length)
    throw new Error(`${route} takes ${holes} parameter(s), given ${params.length}`)
  let next = 0
  return route.replace(/\{\w+\}/g, () => pathSegment(params[next++]!))
}

interface ApiShape {
  info: ServerInfo
  /** False when the probe failed: a 404 then also tries the legacy prefix. */
  known: boolean
}

/**
 * Sends requests below the API shape's prefix, probed once (`GET /api/v1/configs`). Without a usable probe the
 * tenant prefix goes first and a 404 is retried on the legacy one, remembering whichever answers. A read does not
 * wait for the probe: it leaves on the tenant prefix, asked again on the legacy one if the probe finds that shape.
 */
export class ScopedHttp {
  private apiShape: Promise<ApiShape> | undefined
  private eraSettled = false

  constructor(
    private readonly transport: Transport,
    private readonly tenant: string
  ) {}

  async info(): Promise<ServerInfo> {
    return { ...(await this.resolveApiShape()).info }
  }

  async send(req: ScopedRequest): Promise<HttpResponse> {
    const suffix = pathOf(req.route, req.params) + queryString(req.query)
    const allow = [...(req.allow ?? []), 404]
    const probing = this.resolveApiShape()
    // A read asked while the probe is out leaves at once on the tenant prefix (docs/kestra.md#tenant-prefix);
    // not for another tenant than `main`, which an OSS server's probe refuses before any other request.
    const early =
      !this.eraSettled && this.tenant === 'main' && (req.method === 'GET' || req.readOnly)
        ? answerOf(this.transport.send({ ...req, path: tenantPrefix(this.tenant) + suffix, allow }))
        : undefined
    // The read ends, answered or not, only once its early request has: none outlives the call.
    const shape = await (early ? probing.finally(() => early) : probing)
    const prefix = shape.info.tenantScoped ? tenantPrefix(this.tenant) : LEGACY_PREFIX
    if (shape.known) {
      // On the legacy prefix the early read was asked in vain: it is asked again there.
      if (early && shape.info.tenantScoped) return this.settle(req, (await early)())
      return this.transport.send({ ...req, path: prefix + suffix })
    }

    const first = early
      ? (await early)()
      : await this.transport.send({ ...req, path: prefix + suffix, allow })
    if (first.status !== 404) {
      shape.known = true
      return this.settle(req, first)
    }
    const legacy = await this.transport.send({ ...req, path: LEGACY_PREFIX + suffix, allow })
    if (legacy.status === 404) return this.settle(req, first)
    shape.known = true
    shape.info.tenantScoped = false
    return this.settle(req, legacy)
  }

  /** The answer, or undefined when the server holds no such resource (404). */
  async found(req: ScopedRequest): Promise<HttpResponse | undefined> {
    const response = await this.send({ ...req, allow: [...(req.allow ?? []), 404] })
    return response.status === 404 ? undefined : response
  }

  private settle(req: ScopedRequest, response: HttpResponse): HttpResponse {
    if (response.status === 404 && !req.allow?.includes(404)) throw responseError(response)
    return response
  }

  private resolveApiShape(): Promise<ApiShape> {
    this.apiShape ??= this.probe().finally(() => (this.eraSettled = true))
    return this.apiShape
  }

  private async probe(): Promise<ApiShape> {
    const unknown: ApiShape = {
      info: {
        version: 'unknown',
        edition: 'unknown',
        tenantScoped: true,
        systemNamespace: 'system'
      },
      known: false
    }
    // Another tenant than `main` is written only once the probe shows a server that has tenants: an OSS server
    // serves any tenant as `main` (docs/kestra.md#tenant-prefix), so an unusable probe is an error, never a guess.
    const unusable = (why: string) => {
      if (this.tenant === 'main') return unknown
      throw new ConfigError('tenant', unconfirmedTenant(this.tenant, why))
    }
    let response: HttpResponse
    try {
      response = await this.transport.send({
        method: 'GET',
        path: `${LEGACY_PREFIX}/configs`,
        route: '/configs'
      })
    } catch (error) {
      const status = error instanceof ApiError ? error.status : undefined
      if (status !== undefined && ![401, 403].includes(status))
        return unusable(`answered ${status}`)
      if (this.tenant !== 'main' && status === undefined)
        return unusable(`failed (${errorMessage(error)})`)
      throw error
    }
    const config = serverConfig.safeParse(parsedJson(bodyText(response.body))).data
    if (!config) return unusable('answered something that is not a JSON object')
    const version = parseVersion(config.version)
    if (!version) return unusable('named no version')
    const { edition, systemNamespace } = config
    const problem = ossTenantProblem(edition, String(config.version), this.tenant)
    if (problem) throw new ConfigError('tenant', problem)
    const tenantScoped = isTenantScoped(version, edition, this.tenant)
    return {
      info: { version: String(config.version), edition, tenantScoped, systemNamespace },
      known: true
    }
  }
}

/** `GET /api/v1/configs`: an edition or system namespace that is not a (non-empty) text is the default. */
const serverConfig = z.object({
  version: z.unknown(),
  edition: z.string().catch('OSS'),
  systemNamespace: z.string().min(1).catch('system')
})

/**
 * Why a tenant other than `main` is refused when the probe cannot tell the edition (docs/kestra.md#tenant-prefix).
 */
function unconfirmedTenant(tenant: string, why: string): string {
  return (
    `the server's version probe (GET ${LEGACY_PREFIX}/configs) ${why}, so whether it is an Enterprise Kestra that has tenant '${tenant}' is not confirmed: ` +
    `Kestra open-source serves any tenant as 'main', so '${tenant}' could be written into 'main'. Nothing was read or written as '${tenant}'. ` +
    'Check that server is the base URL of Kestra and that it answers /api/v1/configs, or set tenant to main'
  )
}

/**
 * A request's end, taken later: its answer, or its error thrown then. A read that left before the probe answered
 * ends as it would have after it, or is not used; its failure is never left unhandled.
 */
function answerOf(sending: Promise<HttpResponse>): Promise<() => HttpResponse> {
  return sending.then(
    (response) => () => response,
    (error: unknown) => () => {
      throw error
    }
  )
}

function queryString(query: ScopedRequest['query']): string {
  if (!query) return ''
  const pairs = Object.entries(query).flatMap(([key, values]) =>
    [values].flat().map((value) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
  )
  return pairs.length ? `?${pairs.join('&')}` : ''
}

const utf8 = new TextDecoder()

/** A body's text as UTF-8, a byte sequence it cannot be replaced (U+FFFD), a leading byte order mark dropped. */
export function bodyText(body: Uint8Array): string {
  return utf8.decode(body)
}

/** The JSON body of a successful answer; an ApiError when it is not JSON (a proxy page, a wrong URL…). */
export function readJson(response: HttpResponse): unknown {
  try {
    return JSON.parse(bodyText(response.body))
  } catch {
    throw unreadableAnswer(
      response,
      'the answer is not JSON (is the server input the base URL of a Kestra server?)'
    )
  }
}

/**
 * The JSON body read by its schema: the client's boundary (docs/kestra.md). Another shape is an ApiError naming
 * the request and the field, never a value taken on trust.
 */
export function readAnswer<T>(response: HttpResponse, schema: z.ZodType<T>, what: string): T {
  const read = schema.safeParse(readJson(response))
  if (read.success) return read.data
  const field = fieldOf(read.error)
  throw unreadableAnswer(response, `expected ${what} in the answer${field && ` (at ${field})`}`)
}

const jsonArray = z.array(z.unknown())

export function readJsonObject(response: HttpResponse): Record<string, unknown> {
  return readAnswer(response, jsonObject, 'a JSON object')
}

export function readJsonArray(response: HttpResponse): unknown[] {
  return readAnswer(response, jsonArray, 'a JSON array')
}
