/** Public types of the Kestra API emulator (see index.ts). */
import type { ExecutionScript, SeededExecution, StoredExecution } from './executions.js'
import type { VersionBoundaries } from './version.js'

export interface EmulatorOptions {
  /** Default '1.3.2'. < 0.23 ⇒ legacy routes /api/v1/…; >= 0.23 (EE: 0.22) ⇒ /api/v1/{tenant}/… */
  version?: string
  /** Default 'OSS'. */
  edition?: 'OSS' | 'EE'
  /** Default 'main' (tenant-scoped era). EE answers only this tenant; OSS maps every tenant segment to it. */
  tenant?: string
  /** When set, every /api/v1/** route needs it (Authorization header or BASIC_AUTH cookie). */
  basicAuth?: { username: string; password: string }
  /** Accepted bearer tokens (EE style); when set (and/or basicAuth), auth is required. */
  tokens?: string[]
  /** Fixed delay added to every response (default 0). */
  latencyMs?: number
  /** Default 0 (random). */
  port?: number
  /** 2.0-style RFC 9457 error bodies (default false = Micronaut JsonError). */
  problemJson?: boolean
  /** Validate answers 2.0-style `errors:[{detail,pointer,path}]` instead of `constraints`. */
  validateErrorsList?: boolean
  /** Which task/trigger types exist; default: io.kestra.* except names containing Unknown, Missing or Invalid. */
  knownTypes?: (type: string) => boolean
  /**
   * Drop a zero-byte file part as some Micronaut 4 releases did (micronaut-core#12498, reported by a Kestra
   * maintainer in 2026; whether a Kestra release shipped it is unknown): the upload then lacks its
   * `fileContent` and fails with 400. Default false.
   */
  dropEmptyFileParts?: boolean
  /** Route names answered 404 as an old server lacking them, e.g. ['flows.export.by-ids']. */
  missingEndpoints?: string[]
  /**
   * Route names answered 403 as EE's RBAC denies a user without the permission (no body: Kestra does not
   * guarantee one), e.g. ['secrets.list', 'namespaces.secrets.inherited'].
   */
  forbiddenRoutes?: string[]
  /** Versions Kestra's source leaves open (see version.ts); each defaults to the documented one. */
  boundaries?: Partial<VersionBoundaries>
  /**
   * EE `inherited-secrets`: whether the namespace itself is a key of the answer besides its ancestors.
   * EE's rule is not published (only "inherit them from parent to child namespaces" is): default true.
   */
  inheritedSecretsIncludeOwn?: boolean
  /**
   * Parse and validate seeded flows in the background (default true), so that a large seed's first listing does
   * not pay for them (the bench). A test that reads few of the flows it seeds turns it off: each is then parsed
   * and validated when a request first needs it, as a created one is.
   */
  warmSeeds?: boolean
}

export interface SeedState {
  /** revisions: how many revisions already exist (default 1); deleted: the last one is a deletion. */
  flows?: {
    namespace: string
    id: string
    source: string
    revisions?: number
    deleted?: boolean
    tenant?: string
  }[]
  files?: { namespace: string; path: string; content: string | Uint8Array; tenant?: string }[]
  /**
   * ttl: ISO-8601 duration from now (`PT0S` is already expired), as the PUT's `ttl` header; deleted: the key
   * is removed, as the DELETE route does.
   */
  kv?: ({ namespace: string; key: string; tenant?: string } & (
    { value: unknown; ttl?: string; description?: string; deleted?: false } | { deleted: true }
  ))[]
  /** id defaults to the YAML's `id` (give it for a dashboard stored before ids lived in the YAML). */
  dashboards?: { source: string; id?: string; deleted?: boolean; tenant?: string }[]
  /** EE test suites, by the YAML's namespace and id (handlers/tests.ts). */
  tests?: { source: string; tenant?: string }[]
  /** EE namespace entities (handlers/namespaces.ts): the JSON `Namespace`, its `id` required. */
  namespaces?: ({ id: string; tenant?: string } & Record<string, unknown>)[]
  /**
   * Secret names only: no route ever returns a value, so none is configured. OSS upper-cases them and
   * ignores `namespace` (env-var secrets are global); EE keeps both. deleted: the name is no longer
   * configured (OSS: the server restarted without its `SECRET_<NAME>` variable).
   */
  secrets?: {
    key: string
    namespace?: string
    description?: string
    tenant?: string
    deleted?: boolean
  }[]
  /** Runs already under way (or paused, queued…), recorded at once; `emulator.executions()` lists them. */
  executions?: SeededExecution[]
}

export interface StoredFlow {
  tenant: string
  namespace: string
  id: string
  revision: number
  source: string
  deleted: boolean
}

export interface StoredFile {
  tenant: string
  namespace: string
  path: string
  bytes: Buffer
  revision: number
}

export interface StoredDashboard {
  tenant: string
  id: string
  source: string
  deleted: boolean
}

export interface StoredKv {
  tenant: string
  namespace: string
  key: string
  value: unknown
}

/** Latest revision of each flow (deleted ones included), live files, KV entries, dashboard rows (soft-deleted ones included); all sorted. */
export interface Snapshot {
  flows: StoredFlow[]
  files: StoredFile[]
  kv: StoredKv[]
  dashboards: StoredDashboard[]
}

