import { isScalar } from 'yaml'
import type { Node } from 'yaml'
import type { Finding } from '../../model/finding.js'
import type { Layout } from '../../model/settings.js'
import type { StoredFlowCheck } from './decide-stored-checks.js'
import { flowKey } from '../../model/targets.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'
import { FlowDocument, nodePosition, repeats } from './decide-document.js'
import { V2 } from './decide-kestra2-removals.js'

/**
 * The flow's own keys: its id, its namespace against its folder, the keys the server owns, and a flow
 * declared in two files.
 */

export type FlowIdentity = NonNullable<StoredFlowCheck['identity']>

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

const SERVER_OWNED_KEYS = new Set(['revision', 'deleted', 'updated', 'tenantId'])

/**
 * Keys the server owns. Required keys, id and namespace patterns and unknown top-level keys are the
 * release schema's (docs/validation-rules.md#the-schema-of-each-release).
 */
export function identityFindings(document: FlowDocument): Finding[] {
  return document
    .entries(document.root)
    .filter((entry) => SERVER_OWNED_KEYS.has(String(entry.key.value)))
    .map((entry) => {
      const key = String(entry.key.value)
      const javaClass = key === 'revision' ? notAnInteger(entry.value) : undefined
      if (javaClass) {
        return document.finding(
          'error',
          entry.value ?? entry.key,
          'revision-type',
          `\`revision\` is not a whole number: Kestra 1.3 and 2.0 fail to read the flow ("class ${javaClass} cannot be cast to class java.lang.Integer"). Remove \`revision:\` (the server numbers revisions itself)`
        )
      }
      return document.finding(
        'warning',
        entry.key,
        'server-owned-key',
        `\`${key}\` is set by the Kestra server, not by the repository: remove it`
      )
    })
}

/**
 * The Java class Kestra reads a `revision:` value as when it is not an `Integer` (`PluginDefaultService` casts it:
 * core 1.3.31 and 2.0.0 run), or undefined: a quoted or plain text, a boolean, a decimal or an integer past
 * `Integer`'s range. Plain forms that YAML 1.1 may read as integers (`0x1F`, `1_000`) are left to the server.
 */
function notAnInteger(node: Node | undefined): string | undefined {
  if (!isScalar(node) || node.value === null) return undefined
  const { value } = node
  if (typeof value === 'boolean') return 'java.lang.Boolean'
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || /[.eE]/.test(String(node.source ?? value))) {
      return 'java.lang.Double'
    }
    return Math.abs(value) > 2_147_483_647 ? 'java.lang.Long' : undefined
  }
  if (typeof value !== 'string') return undefined
  const quoted = node.type !== undefined && node.type !== 'PLAIN'
  return quoted || !/\d/.test(value) ? 'java.lang.String' : undefined
}

/**
 * Reserved flow ids (refused by the 1.0.0 to 1.3.34 core jars' `FlowValidator`, not by 2.0.0's) and
 * the deprecated `listeners` and `taskDefaults` (accepted up to 1.3, removed in 2.0); warnings when
 * no server is known.
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
  return findings.concat(
    document.entries(document.root).flatMap((entry) => {
      const key = String(entry.key.value)
      if (!Object.hasOwn(REMOVED_KEYS, key)) return []
      return document.versioned(
        V2,
        'warning',
        entry.key,
        'removed-key',
        `\`${key}\` is deprecated: Kestra up to 1.3 accepts it, Kestra 2.0 rejects it as an unknown field. ${REMOVED_KEYS[key] as string}`
      )
    })
  )
}

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

export function flowIdentity(document: FlowDocument): FlowIdentity | undefined {
  const id = document.get(document.root, 'id')
  const ns = document.string(document.get(document.root, 'namespace')?.value)
  const value = document.string(id?.value)
  if (!id || ns === undefined || value === undefined) return undefined
  const { line, column } = nodePosition(document.flow, id.key)
  return { namespace: ns, id: value, file: document.flow.file, line, column }
}

/** Two files declaring the same flow: the later file (in path order) gets the error. */
export function duplicateFlowFindings(identities: FlowIdentity[]): Finding[] {
  const ordered = [...identities].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  return repeats(ordered, ({ namespace, id }) => flowKey(namespace, id)).map(
    ([{ namespace, id, file, line, column }, first]): Finding => ({
      severity: 'error',
      file,
      line,
      column,
      rule: 'duplicate-flow',
      message: `Flow ${namespace}.${id} is already declared in ${first.file}: each flow must live in exactly one file. Remove one or change its id`,
      resource: flowKey(namespace, id)
    })
  )
}
