/**
 * The HTTP layer: routing, auth (docs/kestra.md#authentication), fault injection, latency, request log
 * and error rendering. Latency and hangs are timers, so concurrent requests overlap; close() ends every
 * pending one.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { EmulatorCore, Reply, RequestContext } from './context.js'
import { jsonReply, SYSTEM_NAMESPACE } from './context.js'
import { ApiError, internalError, jsonErrorBody, problemBody } from './errors.js'
import * as flows from './handlers/flows.js'
import { handleDependencies } from './handlers/dependencies.js'
import * as executions from './handlers/executions.js'
import * as files from './handlers/files.js'
import * as kv from './handlers/kv.js'
import * as namespaces from './handlers/namespaces.js'
import * as dashboards from './handlers/dashboards.js'
import * as tests from './handlers/tests.js'
import * as secrets from './handlers/secrets.js'
import { matchRoute, type RouteName } from './routes.js'
import type { Fault, LoggedRequest, SentCredentials } from './types.js'

type Handler = (ctx: RequestContext, core: EmulatorCore) => Reply

const HANDLERS: Record<Exclude<RouteName, 'unmatched' | 'configs'>, Handler> = {
  'flows.create': flows.handleCreate,
  'flows.get': flows.handleGet,
  'flows.update': flows.handleUpdate,
  'flows.delete': flows.handleDelete,
  'flows.list': flows.handleList,
  'flows.search': flows.handleSearch,
  'flows.validate': flows.handleValidate,
  'flows.export.by-ids': flows.handleExportByIds,
  'flows.export.by-query': flows.handleExportByQuery,
  'flows.import': flows.handleImport,
  'flows.revisions': flows.handleRevisions,
  'flows.dependencies': handleDependencies,
  'flows.bulk-namespace': flows.handleBulkNamespace,
  'namespaces.get': namespaces.handleGetNamespace,
  'namespaces.search': namespaces.handleSearchNamespaces,
  'namespaces.create': namespaces.handleCreateNamespace,
  'namespaces.update': namespaces.handleUpdateNamespace,
  'namespaces.delete': namespaces.handleDeleteNamespace,
  'namespaces.files.get': files.handleGetFile,
  'namespaces.files.stats': files.handleStats,
  'namespaces.files.directory': files.handleDirectory,
  'namespaces.files.mkdir': files.handleMkdir,
  'namespaces.files.upload': files.handleUpload,
  'namespaces.files.delete': files.handleDeleteFile,
  'namespaces.files.export': files.handleExportFiles,
  'namespaces.files.revisions': files.handleFileRevisions,
  'namespaces.files.move': files.handleMove,
  'namespaces.files.search': files.handleSearchFiles,
  'kv.get': kv.handleGetKv,
  'kv.put': kv.handlePutKv,
  'kv.delete': kv.handleDeleteKv,
  'kv.list': kv.handleListKv,
  'kv.inheritance': kv.handleKvInheritance,
  'kv.search': kv.handleSearchKv,
  'secrets.list': secrets.handleListSecrets,
  'namespaces.secrets.list': secrets.handleListNamespaceSecrets,
  'namespaces.secrets.inherited': secrets.handleInheritedSecrets,
  'dashboards.list': dashboards.handleListDashboards,
  'dashboards.get': dashboards.handleGetDashboard,
  'dashboards.create': dashboards.handleCreateDashboard,
  'dashboards.validate': dashboards.handleValidateDashboard,
  'dashboards.update': dashboards.handleUpdateDashboard,
  'dashboards.delete': dashboards.handleDeleteDashboard,
  'tests.create': tests.handleCreateTestSuite,
  'tests.get': tests.handleGetTestSuite,
  'tests.update': tests.handleUpdateTestSuite,
  'tests.delete': tests.handleDeleteTestSuite,
  'tests.search': tests.handleSearchTestSuites,
  'executions.create': executions.handleStartExecution,
  'executions.get': executions.handleGetExecution,
  'executions.search': executions.handleSearchExecutions,
  'executions.kill': executions.handleKillExecution
}

export interface ServerSettings {
  core: EmulatorCore
  port: number
  latencyMs: number
  basicAuth?: { username: string; password: string }
  tokens?: string[]
  missingEndpoints: string[]
  forbiddenRoutes: string[]
}

interface PendingFault extends Fault {
  remaining: number
  skipping: number
}

export class EmulatorServer {
  readonly requests: LoggedRequest[] = []
  latencyMs: number
  private readonly faults: PendingFault[] = []
  hook: ((request: LoggedRequest) => void) | undefined
  private readonly timers = new Set<{ timer: NodeJS.Timeout; done: () => void }>()
  private readonly sockets = new Set<Socket>()
  private readonly server = createServer((req, res) => void this.handle(req, res))
  private readonly expectedBasic?: string

  constructor(private readonly settings: ServerSettings) {
    this.latencyMs = settings.latencyMs
    if (settings.basicAuth) {
      const { username, password } = settings.basicAuth
      this.expectedBasic = Buffer.from(`${username}:${password}`).toString('base64')
    }
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.settings.port, '127.0.0.1', () => resolve())
    })
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1, skipping: fault.skip ?? 0 })
  }

  clearFaults(): void {
    this.faults.length = 0
  }

  private closing?: Promise<void>

  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    for (const pending of this.timers) {
      clearTimeout(pending.timer)
      pending.done()
    }
    this.timers.clear()
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator')
    const method = (req.method ?? 'GET').toUpperCase()
    const { core } = this.settings
    const oss = core.options.edition === 'OSS'
    const match = matchRoute(method, url.pathname, core.features, core.options.tenant, oss)
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      contentType: req.headers['content-type'],
      status: 0,
      route: match.route,
      params: match.params,
      authorization: authScheme(req),
      bodyBytes: 0,
      requestLineBytes: Buffer.byteLength(`${req.method} ${req.url} HTTP/${req.httpVersion}`),
      at: Date.now()
    }
    this.requests.push(entry)
    const body = await readBody(req)
    entry.bodyBytes = body.length
    if (isText(entry.contentType)) entry.text = body.toString('utf8')
    const filename = /filename="([^"]*)"/.exec(body.subarray(0, 4096).toString('latin1'))
    if (filename && entry.contentType?.startsWith('multipart/')) entry.partFilename = filename[1]

    const taken = this.takeFault(entry)
    if (taken?.holdUntil) await taken.holdUntil
    const fault = taken && !isHoldOnly(taken) ? taken : undefined
    if (fault && !fault.afterHandling) {
      if (fault.hangMs !== undefined) await this.sleep(fault.hangMs)
      if (fault.reset) {
        req.socket.destroy()
        return
      }
      await this.sleep(this.latencyMs)
      const reply = faultReply(fault, url, req)
      if (fault.splitAt) return this.sendSplit(res, entry, reply, fault.splitAt)
      return this.send(res, entry, reply, fault.trickleMs)
    }

    this.hook?.(entry)
    let reply: Reply
    try {
      reply = this.dispatch(req, url, method, match, body)
    } catch (error) {
      const apiError = error instanceof ApiError ? error : internalError(String(error))
      reply = this.errorReply(apiError, url)
    }
    if (fault) {
      // afterHandling: the request took effect; its answer is delayed, lost or replaced.
      if (fault.hangMs !== undefined) await this.sleep(fault.hangMs)
      if (fault.reset) {
        req.socket.destroy()
        return
      }
      if (
        fault.status !== undefined ||
        fault.body !== undefined ||
        fault.bodyFrom ||
        fault.echoCredentials
      ) {
        reply = faultReply(fault, url, req, reply)
      }
    }
    await this.sleep(this.latencyMs)
    if (fault?.splitAt && reply.body !== undefined)
      return this.sendSplit(res, entry, reply, fault.splitAt)
    this.send(res, entry, reply, fault?.trickleMs)
  }

  /** The body in two writes, a moment apart: the client sees two chunks, as from a proxy that flushes early. */
  private async sendSplit(
    res: ServerResponse,
    entry: LoggedRequest,
    reply: Reply,
    splitAt: (body: Buffer) => number
  ): Promise<void> {
    entry.status = reply.status
    if (res.destroyed) return
    const body = Buffer.from(reply.body!)
    const at = Math.max(0, Math.min(body.length, splitAt(body)))
    res.writeHead(reply.status, reply.reason ?? defaultReason(reply.status), reply.headers)
    res.write(body.subarray(0, at))
    await this.sleep(20)
    res.end(body.subarray(at))
  }

  private dispatch(
    req: IncomingMessage,
    url: URL,
    method: string,
    match: ReturnType<typeof matchRoute>,
    body: Buffer
  ): Reply {
    const { core, missingEndpoints, forbiddenRoutes } = this.settings
    const isApi = url.pathname.startsWith('/api/v1/')
    if (isApi && this.authRequired() && !this.authenticated(req)) {
      return this.unauthorized(req, url)
    }
    if (match.route === 'unmatched' || missingEndpoints.includes(match.route)) {
      throw new ApiError(404, 'Not Found', undefined, 'not-found')
    }
    if (forbiddenRoutes.includes(match.route)) return this.forbidden(url)
    if (match.route === 'configs') {
      return jsonReply({
        version: core.options.version,
        edition: core.options.edition,
        systemNamespace: SYSTEM_NAMESPACE,
        isBasicAuthInitialized: this.settings.basicAuth !== undefined
      })
    }
    const contentType = req.headers['content-type']
    return HANDLERS[match.route](
      {
        method,
        href: url.pathname + url.search,
        query: url.searchParams,
        headers: req.headers,
        mediaType: contentType?.split(';')[0].trim().toLowerCase(),
        body,
        params: match.params,
        tenant: core.options.tenant
      },
      core
    )
  }

  private authRequired(): boolean {
    return this.expectedBasic !== undefined || (this.settings.tokens?.length ?? 0) > 0
  }

  private authenticated(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? ''
    const basic = /^Basic\s+(.+)$/i.exec(header)?.[1]
    if (this.expectedBasic && basic === this.expectedBasic) return true
    const cookie = /(?:^|;\s*)BASIC_AUTH=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]
    if (this.expectedBasic && cookie === this.expectedBasic) return true
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]
    return bearer !== undefined && (this.settings.tokens ?? []).includes(bearer)
  }

  /**
   * docs/kestra.md#authentication: 401, `WWW-Authenticate: Basic` unless the Referer is the login page,
   * no body (≤ 1.3).
   */
  private unauthorized(req: IncomingMessage, url: URL): Reply {
    const headers: Record<string, string> = {}
    if (!/\/login$/.test(String(req.headers.referer ?? ''))) headers['WWW-Authenticate'] = 'Basic'
    if (!this.settings.core.options.problemJson) return { status: 401, headers }
    const body = problemBody(401, 'Unauthorized', 'unauthenticated', undefined, url.pathname)
    return {
      status: 401,
      headers: { ...headers, 'Content-Type': 'application/problem+json' },
      body: JSON.stringify(body)
    }
  }

  /** EE RBAC denial: 403 with no body guaranteed; 2.0 gives bodiless errors a problem body. */
  private forbidden(url: URL): Reply {
    if (!this.settings.core.options.problemJson) return { status: 403 }
    const body = problemBody(403, 'Forbidden', 'forbidden', undefined, url.pathname)
    return {
      status: 403,
      headers: { 'Content-Type': 'application/problem+json' },
      body: JSON.stringify(body)
    }
  }

  private errorReply(error: ApiError, url: URL): Reply {
    if (this.settings.core.options.problemJson) {
      const body = problemBody(
        error.status,
        error.reason,
        error.slug,
        error.detail,
        url.pathname,
        error.embedded
      )
      return {
        status: error.status,
        headers: { 'Content-Type': 'application/problem+json' },
        body: JSON.stringify(body)
      }
    }
    return {
      ...jsonReply(jsonErrorBody(error, url.pathname + url.search), error.status),
      reason: error.reason
    }
  }

  private send(res: ServerResponse, entry: LoggedRequest, reply: Reply, trickleMs?: number): void {
    entry.status = reply.status
    if (res.destroyed) return
    res.writeHead(reply.status, reply.reason ?? defaultReason(reply.status), reply.headers)
    if (trickleMs === undefined) return void res.end(reply.body)
    const body = Buffer.from(reply.body ?? ' ')
    let at = 0
    const drip = () => {
      if (res.destroyed) return
      res.write(body.subarray(at % body.length, (at % body.length) + 1))
      at++
      const pending = {
        timer: setTimeout(() => {
          this.timers.delete(pending)
          drip()
        }, trickleMs),
        done: () => undefined
      }
      this.timers.add(pending)
    }
    drip()
  }

  private takeFault(request: LoggedRequest): PendingFault | undefined {
    const { method, path, route } = request
    const index = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.route === undefined || [f.route].flat().includes(route)) &&
        (f.path === undefined ||
          (typeof f.path === 'string' ? f.path === path : f.path.test(path))) &&
        (f.where === undefined || f.where(request))
    )
    if (index < 0) return undefined
    const fault = this.faults[index]
    if (fault.skipping > 0) {
      fault.skipping -= 1
      return undefined
    }
    fault.remaining -= 1
    if (fault.remaining <= 0) this.faults.splice(index, 1)
    return fault
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.timers.delete(pending)
          resolve()
        }, ms),
        done: resolve
      }
      this.timers.add(pending)
    })
  }
}

