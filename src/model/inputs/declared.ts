import { ConfigError } from '../errors.js'
import { isKestraNamespace, NAMESPACE_PATTERN } from '../namespaces.js'
import { SCHEMA_LINES, SCHEMA_RELEASE_VERSIONS, type KestraVersion } from '../version.js'
import { ACTION_INPUTS } from './action-yml.js'
import { SETTING_DEFAULTS, WORKFLOW_ONLY } from './defaults.js'

export type InputName = keyof typeof ACTION_INPUTS

type DeclaredDefault<Name extends InputName> = Name extends keyof typeof SETTING_DEFAULTS
  ? (typeof SETTING_DEFAULTS)[Name]
  : (typeof ACTION_INPUTS)[Name]['default']

export type InputValues = {
  [Name in InputName]: Name extends keyof typeof INPUT_PARSERS
    ? ParsedBy<(typeof INPUT_PARSERS)[Name]>
    : PlainValue<DeclaredDefault<Name>>
}

/** The inputs in action.yml's order, the order their errors are looked for in. */
export function inputNames(): InputName[] {
  return Object.keys(ACTION_INPUTS) as InputName[]
}

/** Whether the settings file may set `name` (docs/inputs.md#settings-file). */
export function fileMaySet(name: string): name is InputName {
  return Object.hasOwn(ACTION_INPUTS, name) && !Object.hasOwn(WORKFLOW_ONLY, name)
}

/** A blank input's default; one the runner evaluates (`${{ github.token }}`) is '' off the runner. */
export function defaultOf(name: InputName): string {
  const declared: string = Object.hasOwn(SETTING_DEFAULTS, name)
    ? SETTING_DEFAULTS[name as keyof typeof SETTING_DEFAULTS]
    : ACTION_INPUTS[name].default
  return declared.includes('${{') ? '' : declared
}

export function parserOf(name: InputName): InputParser<unknown> {
  return Object.hasOwn(INPUT_PARSERS, name)
    ? INPUT_PARSERS[name as keyof typeof INPUT_PARSERS]
    : plainParser(defaultOf(name))
}

interface InputParser<T> {
  /** The value of `raw` (blank: the input's default), or a ConfigError naming the input and what it accepts. */
  parse(raw: string, input: string): T
  /** How a command line gives it: a switch, one flag per line, or one value. */
  shape: 'switch' | 'lines' | 'value'
  /** What the value looks like, for usage text: 'N', 'URL', 'all|changed'. */
  placeholder: string
}

type ParsedBy<P> = P extends InputParser<infer T> ? T : never

function choice<const T extends string>(...values: [T, ...T[]]): InputParser<T> {
  return {
    shape: 'value',
    placeholder: values.join('|'),
    parse(raw, input) {
      const value = raw.trim().toLowerCase()
      if ((values as string[]).includes(value)) return value as T
      throw new ConfigError(input, `'${raw}' is not accepted; use one of: ${values.join(', ')}`)
    }
  }
}

/** A whole number from `min` to `max`; without `max`, any one JavaScript holds exactly. */
function wholeNumber(min: number, max?: number): InputParser<number> {
  const accepted = max === undefined ? 'a whole number' : `a whole number from ${min} to ${max}`
  return {
    shape: 'value',
    placeholder: 'N',
    parse(raw, input) {
      const value = raw.trim()
      const n = Number(value)
      if (/^\d+$/.test(value) && n >= min && n <= (max ?? Number.MAX_SAFE_INTEGER)) return n
      throw new ConfigError(input, `'${raw}' is not accepted; use ${accepted}`)
    }
  }
}

const boolean: InputParser<boolean> = {
  shape: 'switch',
  placeholder: 'true|false',
  parse(raw, input) {
    const value = raw.trim().toLowerCase()
    if (value === 'true') return true
    if (value === 'false') return false
    throw new ConfigError(input, `'${raw}' is not a boolean; use true or false`)
  }
}

function text<T>(placeholder: string, parse: InputParser<T>['parse']): InputParser<T> {
  return { shape: 'value', placeholder, parse }
}

/** The value trimmed when `accepts` takes it, else a ConfigError: `'<raw>' <refusal>`. */
function checked(
  placeholder: string,
  accepts: (value: string) => boolean,
  refusal: string
): InputParser<string> {
  return text(placeholder, (raw, input) => {
    const value = raw.trim()
    if (accepts(value)) return value
    throw new ConfigError(input, `'${raw}' ${refusal}`)
  })
}

function lines<T>(placeholder: string, parse: InputParser<T>['parse']): InputParser<T> {
  return { shape: 'lines', placeholder, parse }
}

/** One value per line (`#` comments and blank lines skipped); the first bad line is named, with `hint`. */
function lineByLine<T extends object>(
  placeholder: string,
  parseLine: (text: string) => T | string,
  hint: string
): InputParser<T[]> {
  return lines(placeholder, (raw, input) =>
    raw.split(/\r?\n/).flatMap((line, index) => {
      const text = line.trim()
      if (text === '' || text.startsWith('#')) return []
      const value = parseLine(text)
      if (typeof value !== 'string') return [value]
      throw new ConfigError(input, `line ${index + 1} '${text}': ${value}; ${hint}`)
    })
  )
}

