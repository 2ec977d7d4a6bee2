import { ConfigError } from '../errors.js'
import type { KestraVersion } from '../version.js'
import type { ACTION_INPUTS } from './action-yml.js'
import { SETTING_DEFAULTS } from './defaults.js'
import { isKestraNamespace, NAMESPACE_PATTERN } from '../namespaces.js'
import { reachesOutside } from './paths.js'
import { parseMapping } from './namespace-file-mapping.js'
import { parseSmokeLine } from './smoke-flows.js'
import {
  choice,
  contentLines,
  lineByLine,
  lines,
  text,
  wholeNumber,
  type InputParser
} from './value-kinds.js'

const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]*$/
const COMMENT_KEY_PATTERN = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/
const NAMESPACE_HINT = "use lower-case letters, digits, '.', '_' and '-'"

/**
 * The inputs whose value is more than plain text, a boolean or a whole number, by name. Every other
 * input of action.yml is read by the kind of its default (value-kinds.ts `plainParser`).
 */
export const INPUT_PARSERS = {
  mode: choice('auto', 'validate', 'plan', 'deploy', 'drift', 'upgrade'),
  /** What a drift run does about the drift (docs/drift.md). */
  'drift-action': choice('report', 'revert', 'pull-request'),
  /** Base URL without trailing slash, or undefined when no server is configured. */
  server: text('URL', serverUrl),
  /** The release line upgrade readiness checks against (docs/upgrade.md): auto, off or a version. */
  'upgrade-check': choice('auto', 'off', '2.0'),
  tenant: text('ID', (raw, input) => {
    const value = raw.trim()
    if (TENANT_PATTERN.test(value)) return value
    throw new ConfigError(
      input,
      `'${raw}' is not a tenant id; use lower-case letters, digits, '_' and '-' (default: ${SETTING_DEFAULTS.tenant})`
    )
  }),
  root: text('DIR', (raw, input) => {
    const value = raw.trim()
    if (!reachesOutside(value)) return value
    throw new ConfigError(
      input,
      `'${raw}' must be a folder inside the workspace, e.g. '.' or 'kestra'`
    )
  }),
  namespace: text('NS', (raw, input) => {
    const value = raw.trim()
    if (value === '') return undefined
    if (isKestraNamespace(value)) return value
    throw new ConfigError(input, `'${raw}' is not a Kestra namespace; ${NAMESPACE_HINT}`)
  }),
  /** `auto` is resolved when the repository is read (docs/layouts.md#auto, repo/choose-layout.ts). */
  layout: choice('auto', 'tenant', 'namespace', 'anywhere', 'custom'),
  flows: lines('GLOB', (raw, input) => {
    const globs = contentLines(raw)
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
  'namespace-prefix': text('NS', (raw, input) => {
    const value = raw.trim()
    if (
      value === '' ||
      (NAMESPACE_PATTERN.test(value) && !value.endsWith('.') && value.length <= 100)
    )
      return value
    throw new ConfigError(
      input,
      `'${raw}' cannot start a namespace; ${NAMESPACE_HINT}, e.g. 'qa' or 'pr-7' (no trailing '.')`
    )
  }),
  scope: choice('all', 'changed'),
  'max-deletions': wholeNumber(0, 1_000_000),
  'fail-on': choice('error', 'warning'),
  'comment-key': text('KEY', (raw, input) => {
    const value = raw.trim()
    if (COMMENT_KEY_PATTERN.test(value) && !value.includes('--') && value.length <= 64) return value
    throw new ConfigError(
      input,
      `'${raw}' is not accepted; use letters, digits, '.', '_' and single '-' (at most 64 characters)`
    )
  }),
  /** The release to validate for when no server answers (docs/validation-rules.md#the-schema-of-each-release). */
  'kestra-version': text('VERSION', (raw, input): KestraVersion | undefined => {
    const value = raw.trim()
    if (value === '') return undefined
    const parts = /^(\d{1,3})\.(\d{1,3})(?:\.(\d{1,4}))?$/.exec(value)
    if (parts) return [Number(parts[1]), Number(parts[2]), Number(parts[3] ?? 0)]
    throw new ConfigError(
      input,
      `'${raw}' is not a Kestra version; write a release line such as 1.3 or 2.0, or a full version such as 1.3.31`
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
  let url: URL
  try {
    url = new URL(value)
  } catch {
    url = new URL('invalid:')
  }
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

/** A server value as it may be shown: everything up to the last `@` (credentials, even with `/` in them) is hidden. */
function withoutUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, (_match, scheme = '') => `${scheme}***@`)
}
