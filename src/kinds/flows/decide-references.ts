import type { FlowFile } from '../../model/repository.js'
import { flowKey } from '../../model/targets.js'
import type { Finding } from '../../model/finding.js'
import { FlowDocument, nodePosition } from './decide-document.js'
import { literalCalls, type LiteralCall } from './decide-pebble.js'
import { taskTree } from './decide-task-tree.js'
import type { NameReference } from '../../model/names.js'
import { flowLinks } from './decide-links.js'
import type { FlowReference, KnownResources } from '../../model/references.js'
import type { KnownTargets } from '../../model/snapshot.js'
import type { FlowCaller } from '../../model/plan.js'

/**
 * References a flow makes that can be checked without plugins: `read('…')` of a namespace file, and
 * every flow it names (`flowLinks`). Only literal values count.
 */
export function collectReferences(flows: FlowFile[]): FlowReference[] {
  return flows.flatMap((flow) => {
    const doc = flow.documents[0]
    return flow.notAFlow || !doc ? [] : scanFlow(new FlowDocument(flow, doc), ['read']).references
  })
}

/**
 * The flow's references and its `secret()` / `kv()` names (validate/names.ts), from one scan of its
 * expressions.
 */
export function referencesAndNamesOf(document: FlowDocument): {
  references: FlowReference[]
  names: NameReference[]
} {
  return scanFlow(document, ['read', ...NAME_FUNCTIONS])
}

function scanFlow(
  document: FlowDocument,
  functions: readonly string[]
): { references: FlowReference[]; names: NameReference[] } {
  const { flow } = document
  if (flow.id === undefined || flow.namespace === undefined) return { references: [], names: [] }
  if (!document.root || !document.aliases.safe) return { references: [], names: [] }
  const fromFlow = flowKey(flow.namespace, flow.id)
  const calls = literalCalls(document, functions)
  return {
    references: [
      ...fileReferences(
        document,
        calls.filter((c) => c.name === 'read'),
        flow.namespace,
        fromFlow
      ),
      ...flowReferences(document, fromFlow)
    ],
    names: nameReferences(calls, { file: flow.file, namespace: flow.namespace, fromFlow })
  }
}

/** How a finding names the way a flow uses another. */
export const CALLS: Record<FlowCaller['via'], string> = {
  subflow: 'Subflow calls',
  foreach: 'ForEachItem calls',
  'flow-trigger': 'Flow trigger waits for'
}

/** Findings for references that neither the repository nor (when checked) the server holds. */
export function referenceFindings(
  refs: FlowReference[],
  known: KnownResources,
  serverChecked: boolean,
  /** The folders under root the repository's files of a namespace are read from (none: no folder is). */
  fileFoldersOf: (namespace: string) => readonly string[] = () => []
): Finding[] {
  const findings: Finding[] = []
  for (const ref of refs) {
    const site = { file: ref.file, line: ref.line, column: ref.column, resource: ref.fromFlow }
    if (ref.kind === 'file') {
      if (known.hasFile(ref.namespace, ref.path)) continue
      findings.push({
        ...site,
        severity: serverChecked ? 'error' : 'warning',
        rule: 'missing-namespace-file',
        message:
          (serverChecked
            ? `read('${ref.path}'): namespace file ${ref.path} is neither in the repository nor on the server for namespace ${ref.namespace}. `
            : `read('${ref.path}'): namespace file ${ref.path} of namespace ${ref.namespace} is not in the repository; the server was not checked. `) +
          lookedIn(ref.namespace, fileFoldersOf(ref.namespace))
      })
    } else {
      if (known.hasFlow(ref.namespace, ref.id)) continue
      findings.push({
        ...site,
        severity: 'warning',
        rule: 'missing-flow',
        message: `${CALLS[ref.via]} flow ${ref.namespace}.${ref.id}, which is not in the repository${serverChecked ? ' nor on the server' : ' (the server was not checked)'}. Add it or fix namespace/flowId`
      })
    }
  }
  return findings
}

