import { canonicalJson, sha256Hex, utf8Length } from './content.js'
import type { Finding, Severity } from './finding.js'
import type { NameReference } from './names.js'
import type { FlowReference } from './references.js'
import type { VersionedFinding } from './version.js'

/**
 * The field of the commit marker that holds the checks of the namespace's flow files, as the deploy that
 * wrote it computed them (docs/performance.md#incremental-planning).
 */
export const STORED_CHECKS_FIELD = 'checks'

/**
 * Everything the checks of one flow file depend on: the build of the action that checks (its code and
 * Node's version), where the file is, the namespace the layout expects of it, the layout, and its bytes.
 * Nothing else is read by them: the server's version is applied to `versioned` findings afterwards.
 */
interface CheckKey {
  validator: string
  file: string
  rel: string
  expectedNamespace: string
  layout: string
  /** SHA-256 of the file's bytes. */
  sha256: string
}

/** One key for all of `CheckKey`: two files share it only when every part is the same. */
export function checkDigest(key: CheckKey): string {
  return sha256Hex(
    JSON.stringify([
      key.validator,
      key.file,
      key.rel,
      key.expectedNamespace,
      key.layout,
      key.sha256
    ])
  )
}

/** The checks of one flow file on their own, and what its parse told of it, as stored. */
export interface StoredFlowCheck {
  id?: string
  namespace?: string
  notAFlow: boolean
  otherKind?: string
  findings: Finding[]
  versioned: VersionedFinding[]
  identity?: { namespace: string; id: string; file: string; line: number; column: number }
  wellFormed: boolean
  references: FlowReference[]
  names?: NameReference[]
}

/** The entry stored for a flow file: what its parse told of it, and what its checks left. */
export function storedCheckOf(
  flow: Pick<StoredFlowCheck, 'id' | 'namespace' | 'notAFlow' | 'otherKind'>,
  check: Omit<StoredFlowCheck, 'id' | 'namespace' | 'notAFlow' | 'otherKind'>
): StoredFlowCheck {
  return {
    id: flow.id,
    namespace: flow.namespace,
    notAFlow: flow.notAFlow,
    otherKind: flow.otherKind,
    findings: check.findings,
    versioned: check.versioned,
    identity: check.identity,
    wellFormed: check.wellFormed,
    references: check.references,
    names: check.names
  }
}

/**
 * Bytes of checks one commit marker holds: with the rest of the marker, its KV write stays well within the
 * 1 MiB body that nginx and ingress-nginx accept by default (docs/performance.md#incremental-planning).
 */
export const MAX_STORED_CHECKS_BYTES = 512 * 1024

/**
 * The entries a marker stores: as many as fit `bound` bytes of JSON, taken in digest order, so that the same
 * entries always give the same choice (a re-deploy finds its marker holding exactly these). The flow files
 * left out are checked on every plan, as if never stored.
 */
export function entriesWithin(
  entries: Readonly<Record<string, StoredFlowCheck>>,
  bound = MAX_STORED_CHECKS_BYTES
): Record<string, StoredFlowCheck> {
  const kept: Record<string, StoredFlowCheck> = {}
  let bytes = '{}'.length
  let count = 0
  for (const digest of Object.keys(entries).sort()) {
    const entry = entries[digest]!
    // `"<digest>":<entry>`, after a comma but for the first
    const size = utf8Length(JSON.stringify(entry)) + digest.length + 3 + (count ? 1 : 0)
    if (bytes + size > bound) continue
    kept[digest] = entry
    bytes += size
    count += 1
  }
  return kept
}

/** Whether two entries say the same, as JSON says it (a stored entry went through JSON). */
export function sameStoredCheck(a: StoredFlowCheck, b: StoredFlowCheck): boolean {
  return (
    canonicalJson(JSON.parse(JSON.stringify(a))) === canonicalJson(JSON.parse(JSON.stringify(b)))
  )
}

/** The stored checks of a namespace by digest; entries not exactly of the stored shape are left out. */
export function storedChecksOf(
  markerValue: Record<string, unknown> | undefined
): Map<string, StoredFlowCheck> {
  const found = new Map<string, StoredFlowCheck>()
  const stored = markerValue?.[STORED_CHECKS_FIELD]
  if (!isObject(stored)) return found
  for (const [digest, entry] of Object.entries(stored)) {
    if (/^[0-9a-f]{64}$/.test(digest) && isStoredCheck(entry)) found.set(digest, entry)
  }
  return found
}

/*
 * A marker is written by this action, but KV can be edited by anyone who can write to the namespace: an
 * entry of another shape is not reused (the file is parsed and checked), so it cannot make the run fail.
 */

type Shape = 'string' | 'number' | 'boolean' | '?string' | '?number'

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fits(value: unknown, shape: Record<string, Shape>): value is Record<string, unknown> {
  if (!isObject(value)) return false
  return Object.entries(shape).every(([field, type]) => {
    const held = value[field]
    if (type.startsWith('?')) return held === undefined || typeof held === type.slice(1)
    return typeof held === type
  })
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice']

const FINDING = {
  file: 'string',
  line: 'number',
  column: '?number',
  endLine: '?number',
  endColumn: '?number',
  rule: 'string',
  message: 'string',
  resource: '?string'
} as const satisfies Record<string, Shape>

function isFinding(value: unknown): boolean {
  return fits(value, FINDING) && SEVERITIES.includes(value.severity as Severity)
}

function isVersioned(value: unknown): boolean {
  return (
    isObject(value) &&
    fits(value.finding, FINDING) &&
    isVersion(value.since) &&
    SEVERITIES.includes(value.whenUnknown as Severity) &&
    (value.silentBefore === undefined || value.silentBefore === true) &&
    (value.until === undefined || isVersion(value.until))
  )
}

function isVersion(value: unknown): boolean {
  return Array.isArray(value) && value.length === 3 && value.every((part) => Number.isInteger(part))
}

const SITE = {
  file: 'string',
  line: 'number',
  column: 'number',
  fromFlow: 'string',
  namespace: 'string'
} as const satisfies Record<string, Shape>

function isReference(value: unknown): boolean {
  if (!fits(value, SITE)) return false
  if (value.kind === 'file') return typeof value.path === 'string'
  return (
    value.kind === 'flow' &&
    typeof value.id === 'string' &&
    ['subflow', 'foreach', 'flow-trigger'].includes(value.via as string)
  )
}

function isName(value: unknown): boolean {
  return (
    fits(value, {
      name: 'string',
      namespace: '?string',
      flowNamespace: 'string',
      file: 'string',
      line: 'number',
      column: 'number',
      fromFlow: 'string'
    }) && ['secret', 'kv'].includes(value.kind as string)
  )
}

const every = (value: unknown, test: (item: unknown) => boolean) =>
  Array.isArray(value) && value.every(test)

function isStoredCheck(value: unknown): value is StoredFlowCheck {
  return (
    fits(value, {
      id: '?string',
      namespace: '?string',
      notAFlow: 'boolean',
      otherKind: '?string',
      wellFormed: 'boolean'
    }) &&
    every(value.findings, isFinding) &&
    every(value.versioned, isVersioned) &&
    (value.identity === undefined ||
      fits(value.identity, {
        namespace: 'string',
        id: 'string',
        file: 'string',
        line: 'number',
        column: 'number'
      })) &&
    every(value.references, isReference) &&
    (value.names === undefined || every(value.names, isName))
  )
}
