import { z } from 'zod'
import { parseSmokeLine, type SmokeFlow } from './deploy/smoke-lines.js'
import { ConfigError } from './errors.js'

/** Every input of action.yml with its default, as the runner would set it when the workflow omits it. */
export const INPUT_DEFAULTS = {
  mode: 'auto',
  server: '',
  tenant: 'main',
  username: '',
  password: '',
  'api-token': '',
  'github-token': '',
  root: '.',
  namespace: '',
  layout: 'auto',
  flows: '',
  'namespace-files': '',
  namespaces: '',
  scope: 'all',
  delete: 'false',
  'max-deletions': '10',
  'allow-mass-deletion': 'false',
  'server-validation': 'true',
  'fail-on': 'error',
  comment: 'true',
  'comment-key': 'default',
  'dry-run': 'false',
  'require-reviewed-plan': 'false',
  'allow-out-of-order': 'false',
  'timeout-seconds': '30',
  concurrency: '8',
  'smoke-flows': '',
  'smoke-timeout-seconds': '600',
  rollback: 'false'
} as const

export type InputName = keyof typeof INPUT_DEFAULTS

export type Mode = 'validate' | 'plan' | 'deploy'
export type Layout = 'tenant' | 'namespace' | 'anywhere' | 'custom'

export interface NamespaceFileMapping {
  /** Folder relative to `root`, '/'-separated, no trailing slash ('' = root itself). */
  dir: string
  namespace: string
  /** '' or a path starting with '/' and without trailing slash. */
  prefix: string
}

export type Auth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }

export interface Settings {
  mode: 'auto' | Mode
  /** Base URL without trailing slash, or undefined when no server is configured. */
  server?: string
  tenant: string
  auth: Auth
  githubToken?: string
  root: string
  namespace?: string
  /** `auto` is resolved when the repository is read (SPEC §2, repo/choose-layout.ts). */
  layout: Layout | 'auto'
  /** Why `layout` is what it is, once `auto` is resolved. */
  layoutReason?: string
  flowGlobs: string[]
  namespaceFiles: NamespaceFileMapping[]
  extraNamespaces: string[]
  scope: 'all' | 'changed'
  delete: boolean
  maxDeletions: number
  allowMassDeletion: boolean
  serverValidation: boolean
  failOn: 'error' | 'warning'
  comment: boolean
  commentKey: string
  dryRun: boolean
  requireReviewedPlan: boolean
  allowOutOfOrder: boolean
  timeoutSeconds: number
  concurrency: number
  /** Flows to execute after a deploy that wrote something (SPEC §11). */
  smokeFlows: SmokeFlow[]
  smokeTimeoutSeconds: number
  rollback: boolean
}

export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9._-]*$/
const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]*$/
const COMMENT_KEY_PATTERN = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/

function oneOf<T extends string>(input: InputName, values: readonly [T, ...T[]]) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim().toLowerCase()
    if ((values as readonly string[]).includes(value)) return value as T
    ctx.addIssue({
      code: 'custom',
      message: `'${raw}' is not accepted; use one of: ${values.join(', ')}`,
      path: [input]
    })
    return z.NEVER
  })
}

function bool(input: InputName) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim().toLowerCase()
    if (value === 'true') return true
    if (value === 'false') return false
    ctx.addIssue({
      code: 'custom',
      message: `'${raw}' is not a boolean; use true or false`,
      path: [input]
    })
    return z.NEVER
  })
}

function integer(input: InputName, min: number, max: number) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim()
    const n = Number(value)
    if (/^\d+$/.test(value) && n >= min && n <= max) return n
    ctx.addIssue({
      code: 'custom',
      message: `'${raw}' is not accepted; use a whole number from ${min} to ${max}`,
      path: [input]
    })
    return z.NEVER
  })
}

function lines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

