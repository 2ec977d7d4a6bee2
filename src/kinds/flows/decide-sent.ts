import { fileKey, flowKey } from '../../model/targets.js'
import { ActionError } from '../../model/errors.js'
import { isKestraNamespace, NAMESPACE_MAX_LENGTH } from '../../model/namespaces.js'
import type { ActualNamespace, BaseSnapshot } from '../../model/plan-input.js'
import { comparableFlowSource } from '../../model/flow-source.js'
import type { LocalFiles } from '../../model/sent-names.js'
import type { FlowFile, RepoModel } from '../../model/repository.js'
import { READ_ONLY_REFUSED, type Finding } from '../../model/finding.js'
import type { FlowReference } from '../../model/references.js'
import type { NameReference } from '../../model/names.js'
import { READ_ONLY_LABEL, sentFlow, type SendOptions } from './decide-rewrite.js'

/** What the environment inputs ask of the sent text (docs/environments.md). */
interface SendSettings {
  /** '' for none. */
  namespacePrefix: string
  disableTriggers: boolean
  readOnly: boolean
}

/**
 * How the repository is sent: its namespaces under the prefix, its flows rewritten. Everything after
 * the checks (server reads, plan, deploy, commit marker) works on what this returns, so identity,
 * conflicts, drift and deletions all speak the mapped names. Validation reads the repository as written.
 */
export class SentRewrite {
  constructor(private readonly settings: SendSettings) {}

  /** Nothing differs from the repository's text: the model is used as it is. */
  get identity(): boolean {
    const { namespacePrefix, disableTriggers, readOnly } = this.settings
    return !namespacePrefix && !disableTriggers && !readOnly
  }

  /** The namespace a repository namespace is sent as. */
  namespace(namespace: string): string {
    return this.settings.namespacePrefix
      ? `${this.settings.namespacePrefix}.${namespace}`
      : namespace
  }

  /** The repository's namespace files, asked for by the namespaces they are sent to. */
  localFiles(files: LocalFiles): LocalFiles {
    if (!this.settings.namespacePrefix) return files
    const prefix = `${this.settings.namespacePrefix}.`
    return {
      of: async (namespace) =>
        namespace.startsWith(prefix)
          ? (await files.of(namespace.slice(prefix.length))).map((entry) => ({
              ...entry,
              namespace
            }))
          : []
    }
  }

