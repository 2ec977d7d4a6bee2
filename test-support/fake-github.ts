/**
 * A fake GitHub REST API on 127.0.0.1 for tests: the endpoints the action uses, with GitHub's
 * pagination, caps and error shapes. Point Octokit at `url` (baseUrl or GITHUB_API_URL).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeUser {
  login: string
  type: 'Bot' | 'User'
}

export interface FakeComment {
  id: number
  body: string
  user: FakeUser
  html_url: string
  created_at: string
}

export interface FakePullFile {
  filename: string
  previous_filename?: string
  status?: string
}

export interface FakeCommitPull {
  number: number
  merged_at?: string | null
  merge_commit_sha?: string | null
}

export interface FakeCompare {
  status: 'ahead' | 'behind' | 'diverged' | 'identical'
  files: FakePullFile[]
}

export interface RecordedRequest {
  method: string
  /** Path without the query string, percent-decoded. */
  path: string
  query: Record<string, string>
  /** Parsed JSON body, or the raw text. */
  body: unknown
  status: number
  accept: string
}

export interface FailRule {
  method: string
  /** Exact path (without query) or a pattern. */
  path: string | RegExp
  status: number
  headers?: Record<string, string>
  body?: unknown
  /** How many matching requests fail (default 1). */
  times?: number
}

/** Holds matching requests until `count` of them are waiting, then answers them together. */
export interface GateRule {
  method: string
  path: string | RegExp
  count: number
  /** Release whatever is waiting after this long (default 10 000 ms), so a test never hangs. */
  timeoutMs?: number
}

export interface FakeGitHubOptions {
  /** owner/name used in the URLs of seeded comments (default octo/kestra-repo, as the runner harness). */
  repository?: string
  /** Who POSTed comments appear to be from (default github-actions[bot]). */
  commenter?: FakeUser
  /** Login `GET /user` returns; unset answers 403 as it does for GITHUB_TOKEN. */
  viewer?: string
  /** Contents over this size come without inline content, as GitHub does above 1 MB. */
  inlineContentLimit?: number
  /** Every answer waits this long, as GitHub's round trip would (default 0). */
  latencyMs?: number
}

export interface FakeGitHubState {
  comments: Map<number, FakeComment[]>
  pullFiles: Map<number, FakePullFile[]>
  commitPulls: Map<string, FakeCommitPull[]>
  compares: Map<string, FakeCompare>
  /** `${ref}:${path}` → bytes */
  contents: Map<string, Uint8Array>
  writesForbidden: boolean
  nextCommentId: number
}

export interface FakeGitHub {
  url: string
  state: FakeGitHubState
  requests: RecordedRequest[]
  /** The comments of an issue, oldest first. */
  comments(issue: number): FakeComment[]
  seedComments(issue: number, comments: { body: string; user?: FakeUser }[]): FakeComment[]
  setPullFiles(pr: number, files: (string | FakePullFile)[]): void
  setCommitPulls(sha: string, prs: FakeCommitPull[]): void
  setCompare(
    base: string,
    head: string,
    files: (string | FakePullFile)[],
    status?: FakeCompare['status']
  ): void
  setContent(ref: string, path: string, bytes: Uint8Array | string): void
  /** Writes answer 403 "Resource not accessible by integration" (a fork PR's read-only token). */
  forbidWrites(on: boolean): void
  failNext(rule: FailRule): void
  /** Makes concurrent runs race: e.g. hold both runs' comment listings so both find no comment. */
  gate(rule: GateRule): void
  close(): Promise<void>
}

export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' }
export const MAX_COMMENT_LENGTH = 65536
const PR_FILES_CAP = 3000
const COMPARE_FILES_CAP = 300
const DOCS = 'https://docs.github.com/rest'

interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
  raw?: Uint8Array
}

interface Request {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
  accept: string
  origin: string
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const commenter = options.commenter ?? ACTIONS_BOT
  const [seedOwner, seedRepo] = (options.repository ?? 'octo/kestra-repo').split('/')
  const inlineLimit = options.inlineContentLimit ?? 1024 * 1024
  const state: FakeGitHubState = {
    comments: new Map(),
    pullFiles: new Map(),
    commitPulls: new Map(),
    compares: new Map(),
    contents: new Map(),
    writesForbidden: false,
    nextCommentId: 1001
  }
  const requests: RecordedRequest[] = []
  const failures: (FailRule & { left: number })[] = []
  const gates: (GateRule & { waiting: (() => void)[] })[] = []
  const matches = (rule: { method: string; path: string | RegExp }, req: Request) =>
    rule.method.toUpperCase() === req.method &&
    (typeof rule.path === 'string' ? rule.path === req.path : rule.path.test(req.path))
  const passGate = (req: Request): Promise<void> | undefined => {
    const index = gates.findIndex((gate) => matches(gate, req))
    if (index < 0) return undefined
    const gate = gates[index]
    return new Promise<void>((resolve) => {
      gate.waiting.push(resolve)
      const release = () => {
        gates.splice(gates.indexOf(gate), 1)
        for (const waiting of gate.waiting) waiting()
      }
      if (gate.waiting.length >= gate.count) release()
      else if (gate.waiting.length === 1) {
        setTimeout(() => gates.includes(gate) && release(), gate.timeoutMs ?? 10_000).unref()
      }
    })
  }
  let clock = Date.parse('2026-01-01T00:00:00Z')