/** By its action.yml default: `true`/`false` a boolean, a whole number a number, else text as written. */
function plainParser(declaredDefault: string): InputParser<boolean | number | string> {
  if (declaredDefault === 'true' || declaredDefault === 'false') return boolean
  if (/^(?:0|[1-9]\d*)$/.test(declaredDefault)) return wholeNumber(0)
  return text('TEXT', (raw) => raw)
}

/** What `plainParser` gives, as a type (`${bigint}` is a number written as JavaScript writes it). */
type PlainValue<Default extends string> = Default extends 'true' | 'false'
  ? boolean
  : Default extends `-${string}`
    ? string
    : Default extends `${bigint}`
      ? number
      : string

const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]*$/
const COMMENT_KEY_PATTERN = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/
const NAMESPACE_HINT = "use lower-case letters, digits, '.', '_' and '-'"

/** The inputs whose value is more than plain text, a boolean or a whole number (others: `plainParser`). */
export const INPUT_PARSERS = {
  mode: choice('auto', 'validate', 'plan', 'deploy', 'drift', 'upgrade'),
  /** What a drift run does about the drift (docs/drift.md). */
  'drift-action': choice('report', 'revert', 'pull-request'),
  /** Base URL without trailing slash, or undefined when no server is configured. */
  server: text('URL', serverUrl),
  /** The release line upgrade readiness checks against (docs/upgrade.md): auto, off or a version. */
  'upgrade-check': choice('auto', 'off', '2.0'),
  'upgrade-server': text('URL', serverUrl),
  tenant: checked(
    'ID',
    (value) => TENANT_PATTERN.test(value),
    `is not a tenant id; use lower-case letters, digits, '_' and '-' (default: ${SETTING_DEFAULTS.tenant})`
  ),
  root: checked(
    'DIR',
    (value) => !reachesOutside(value),
    "must be a folder inside the workspace, e.g. '.' or 'kestra'"
  ),
  namespace: text('NS', (raw, input) => {
    const value = raw.trim()
    if (value === '') return undefined
    if (isKestraNamespace(value)) return value
    throw new ConfigError(input, `'${raw}' is not a Kestra namespace; ${NAMESPACE_HINT}`)
  }),
  /** `auto` is resolved when the repository is read (docs/layouts.md#auto, repo/choose-layout.ts). */
  layout: choice('auto', 'tenant', 'namespace', 'anywhere', 'custom'),
  flows: lines('GLOB', (raw, input) => {
    const globs = raw
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
    const outside = globs.find((glob) => reachesOutside(glob.replace(/^!/, '')))
    if (outside === undefined) return globs
    throw new ConfigError(
      input,
      `'${outside}' reaches outside root; write globs relative to root, e.g. 'flows/**/*.yml' (or change root)`
    )
  }),
  'namespace-files': lineByLine(
    'MAP',
    parseMapping,
    "write 'DIR -> NAMESPACE' or 'DIR -> NAMESPACE:/PREFIX'"
  ),
  /** Sorted, without repeats. */
  namespaces: lines('NS[,NS]', (raw, input) => {
    const list = raw
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean)
    const misnamed = list.find((ns) => !NAMESPACE_PATTERN.test(ns))
    if (misnamed !== undefined) {
      throw new ConfigError(input, `'${misnamed}' is not a Kestra namespace; ${NAMESPACE_HINT}`)
    }
    return [...new Set(list)].sort()
  }),
  /** The first part of every deployed namespace (docs/environments.md#namespace-mapping). */
  'namespace-prefix': checked(
    'NS',
    (value) =>
      value === '' ||
      (NAMESPACE_PATTERN.test(value) && !value.endsWith('.') && value.length <= 100),
    `cannot start a namespace; ${NAMESPACE_HINT}, e.g. 'qa' or 'pr-7' (no trailing '.')`
  ),
  scope: choice('all', 'changed'),
  'max-deletions': wholeNumber(0, 1_000_000),
  'fail-on': choice('error', 'warning'),
  'comment-key': checked(
    'KEY',
    (value) => COMMENT_KEY_PATTERN.test(value) && !value.includes('--') && value.length <= 64,
    "is not accepted; use letters, digits, '.', '_' and single '-' (at most 64 characters)"
  ),
  /** The release to validate for when no server answers (docs/validation-rules.md#the-schema-of-each-release). */
  'kestra-version': text('VERSION', (raw, input): KestraVersion | undefined => {
    const value = raw.trim()
    if (value === '') return undefined
    const parts = /^(\d{1,3})\.(\d{1,3})(?:\.(\d{1,4}))?$/.exec(value)
    if (parts && SCHEMA_LINES.includes(`${Number(parts[1])}.${Number(parts[2])}`)) {
      return [Number(parts[1]), Number(parts[2]), Number(parts[3] ?? 0)]
    }
    const lines = SCHEMA_LINES.join(', ')
    throw new ConfigError(
      input,
      `'${raw}' is not a Kestra release this build validates for; it knows the lines ${lines}: write one of them, or a patch version of one (such as ${SCHEMA_RELEASE_VERSIONS.join(' or ')})`
    )
  }),
  'timeout-seconds': wholeNumber(1, 3600),
  concurrency: wholeNumber(1, 64),
  /** What a deploy does about executions not finished (docs/caught-at-review.md#executions-not-finished). */
  'running-executions': choice('warn', 'wait', 'fail'),
  'running-executions-timeout-seconds': wholeNumber(1, 21_600),
  /** Flows to execute after a deploy that wrote something (docs/smoke-and-rollback.md#smoke-runs). */
  'smoke-flows': lineByLine(
    'FLOW',
    parseSmokeLine,
    "write 'NAMESPACE.ID' optionally followed by inputs as key=value"
  ),
  'smoke-timeout-seconds': wholeNumber(1, 21_600),
  /** The fingerprint an approval gate approved (docs/environments.md#approve-the-plan). */
  'reviewed-plan': text('FINGERPRINT', (raw, input) => {
    const value = raw.trim()
    if (value === '') return undefined
    if (/^[0-9a-f]{64}$/.test(value)) return value
    throw new ConfigError(
      input,
      `'${raw}' is not a plan fingerprint; pass the plan job's plan-fingerprint output (64 lower-case hex digits)`
    )
  })
} satisfies { [Name in keyof typeof ACTION_INPUTS]?: InputParser<unknown> }

