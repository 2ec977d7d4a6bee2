import { fileKey, flowKey } from '../../model/targets.js'
import { ActionError } from '../../model/errors.js'
import { isKestraNamespace, NAMESPACE_MAX_LENGTH } from '../../model/namespaces.js'
import type { ActualNamespace, BaseResource, BaseSnapshot } from '../../model/plan-input.js'
import type { Target } from '../../model/target.js'
import { comparableFlowSource } from '../../model/flow-source.js'
import type { Placed } from '../../model/sent-names.js'
import type { FlowFile, NamespaceFileEntry, RepoModel } from '../../model/repository.js'
import { READ_ONLY_REFUSED, type Finding, type Severity } from '../../model/finding.js'
import type { FlowReference } from '../../model/references.js'
import type { NameReference } from '../../model/names.js'
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Node,
  type Scalar,
  type YAMLMap
} from 'yaml'
import { FLOW_TRIGGER_TYPES, FOREACH_ITEM_TYPES, SUBFLOW_TYPES } from './decide-task-tree.js'
import {
  applyEdits,
  insertIntoMap,
  pairOf,
  replaceScalar,
  scalarValue,
  type Edit
} from './decide-document.js'
import { READ_ONLY_LABEL, readOnlyLabel, type ReadOnlyNote } from './decide-read-only-label.js'
import { FLOW, serverFlowsOf } from './decide-server-state.js'
import { repoFlowsOf } from './decide-repository.js'
import type { FileChange } from '../../model/plan.js'

/** A flow as a base commit held it (`GatherKind.base`). */
export interface BaseFlow extends BaseResource {
  source: string
}

/**
 * The namespace files' kind: the sending renames their namespaces, in the repository and in the base, with the
 * flows' (`FLOW`).
 */
const FILE: FileChange['kind'] = 'file'

/** The repository's namespace files, which the sending renames with the flows. */
function filesOf(model: Pick<RepoModel, 'byKind'>): readonly NamespaceFileEntry[] {
  return (model.byKind.get(FILE) as readonly NamespaceFileEntry[] | undefined) ?? []
}

/** What the environment inputs ask of the sent text (docs/environments.md). */
type SendSettings = Pick<Target, 'namespacePrefix' | 'disableTriggers' | 'readOnly'>

/**
 * How the repository is sent: everything after the checks (server reads, plan, deploy, commit
 * marker) speaks the sent names; validation reads the repository as written.
 */
export class SentRewrite {
  constructor(private readonly settings: SendSettings) {}

  get identity(): boolean {
    const { namespacePrefix, disableTriggers, readOnly } = this.settings
    return !namespacePrefix && !disableTriggers && !readOnly
  }

  readonly namespace = (namespace: string): string =>
    this.settings.namespacePrefix ? `${this.settings.namespacePrefix}.${namespace}` : namespace

  /** What the walk placed, asked for by the namespaces it is sent to (as the repository names it). */
  placed(placed: Placed): Placed {
    if (!this.settings.namespacePrefix) return placed
    const prefix = `${this.settings.namespacePrefix}.`
    return {
      of: async (kind, namespace) =>
        namespace.startsWith(prefix) ? placed.of(kind, namespace.slice(prefix.length)) : []
    }
  }

