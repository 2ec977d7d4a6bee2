/**
 * A fake GitHub REST API on 127.0.0.1 for tests: the endpoints the action uses, with GitHub's
 * pagination, caps, permissions and error shapes. Point Octokit at `url` (baseUrl or GITHUB_API_URL).
 * Every request is recorded, refused and failed ones included.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { addComment, commentRoutes } from './comments.js'
import { contentRoutes } from './contents.js'
import { deploymentRoutes } from './deployments.js'
import { ensureEnvironment, environmentRoutes } from './environments.js'
import { repositoryRoutes } from './git-data.js'
import { refRoutes } from './git-refs.js'
import { objectRoutes } from './git-trees.js'
import { GitStore, seedFromRepository } from './git-store.js'
import { DOCS, failure, notAccessible, notFound, type Reply, type Request } from './http.js'
import { issueRoutes } from './issues.js'
import { allows, fullPermissions } from './permissions.js'
import { pullRoutes, seedPull } from './pulls.js'
import { reviewRoutes } from './reviews.js'
import type {
  FailRule,
  FakeGitHub,
  FakeGitHubOptions,
  FakeGitHubState,
  FakePullFile,
  FakeUser,
  GateRule,
  RecordedRequest
} from './types.js'
import { ACTIONS_BOT_LOGIN, type Route, type World } from './world.js'

export { MAX_COMMENT_LENGTH } from './comments.js'
export { SCOPES } from './permissions.js'
export type * from './types.js'

export const ACTIONS_BOT: FakeUser = { login: ACTIONS_BOT_LOGIN, type: 'Bot' }

const ROUTES: Route[] = [
  ...commentRoutes,
  ...issueRoutes,
  ...pullRoutes,
  ...reviewRoutes,
  ...contentRoutes,
  ...deploymentRoutes,
  ...environmentRoutes,
  ...repositoryRoutes,
  ...refRoutes,
  ...objectRoutes
]

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const [owner, repo] = (options.repository ?? 'octo/kestra-repo').split('/')
  const state: FakeGitHubState = {
    comments: new Map(),
    pullFiles: new Map(),
    commitPulls: new Map(),
    compares: new Map(),
    contents: new Map(),
    writesForbidden: false,
    nextCommentId: 1001,
    issues: new Map(),
    pulls: new Map(),
    deployments: [],
    deploymentStatuses: new Map(),
    environments: new Map(),
    commitStatuses: new Map(),
    git: new GitStore(),
    permissions: fullPermissions(options.permissions),
    reviews: [],
    reviewComments: []
  }
  let clock = Date.parse('2026-01-01T00:00:00Z')
  let lastId = 5000
  const world: World = {
    owner,
    repo,
    actor: options.commenter ?? ACTIONS_BOT,
    state,
    inlineContentLimit: options.inlineContentLimit ?? 1024 * 1024,
    actionsCanCreatePullRequests: options.actionsCanCreatePullRequests ?? false,
    hasIssues: options.hasIssues ?? true,
    tick: () => new Date((clock += 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    nextId: () => ++lastId,
    nextNumber: () =>
      1 + Math.max(0, ...state.issues.keys(), ...state.pulls.keys(), ...state.comments.keys())
  }
  const requests: RecordedRequest[] = []
  const failures: (FailRule & { left: number; toSkip: number })[] = []
  const gates: (GateRule & { waiting: (() => void)[] })[] = []
  const matches = (rule: { method: string; path: string | RegExp }, req: Request) =>
    rule.method.toUpperCase() === req.method &&
    (typeof rule.path === 'string' ? rule.path === req.path : rule.path.test(req.path))
  /** A matching request that the rule lets through first (its `skip`), counted. */
  const skipped = (rule: { toSkip: number }) => rule.toSkip > 0 && rule.toSkip-- > 0
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

  /** A token other than the workflow's, when `tokens` lists it. */
  const otherToken = (token: string) =>
    Object.hasOwn(options.tokens ?? {}, token) ? options.tokens![token] : undefined
  const route = (req: Request, token: string): Reply => {
    const other = otherToken(token)
    const acting: World = other ? { ...world, actor: other.user } : world
    const permissions = other ? fullPermissions(other.permissions) : state.permissions
    // GraphQL's `viewer` answers every kind of token with the identity it acts as, an App installation's
    // `<slug>[bot]` included (https://docs.github.com/graphql/reference/queries#viewer); only that query is served.
    if (req.method === 'POST' && req.path === '/graphql') {
      const query = (req.body as { query?: unknown } | undefined)?.query
      return typeof query === 'string' &&
        /^\s*(query\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(query)
        ? { status: 200, body: { data: { viewer: { login: acting.actor.login } } } }
        : {
            status: 200,
            body: { errors: [{ message: 'The fake serves only { viewer { login } }' }] }
          }
    }
    // GET /user answers a person's token with that person; an App installation token (GITHUB_TOKEN's
    // github-actions[bot], another App's `<slug>[bot]`) gets 403 "Resource not accessible by integration"
    // (https://docs.github.com/rest/users/users#get-the-authenticated-user). `viewer` sets the workflow token's.
    if (req.method === 'GET' && req.path === '/user') {
      const person = other ? other.user.type === 'User' && other.user.login : options.viewer
      return person ? { status: 200, body: { login: person, type: 'User' } } : notAccessible()
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(req.path)
    // The workflow token reaches only its own repository; another one is not found.
    if (
      !m ||
      m[1].toLowerCase() !== owner.toLowerCase() ||
      m[2].toLowerCase() !== repo.toLowerCase()
    )
      return notFound()
    const rest = m[3] ?? ''
    for (const candidate of ROUTES) {
      const found = candidate.method === req.method ? candidate.path.exec(rest) : null
      if (!found) continue
      const write = candidate.access === 'write'
      if (
        (write && state.writesForbidden) ||
        !allows(permissions, candidate.scopes, candidate.access)
      ) {
        return notAccessible(candidate.docs)
      }
      return candidate.handle(req, found, acting)
    }
    return notFound()
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
    const failing = failures.find((rule) => rule.left > 0 && matches(rule, req) && !skipped(rule))
    const authorization = /^(?:token|Bearer) (\S+)$/.exec(
      String(incoming.headers.authorization ?? '')
    )
    const token = authorization?.[1] ?? ''
    if (!authorization || otherToken(authorization[1] ?? '')?.revoked) {
      reply = failure(401, 'Bad credentials', DOCS)
    } else if (failing) {
      failing.left--
      reply = { status: failing.status, body: failing.body, headers: failing.headers }
    } else {
      reply = route(req, token)
    }
    requests.push({
      ...req,
      status: reply.status,
      actor: (otherToken(token)?.user ?? world.actor).login
    })
    send(response, reply)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const toFile = (file: string | FakePullFile): FakePullFile =>
    typeof file === 'string' ? { filename: file, status: 'modified' } : file

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    comments: (issue) => [...(state.comments.get(issue) ?? [])],
    reviewComments: (pull) => state.reviewComments.filter((comment) => comment.pull === pull),
    seedReviewComments: (pull, comments) => {
      for (const comment of comments) {
        state.reviewComments.push({
          ...comment,
          id: world.nextId(),
          review: world.nextId(),
          pull,
          created_at: world.tick(),
          diff_hunk: ''
        })
      }
    },
    seedComments: (issue, comments) =>
      comments.map((comment) =>
        addComment(world, issue, comment.body, comment.user ?? ACTIONS_BOT)
      ),
    setPullFiles: (pr, files) => void state.pullFiles.set(pr, files.map(toFile)),
    setCommitPulls: (sha, prs) => void state.commitPulls.set(sha, prs),
    seedPull: (seed) => seedPull(world, seed),
    setCompare: (base, head, files, status = 'ahead') =>
      void state.compares.set(`${base}...${head}`, { status, files: files.map(toFile) }),
    setContent: (ref, path, bytes) =>
      void state.contents.set(
        `${ref}:${path}`,
        typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes
      ),
    seedFromRepository: (dir) => seedFromRepository(state.git, dir),
    addEnvironment: (name) => ensureEnvironment(world, name),
    setCommitStatuses: (sha, statuses) => void state.commitStatuses.set(sha, statuses),
    setPermissions: (permissions) => {
      state.permissions = fullPermissions(permissions)
    },
    forbidWrites: (on) => {
      state.writesForbidden = on
    },
    failNext: (rule) =>
      void failures.push({ ...rule, left: rule.times ?? 1, toSkip: rule.skip ?? 0 }),
    gate: (rule) => void gates.push({ ...rule, waiting: [] }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
  }
}

function send(response: ServerResponse, reply: Reply): void {
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

function parseBody(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