export interface LoggedRequest {
  method: string
  /** URL path without the query string. */
  path: string
  query: Record<string, string | string[]>
  contentType?: string
  /** 0 while the request is in flight; also 0 when a fault reset the connection. */
  status: number
  route: string
  /** The route's parameters: `id` is the flow id, or the execution id on `executions.*`. */
  params: { namespace?: string; id?: string; key?: string }
  /** The body as UTF-8 when its content type is text (YAML, JSON, plain text): a flow's source, a KV value. */
  text?: string
  /** Only the scheme is kept, never the credentials. */
  authorization?: 'basic' | 'bearer' | 'none'
  bodyBytes: number
  /**
   * Bytes of the request line as received (`GET /api/…?… HTTP/1.1`): Micronaut's Netty server refuses one
   * over 4,096 by default (docs/kestra.md#search-executions).
   */
  requestLineBytes: number
  /** File name of the first multipart part that has one. */
  partFilename?: string
  /** Arrival time, epoch ms. */
  at: number
}

export interface Fault {
  method?: string
  /** Exact URL path (no query) or a RegExp tested against it. */
  path?: string | RegExp
  /** A route name, or several (e.g. every write route). */
  route?: string | readonly string[]
  /** Also required of the request, e.g. its file path (`query.path`) or the flow it creates (`text`). */
  where?: (request: LoggedRequest) => boolean
  /** Default 1. */
  times?: number
  /** Let this many matching requests through untouched first (fail the k-th write: skip k-1). */
  skip?: number
  /** Handle the request first (the state changes), then fail, hang or reset: the answer is lost. */
  afterHandling?: boolean
  status?: number
  /** Seconds, sent as the Retry-After header. */
  retryAfter?: number
  /** The answer's body: JSON, unless a string or bytes. */
  body?: unknown
  /**
   * The body computed from the credentials the request carried and, with `afterHandling`, from the real
   * answer (its JSON): a server or proxy that echoes what it was sent into its messages, verdicts or
   * execution states (see server.ts for the Kestra messages that do).
   */
  bodyFrom?: (sent: SentCredentials, answer: unknown) => unknown
  /** Send the body in two chunks: the bytes before this offset, then, a moment later, the rest. */
  splitAt?: (body: Buffer) => number
  /** Destroy the socket without responding. */
  reset?: boolean
  /** Wait this long before answering (or before the reset). */
  hangMs?: number
  /**
   * Send the status and headers, then the body one byte every this many ms, looping over it: the answer
   * never ends (the client has to give up), like a server or proxy that keeps trickling.
   */
  trickleMs?: number
  /**
   * The error's message echoes the credentials the request carried (its Authorization header, the decoded
   * `user:password` or token, URL-encoded too), as a careless proxy or server might.
   */
  echoCredentials?: boolean
  /** Hold the request until this settles, then handle it normally (to line up two clients' requests). */
  holdUntil?: Promise<unknown>
}

/** What the request's Authorization header carried, decoded. */
export interface SentCredentials {
  authorization: string
  /** Basic: the part before the first `:`. */
  username?: string
  /** Basic: the part after the first `:`. */
  password?: string
  /** Bearer. */
  token?: string
}

export interface Emulator {
  /**
   * Called for every request right before the emulator handles it (after faults), e.g. to change the
   * server's state between the action's plan read and its write. Pass undefined to remove.
   */
  onRequest(hook: ((request: LoggedRequest) => void) | undefined): void
  /** 'http://127.0.0.1:<port>' */
  url: string
  options: Required<Pick<EmulatorOptions, 'version' | 'edition' | 'tenant'>>
  seed(state: SeedState): void
  /**
   * The server moves to another release with its data kept (an upgrade, or a downgrade): from now on it
   * answers as `version` does, its routes, rules and verdicts included.
   */
  upgrade(version: string): void
  /** Resolves once seeded flows are parsed and validated in the background (benchmarks wait for it). */
  warmedUp(): Promise<void>
  /**
   * Kestra 2.0's UI saves a draft of a flow: a revision flagged `draft` (core 2.0.0 `AbstractFlow.draft`), its
   * latest, which flow listings and reads then answer (jdbc 2.0.0 `findByNamespace`, `findByIdWithSource`: the
   * last revision, drafts included). No route of the sources the emulator follows saves one: tests call this.
   */
  saveDraft(namespace: string, id: string, source: string, tenant?: string): void
  snapshot(): Snapshot
  /** EE's namespace entities, sorted by id. */
  namespaces(tenant?: string): Record<string, unknown>[]
  /** The live test suites (EE), sorted by namespace and id. */
  testSuites(tenant?: string): { namespace: string; id: string; source: string }[]
  /** How executions of this flow end, and when (docs/kestra.md#executions). */
  scriptExecutions(namespace: string, id: string, script: ExecutionScript, tenant?: string): void
  /** Every execution started, oldest first. */
  executions(): StoredExecution[]
  /** Full history of one flow, ascending revision. */
  flowRevisions(namespace: string, id: string, tenant?: string): StoredFlow[]
  /** Every request, in arrival order. */
  requests: LoggedRequest[]
  clearLog(): void
  /** Applies to the next `times` matching requests (after `skip` of them), then disappears. */
  inject(fault: Fault): void
  /** Drops the faults not yet met: what a run left of them never reaches the next. */
  clearFaults(): void
  setLatency(ms: number): void
  close(): Promise<void>
}