  /**
   * The model as sent, with a warning per Pebble expression naming an original namespace. A namespace
   * the prefix makes too long for Kestra (150 characters) stops the run here, before any write.
   */
  model(model: RepoModel): { model: RepoModel; findings: Finding[] } {
    if (this.identity) return { model, findings: [] }
    this.refuseUnsendable(model)
    const options = this.options(model.managedNamespaces)
    const findings: Finding[] = []
    const flows = repoFlowsOf(model).map((flow) => {
      if (flow.notAFlow || flow.namespace === undefined) return flow
      const sent = sentFlow(flow.source, options)
      const resource = flow.id === undefined ? undefined : flowKey(flow.namespace, flow.id)
      const note = sent.readOnly
      const add = (severity: Severity, line: number, rule: string, message: string) =>
        findings.push({ severity, file: flow.file, line, rule, message, resource })
      if (note?.refused) {
        add(
          'error',
          note.line,
          READ_ONLY_REFUSED,
          `read-only is true, but this flow cannot be sent read-only: ${note.refused}. Nothing is written while it stands.`
        )
      } else if (note?.overridden) {
        add(
          'warning',
          note.line,
          'read-only-label-overridden',
          `This flow sets ${READ_ONLY_LABEL} to something other than "true", but read-only is true: the flow is sent with ${READ_ONLY_LABEL}: "true" (read-only wins). Remove the label, or turn read-only off for this deploy.`
        )
      }
      for (const mention of sent.pebble) {
        add(
          'warning',
          mention.line,
          'pebble-mapped-namespace',
          `This Pebble expression names namespace ${mention.namespace}, which this run sends as ${mention.mapped}; Pebble is sent as written, so it still reads ${mention.namespace}. Use {{ flow.namespace }} to follow the flow wherever it is deployed.`
        )
      }
      // Copied with its accessors: a released syntax tree stays so (releaseSyntaxTree).
      const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(flow)) as FlowFile
      return Object.assign(copy, { namespace: this.namespace(flow.namespace), source: sent.source })
    })
    const files = filesOf(model).map((entry) => ({
      ...entry,
      namespace: this.namespace(entry.namespace)
    }))
    const byKind = new Map(model.byKind).set(FLOW, flows).set(FILE, files)
    return {
      model: { ...model, byKind, managedNamespaces: model.managedNamespaces.map(this.namespace) },
      findings
    }
  }

  private refuseUnsendable(model: RepoModel): void {
    const prefix = this.settings.namespacePrefix
    if (!prefix) return
    const held = new Set([
      ...model.managedNamespaces,
      ...repoFlowsOf(model).flatMap((flow) =>
        flow.namespace === undefined ? [] : [flow.namespace]
      ),
      ...filesOf(model).map((entry) => entry.namespace)
    ])
    const refused = [...held]
      .filter(
        (namespace) => isKestraNamespace(namespace) && !isKestraNamespace(this.namespace(namespace))
      )
      .sort()
    if (refused.length === 0) return
    const room = NAMESPACE_MAX_LENGTH - prefix.length - 1
    const named = refused
      .slice(0, 5)
      .map((namespace) => {
        const file = repoFlowsOf(model).find((flow) => flow.namespace === namespace)?.file
        return `${namespace} (${namespace.length} characters${file ? `, ${file}` : ''}) would be sent as ${this.namespace(namespace)} (${this.namespace(namespace).length} characters)`
      })
      .join('; ')
    const more = refused.length > 5 ? `; and ${refused.length - 5} more` : ''
    throw new ActionError(
      `Namespace prefix '${prefix}': ${named}${more}. Kestra allows at most ${NAMESPACE_MAX_LENGTH} characters in a namespace, so nothing was written. Shorten these namespaces in the repository to at most ${room} characters, or use a shorter prefix (docs/environments.md#namespace-mapping).`
    )
  }

  references(refs: FlowReference[], managed: readonly string[]): FlowReference[] {
    const { namespacePrefix, disableTriggers } = this.settings
    // A trigger sent disabled starts nothing: Kestra 2.0's loop check passes it by (decide-loops.ts).
    const sent = disableTriggers ? refs.map(withoutTriggerLoop) : refs
    if (!namespacePrefix) return sent
    const held = new Set(managed)
    const map = (namespace: string) => (held.has(namespace) ? this.namespace(namespace) : namespace)
    return sent.map((ref) => ({
      ...ref,
      namespace: map(ref.namespace),
      fromFlow: sentFlowKey(ref.fromFlow, map)
    }))
  }

  /** A literal `namespace` argument is Pebble text, sent as written (docs/environments.md). */
  names(refs: NameReference[]): NameReference[] {
    if (!this.settings.namespacePrefix) return refs
    return refs.map((ref) => ({
      ...ref,
      flowNamespace: this.namespace(ref.flowNamespace),
      fromFlow: sentFlowKey(ref.fromFlow, this.namespace)
    }))
  }

  /**
   * The base commit as sent, for drift. What the action adds (read-only label, disabled triggers) is no
   * edit outside Git: when the server holds the base flow as sent with the other setting of those
   * inputs, that copy is the base, so toggling an input shows an update, never drift.
   */
  base(
    snapshot: BaseSnapshot,
    managed: readonly string[],
    server?: ReadonlyMap<string, ActualNamespace>
  ): BaseSnapshot {
    const onServer = new Map<string, string>()
    for (const [namespace, held] of server ?? []) {
      for (const flow of serverFlowsOf(held)) onServer.set(flowKey(namespace, flow.id), flow.source)
    }
    if (this.identity && onServer.size === 0) return snapshot
    const byKind = new Map(snapshot.byKind)
    const flows = new Map<string, BaseFlow>()
    for (const [key, flow] of (snapshot.byKind.get(FLOW) ?? new Map()) as Map<string, BaseFlow>) {
      const sentKey = sentFlowKey(key, this.namespace)
      const sent = this.identity ? flow.source : sentFlow(flow.source, this.options(managed)).source
      const held = onServer.get(sentKey)
      const source =
        held === undefined || held === sent || same(held, sent)
          ? sent
          : (this.variants(flow.source, managed).find((variant) => same(held, variant)) ?? sent)
      flows.set(sentKey, { ...flow, namespace: this.namespace(flow.namespace), source })
    }
    byKind.set(FLOW, flows)
    if (!this.settings.namespacePrefix) return { ...snapshot, byKind }
    const files = new Map<string, BaseResource & { path: string }>()
    const held = (snapshot.byKind.get(FILE) ?? new Map()) as Map<
      string,
      BaseResource & { path: string }
    >
    for (const file of held.values()) {
      const namespace = this.namespace(file.namespace)
      files.set(fileKey(namespace, file.path), { ...file, namespace })
    }
    byKind.set(FILE, files)
    return { ...snapshot, byKind }
  }

  private variants(source: string, managed: readonly string[]): string[] {
    const options = this.options(managed)
    return [false, true].flatMap((readOnly) =>
      [false, true].map(
        (disableTriggers) => sentFlow(source, { ...options, readOnly, disableTriggers }).source
      )
    )
  }

  private options(managed: readonly string[]): SendOptions {
    const held = new Set(managed)
    const prefixed = this.settings.namespacePrefix !== ''
    return {
      mapNamespace: (namespace) =>
        prefixed && held.has(namespace) ? this.namespace(namespace) : undefined,
      disableTriggers: this.settings.disableTriggers,
      readOnly: this.settings.readOnly
    }
  }
}