function faultReply(fault: Fault, url: URL, req: IncomingMessage, handled?: Reply): Reply {
  const status = fault.status ?? (fault.bodyFrom ? handled?.status : undefined) ?? 500
  const headers: Record<string, string> = {}
  if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter)
  const body = fault.bodyFrom
    ? fault.bodyFrom(sentCredentials(req), handled && answerJson(handled))
    : fault.body
  if (body === undefined) {
    const reason = defaultReason(status)
    const echoed = fault.echoCredentials ? credentialsEcho(req) : undefined
    const error = {
      message: echoed ? `${reason}: ${echoed.message}` : reason,
      _links: { self: { href: url.pathname, templated: false } },
      ...(echoed && { _embedded: { errors: [{ message: echoed.said, path: 'authorization' }] } })
    }
    return {
      status,
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(error)
    }
  }
  if (typeof body === 'string' || Buffer.isBuffer(body)) return { status, headers, body }
  return {
    status,
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  }
}

function answerJson(reply: Reply): unknown {
  try {
    return JSON.parse(Buffer.from(reply.body ?? '').toString('utf8'))
  } catch {
    return undefined
  }
}

/**
 * The credentials a request carried, for a fault that echoes them. Kestra's own answers repeat what they were
 * sent: a 422 on an execution start names the input and its value (`Invalid value for input `<id>`. Cause:
 * …`, several joined by newlines: core/…/exceptions/InputOutputValidationException.java in kestra-io/kestra),
 * and Jackson's parse errors quote the request body; a smoke flow's inputs may well hold a secret.
 */