  /**
   * The model as sent, and a warning for each Pebble expression that still names an original namespace. A
   * namespace that the prefix makes one Kestra refuses (longer than 150 characters) stops the run here,
   * before the plan and any write.
   */
  model(model: RepoModel): { model: RepoModel; findings: Finding[] } {
    if (this.identity) return { model, findings: [] }
    this.refuseUnsendable(model)
    const options = this.options(model.managedNamespaces)
    const findings: Finding[] = []
    const flows = model.flows.map((flow) => {
      if (flow.notAFlow || flow.namespace === undefined) return flow
      const sent = sentFlow(flow.source, options)
      const resource = flow.id === undefined ? undefined : flowKey(flow.namespace, flow.id)
      const note = sent.readOnly
      if (note?.refused) {
        findings.push({
          severity: 'error',
          file: flow.file,
          line: note.line,
          rule: READ_ONLY_REFUSED,
          message: `read-only is true, but this flow cannot be sent read-only: ${note.refused}. Nothing is written while it stands.`,
          resource
        })
      } else if (note?.overridden) {
        findings.push({
          severity: 'warning',
          file: flow.file,
          line: note.line,
          rule: 'read-only-label-overridden',
          message: `This flow sets ${READ_ONLY_LABEL} to something other than "true", but read-only is true: the flow is sent with ${READ_ONLY_LABEL}: "true" (read-only wins). Remove the label, or turn read-only off for this deploy.`,
          resource
        })
      }
      for (const mention of sent.pebble) {
        findings.push({
          severity: 'warning',
          file: flow.file,
          line: mention.line,
          rule: 'pebble-mapped-namespace',
          message: `This Pebble expression names namespace ${mention.namespace}, which this run sends as ${mention.mapped}; Pebble is sent as written, so it still reads ${mention.namespace}. Use {{ flow.namespace }} to follow the flow wherever it is deployed.`,
          resource
        })
      }
      // Copied with its accessors: a syntax tree let go of stays so (releaseSyntaxTree).
      const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(flow)) as FlowFile
      return Object.assign(copy, { namespace: this.namespace(flow.namespace), source: sent.source })
    })
    return {
      model: {
        ...model,
        flows,
        files: model.files.map((entry) => ({
          ...entry,
          namespace: this.namespace(entry.namespace)
        })),
        managedNamespaces: model.managedNamespaces.map((namespace) => this.namespace(namespace))
      },
      findings
    }
  }

  private refuseUnsendable(model: RepoModel): void {
    const prefix = this.settings.namespacePrefix
    if (!prefix) return
    const held = new Set([
      ...model.managedNamespaces,
      ...model.flows.flatMap((flow) => (flow.namespace === undefined ? [] : [flow.namespace])),
      ...model.files.map((entry) => entry.namespace)
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
        const file = model.flows.find((flow) => flow.namespace === namespace)?.file
        return `${namespace} (${namespace.length} characters${file ? `, ${file}` : ''}) would be sent as ${this.namespace(namespace)} (${this.namespace(namespace).length} characters)`
      })
      .join('; ')
    const more = refused.length > 5 ? `; and ${refused.length - 5} more` : ''
    throw new ActionError(
      `Namespace prefix '${prefix}': ${named}${more}. Kestra allows at most ${NAMESPACE_MAX_LENGTH} characters in a namespace, so nothing was written. Shorten these namespaces in the repository to at most ${room} characters, or use a shorter prefix (docs/environments.md#namespace-mapping).`
    )
  }

  /** The references as the sent flows make them: calls into the repository's namespaces follow the prefix. */
  references(refs: FlowReference[], managed: readonly string[]): FlowReference[] {
    if (!this.settings.namespacePrefix) return refs
    const held = new Set(managed)
    const map = (namespace: string) => (held.has(namespace) ? this.namespace(namespace) : namespace)
    return refs.map((ref) => ({
      ...ref,
      namespace: map(ref.namespace),
      fromFlow: sentFlowKey(ref.fromFlow, map)
    }))
  }

  /**
   * The `secret()` and `kv()` names as the sent flows ask for them: each flow looks in the namespace it is
   * sent to. A literal `namespace` argument is Pebble text, sent as written (docs/environments.md).
   */
  names(refs: NameReference[]): NameReference[] {
    if (!this.settings.namespacePrefix) return refs
    return refs.map((ref) => ({
      ...ref,
      flowNamespace: this.namespace(ref.flowNamespace),
      fromFlow: sentFlowKey(ref.fromFlow, (namespace) => this.namespace(namespace))
    }))
  }

  /**
   * The base commit as it would have been sent, for drift. What the action itself adds (the read-only
   * label, disabled triggers) is no edit made outside Git: when the server holds the base flow as it was
   * sent with the other setting of those inputs, that copy is the base, so turning an input on or off shows
   * an update, never drift.
   */
  base(
    snapshot: BaseSnapshot,
    managed: readonly string[],
    server?: ReadonlyMap<string, ActualNamespace>
  ): BaseSnapshot {
    const onServer = new Map<string, string>()
    for (const [namespace, held] of server ?? []) {
      for (const flow of held.flows) onServer.set(flowKey(namespace, flow.id), flow.source)
    }
    if (this.identity && onServer.size === 0) return snapshot
    const flows = new Map<string, { source: string; file: string }>()
    for (const [key, flow] of snapshot.flows) {
      const [namespace, id] = key.slice('flow:'.length).split('/') as [string, string]
      const sentKey = flowKey(this.namespace(namespace), id)
      const sent = this.identity ? flow.source : sentFlow(flow.source, this.options(managed)).source
      const held = onServer.get(sentKey)
      const source =
        held === undefined || held === sent || same(held, sent)
          ? sent
          : (this.variants(flow.source, managed).find((variant) => same(held, variant)) ?? sent)
      flows.set(sentKey, { source, file: flow.file })
    }
    if (!this.settings.namespacePrefix) return { flows, files: snapshot.files }
    const files = new Map<string, { sha256: string; file: string }>()
    for (const [key, file] of snapshot.files) {
      const rest = key.slice('file:'.length)
      const colon = rest.indexOf(':')
      files.set(fileKey(this.namespace(rest.slice(0, colon)), rest.slice(colon + 1)), file)
    }
    return { flows, files }
  }

  /** The flow as sent under every setting of the inputs that only add to it. */
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

/** A flow's key with its namespace sent as `map` says. */
function sentFlowKey(key: string, map: (namespace: string) => string): string {
  const [namespace, id] = key.slice('flow:'.length).split('/') as [string, string]
  return flowKey(map(namespace), id)
}
