import { flowKey } from '../../model/targets.js'
import { type Finding } from '../../model/finding.js'
import { nodePosition, type FlowDocument } from './decide-document.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'

export type Layout = 'tenant' | 'namespace' | 'anywhere' | 'custom'

export const FLOW_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/
const RESERVED_FLOW_IDS = [
  'pause',
  'resume',
  'force-run',
  'change-status',
  'kill',
  'executions',
  'search',
  'source',
  'disable',
  'enable'
]

const REMOVED_KEYS: Record<string, string> = {
  listeners: 'Use `afterExecution` or a Flow trigger instead',
  taskDefaults:
    'On Kestra 1.x rename it to `pluginDefaults`; Kestra 2.0 has no flow-level plugin defaults at all: set the values on the tasks'
}
const V1: KestraVersion = [1, 0, 0]
/** Kestra 2.0: `Flow` has no `listeners` nor `taskDefaults` field any more (core 2.0.0, run). */
const V2: KestraVersion = [2, 0, 0]
const SERVER_OWNED_KEYS = new Set(['revision', 'deleted', 'updated', 'tenantId'])

/**
 * Keys the server owns. A flow's required keys, its id and namespace patterns and its unknown top-level keys are
 * its release's schema's (docs/validation-rules.md#the-schema-of-each-release).
 */
export function identityFindings(document: FlowDocument): Finding[] {
  return document
    .entries(document.root)
    .filter((entry) => SERVER_OWNED_KEYS.has(String(entry.key.value)))
    .map((entry) =>
      document.finding(
        'warning',
        entry.key,
        'server-owned-key',
        `\`${String(entry.key.value)}\` is set by the Kestra server, not by the repository: remove it`
      )
    )
}

/**
 * Rules Kestra added in a release: reserved flow ids (1.x only: the `FlowValidator` of the 1.0.0 to 1.3.34 core jars
 * refuses them, 2.0.0's has no such check; a warning when no server is known) and the deprecated `listeners` and `taskDefaults`,
 * which every release up to 1.3 accepts and 2.0 removed (a warning when no server is known).
 */
export function versionedIdentityFindings(document: FlowDocument): VersionedFinding[] {
  const findings: VersionedFinding[] = []
  const id = document.get(document.root, 'id')
  const value = document.string(id?.value)
  if (id && value !== undefined && RESERVED_FLOW_IDS.includes(value)) {
    findings.push({
      ...document.versioned(
        V1,
        'warning',
        id.key,
        'reserved-flow-id',
        `Flow id '${value}' is reserved in Kestra 1.x (${RESERVED_FLOW_IDS.join(', ')}): a 1.x server rejects the flow, while the released 2.0.0 no longer checks it. Rename the flow`
      ),
      until: V2
    })
  }
  for (const entry of document.entries(document.root)) {
    const key = String(entry.key.value)
    if (!Object.hasOwn(REMOVED_KEYS, key)) continue
    const fix = REMOVED_KEYS[key] as string
    findings.push(
      document.versioned(
        V2,
        'warning',
        entry.key,
        'removed-key',
        `\`${key}\` is deprecated: Kestra up to 1.3 accepts it, Kestra 2.0 rejects it as an unknown field. ${fix}`
      )
    )
  }
  return findings
}

/** A flow's namespace must equal the one its folder (or the `namespace` input) implies, or be a child of it. */
export function namespaceFolderFindings(document: FlowDocument, layout?: Layout): Finding[] {
  const expected = document.flow.expectedNamespace
  const entry = document.get(document.root, 'namespace')
  const actual = document.string(entry?.value)
  if (expected === undefined || !entry || actual === undefined || actual === '') return []
  if (actual === expected || actual.startsWith(`${expected}.`)) return []
  const source =
    layout === 'namespace'
      ? `the \`namespace\` input is '${expected}'`
      : `its folder implies namespace '${expected}'`
  return [
    document.finding(
      'error',
      entry.value ?? entry.key,
      'namespace-folder',
      `Namespace '${actual}' does not match where the file is: ${source}. Use '${expected}' or a child namespace ('${expected}.…'), or move the file`
    )
  ]
}

/** A flow's identity and where its `id` key is: what the check across files needs. */
export interface FlowIdentity {
  namespace: string
  id: string
  file: string
  line: number
  column: number
}

export function flowIdentity(document: FlowDocument): FlowIdentity | undefined {
  const id = document.get(document.root, 'id')
  const ns = document.string(document.get(document.root, 'namespace')?.value)
  const value = document.string(id?.value)
  if (!id || ns === undefined || value === undefined) return undefined
  const { line, column } = nodePosition(document.flow, id.key)
  return { namespace: ns, id: value, file: document.flow.file, line, column }
}

/** Two files declaring the same flow: the later file (in path order) gets the error, on its `id` key. */
export function duplicateFlowFindings(identities: FlowIdentity[]): Finding[] {
  const seen = new Map<string, string>()
  const findings: Finding[] = []
  const ordered = [...identities].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  for (const { namespace, id, file, line, column } of ordered) {
    const key = flowKey(namespace, id)
    const first = seen.get(key)
    if (first === undefined) {
      seen.set(key, file)
      continue
    }
    findings.push({
      severity: 'error',
      file,
      line,
      column,
      rule: 'duplicate-flow',
      message: `Flow ${namespace}.${id} is already declared in ${first}: each flow must live in exactly one file. Remove one or change its id`,
      resource: key
    })
  }
  return findings
}