function sentCredentials(req: IncomingMessage): SentCredentials {
  const authorization = req.headers.authorization ?? ''
  const [scheme = '', value = ''] = authorization.split(/\s+/, 2)
  if (/^bearer$/i.test(scheme)) return { authorization, token: value }
  if (!/^basic$/i.test(scheme)) return { authorization }
  const decoded = Buffer.from(value, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return { authorization, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

const EFFECTS = [
  'afterHandling',
  'splitAt',
  'status',
  'retryAfter',
  'body',
  'bodyFrom',
  'reset',
  'hangMs',
  'trickleMs',
  'echoCredentials'
] as const

/** A fault that only holds the request back: once released, it is handled as any other. */
function isHoldOnly(fault: Fault): boolean {
  return EFFECTS.every((effect) => fault[effect] === undefined)
}

/** What a careless server says about the credentials it was sent: every form of them. */
function credentialsEcho(req: IncomingMessage): { message: string; said: string } {
  const header = req.headers.authorization ?? ''
  const [scheme = '', value = ''] = header.split(/\s+/, 2)
  const said = /^basic$/i.test(scheme) ? Buffer.from(value, 'base64').toString('utf8') : value
  return {
    message: `refused Authorization '${header}' for ${said} (${encodeURIComponent(said)})`,
    said
  }
}

function defaultReason(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown'
}

function authScheme(req: IncomingMessage): LoggedRequest['authorization'] {
  const header = req.headers.authorization ?? ''
  if (/^Basic\s/i.test(header)) return 'basic'
  if (/^Bearer\s/i.test(header)) return 'bearer'
  if (/(?:^|;\s*)BASIC_AUTH=/.test(req.headers.cookie ?? '')) return 'basic'
  return 'none'
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {}
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key)
    record[key] = values.length === 1 ? values[0] : values
  }
  return record
}

function isText(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0].trim().toLowerCase() ?? ''
  return type.startsWith('text/') || /^application\/(json|x-yaml|yaml)$/.test(type)
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