function serverUrl(raw: string, input: string): string | undefined {
  const value = raw.trim()
  if (value === '') return undefined
  const url = new URL(URL.canParse(value) ? value : 'invalid:')
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new ConfigError(
      input,
      `'${withoutUserinfo(value)}' is not a server URL; give the scheme and host, e.g. https://kestra.example.com`
    )
  }
  if (url.username || url.password) {
    throw new ConfigError(
      input,
      'do not put credentials in the URL; use the username/password or api-token inputs'
    )
  }
  // A pasted API URL (…/api/v1) is tolerated: the client adds the prefix itself.
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '')
  return `${url.protocol}//${url.host}${path}`
}

/** A server value as it may be shown: all up to the last `@` (credentials, even with `/` in them) is hidden. */
function withoutUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, (_match, scheme = '') => `${scheme}***@`)
}

/** A path or glob that leaves `root`: absolute, a drive letter, or a `..` segment. */
function reachesOutside(path: string): boolean {
  const normalised = path.replace(/\\/g, '/')
  return (
    normalised.startsWith('/') ||
    /^[A-Za-z]:/.test(normalised) ||
    normalised.split('/').includes('..')
  )
}

export interface NamespaceFileMapping {
  /** Folder relative to `root`, '/'-separated, no trailing slash ('' = root itself). */
  dir: string
  namespace: string
  /** '' or a path starting with '/' and without trailing slash. */
  prefix: string
}

const PATH_SEGMENT = /^[^\\]+$/

/** `DIR -> NAMESPACE[:/PREFIX]`, or why the line is not one. */
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

/** A flow to execute after the deploy, with its inputs (docs/smoke-and-rollback.md#smoke-flows). */
export interface SmokeFlow {
  namespace: string
  id: string
  /** Input id → value as text, in the order written. */
  inputs: readonly (readonly [string, string])[]
}

const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
const INPUT_ID = /^[a-zA-Z0-9][.a-zA-Z0-9_-]*$/
/** A word: `key=value`, `key="value with spaces"` (`\"` and `\\` escaped inside quotes), or a bare word. */
const WORD = /[^\s=]+=(?:"(?:[^"\\]|\\.)*"(?!\S)|\S*)|\S+/g
const QUOTED = /^"(?:[^"\\]|\\.)*"$/

/** `NAMESPACE.ID [key=value …]` (the id after the last dot), or why the line is not one. */
export function parseSmokeLine(text: string): SmokeFlow | string {
  const [target, ...rest] = [...text.matchAll(WORD)].map((match) => match[0])
  if (target === undefined) return 'empty line'
  const dot = target.lastIndexOf('.')
  const namespace = target.slice(0, Math.max(dot, 0))
  const id = target.slice(dot + 1)
  if (dot <= 0 || !NAMESPACE_PATTERN.test(namespace) || !FLOW_ID.test(id)) {
    return `'${target}' is not NAMESPACE.ID (a lower-case namespace, a dot, then the flow id)`
  }
  const inputs: [string, string][] = []
  for (const word of rest) {
    const equals = word.indexOf('=')
    const key = word.slice(0, Math.max(equals, 0))
    if (equals <= 0 || !INPUT_ID.test(key)) return `'${word}' is not an input as key=value`
    if (inputs.some(([k]) => k === key)) return `input '${key}' is given twice`
    let value = word.slice(equals + 1)
    if (value.startsWith('"')) {
      if (!QUOTED.test(value)) return `the value of '${key}' opens a quote it does not close`
      value = value.slice(1, -1).replace(/\\(.)/g, '$1')
    }
    inputs.push([key, value])
  }
  return { namespace, id, inputs }
}