function fileReferences(
  document: FlowDocument,
  calls: readonly LiteralCall[],
  namespace: string,
  fromFlow: string
): FlowReference[] {
  return calls.flatMap(({ args, position }): FlowReference[] => {
    const path = args.named.get('path') ?? args.positional[0]
    const ns = args.named.has('namespace') ? args.named.get('namespace') : args.positional[1]
    if (path === undefined || path === null || ns === null) return []
    if (path.startsWith('kestra://')) return []
    return [
      {
        kind: 'file',
        namespace: ns ?? namespace,
        path: `/${path.replace(/^\/+/, '')}`,
        file: document.flow.file,
        ...position,
        fromFlow
      }
    ]
  })
}

function flowReferences(document: FlowDocument, fromFlow: string): FlowReference[] {
  const literal = (node: unknown): string | undefined => {
    const value = document.string(node)
    return value === undefined || /\{[{%]/.test(value) ? undefined : value
  }
  return flowLinks(document, taskTree(document)).flatMap((link): FlowReference[] => {
    const id = literal(link.flowId.value)
    const namespace = literal(link.namespace.value)
    if (id === undefined || namespace === undefined) return []
    return [
      {
        kind: 'flow',
        via: link.via,
        namespace,
        id,
        file: document.flow.file,
        ...nodePosition(document.flow, link.at),
        fromFlow
      }
    ]
  })
}

/** Where the repository's files of `namespace` were looked for, and how to add the file. */
function lookedIn(namespace: string, folders: readonly string[]): string {
  if (folders.length === 0) {
    return (
      `No folder holds the files of ${namespace}: keep them in files/${namespace}/ beside the flows, or add a ` +
      `namespace-files line 'DIR -> ${namespace}'; or fix the path`
    )
  }
  const named = folders.map((folder) => `'${folder}'`).join(', ')
  return `Looked in ${named} under root: add the file there or fix the path`
}

/** The targets gather/ found, as `referenceFindings` asks about them. */
export function knownResources({ files, flows }: KnownTargets): KnownResources {
  return {
    hasFile: (namespace, path) => files.has(`${namespace}\0${path}`),
    hasFlow: (namespace, id) => flows.has(`${namespace}\0${id}`)
  }
}

/** The Pebble functions that name a secret or a KV key (docs/caught-at-review.md#secrets-and-kv-keys). */
const NAME_FUNCTIONS = ['secret', 'kv'] as const

/**
 * Pebble's argument order: `secret(key, namespace, subkey, full)` and `kv(key, namespace, errorOnMissing)`
 * (docs/kestra.md#secrets, #kv-inheritance). A call whose name or namespace is computed cannot be
 * checked, and `kv(…, errorOnMissing=false)` reads a missing key as `null`: those are left out.
 */
function nameReferences(
  calls: readonly LiteralCall[],
  flow: { file: string; namespace: string; fromFlow: string }
): NameReference[] {
  return calls.flatMap((call): NameReference[] => {
    if (call.name !== 'secret' && call.name !== 'kv') return []
    const { positional, named } = call.args
    const name = named.has('key') ? named.get('key') : positional[0]
    const namespace = named.has('namespace') ? named.get('namespace') : positional[1]
    if (name === undefined || name === null || name === '' || namespace === null) return []
    if (call.name === 'kv' && allowsMissing(call)) return []
    return [
      {
        kind: call.name,
        name,
        ...(namespace !== undefined && { namespace }),
        flowNamespace: flow.namespace,
        file: flow.file,
        ...call.position,
        fromFlow: flow.fromFlow
      }
    ]
  })
}

/** `errorOnMissing` given and not the literal `true` (a computed one may be false: no finding then). */
function allowsMissing(call: LiteralCall): boolean {
  const raw = call.args.raw.get('errorOnMissing') ?? call.args.rawPositional[2]
  return raw !== undefined && raw.trim() !== 'true'
}