const schema = z.object({
  mode: oneOf('mode', ['auto', 'validate', 'plan', 'deploy']),
  server: z.string().transform((raw, ctx) => {
    const value = raw.trim()
    if (value === '') return undefined
    let url: URL
    try {
      url = new URL(value)
    } catch {
      url = new URL('invalid:')
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      ctx.addIssue({
        code: 'custom',
        message: `'${withoutUserinfo(value)}' is not a server URL; give the scheme and host, e.g. https://kestra.example.com`,
        path: ['server']
      })
      return z.NEVER
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: 'custom',
        message: 'do not put credentials in the URL; use the username/password or api-token inputs',
        path: ['server']
      })
      return z.NEVER
    }
    // A pasted API URL (…/api/v1) is tolerated: the client adds the prefix itself.
    const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '')
    return `${url.protocol}//${url.host}${path}`
  }),
  tenant: z.string().transform((raw, ctx) => {
    const value = raw.trim() || 'main'
    if (TENANT_PATTERN.test(value)) return value
    ctx.addIssue({
      code: 'custom',
      message: `'${raw}' is not a tenant id; use lower-case letters, digits, '_' and '-' (default: main)`,
      path: ['tenant']
    })
    return z.NEVER
  }),
  username: z.string(),
  password: z.string(),
  'api-token': z.string(),
  'github-token': z.string(),
  root: z.string().transform((raw, ctx) => {
    const value = raw.trim() || '.'
    if (reachesOutside(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `'${raw}' must be a folder inside the workspace, e.g. '.' or 'kestra'`,
        path: ['root']
      })
      return z.NEVER
    }
    return value
  }),
  namespace: z.string().transform((raw, ctx) => {
    const value = raw.trim()
    if (value === '') return undefined
    if (NAMESPACE_PATTERN.test(value) && value.length <= 150) return value
    ctx.addIssue({
      code: 'custom',
      message: `'${raw}' is not a Kestra namespace; use lower-case letters, digits, '.', '_' and '-'`,
      path: ['namespace']
    })
    return z.NEVER
  }),
  layout: oneOf('layout', ['auto', 'tenant', 'namespace', 'anywhere', 'custom']),
  flows: z.string().transform((raw, ctx) => {
    const globs = lines(raw)
    const outside = globs.find((glob) => reachesOutside(glob.replace(/^!/, '')))
    if (outside === undefined) return globs
    ctx.addIssue({
      code: 'custom',
      message: `'${outside}' reaches outside root; write globs relative to root, e.g. 'flows/**/*.yml' (or change root)`,
      path: ['flows']
    })
    return z.NEVER
  }),
  'namespace-files': z.string().transform((raw, ctx) => {
    const mappings: NamespaceFileMapping[] = []
    raw.split(/\r?\n/).forEach((line, index) => {
      const text = line.trim()
      if (text === '' || text.startsWith('#')) return
      const mapping = parseMapping(text)
      if (typeof mapping === 'string') {
        ctx.addIssue({
          code: 'custom',
          message: `line ${index + 1} '${text}': ${mapping}; write 'DIR -> NAMESPACE' or 'DIR -> NAMESPACE:/PREFIX'`,
          path: ['namespace-files']
        })
      } else {
        mappings.push(mapping)
      }
    })
    return mappings
  }),
  namespaces: z.string().transform((raw, ctx) => {
    const list = raw
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean)
    for (const ns of list) {
      if (!NAMESPACE_PATTERN.test(ns)) {
        ctx.addIssue({
          code: 'custom',
          message: `'${ns}' is not a Kestra namespace; use lower-case letters, digits, '.', '_' and '-'`,
          path: ['namespaces']
        })
      }
    }
    return [...new Set(list)].sort()
  }),
  scope: oneOf('scope', ['all', 'changed']),
  delete: bool('delete'),
  'max-deletions': integer('max-deletions', 0, 1_000_000),
  'allow-mass-deletion': bool('allow-mass-deletion'),
  'server-validation': bool('server-validation'),
  'fail-on': oneOf('fail-on', ['error', 'warning']),
  comment: bool('comment'),
  'comment-key': z.string().transform((raw, ctx) => {
    const value = raw.trim() || 'default'
    if (COMMENT_KEY_PATTERN.test(value) && !value.includes('--') && value.length <= 64) return value
    ctx.addIssue({
      code: 'custom',
      message: `'${raw}' is not accepted; use letters, digits, '.', '_' and single '-' (at most 64 characters)`,
      path: ['comment-key']
    })
    return z.NEVER
  }),
  'dry-run': bool('dry-run'),
  'require-reviewed-plan': bool('require-reviewed-plan'),
  'allow-out-of-order': bool('allow-out-of-order'),
  'timeout-seconds': integer('timeout-seconds', 1, 3600),
  concurrency: integer('concurrency', 1, 64),
  'smoke-flows': z.string().transform((raw, ctx) => {
    const flows: SmokeFlow[] = []
    raw.split(/\r?\n/).forEach((line, index) => {
      const text = line.trim()
      if (text === '' || text.startsWith('#')) return
      const flow = parseSmokeLine(text)
      if (typeof flow === 'string') {
        ctx.addIssue({
          code: 'custom',
          message: `line ${index + 1} '${text}': ${flow}; write 'NAMESPACE.ID' optionally followed by inputs as key=value`,
          path: ['smoke-flows']
        })
      } else {
        flows.push(flow)
      }
    })
    return flows
  }),
  'smoke-timeout-seconds': integer('smoke-timeout-seconds', 1, 21_600),
  rollback: bool('rollback')
})