  const commentsOf = (issue: number) => {
    let list = state.comments.get(issue)
    if (!list) state.comments.set(issue, (list = []))
    return list
  }
  const addComment = (owner: string, repo: string, issue: number, body: string, user: FakeUser) => {
    const id = state.nextCommentId++
    clock += 1000
    const comment: FakeComment = {
      id,
      body,
      user,
      html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${id}`,
      created_at: new Date(clock).toISOString()
    }
    commentsOf(issue).push(comment)
    return comment
  }
  const findComment = (id: number) => {
    for (const list of state.comments.values()) {
      const index = list.findIndex((comment) => comment.id === id)
      if (index >= 0) return { list, index }
    }
    return undefined
  }

  const route = (req: Request): Reply => {
    const m = /^\/repos\/([^/]+)\/([^/]+)\/(.*)$/.exec(req.path)
    if (req.method === 'GET' && req.path === '/user') {
      return options.viewer
        ? { status: 200, body: { login: options.viewer, type: 'User' } }
        : forbidden()
    }
    if (!m) return notFound()
    const [, owner, repo, rest] = m
    const isWrite = req.method !== 'GET' && req.method !== 'HEAD'
    if (isWrite && state.writesForbidden) return forbidden()
    let p: RegExpExecArray | null
    if ((p = /^pulls\/(\d+)\/files$/.exec(rest)) && req.method === 'GET') {
      const files = state.pullFiles.get(Number(p[1]))
      if (!files) return notFound()
      return paginate(req, files, PR_FILES_CAP)
    }
    if ((p = /^issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = Number(p[1])
      if (req.method === 'GET') return paginate(req, commentsOf(issue))
      if (req.method === 'POST') {
        const body = bodyText(req.body)
        if (body === undefined) return validationFailed('missing_field')
        if (body.length > MAX_COMMENT_LENGTH) return tooLong()
        return { status: 201, body: addComment(owner, repo, issue, body, commenter) }
      }
    }
    if ((p = /^issues\/comments\/(\d+)$/.exec(rest))) {
      const found = findComment(Number(p[1]))
      if (!found) return notFound()
      const comment = found.list[found.index]
      if (req.method === 'GET') return { status: 200, body: comment }
      if (req.method === 'PATCH') {
        const body = bodyText(req.body)
        if (body === undefined) return validationFailed('missing_field')
        if (body.length > MAX_COMMENT_LENGTH) return tooLong()
        comment.body = body
        return { status: 200, body: comment }
      }
      if (req.method === 'DELETE') {
        found.list.splice(found.index, 1)
        return { status: 204 }
      }
    }
    if ((p = /^commits\/([^/]+)\/pulls$/.exec(rest)) && req.method === 'GET') {
      const pulls = state.commitPulls.get(p[1])
      if (!pulls) return { status: 422, body: { message: `No commit found for SHA: ${p[1]}` } }
      return { status: 200, body: pulls.map((pull) => pullRequest(owner, repo, pull)) }
    }
    if ((p = /^compare\/(.+)\.\.\.(.+)$/.exec(rest)) && req.method === 'GET') {
      const compare = state.compares.get(`${p[1]}...${p[2]}`)
      if (!compare) return notFound()
      const files = compare.files.slice(0, COMPARE_FILES_CAP)
      return { status: 200, body: { status: compare.status, files, commits: [] } }
    }
    if ((p = /^contents\/(.*)$/.exec(rest)) && req.method === 'GET') {
      return contents(p[1], req.query.ref ?? 'main', req.accept)
    }
    return notFound()
  }

  const contents = (path: string, ref: string, accept: string): Reply => {
    const bytes = state.contents.get(`${ref}:${path}`)
    if (!bytes) {
      const prefix = `${ref}:${path}/`
      const children = [...state.contents.keys()].filter((key) => key.startsWith(prefix))
      if (children.length === 0) return notFound()
      return {
        status: 200,
        body: children.map((key) => ({ type: 'file', path: key.slice(ref.length + 1) }))
      }
    }
    // A misleading text type on purpose: clients must not decode raw bytes as text.
    if (accept.includes('raw'))
      return { status: 200, raw: bytes, headers: { 'content-type': 'text/plain; charset=utf-8' } }
    const inline = bytes.length <= inlineLimit
    const base64 = Buffer.from(bytes).toString('base64')
    return {
      status: 200,
      body: {
        type: 'file',
        path,
        size: bytes.length,
        encoding: inline ? 'base64' : 'none',
        // GitHub wraps base64 content at 60 characters.
        content: inline ? (base64.match(/.{1,60}/g) ?? []).join('\n') : ''
      }
    }
  }

  const paginate = <T>(req: Request, items: T[], cap = Infinity): Reply => {
    const perPage = Math.min(Math.max(Number(req.query.per_page) || 30, 1), 100)
    const page = Math.max(Number(req.query.page) || 1, 1)
    const served = items.slice(0, cap)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const link = (n: number, rel: string) => {
      const url = new URL(req.path, req.origin)
      for (const [key, value] of Object.entries(req.query)) url.searchParams.set(key, value)
      url.searchParams.set('per_page', String(perPage))
      url.searchParams.set('page', String(n))
      return `<${url.href}>; rel="${rel}"`
    }
    const links: string[] = []
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'))
    return {
      status: 200,
      body: served.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {}
    }
  }

  const server = createServer((incoming, response) => {
    void handle(incoming, response)
  })
  const handle = async (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const origin = `http://${incoming.headers.host ?? '127.0.0.1'}`
    const url = new URL(incoming.url ?? '/', origin)
    const req: Request = {
      method: incoming.method ?? 'GET',
      path: url.pathname.split('/').map(decodeURIComponent).join('/'),
      query: Object.fromEntries(url.searchParams),
      body: parseBody(text),
      accept: String(incoming.headers.accept ?? ''),
      origin
    }
    await passGate(req)
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs))
    let reply: Reply
    const failure = failures.find(
      (rule) =>
        rule.left > 0 &&
        rule.method.toUpperCase() === req.method &&
        (typeof rule.path === 'string' ? rule.path === req.path : rule.path.test(req.path))
    )
    if (!/^(token|Bearer) \S+$/.test(String(incoming.headers.authorization ?? ''))) {
      reply = { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS } }
    } else if (failure) {
      failure.left--
      reply = { status: failure.status, body: failure.body, headers: failure.headers }
    } else {
      reply = route(req)
    }
    requests.push({ ...req, status: reply.status })
    response.statusCode = reply.status
    for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value)
    if (reply.raw) {
      response.end(Buffer.from(reply.raw))
    } else if (reply.body !== undefined) {
      response.setHeader('content-type', 'application/json; charset=utf-8')
      response.end(JSON.stringify(reply.body))
    } else {
      response.end()
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const toFile = (file: string | FakePullFile): FakePullFile =>
    typeof file === 'string' ? { filename: file, status: 'modified' } : file

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    comments: (issue) => [...commentsOf(issue)],
    seedComments: (issue, comments) =>
      comments.map((comment) =>
        addComment(seedOwner, seedRepo, issue, comment.body, comment.user ?? ACTIONS_BOT)
      ),
    setPullFiles: (pr, files) => void state.pullFiles.set(pr, files.map(toFile)),
    setCommitPulls: (sha, prs) => void state.commitPulls.set(sha, prs),
    setCompare: (base, head, files, status = 'ahead') =>
      void state.compares.set(`${base}...${head}`, { status, files: files.map(toFile) }),
    setContent: (ref, path, bytes) =>
      void state.contents.set(
        `${ref}:${path}`,
        typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes
      ),
    forbidWrites: (on) => {
      state.writesForbidden = on
    },
    failNext: (rule) => void failures.push({ ...rule, left: rule.times ?? 1 }),
    gate: (rule) => void gates.push({ ...rule, waiting: [] }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
  }
}

function parseBody(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function bodyText(body: unknown): string | undefined {
  const value = (body as { body?: unknown } | undefined)?.body
  return typeof value === 'string' ? value : undefined
}

function pullRequest(owner: string, repo: string, pull: FakeCommitPull) {
  return {
    number: pull.number,
    state: pull.merged_at ? 'closed' : 'open',
    merged_at: pull.merged_at ?? null,
    merge_commit_sha: pull.merge_commit_sha ?? null,
    html_url: `https://github.com/${owner}/${repo}/pull/${pull.number}`
  }
}

function notFound(): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } }
}

function forbidden(): Reply {
  return {
    status: 403,
    body: { message: 'Resource not accessible by integration', documentation_url: DOCS }
  }
}

function tooLong(): Reply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`
        }
      ],
      documentation_url: DOCS
    }
  }
}

function validationFailed(code: string): Reply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code, field: 'body' }]
    }
  }
}