function same(a: string, b: string): boolean {
  return comparableFlowSource(a) === comparableFlowSource(b)
}

function sentFlowKey(key: string, map: (namespace: string) => string): string {
  const [namespace, id] = key.slice('flow:'.length).split('/') as [string, string]
  return flowKey(map(namespace), id)
}

/** docs/environments.md */
export interface SendOptions extends Omit<SendSettings, 'namespacePrefix'> {
  /** Undefined for a namespace the repository does not hold. */
  mapNamespace(namespace: string): string | undefined
}

type PebbleMention = { line: number; namespace: string; mapped: string }

/**
 * Each edit touches one node and keeps every other character, so comments, quoting and layout stay
 * the user's. A source that does not parse is sent unchanged (validation reported it).
 */
export function sentFlow(
  source: string,
  options: SendOptions
): { source: string; pebble: PebbleMention[]; readOnly?: ReadOnlyNote } {
  const lineCounter = new LineCounter()
  const doc = parseDocument(source, { lineCounter, keepSourceTokens: false, uniqueKeys: false })
  const root = doc.contents
  if (doc.errors.length > 0 || !isMap(root)) return { source, pebble: [] }
  const edits: Edit[] = []
  const mapScalar = (node: unknown) => {
    const value = scalarValue(node)
    const mapped = value === undefined ? undefined : options.mapNamespace(value)
    const edit = mapped === undefined ? undefined : replaceScalar(node as Scalar, mapped)
    if (edit) edits.push(edit)
  }
  mapScalar(pairOf(root, 'namespace')?.value)
  visit(doc, {
    Map(_key, map) {
      const type = scalarValue(pairOf(map, 'type')?.value)
      if (type && (SUBFLOW_TYPES.has(type) || FOREACH_ITEM_TYPES.has(type))) {
        mapScalar(pairOf(map, 'namespace')?.value)
      }
      if (type && FLOW_TRIGGER_TYPES.has(type)) {
        // Every shape flowLinks reads (decide-task-tree.ts), nested conditions included.
        for (const key of ['conditions', 'preconditions', 'dependsOn']) {
          visit(pairOf(map, key)?.value as Node, {
            Map(_k, inner) {
              mapScalar(pairOf(inner, 'namespace')?.value)
            }
          })
        }
      }
    }
  })
  if (options.disableTriggers) edits.push(...disabledTriggers(source, root))
  const labelled = options.readOnly ? readOnlyLabel(source, doc, lineCounter) : undefined
  edits.push(...(labelled?.edits ?? []))
  return {
    source: applyEdits(source, edits),
    pebble: pebbleMentions(source, doc, lineCounter, options),
    ...(labelled && { readOnly: labelled.note })
  }
}

function disabledTriggers(source: string, root: YAMLMap): Edit[] {
  const triggers = pairOf(root, 'triggers')?.value
  if (!isSeq(triggers)) return []
  return triggers.items.flatMap((trigger) => {
    if (!isMap(trigger)) return []
    const disabled = pairOf(trigger, 'disabled')
    const edit = !disabled
      ? insertIntoMap(source, trigger, { lines: ['disabled: true'], flowText: 'disabled: true' })
      : isScalar(disabled.value) && disabled.value.value !== true
        ? replaceScalar(disabled.value, 'true')
        : undefined
    return edit ? [edit] : []
  })
}

function pebbleMentions(
  source: string,
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  options: SendOptions
): PebbleMention[] {
  const mentions: PebbleMention[] = []
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !/\{\{|\{%/.test(node.value) || !node.range) return
      const start = node.range[0]
      const text = source.slice(start, node.range[1])
      for (const expression of text.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
        for (const match of expression[0].matchAll(/[A-Za-z0-9_][A-Za-z0-9_.-]*/g)) {
          const token = match[0].replace(/[.-]+$/, '')
          const mapped = options.mapNamespace(token)
          if (mapped === undefined) continue
          const line = lineCounter.linePos(start + expression.index + match.index).line
          if (!mentions.some((m) => m.line === line && m.namespace === token)) {
            mentions.push({ line, namespace: token, mapped })
          }
        }
      }
    }
  })
  return mentions
}

function withoutTriggerLoop(ref: FlowReference): FlowReference {
  if (ref.kind !== 'flow' || ref.via !== 'flow-trigger' || !ref.unconditional) return ref
  const { unconditional: _, ...rest } = ref
  return rest
}