const PATH_SEGMENT = /^[^\\]+$/

/** A path or glob that leaves `root`: absolute, a drive letter, or a `..` segment. */
function reachesOutside(path: string): boolean {
  const normalised = path.replace(/\\/g, '/')
  return (
    normalised.startsWith('/') ||
    /^[A-Za-z]:/.test(normalised) ||
    normalised.split('/').includes('..')
  )
}

function parseMapping(text: string): NamespaceFileMapping | string {
  const parts = text.split('->')
  if (parts.length !== 2) return "expected exactly one '->'"
  const dir = parts[0]!
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '')
  const target = parts[1]!.trim()
  if (reachesOutside(dir)) return 'DIR must be a folder inside root'
  const colon = target.indexOf(':')
  const namespace = colon === -1 ? target : target.slice(0, colon)
  let prefix = colon === -1 ? '' : target.slice(colon + 1).trim()
  if (!NAMESPACE_PATTERN.test(namespace)) return `'${namespace}' is not a Kestra namespace`
  if (colon !== -1) {
    if (!prefix.startsWith('/')) return 'PREFIX must start with /'
    prefix = prefix.replace(/\/+$/, '')
    if (prefix.split('/').includes('..') || !PATH_SEGMENT.test(prefix || '/'))
      return "PREFIX must not contain '..' or backslashes"
  }
  return { dir, namespace, prefix }
}

/**
 * Parses every input once. `read` returns the raw input value ('' when unset);
 * empty values fall back to the action.yml default, so the CLI and tests behave like the runner.
 */
export function parseSettings(read: (name: InputName) => string): Settings {
  const raw: Record<string, string> = {}
  for (const name of Object.keys(INPUT_DEFAULTS) as InputName[]) {
    const value = read(name) ?? ''
    raw[name] = value.trim() === '' && !isMultiline(name) ? INPUT_DEFAULTS[name] : value
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const input = String(issue.path[0] ?? 'unknown')
    throw new ConfigError(input, issue.message)
  }
  const v = parsed.data
  const layout = v.layout
  if (layout === 'namespace' && !v.namespace) {
    throw new ConfigError(
      'namespace',
      "layout 'namespace' needs the namespace input (the namespace the flows/ and files/ folders belong to)"
    )
  }
  if (layout === 'custom' && v.flows.length === 0 && v['namespace-files'].length === 0) {
    throw new ConfigError(
      'flows',
      "layout 'custom' needs the flows globs and/or namespace-files mappings"
    )
  }
  const token = v['api-token'].trim()
  const auth: Auth = token
    ? { kind: 'bearer', token }
    : v.username || v.password
      ? { kind: 'basic', username: v.username, password: v.password }
      : { kind: 'none' }
  return {
    mode: v.mode,
    server: v.server,
    tenant: v.tenant,
    auth,
    githubToken: v['github-token'].trim() || undefined,
    root: v.root,
    namespace: v.namespace,
    layout,
    flowGlobs: v.flows,
    namespaceFiles: v['namespace-files'],
    extraNamespaces: v.namespaces,
    scope: v.scope,
    delete: v.delete,
    maxDeletions: v['max-deletions'],
    allowMassDeletion: v['allow-mass-deletion'],
    serverValidation: v['server-validation'],
    failOn: v['fail-on'],
    comment: v.comment,
    commentKey: v['comment-key'],
    dryRun: v['dry-run'],
    requireReviewedPlan: v['require-reviewed-plan'],
    allowOutOfOrder: v['allow-out-of-order'],
    timeoutSeconds: v['timeout-seconds'],
    concurrency: v.concurrency,
    smokeFlows: v['smoke-flows'],
    smokeTimeoutSeconds: v['smoke-timeout-seconds'],
    rollback: v.rollback
  }
}

function isMultiline(name: InputName): boolean {
  return (
    name === 'flows' ||
    name === 'namespace-files' ||
    name === 'namespaces' ||
    name === 'smoke-flows'
  )
}

/** A server value as it may be shown: everything up to the last `@` (credentials, even with `/` in them) is hidden. */
function withoutUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, (_match, scheme = '') => `${scheme}***@`)
}
