import { isAlias, isCollection, isPair, isScalar, isSeq, visit } from 'yaml'
import type { Document, Node } from 'yaml'
import { locateKestraPath } from '../../engine/validate/kestra-path.js'
import { COMMIT_MARKER_KEY } from '../../model/commit-marker.js'
import { DeployError } from '../../model/errors.js'
import {
  compareFindings,
  SEVERITY_ORDER,
  type Finding,
  type Severity
} from '../../model/finding.js'
import { parseFlowFile } from '../../model/flow-file.js'
import type { ServerConstraint, ServerValidation } from '../../model/kestra.js'
import { namespaceFits } from '../../model/managed-namespaces.js'
import { entryOf } from '../../model/content.js'
import {
  deployableFlow,
  type FlowFile,
  type Position,
  type RepoModel
} from '../../model/repository.js'
import type { Layout } from '../../model/settings.js'
import type { ServerAnswer } from '../../model/snapshot.js'
import { sameStoredCheck, storedCheckOf, type StoredFlowCheck } from '../../model/stored-checks.js'
import { flowKey } from '../../model/targets.js'
import { resolveVersioned, type KestraVersion, type VersionedFinding } from '../../model/version.js'
import { fitToSend } from '../../model/yaml-aliases.js'
import { escape, FlowDocument, nodePosition, offsetPosition, repeats } from './decide-document.js'
import {
  dayOfMonthLFindings,
  dependencyProblems,
  everyInput,
  inputFindings,
  scheduleFindings
} from './decide-inputs.js'
import { dashedReferenceFindings, referencesAndNamesOf } from './decide-references.js'
import {
  flowSchemaFindings,
  releaseKey,
  schemaTarget,
  type SchemaRelease,
  type Verdict
} from './decide-schema.js'
import {
  CORE_FLOWABLE,
  coreFlowType,
  FLOW_TRIGGER_TYPES,
  flowLinks,
  FOREACH_ITEM_TYPES,
  SUBFLOW_TYPES,
  taskIdNode,
  taskTree,
  uncheckedAt,
  type TaskNode,
  type TaskTree
} from './decide-task-tree.js'

interface ValidateOptions {
  layout?: Layout
  /** The target server's version when detected: rules Kestra added in a release follow it. */
  serverVersion?: KestraVersion
  /** The releases whose schema judges the flow, when known as it is checked (`schemaTarget`). */
  schema?: readonly SchemaRelease[]
}

/** What the flows' checks take of the run's walk (docs/kinds.md). */
export interface FlowsHeld extends ValidateOptions {
  model: RepoModel
  /** `checkFlow`'s results from the walk (same layout), so syntax trees are walked once. */
  checks?: ReadonlyMap<FlowFile, FlowCheck>
  serverAnswers?: readonly ServerAnswer[]
  /** The run's namespace prefix: where the flows are sent. */
  namespacePrefix?: string
}

/**
 * What a deploy stores of it (`versioned` resolved against the server's version later). `wellFormed`: one
 * YAML document that parses, with aliases that expand safely, fit to send to the server; `schema` set when
 * the releases were known as it was checked (`schemaVerdict`); `upgrade` (docs/upgrade.md) when the run
 * asks as it checks.
 */
export type FlowCheck = Omit<StoredFlowCheck, 'id' | 'namespace' | 'notAFlow' | 'otherKind'>
type FlowIdentity = NonNullable<FlowCheck['identity']>

/**
 * A deploy that reused stored checks confirms them right before its first write
 * (docs/performance.md#a-deploy-confirms-before-it-writes). KV can be written by others: a stored entry
 * that differs from the checks computed now stops the deploy with nothing written.
 */
export async function confirmReusedChecks(
  reused: ReadonlyMap<FlowFile, StoredFlowCheck>,
  recheck: (flow: FlowFile, stored: StoredFlowCheck) => Promise<FlowCheck>
): Promise<void> {
  const differing: string[] = []
  for (const [flow, stored] of reused) {
    const parsed = parseFlowFile(flow)
    if (!sameStoredCheck(storedCheckOf(parsed, await recheck(parsed, stored)), stored))
      differing.push(flow.file)
  }
  if (differing.length === 0) return
  const shown = differing.sort().slice(0, 10)
  const more = differing.length > shown.length ? ` and ${differing.length - shown.length} more` : ''
  throw new DeployError(
    `Nothing was deployed: the checks stored with the commit marker (KV ${COMMIT_MARKER_KEY}) are not what this build computes for ${differing.length} flow file(s): ${shown.join(', ')}${more}. The marker was changed outside this action. Deploy again with full-plan: true, which checks every file and stores its own checks.`
  )
}

/** One flow file's own checks and references, from one reading of its document. */
export function checkFlow(flow: FlowFile, options: ValidateOptions = {}): FlowCheck {
  const check = ownChecks(flow, options)
  const target = options.schema ?? []
  if (!check.wellFormed || target.length === 0) return check
  const releases = target.map(releaseKey)
  return { ...check, schema: { releases, findings: schemaFindings(flow, target) } }
}

/**
 * Those the check holds when made for the same releases (at hand or stored by a deploy), else found
 * now.
 */
export function schemaVerdict(
  flow: FlowFile,
  check: Pick<FlowCheck, 'schema'>,
  target: readonly SchemaRelease[]
): Finding[] {
  const releases = target.map(releaseKey)
  if (check.schema?.releases.join('\n') === releases.join('\n')) return check.schema.findings
  return schemaFindings(flow, target)
}

/**
 * An error where every target release's schema refuses it; a warning naming the refusing releases where only
 * some do, and saying what decides where a release's verdict depends on the server
 * (docs/validation-rules.md#the-schema-of-each-release).
 */
function schemaFindings(flow: FlowFile, target: readonly SchemaRelease[]): Finding[] {
  const doc = flow.documents[0]
  if (!doc || doc.errors.some((error) => error.code !== 'DUPLICATE_KEY')) return []
  const resource = resourceOf(flow)
  return flowSchemaFindings(flow.file, doc, flow.lineCounter, target).map(
    ({ finding, verdicts }) => ({
      ...finding,
      ...resource,
      ...combinedVerdict(finding.message, verdicts, target)
    })
  )
}

/** What the verdict of these releases depends on, when the schema cannot tell. */
const UNSURE: Readonly<
  Record<Exclude<Verdict, 'refuses'>, (releases: SchemaRelease[], lines: string) => string>
> = {
  'server-default': (_, lines) =>
    `on Kestra ${lines} a plugin default of the server (instance or namespace) may set it, which only the server's validation knows`,
  'switch-case': (releases, lines) =>
    `Kestra ${lines} ${releases.length > 1 ? 'do' : 'does'} not check a task under a Switch's \`cases\` when ${releases.length > 1 ? 'they load' : 'it loads'} the flow: the task fails when it runs`,
  'dag-task': (_, lines) =>
    `Kestra ${lines} does not check a Dag's tasks when it loads the flow: the task fails when it runs`,
  'newer-server': (releases) =>
    releases
      .map(
        ({ version, newer }) =>
          `Kestra ${newer ?? ''} is newer than the ${version} schema this build carries: the server's validation decides`
      )
      .join('; ')
}

function combinedVerdict(
  message: string,
  verdicts: ReadonlyMap<string, Verdict>,
  target: readonly SchemaRelease[]
): Pick<Finding, 'severity' | 'message'> {
  const refusing = target.filter((release) => verdicts.get(release.line) === 'refuses')
  if (refusing.length === target.length) return { severity: 'error', message }
  const lines = (releases: SchemaRelease[]) => releases.map((release) => release.line).join(', ')
  const accepting = target.filter((release) => !verdicts.has(release.line))
  const unsure = new Map<Exclude<Verdict, 'refuses'>, SchemaRelease[]>()
  for (const release of target) {
    const verdict = verdicts.get(release.line)
    if (verdict !== undefined && verdict !== 'refuses') {
      unsure.set(verdict, [...(unsure.get(verdict) ?? []), release])
    }
  }
  const said = [
    ...(refusing.length > 0 ? [`Kestra ${lines(refusing)} refuses it`] : []),
    ...[...unsure].map(([verdict, releases]) => UNSURE[verdict](releases, lines(releases))),
    ...(accepting.length > 0 ? [`${lines(accepting)} accepts it`] : [])
  ].join('; ')
  const choose =
    refusing.length > 0 && accepting.length > 0 ? ': set kestra-version to the release you run' : ''
  const text = `${said.charAt(0).toUpperCase()}${said.slice(1)}${choose}`
  return { severity: 'warning', message: `${message} (${text}.)` }
}

function ownChecks(flow: FlowFile, options: ValidateOptions): FlowCheck {
  const findings = [...syntaxFindings(flow), ...multipleDocumentFindings(flow)]
  const versioned: VersionedFinding[] = []
  const first = flow.documents[0]
  if (flow.notAFlow) {
    findings.push({
      severity: 'warning',
      file: flow.file,
      line: 1,
      column: 1,
      rule: 'not-a-flow',
      message:
        'Not a flow (no id and no tasks): skipped, not deployed. Move it out of the flows folder or add id, namespace and tasks'
    })
  }
  if (flow.notAFlow || !first) return { findings, versioned, wellFormed: false, references: [] }
  const document = new FlowDocument(flow, first)
  const tree = taskTree(document)
  const { references, names } = referencesAndNamesOf(document, tree)
  // A document that does not parse has no reliable structure: its syntax errors are the findings.
  if (first.errors.some((error) => error.code !== 'DUPLICATE_KEY')) {
    return { findings, versioned, wellFormed: false, references, names }
  }
  const wellFormed = fitToSend(flow, document.aliases)
  findings.push(
    ...document.aliases.problems.map((problem) =>
      document.finding('error', problem.node, 'yaml-alias', `YAML alias: ${problem.message}`)
    )
  )
  if (!document.root || !document.aliases.safe) {
    return { findings, versioned, wellFormed, references, names }
  }
  const inputs = inputFindings(document, tree)
  const constraints = constraintFindings(document, tree)
  const checked = byRelease([
    ...identityFindings(document),
    ...namespaceFolderFindings(document, options.layout),
    ...taskFindings(document, tree),
    ...constraints.fixed,
    ...listenerFindings(document),
    ...inputs.findings,
    ...labelFindings(document),
    ...executionLabelFindings(document, tree),
    ...dashedReferenceFindings(document, tree),
    ...scheduleFindings(document, tree),
    ...pluginDefaultsRefFindings(document, tree)
  ])
  findings.push(...checked.fixed)
  versioned.push(
    ...versionedIdentityFindings(document),
    ...inputs.versioned,
    ...pluginDefaultFindings(document),
    ...removedInKestra2Findings(document, tree),
    ...templateFindings(document, tree),
    ...dayOfMonthLFindings(document, tree),
    ...constraints.versioned,
    ...checked.versioned
  )
  return { findings, versioned, identity: flowIdentity(document), wellFormed, references, names }
}

/**
 * YAML problems of every document, and unquoted Pebble expressions: these explain the syntax errors
 * they cause on their line (`message: {{ a }} b`), which are then left out.
 */
function syntaxFindings(flow: FlowFile): Finding[] {
  return flow.documents.flatMap((doc) => {
    const pebble = unquotedPebbleFindings(flow, doc)
    const explained = new Set(pebble.map((finding) => finding.line))
    return [
      ...pebble,
      ...yamlFindings(flow, doc).filter(
        (finding) => finding.rule !== 'yaml-syntax' || !explained.has(finding.line)
      )
    ]
  })
}

export function readProblemFindings(model: RepoModel): Finding[] {
  return model.readProblems.map((problem) => ({
    severity: problem.severity,
    file: problem.file,
    line: problem.line ?? 1,
    rule: problem.rule ?? 'read',
    message: problem.message
  }))
}

/**
 * docs/resources.md#system-namespace: `system` is managed only when listed in `namespaces`; its
 * resources are left alone otherwise.
 */
export function unmanagedFindings(model: RepoModel): Finding[] {
  const managed = new Set(model.managedNamespaces)
  return [
    ...model.flows.filter((flow) => deployableFlow(flow) && namespaceFits(flow)),
    ...model.files
  ]
    .filter((resource) => !managed.has(resource.namespace!))
    .map((resource) => ({
      severity: 'warning',
      file: resource.file,
      line: 1,
      rule: 'unmanaged-namespace',
      message: `Namespace '${resource.namespace}' is not managed: list it in the namespaces input to deploy this resource (it is skipped).`
    }))
}

/**
 * Rules whose check Kestra added in a release, with no other change to what it accepts: an error on a
 * server at or after it and when no server is known, a warning on an older one (the releases and their
 * sources are in docs/validation-rules.md). `duplicate-trigger-id`: FlowValidator 0.12;
 * `schedule-timezone`: `TimezoneIdValidator` 0.14; `system-label`: 0.20; `dashed-reference`: 0.23;
 * `duplicate-preconditions`: 1.1 (the first releases whose core jar holds the check).
 */
const ERROR_SINCE: Readonly<Record<string, KestraVersion>> = {
  'duplicate-trigger-id': [0, 12, 0],
  'schedule-timezone': [0, 14, 0],
  'system-label': [0, 20, 0],
  'dashed-reference': [0, 23, 0],
  'duplicate-preconditions': [1, 1, 0]
}

function byRelease(findings: Finding[]): { fixed: Finding[]; versioned: VersionedFinding[] } {
  const since = ({ severity, rule }: Finding) =>
    severity === 'error' ? ERROR_SINCE[rule] : undefined
  return {
    fixed: findings.filter((finding) => !since(finding)),
    versioned: findings.flatMap((finding) => {
      const { severity: _, ...rest } = finding
      const from = since(finding)
      return from ? [{ finding: rest, since: from, whenUnknown: 'error' as const }] : []
    })
  }
}

const LABEL_KEY_PATTERN = /^\p{Ll}[\p{L}0-9._-]*$/u
const SYSTEM_PREFIX = 'system.'
const READ_ONLY = 'system.readOnly'

const EXECUTION_LABELS_TYPES = new Set([
  'io.kestra.plugin.core.condition.ExecutionLabels',
  'io.kestra.plugin.core.condition.ExecutionLabelsCondition',
  'io.kestra.core.models.conditions.types.ExecutionLabelsCondition'
])

function labelFindings(document: FlowDocument): Finding[] {
  return labelPairs(document, document.root).flatMap(({ key, node }) => {
    if (key.startsWith(SYSTEM_PREFIX)) {
      if (key === READ_ONLY) return []
      return document.finding(
        'error',
        node,
        'system-label',
        `Label '${key}': system labels can only be set by Kestra itself (only ${READ_ONLY} is allowed). Rename the label`
      )
    }
    if (LABEL_KEY_PATTERN.test(key)) return []
    return document.finding(
      'warning',
      node,
      'label-key',
      `Label key '${key}' does not start with a lower-case letter followed by letters, digits, '.', '_' or '-': Kestra 1.2+ rejects it. Rename the label`
    )
  })
}

/**
 * Labels of triggers, their `ExecutionLabels` conditions, SLAs, and `Subflow`/`ForEachItem` tasks:
 * Kestra's `NoSystemLabelValidator` refuses every `system.` key there, `system.readOnly` included
 * (docs/validation-rules.md).
 */
function executionLabelFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const places: { owner: Node; where: string }[] = []
  for (const trigger of tree.triggers) {
    const name = `trigger '${trigger.id ?? trigger.path}'`
    places.push({ owner: trigger.map, where: `on ${name}` })
    for (const condition of document.items(document.get(trigger.map, 'conditions')?.value)) {
      const type = document.string(document.get(condition, 'type')?.value) ?? ''
      if (EXECUTION_LABELS_TYPES.has(type)) {
        places.push({ owner: condition, where: `in an ExecutionLabels condition of ${name}` })
      }
    }
  }
  document.items(document.get(document.root, 'sla')?.value).forEach((sla, index) => {
    const id = document.string(document.get(sla, 'id')?.value)
    places.push({ owner: sla, where: `on SLA '${id ?? `sla[${index}]`}'` })
  })
  for (const task of tree.tasks) {
    const type = task.type ?? ''
    const kind = SUBFLOW_TYPES.has(type) ? 'Subflow' : FOREACH_ITEM_TYPES.has(type) && 'ForEachItem'
    if (kind) places.push({ owner: task.map, where: `on ${kind} task '${task.id ?? task.path}'` })
  }
  return places.flatMap(({ owner, where }) =>
    labelPairs(document, owner)
      .filter(({ key }) => key.startsWith(SYSTEM_PREFIX))
      .map(({ key, node }) =>
        document.finding(
          'error',
          node,
          'system-label',
          `Label '${key}' ${where}: Kestra refuses every label starting with '${SYSTEM_PREFIX}' here, ${READ_ONLY} included (only the flow's own labels may carry it). Rename the label`
        )
      )
  )
}

/** As a map or a list of `{key, value}`, each with the node showing its key. */
function labelPairs(document: FlowDocument, owner: unknown): { key: string; node: Node }[] {
  const labels = document.get(owner, 'labels')?.value
  return [
    ...document.entries(labels).map((entry) => ({ key: String(entry.key.value), node: entry.key })),
    ...document.items(labels).flatMap((item) => {
      const keyEntry = document.get(item, 'key')
      const key = document.string(keyEntry?.value)
      return keyEntry && key !== undefined ? [{ key, node: keyEntry.value ?? keyEntry.key }] : []
    })
  ]
}

const TASK_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
/** A Java class name (`TaskInterface.type`'s pattern: Java identifiers, so any Unicode letter). */
const TYPE_PATTERN =
  /^[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]*(\.[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]*)*$/u
const MAX_TASK_ID = 256

function taskFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  return [
    ...tree.tasks.flatMap((task) => idAndTypeFindings(document, task, 'task').type),
    ...tree.triggers.flatMap((trigger) => {
      const { id, type } = idAndTypeFindings(document, trigger, 'trigger')
      return [...id, ...type]
    }),
    ...duplicateFindings(document, tree.tasks, 'task'),
    ...duplicateFindings(document, tree.triggers, 'trigger'),
    ...recursiveCallFindings(document, tree),
    ...duplicatePreconditionFindings(document, tree.triggers)
  ]
}

type TaskKind = 'task' | 'trigger'

/**
 * `id`'s `@NotNull` and `@Pattern` are bean validation (a task's own constraints: `constraintFindings`); a missing
 * `type` is Jackson's ("Invalid type: null"), wherever the task stands.
 */
function idAndTypeFindings(
  document: FlowDocument,
  task: TaskNode,
  kind: TaskKind
): { id: Finding[]; type: Finding[] } {
  const Kind = kind === 'task' ? 'Task' : 'Trigger'
  const id = !task.idEntry
    ? `${Kind} at ${task.path} has no \`id\`: add one`
    : !task.id
      ? `${Kind} at ${task.path} has an empty \`id\`: set one`
      : !TASK_ID_PATTERN.test(task.id) || task.id.length > MAX_TASK_ID
        ? `${Kind} id '${task.id}' is invalid: use letters, digits, '_' or '-' (no dots or spaces), starting with a letter or digit, at most ${MAX_TASK_ID} characters`
        : undefined
  const type = !task.typeEntry
    ? `${Kind} ${task.id !== undefined ? `'${task.id}'` : `at ${task.path}`} has no \`type\`: add the plugin class, e.g. io.kestra.plugin.core.log.Log`
    : task.type === undefined || !TYPE_PATTERN.test(task.type)
      ? `${Kind} type '${task.type ?? ''}' is not a plugin class name: use a fully-qualified class name such as io.kestra.plugin.core.log.Log`
      : undefined
  const typeAt =
    !task.typeEntry || task.at !== task.map ? task.at : (task.typeEntry.value ?? task.typeEntry.key)
  return {
    id: id
      ? [document.finding('error', task.idEntry ? taskIdNode(task) : task.at, `${kind}-id`, id)]
      : [],
    type: type ? [document.finding('error', typeAt, `${kind}-type`, type)] : []
  }
}

function duplicateFindings(
  document: FlowDocument,
  nodes: readonly TaskNode[],
  kind: TaskKind
): Finding[] {
  const offset = (node: TaskNode) => taskIdNode(node).range?.[0] ?? 0
  const byPosition = nodes.filter((node) => node.id).sort((a, b) => offset(a) - offset(b))
  return repeats(byPosition, (node) => node.id).map(([node, first]) =>
    document.finding(
      'error',
      taskIdNode(node),
      `duplicate-${kind}-id`,
      `Duplicate ${kind} id '${node.id}' (first used on line ${nodePosition(document.flow, taskIdNode(first)).line}): ${kind} ids must be unique across the whole flow${kind === 'task' ? ', nested tasks included' : ''}. Rename one`
    )
  )
}

function recursiveCallFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const flowId = document.string(document.get(document.root, 'id')?.value)
  const namespace = document.string(document.get(document.root, 'namespace')?.value)
  if (flowId === undefined || namespace === undefined) return []
  return flowLinks(document, tree).flatMap(({ task, flowId: called, namespace: calledIn }) =>
    task &&
    document.string(called.value) === flowId &&
    document.string(calledIn.value) === namespace
      ? document.finding(
          'error',
          task.at,
          'recursive-subflow',
          `Recursive call to flow [${namespace}.${flowId}]: task '${task.id ?? task.path}' starts the flow it belongs to. Call another flow`
        )
      : []
  )
}

function duplicatePreconditionFindings(
  document: FlowDocument,
  triggers: readonly TaskNode[]
): Finding[] {
  const ids = triggers.flatMap((trigger) => {
    if (trigger.type === undefined || !FLOW_TRIGGER_TYPES.has(trigger.type)) return []
    const idEntry = document.get(document.get(trigger.map, 'preconditions')?.value, 'id')
    const id = document.string(idEntry?.value)
    return idEntry && id !== undefined ? [{ id, key: idEntry.key }] : []
  })
  return repeats(ids, ({ id }) => id).map(([{ id, key }]) =>
    document.finding(
      'error',
      key,
      'duplicate-preconditions',
      `Duplicate preconditions id '${id}': another Flow trigger already uses it. Give each trigger's \`preconditions\` its own id`
    )
  )
}

/**
 * `TaskDefaultValidator` (0.16) then `PluginDefaultValidator`: core 1.3.31 run refuses a default
 * without a `values` map ("…getValues() is null") and accepts a key of it whose value is null.
 */
const VALUES_CHECKED: KestraVersion = [0, 16, 0]

/**
 * `pluginDefaults` (pre-1.0 `taskDefaults`) entries need a `values` map; a missing `type` is the
 * schema's.
 */
function pluginDefaultFindings(document: FlowDocument): VersionedFinding[] {
  return ['pluginDefaults', 'taskDefaults'].flatMap((key) =>
    document.items(document.get(document.root, key)?.value).flatMap((item, index) => {
      const entry = document.map(item)
      const values = document.get(entry, 'values')
      if (!entry || (values && !document.isNull(values.value))) return []
      return document.versioned(
        VALUES_CHECKED,
        'error',
        values?.key ?? item,
        'plugin-default-values',
        `${key}[${index}] has no \`values\`: Kestra rejects a plugin default without them ("No 'values' provided"). Add the property values or remove the entry`
      )
    })
  )
}

/**
 * A `pluginDefaultsRef` (2.0 `FlowPluginDefault.ref`) no `ref` of the flow's `pluginDefaults`
 * names: a warning, as a namespace or instance default may have it; else Kestra rejects the flow
 * (core 1.3.31 run: "No plugin-defaults exists for pluginDefaultsRef"), as the server's validation
 * reports.
 */
function pluginDefaultsRefFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const refs = new Set(
    document
      .items(document.get(document.root, 'pluginDefaults')?.value)
      .map((item) => document.string(document.get(item, 'ref')?.value))
  )
  const findings: Finding[] = []
  const visit = (plugin: unknown) => {
    for (const entry of document.entries(plugin)) {
      if (String(entry.key.value) === 'pluginDefaultsRef') {
        const ref = document.string(entry.value)
        if (ref === undefined || refs.has(ref)) continue
        findings.push(
          document.finding(
            'warning',
            entry.value,
            'plugin-defaults-ref',
            `pluginDefaultsRef '${ref}' names no \`ref\` of this flow's pluginDefaults: unless a namespace or instance plugin default has it, Kestra rejects the flow. Add a pluginDefaults entry with \`ref: ${ref}\`, or fix the name`
          )
        )
      } else if (document.get(entry.value, 'type')) {
        visit(entry.value) // a plugin inside the plugin: a task runner
      }
    }
  }
  for (const node of [...tree.tasks, ...tree.triggers]) visit(node.map)
  return findings
}

/** What a task's own constraints find: fixed findings, and those that follow the server's version. */
class Constraints {
  readonly fixed: Finding[] = []
  readonly versioned: VersionedFinding[] = []

  constructor(private readonly document: FlowDocument) {}

  /**
   * A broken constraint of `task` (its id's pattern, a task validator's rule: bean validation), as Kestra checks it
   * where the task stands (`uncheckedAt`): under a Switch's `cases` a warning, as the flow loads and the task
   * fails when it runs; under a Dag's task an error from 2.0 on, a warning on 1.x and when no server is known.
   */
  add(
    task: TaskNode,
    at: Node | null | undefined,
    rule: string,
    message: string,
    severity: Severity = 'error'
  ) {
    const where = severity === 'error' ? uncheckedAt(task.path) : undefined
    if (where === 'switch-case') {
      this.fixed.push(
        this.document.finding(
          'warning',
          at,
          rule,
          `${message}. Kestra does not check a task under a Switch's \`cases\` when it loads the flow (core 1.3.31 and 2.0.0 run accept it): the task fails when it runs`
        )
      )
    } else if (where === 'dag-task') {
      this.versioned.push(
        this.document.versioned(
          V2,
          'warning',
          at,
          rule,
          `${message}. Kestra 2.0 refuses it; 1.x does not check a Dag's tasks when it loads the flow (core 1.3.31 run), and the task fails when it runs`
        )
      )
    } else {
      this.fixed.push(this.document.finding(severity, at, rule, message))
    }
  }
}

/**
 * What bean validation finds in the tasks, Kestra's checks the schema does not carry: task ids, core flowable task
 * shapes (Kestra's task validators), retry intervals. A missing or empty `tasks`/`then` is the schema's
 * (docs/validation-rules.md#the-schema-of-each-release), but for a WorkingDirectory, whose refusal is said in the
 * core's words. Core 1.3.31 and 2.0.0 run accept a Switch with one empty case or `defaults` while another branch
 * has tasks.
 */
function constraintFindings(
  document: FlowDocument,
  tree: TaskTree
): { fixed: Finding[]; versioned: VersionedFinding[] } {
  const constraints = new Constraints(document)
  for (const task of tree.tasks) {
    for (const finding of idAndTypeFindings(document, task, 'task').id) {
      constraints.add(
        task,
        task.idEntry ? taskIdNode(task) : task.at,
        finding.rule,
        finding.message
      )
    }
    CORE_TASK_CHECKS.get(coreFlowType(task.type) ?? '')?.(document, task, tree, constraints)
    retryFindings(document, document.get(task.map, 'retry')?.value, (at, message) =>
      constraints.add(task, at, 'retry-interval', message)
    )
  }
  retryFindings(document, document.get(document.root, 'retry')?.value, (at, message) =>
    constraints.fixed.push(document.finding('error', at, 'retry-interval', message))
  )
  return constraints
}

function switchFindings(document: FlowDocument, task: TaskNode, _: TaskTree, found: Constraints) {
  const cases = document.entries(document.get(task.map, 'cases')?.value)
  const anyCase = cases.some((entry) => document.items(entry.value).length > 0)
  const defaults = document.items(document.get(task.map, 'defaults')?.value).length > 0
  if (anyCase || defaults) return
  found.add(
    task,
    task.at,
    'switch-no-tasks',
    `Switch '${task.id ?? task.path}' has no task: neither \`cases\` nor \`defaults\` hold any ("No task defined, neither cases or default have any tasks"). Add a case or defaults`
  )
}

function dagFindings(document: FlowDocument, task: TaskNode, _: TaskTree, found: Constraints) {
  const members = document.items(document.get(task.map, 'tasks')?.value).map((item) => ({
    id: document.string(document.get(document.get(item, 'task')?.value, 'id')?.value),
    dependsOn: document.get(item, 'dependsOn')?.value
  }))
  const ids = members.flatMap((m) => (m.id === undefined ? [] : [m.id]))
  const { unknown, cycle } = dependencyProblems(document, members)
  for (const { node, name } of unknown) {
    found.add(
      task,
      node,
      'dag-dependency',
      `Dag '${task.id ?? task.path}': dependsOn names '${name}', which is not a task of this Dag ("Not existing task id in dependency"). Use one of: ${ids.join(', ')}`
    )
  }
  if (!cycle) return
  found.add(
    task,
    task.at,
    'dag-dependency',
    `Dag '${task.id ?? task.path}' has a dependency cycle: ${cycle.join(' → ')} ("Cyclic dependency detected"). Remove one of these dependsOn entries`
  )
}

/**
 * `WorkingDirectoryTaskValidator`, the same in 1.3.31 and 2.0.0: "The 'tasks' property cannot be empty", "Only
 * runnable tasks are allowed as children of a WorkingDirectory task".
 */
function workingDirectoryFindings(
  document: FlowDocument,
  task: TaskNode,
  tree: TaskTree,
  found: Constraints
) {
  const tasks = document.get(task.map, 'tasks')
  if (document.items(tasks?.value).length === 0) {
    found.add(
      task,
      tasks?.key ?? task.at,
      'working-directory-tasks',
      `WorkingDirectory '${task.id ?? task.path}' has no task: Kestra refuses it ("The 'tasks' property cannot be empty"). Add the tasks it runs`
    )
  }
  for (const child of tree.tasks) {
    if (child.parent !== task || !child.path.startsWith(`${task.path}.tasks[`)) continue
    const type = coreFlowType(child.type)
    if (type === undefined || !CORE_FLOWABLE.has(type)) continue
    // A Pause with child tasks is flowable; without, whether a given release counts it flowable is
    // not known.
    const certain = type !== 'Pause' || document.get(child.map, 'tasks') !== undefined
    found.add(
      task,
      child.at,
      'working-directory-child',
      `WorkingDirectory '${task.id ?? task.path}' may only hold runnable tasks, not the flowable ${type} '${child.id ?? child.path}' ("Only runnable tasks are allowed as children of a WorkingDirectory task"): move it out of the WorkingDirectory`,
      certain ? 'error' : 'warning'
    )
  }
}

/**
 * The `@AssertTrue` checks of the retry classes, the same in 1.3.31 and 2.0.0 (`Constant`, `Exponential`,
 * `Random`): between durations written as values, "'interval' must be less than 'maxDuration'" and the like. A
 * duration Java does not parse is the schema's.
 */
function retryFindings(
  document: FlowDocument,
  retry: Node | undefined,
  report: (at: Node | null | undefined, message: string) => void
) {
  const type = document.string(document.get(retry, 'type')?.value)
  const pairs = type === undefined ? undefined : RETRY_ORDER[type.toLowerCase()]
  if (!pairs) return
  for (const [shorter, longer] of pairs) {
    const [low, high] = [shorter, longer].map((key) => document.get(retry, key))
    const [a, b] = [low, high].map((entry) => javaDurationNanos(document.string(entry?.value)))
    if (a === undefined || b === undefined || a < b) continue
    report(
      low?.key,
      `The retry's \`${shorter}\` is not shorter than its \`${longer}\`: Kestra refuses it ("'${shorter}' must be less than '${longer}'"). Shorten \`${shorter}\` or lengthen \`${longer}\``
    )
  }
}

const RETRY_ORDER: Readonly<Record<string, [string, string][]>> = {
  constant: [['interval', 'maxDuration']],
  exponential: [
    ['interval', 'maxDuration'],
    ['interval', 'maxInterval']
  ],
  random: [
    ['minInterval', 'maxDuration'],
    ['maxInterval', 'maxDuration'],
    ['minInterval', 'maxInterval']
  ]
}

/** A Java `Duration.parse` text as nanoseconds, or undefined when it is not one. */
function javaDurationNanos(text: string | undefined): bigint | undefined {
  const match =
    text === undefined
      ? undefined
      : /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?)(\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(
          text.trim()
        )
  if (!match || /T$/i.test(text!.trim()) || text!.trim().length < 3) return undefined
  const [, sign, days, hours, minutes, secondsSign, seconds, fraction] = match
  const unit = (value: string | undefined, nanos: bigint) => BigInt(value ?? 0) * nanos
  const second = 1_000_000_000n
  let total =
    unit(days, 86_400n * second) + unit(hours, 3_600n * second) + unit(minutes, 60n * second)
  const fractional = BigInt((fraction ?? '').padEnd(9, '0') || '0')
  const secs = BigInt(seconds ?? 0) * second + fractional
  total += secondsSign === '-' ? -secs : secs
  return sign === '-' ? -total : total
}

const CORE_TASK_CHECKS = new Map([
  ['Switch', switchFindings],
  ['Dag', dagFindings],
  ['WorkingDirectory', workingDirectoryFindings]
])

/**
 * A listener without tasks: core 1.3.31 run refuses it ("listeners[0].tasks: must not be empty"; without `tasks`
 * at all it fails on a null list); 2.0.0 has no `listeners` (`removed-key`), so every release refuses the flow.
 */
function listenerFindings(document: FlowDocument): Finding[] {
  return document
    .items(document.get(document.root, 'listeners')?.value)
    .flatMap((listener, index) => {
      const tasks = document.get(listener, 'tasks')
      if (!document.map(listener) || document.items(tasks?.value).length > 0) return []
      return [
        document.finding(
          'error',
          tasks?.key ?? listener,
          'listener-tasks',
          `listeners[${index}] has no task: Kestra 1.3 refuses it ("listeners[${index}].tasks: must not be empty"), and 2.0 has no listeners. Add its tasks, or move them to \`afterExecution\``
        )
      ]
    })
}

const TEMPLATE_TYPES = new Set([
  'io.kestra.plugin.core.flow.Template',
  'io.kestra.core.tasks.flows.Template'
])

/**
 * A Template task on 1.x: refused unless the server enables templates, which it does not by default (core 1.3.31
 * run: "Templates are disabled, please check your configuration"). 2.0 has no Template (`removed-type`).
 */
function templateFindings(document: FlowDocument, tree: TaskTree): VersionedFinding[] {
  return tree.tasks.flatMap((task) =>
    task.type !== undefined && TEMPLATE_TYPES.has(task.type)
      ? [
          {
            ...document.versioned(
              V2,
              'warning',
              task.typeEntry?.value ?? task.at,
              'template-disabled',
              `Template '${task.id ?? task.path}': Kestra 1.x refuses it unless the server enables templates (\`kestra.templates.enabled\`, off by default: "Templates are disabled, please check your configuration"). Move the template's tasks into this flow or a subflow`
            ),
            silentFrom: V2
          }
        ]
      : []
  )
}

function yamlFindings(flow: FlowFile, doc: Document.Parsed): Finding[] {
  const findings: Finding[] = []
  const syntaxLines = new Set<number>()
  for (const error of doc.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY'
    const key = duplicate ? keyText(flow.source, error.pos[0]) : ''
    const position = offsetPosition(flow, skipBlank(flow.source, error.pos[0]))
    // One parse error tends to cascade into several on the same line: the first says the most.
    if (!duplicate && syntaxLines.has(position.line)) continue
    if (!duplicate) syntaxLines.add(position.line)
    // Engine 1.3.31 and 2.0.0: saving a flow with a duplicate key is refused ("Duplicate field"),
    // while their validate endpoint keeps the last value (docs/validation-rules.md).
    findings.push({
      severity: 'error',
      file: flow.file,
      ...position,
      rule: duplicate ? 'duplicate-key' : 'yaml-syntax',
      message: duplicate
        ? `Duplicate key${key ? ` '${key}'` : ''}: this mapping already has it above. Kestra refuses to save a flow with a duplicate key (its validate endpoint alone keeps the last value written${lastValue(flow.source, error.pos[0])}): remove the one you do not mean`
        : `YAML syntax error: ${error.message}. Fix the YAML (check indentation and quoting)`
    })
  }
  // Core 1.3.31 and 2.0.0 run: a key that is a sequence or a mapping (or an alias of one), wherever it stands, is
  // "Illegal Flow source: YAML syntax error: Invalid structure" on the key's line.
  visit(doc, {
    Pair(_, { key }) {
      if (!isCollection(isAlias(key) ? key.resolve(doc) : key)) return
      findings.push({
        severity: 'error',
        file: flow.file,
        ...offsetPosition(flow, (key as Node).range![0]),
        rule: 'yaml-syntax',
        message:
          'YAML syntax error: this key is a sequence or a mapping, and Kestra reads a key only as text ("Invalid structure"): write the key as text'
      })
    }
  })
  return findings.concat(
    doc.warnings.map((warning) => ({
      severity: 'warning',
      file: flow.file,
      ...offsetPosition(flow, skipBlank(flow.source, warning.pos[0])),
      rule: 'yaml-warning',
      message: `YAML warning: ${warning.message}`
    }))
  )
}

function multipleDocumentFindings(flow: FlowFile): Finding[] {
  return flow.documents
    .slice(1)
    .filter((doc) => !isEmptyDocument(doc))
    .map((doc) => ({
      severity: 'error',
      file: flow.file,
      ...offsetPosition(flow, documentStart(flow.source, doc)),
      rule: 'multiple-documents',
      message:
        'A flow file must hold exactly one YAML document: move this document (after `---`) into a file of its own'
    }))
}

/** A bare trailing `---` parses as a document holding an empty scalar: not a second flow. */
function isEmptyDocument({ errors, contents }: Document.Parsed): boolean {
  return (
    errors.length === 0 &&
    (contents === null || (isScalar(contents) && contents.value === null && contents.source === ''))
  )
}

function documentStart(source: string, doc: Document.Parsed): number {
  const [start] = doc.range
  const contentStart = doc.contents?.range?.[0] ?? doc.range[1]
  const marker = /^---/gm
  marker.lastIndex = start
  const found = marker.exec(source)
  return found && found.index <= contentStart ? found.index : start
}

/** Parser errors sometimes start on the blank line before the culprit: point at the culprit. */
function skipBlank(source: string, offset: number): number {
  let at = offset
  while (at < source.length && /\s/.test(source[at] ?? '')) at++
  return at < source.length ? at : offset
}

/**
 * ` (here, \`value\`)` when this occurrence is the last one and its value fits on its line; else
 * nothing.
 */
function lastValue(source: string, offset: number): string {
  const end = source.indexOf('\n', offset)
  const line = source.slice(offset, end === -1 ? undefined : end)
  const value = /^[^:\n]{1,100}:[ \t]+([^\n#]{1,60})$/.exec(line)?.[1]?.trim()
  if (!value || value.includes('`')) return ''
  const key = keyText(source, offset)
  const later = source.slice(offset + line.length)
  const indent =
    /^[ \t-]*/.exec(source.slice(source.lastIndexOf('\n', offset) + 1, offset))?.[0].length ?? 0
  const again = new RegExp(`\\n[ \\t]{${indent}}${escape(key)}[ \\t]*:`)
  return again.test(later) ? '' : ` (here, \`${value}\`)`
}

function keyText(source: string, offset: number): string {
  const match = /^[^:\n]{1,100}/.exec(source.slice(offset, offset + 120))
  return match ? match[0].trim().replace(/^["']|["']$/g, '') : ''
}

/**
 * `message: {{ name }}` is YAML for a flow mapping whose key is another mapping, not a string: Kestra
 * then fails to read the flow with an error that does not say why. Same for `{% … %}` (a syntax error)
 * and for a flow sequence item. Works on documents with syntax errors too: it explains them.
 */
function unquotedPebbleFindings(flow: FlowFile, doc: Document.Parsed): Finding[] {
  const findings: Finding[] = []
  visit(doc, {
    Map(key, node, path) {
      const [start = -1, end = start] = node.range ?? []
      if (!node.flow || start < 0 || !/^\{[{%]/.test(flow.source.slice(start, start + 2))) {
        return undefined
      }
      const parent = path[path.length - 1]
      const inFlow = isSeq(parent) && parent.flow === true
      const expression = inFlow ? flow.source.slice(start, end) : expressionText(flow.source, start)
      const prefix =
        key === 'value' && isPair(parent) && isScalar(parent.key)
          ? `${String(parent.key.value)}: `
          : isSeq(parent) && !inFlow
            ? '- '
            : ''
      findings.push({
        severity: 'error',
        file: flow.file,
        ...offsetPosition(flow, start),
        rule: 'unquoted-pebble',
        message: `Unquoted Pebble expression: YAML reads \`${expression}\` as a mapping, not a string, and Kestra rejects the flow: quote the expression: ${prefix}${quoted(expression)}`,
        fix: { text: expression, with: quoted(expression) }
      })
      return visit.SKIP
    }
  })
  return findings
}

/** Up to the end of its line, without a trailing ` # comment`. */
function expressionText(source: string, start: number): string {
  const end = source.indexOf('\n', start)
  const line = source.slice(start, end < 0 ? source.length : end)
  const comment = line.search(/\s#(?![^{]*[}%]\})/)
  return (comment < 0 ? line : line.slice(0, comment)).trimEnd()
}

function quoted(text: string): string {
  if (!text.includes('"') && !text.includes('\\')) return `"${text}"`
  return `'${text.replace(/'/g, "''")}'`
}

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
 * Keys the server owns. Required keys, id and namespace patterns and unknown top-level keys are the
 * release schema's (docs/validation-rules.md#the-schema-of-each-release).
 */
function identityFindings(document: FlowDocument): Finding[] {
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
function versionedIdentityFindings(document: FlowDocument): VersionedFinding[] {
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

function namespaceFolderFindings(document: FlowDocument, layout?: Layout): Finding[] {
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

function flowIdentity(document: FlowDocument): FlowIdentity | undefined {
  const id = document.get(document.root, 'id')
  const ns = document.string(document.get(document.root, 'namespace')?.value)
  const value = document.string(id?.value)
  if (!id || ns === undefined || value === undefined) return undefined
  const { line, column } = nodePosition(document.flow, id.key)
  return { namespace: ns, id: value, file: document.flow.file, line, column }
}

/** Two files declaring the same flow: the later file (in path order) gets the error. */
function duplicateFlowFindings(identities: FlowIdentity[]): Finding[] {
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

/**
 * Each entry refused by the released 2.0.0 core and held by 1.3.34's (docs/kestra.md, "What the
 * released 2.0.0 refuses that 1.3 accepts"): an error on 2.0+, nothing before, a notice when no
 * server is known.
 */
const USE_LOOP =
  'rewrite it with `io.kestra.plugin.core.flow.Loop`, which replaces it in Kestra 2.0'

/** Core task types 2.0.0 no longer has, and what to use instead (1.3.34's own deprecation texts). */
export const REMOVED_TASKS: Readonly<Record<string, string>> = {
  'io.kestra.plugin.core.flow.ForEach': USE_LOOP,
  'io.kestra.plugin.core.flow.ForEachItem': USE_LOOP,
  'io.kestra.plugin.core.flow.EachSequential': USE_LOOP,
  'io.kestra.plugin.core.flow.EachParallel': USE_LOOP,
  'io.kestra.plugin.core.flow.Template':
    'templates are gone: move the template’s tasks into this flow or into a subflow',
  'io.kestra.plugin.core.debug.Echo': 'use `io.kestra.plugin.core.log.Log`',
  'io.kestra.plugin.core.execution.Count':
    'use `io.kestra.plugin.kestra.executions.Count` of the Kestra plugin',
  'io.kestra.plugin.core.execution.Resume':
    'use `io.kestra.plugin.kestra.executions.Resume` of the Kestra plugin',
  'io.kestra.plugin.core.trigger.Toggle':
    'use `io.kestra.plugin.kestra.triggers.Toggle` of the Kestra plugin',
  'io.kestra.plugin.core.log.Fetch':
    'use `io.kestra.plugin.kestra.logs.Fetch` of the Kestra plugin',
  'io.kestra.plugin.core.state.Get': 'use the KV store: `io.kestra.plugin.core.kv.Get`',
  'io.kestra.plugin.core.state.Set': 'use the KV store: `io.kestra.plugin.core.kv.Set`',
  'io.kestra.plugin.core.state.Delete': 'use the KV store: `io.kestra.plugin.core.kv.Delete`',
  'io.kestra.plugin.core.storage.LocalFiles':
    'use the `inputFiles` of a `io.kestra.plugin.core.flow.WorkingDirectory` or of a script task'
}

/**
 * Pre-0.17 names 1.3.34's plugins still answer to (`@Plugin` aliases): `io.kestra.core.tasks.<key>`
 * or `io.kestra.core.models.triggers.types.<key>` → `io.kestra.plugin.core.<value>`.
 */
const ALIASES: Readonly<Record<string, string>> = {
  'debugs.Echo': 'debug.Echo',
  'debugs.Return': 'debug.Return',
  'executions.Counts': 'execution.Count',
  'executions.Fail': 'execution.Fail',
  'executions.Labels': 'execution.Labels',
  'flows.AllowFailure': 'flow.AllowFailure',
  'flows.Dag': 'flow.Dag',
  'flows.EachParallel': 'flow.EachParallel',
  'flows.EachSequential': 'flow.EachSequential',
  'flows.Flow': 'flow.Subflow',
  'flows.ForEachItem': 'flow.ForEachItem',
  'flows.If': 'flow.If',
  'flows.Parallel': 'flow.Parallel',
  'flows.Pause': 'flow.Pause',
  'flows.Sequential': 'flow.Sequential',
  'flows.Subflow': 'flow.Subflow',
  'flows.Switch': 'flow.Switch',
  'flows.Template': 'flow.Template',
  'flows.Worker': 'flow.WorkingDirectory',
  'flows.WorkingDirectory': 'flow.WorkingDirectory',
  'log.Fetch': 'log.Fetch',
  'log.Log': 'log.Log',
  'states.Delete': 'state.Delete',
  'states.Get': 'state.Get',
  'states.Set': 'state.Set',
  'storages.Concat': 'storage.Concat',
  'storages.DeduplicateItems': 'storage.DeduplicateItems',
  'storages.Delete': 'storage.Delete',
  'storages.FilterItems': 'storage.FilterItems',
  'storages.LocalFiles': 'storage.LocalFiles',
  'storages.Purge': 'execution.PurgeExecutions',
  'storages.PurgeExecution': 'storage.PurgeCurrentExecutionFiles',
  'storages.Reverse': 'storage.Reverse',
  'storages.Size': 'storage.Size',
  'storages.Split': 'storage.Split',
  'templating.TemplatedTask': 'templating.TemplatedTask',
  'trigger.Toggle': 'trigger.Toggle',
  Flow: 'trigger.Flow',
  Schedule: 'trigger.Schedule',
  Webhook: 'trigger.Webhook'
}
const TASK_ALIAS = 'io.kestra.core.tasks.'
const TRIGGER_ALIAS = 'io.kestra.core.models.triggers.types.'

/** The input types 2.0.0's `Type` enum dropped, and what replaces each (the core jars' `Type` enums). */
const REMOVED_INPUT_TYPES: Readonly<Record<string, string>> = {
  BOOLEAN: 'Use `type: BOOL`, which replaces it (Kestra 0.23 and later)',
  ENUM: 'Use `type: SELECT` with the same `values`, which replaces it'
}

/** Flow properties 2.0.0's `Flow` no longer has. */
const REMOVED_FLOW_KEYS: Readonly<Record<string, string>> = {
  pluginDefaults:
    'Kestra 2.0 has no flow-level plugin defaults: set these values on the tasks themselves',
  workerGroup: 'Kestra 2.0 flows choose their workers with `workerSelector`'
}

/** Task and trigger properties 2.0.0's `Task` and `AbstractTrigger` no longer have. */
const REMOVED_PLUGIN_KEYS: Readonly<Record<string, string>> = {
  workerGroup: 'Kestra 2.0 chooses workers with `workerSelector`',
  pluginDefaultsRef: 'Kestra 2.0 has no plugin defaults to refer to: set the values on the task'
}
const REMOVED_TRIGGER_KEYS: Readonly<Record<string, string>> = {
  conditions: 'Kestra 2.0 triggers take a `when` expression instead: rewrite the conditions as one'
}
const REMOVED_FLOW_TRIGGER_KEYS: Readonly<Record<string, string>> = {
  preconditions:
    'Kestra 2.0’s Flow trigger names the flows it waits for in `dependsOn` (with `window` and `mode`)'
}

/** Pause properties 2.0.0's `Pause` no longer has (its class; 1.3.31's marks `delay` deprecated). */
const REMOVED_PAUSE_KEYS: Readonly<Record<string, string>> = {
  delay:
    'Use `pauseDuration`, which 1.3 already takes for it ("Deprecated: use `pauseDuration` instead")',
  tasks: 'A 2.0 Pause holds no tasks: move them after the Pause'
}
/** Retry properties 2.0.0's `AbstractRetry` no longer has (1.3.31's reads `maxAttempt` as `maxAttempts`). */
const REMOVED_RETRY_KEYS: Readonly<Record<string, string>> = {
  maxAttempt: 'Use `maxAttempts`, the name 1.3 already reads it as'
}

function removedInKestra2Findings(document: FlowDocument, tree: TaskTree): VersionedFinding[] {
  const findings: VersionedFinding[] = []
  const property = (owner: Node, removed: Readonly<Record<string, string>>, where: string) => {
    for (const entry of document.entries(owner)) {
      const key = String(entry.key.value)
      if (!Object.hasOwn(removed, key)) continue
      findings.push(
        document.onlyFrom(
          V2,
          entry.key,
          'removed-property',
          `\`${key}\`${where}: Kestra 2.0 rejects it as an unknown property. ${removed[key] as string}`
        )
      )
    }
  }
  property(document.root as Node, REMOVED_FLOW_KEYS, '')
  const retry = (owner: Node, where: string) => {
    const policy = document.get(owner, 'retry')?.value
    if (policy) property(policy, REMOVED_RETRY_KEYS, ` in the retry${where}`)
  }
  retry(document.root as Node, ' of the flow')
  for (const task of tree.tasks) {
    const where = ` on task '${task.id ?? task.path}'`
    property(task.map, REMOVED_PLUGIN_KEYS, where)
    if (coreFlowType(task.type) === 'Pause') property(task.map, REMOVED_PAUSE_KEYS, where)
    retry(task.map, ` of task '${task.id ?? task.path}'`)
    findings.push(...typeFindings(document, task))
  }
  for (const trigger of tree.triggers) {
    const where = ` on trigger '${trigger.id ?? trigger.path}'`
    property(trigger.map, { ...REMOVED_PLUGIN_KEYS, ...REMOVED_TRIGGER_KEYS }, where)
    if (FLOW_TRIGGER_TYPES.has(trigger.type ?? '')) {
      property(trigger.map, REMOVED_FLOW_TRIGGER_KEYS, where)
    }
    findings.push(...typeFindings(document, trigger))
  }
  findings.push(...inputTypeFindings(document, tree))
  return findings
}

function typeFindings(document: FlowDocument, node: TaskNode): VersionedFinding[] {
  const type = node.type
  if (type === undefined || !node.typeEntry) return []
  const aliased = aliasTarget(type)
  const then = entryOf(REMOVED_TASKS, aliased ?? type)
  const message =
    aliased === undefined
      ? then && `\`${type}\`: Kestra 2.0 has no such task (Invalid type): ${then}`
      : `\`${type}\` is a pre-0.17 name: Kestra 2.0 rejects it (Invalid type). ${
          then
            ? `It names \`${aliased}\`, which 2.0 has no more either: ${then}`
            : `Use \`${aliased}\`, the class it names, which every release since 0.20 accepts`
        }`
  if (message === undefined) return []
  const at = node.typeEntry.value ?? node.typeEntry.key
  return [document.onlyFrom(V2, at, 'removed-type', message)]
}

/** The class a pre-0.17 alias names, or undefined when the type is not one of 1.3.34's aliases. */
export function aliasTarget(type: string): string | undefined {
  const key = type.startsWith(TASK_ALIAS)
    ? type.slice(TASK_ALIAS.length)
    : type.startsWith(TRIGGER_ALIAS) && !type.slice(TRIGGER_ALIAS.length).includes('.')
      ? type.slice(TRIGGER_ALIAS.length)
      : undefined
  if (key === undefined || !Object.hasOwn(ALIASES, key)) return undefined
  return `io.kestra.plugin.core.${ALIASES[key] as string}`
}

/**
 * The `type` entries that name one of Kestra's `Type`s: of the flow's inputs, a FORM's inputs, a Pause's
 * `onResume` inputs, and the flow's outputs, each with what it types.
 */
export function inputTypeEntries(document: FlowDocument, tree: TaskTree) {
  const typeOf = (what: 'Input' | 'Output') => (item: Node) => ({
    what,
    entry: document.get(item, 'type')
  })
  return [
    ...everyInput(document).map((input) => typeOf('Input')(input.map)),
    ...tree.tasks
      .filter((task) => coreFlowType(task.type) === 'Pause')
      .flatMap((task) => document.items(document.get(task.map, 'onResume')?.value))
      .map(typeOf('Input')),
    ...document.items(document.get(document.root, 'outputs')?.value).map(typeOf('Output'))
  ]
}

/**
 * 2.0.0's `Type` has no BOOLEAN nor ENUM: core 2.0.0 run refuses them for an input ("Invalid type: BOOLEAN") and for
 * a flow output ("Cannot deserialize value of type `io.kestra.core.models.flows.Type` from String \"BOOLEAN\"").
 */
function inputTypeFindings(document: FlowDocument, tree: TaskTree): VersionedFinding[] {
  return inputTypeEntries(document, tree).flatMap(({ what, entry }) => {
    const type = document.string(entry?.value)
    const instead = type === undefined ? undefined : entryOf(REMOVED_INPUT_TYPES, type)
    if (!entry || instead === undefined) return []
    return document.onlyFrom(
      V2,
      entry.value ?? entry.key,
      'removed-input-type',
      `${what} type ${type}: Kestra 2.0 rejects it (its \`Type\` has no ${type}). ${instead}`
    )
  })
}

/**
 * The flows' findings (docs/validation.md): each flow's own checks (reused from the walk), versioned
 * rules resolved for the server's version, flows declared twice, and the server's verdicts.
 */
export function flowFindings(reading: FlowsHeld): Finding[] {
  const findings: Finding[] = []
  const identities: FlowIdentity[] = []
  const target = schemaTarget(reading.serverVersion)
  for (const flow of reading.model.flows) {
    const check = reading.checks?.get(flow) ?? checkFlow(flow, reading)
    const own = [...check.findings, ...resolveVersioned(check.versioned, reading.serverVersion)]
    findings.push(...own)
    if (check.wellFormed && target.length > 0) {
      // A line a rule of ours already explains (with Kestra's reason) keeps that finding, unless the schema's is
      // graver there (a rule's warning where the target's schema refuses).
      const explained = new Map<number, number>()
      for (const { line, severity } of own) {
        explained.set(line, Math.min(explained.get(line) ?? 3, SEVERITY_ORDER[severity]))
      }
      findings.push(
        ...schemaVerdict(flow, check, target).filter(
          (finding) => SEVERITY_ORDER[finding.severity] < (explained.get(finding.line) ?? 3)
        )
      )
    }
    if (check.identity) identities.push(check.identity)
  }
  findings.push(...duplicateFlowFindings(identities))
  if (reading.serverAnswers) {
    const repositoryFlows = new Set(
      reading.model.flows.flatMap((flow) =>
        !flow.notAFlow && flow.namespace && flow.id ? [flowKey(flow.namespace, flow.id)] : []
      )
    )
    const server = serverAnswerFindings(reading.serverAnswers, repositoryFlows)
    findings.push(...withoutRepeats(server, findings))
  }
  return findings.sort(compareFindings)
}

/** The server's words for a task or trigger without `type` (docs/validation.md#server-validation). */
const NULL_TYPE = /\bInvalid type: null\b/

/**
 * A task or trigger without `type` is the local rule's error on its own line: the server's `Invalid
 * type: null` for the same file is dropped (docs/validation.md#server-validation).
 */
function withoutRepeats(server: Finding[], local: readonly Finding[]): Finding[] {
  const untyped = new Set(
    local
      .filter((f) => /^(task|trigger)-type$/.test(f.rule) && f.message.includes('has no `type`'))
      .map((f) => f.file)
  )
  return server.filter(
    (f) => !(f.rule === 'server-constraint' && NULL_TYPE.test(f.message) && untyped.has(f.file))
  )
}

/** FlowService `checkValidSubflows` [DEV]: its warning about a subflow target the server lacks. */
const SUBFLOW_NOT_FOUND = /^The subflow '(.+)' not found in namespace '(.+)'\.$/

/**
 * A warning that a subflow is missing is dropped when the repository holds that flow: it is deployed
 * with the rest (docs/validation.md#server-validation).
 */
export function serverFindings(
  flows: FlowFile[],
  results: ServerValidation[],
  repositoryFlows: ReadonlySet<string> = new Set()
): Finding[] {
  return flows.flatMap((flow, index) => {
    const result = results[index]
    if (!result) return []
    const warnings = result.warnings.filter((warning) => {
      const missing = SUBFLOW_NOT_FOUND.exec(warning.trim())
      return !missing || !repositoryFlows.has(flowKey(missing[2]!, missing[1]!))
    })
    return findingsOf(flow, { ...result, warnings })
  })
}

function findingsOf(flow: FlowFile, result: ServerValidation): Finding[] {
  const { errors, deprecationPaths, warnings, infos } = result
  const said = errors.length + deprecationPaths.length + warnings.length + infos.length
  // The syntax tree may have been released (a re-parse): only a flow with something to say needs it.
  if (said === 0 && !result.outdated && result.noVerdict === undefined) return []
  const doc = flow.documents[0]
  const id = (doc && locateKestraPath(doc, flow.lineCounter, 'id')) ?? { line: 1, column: 1 }
  const at = (path: string | undefined): Position =>
    (doc && path && locateKestraPath(doc, flow.lineCounter, path)) || id
  const offsetAt = (offset: number | undefined) =>
    offset === undefined ? undefined : offsetPosition(flow, offset)
  const finding = (severity: Severity, rule: string, at: Position, message: string) =>
    ({ severity, file: flow.file, ...at, rule, message, ...resourceOf(flow) }) satisfies Finding
  return [
    ...(result.noVerdict === undefined
      ? []
      : [
          finding(
            'error',
            result.noVerdict.cause === 'too large' ? 'server-refused' : 'server-constraint',
            id,
            result.noVerdict.message
          )
        ]),
    ...result.errors.map((error) =>
      finding(
        'error',
        'server-constraint',
        (doc && !(error.pointer ?? error.path) && offsetAt(namedValueOffset(doc, error.message))) ||
          at(error.pointer ?? error.path),
        constraintMessage(error)
      )
    ),
    ...result.deprecationPaths.map((path) =>
      finding(
        'warning',
        'server-deprecation',
        at(path),
        `\`${path}\` is deprecated on this Kestra server; replace it with its current equivalent (the plugin documentation names the replacement).`
      )
    ),
    ...result.warnings.map((warning) =>
      finding(
        'warning',
        'server-warning',
        at(undefined),
        `Kestra warns: ${sentence(warning)} Check the flow; the server accepts it as it is.`
      )
    ),
    ...result.infos.map((info) => {
      const replaced = /^(\S+) is replaced by (\S+)$/.exec(info.trim())
      if (!replaced)
        return finding('notice', 'server-info', at(undefined), `Kestra notes: ${sentence(info)}`)
      return finding(
        'notice',
        'server-info',
        (doc && offsetAt(scalarOffset(doc, replaced[1]!))) ?? at(undefined),
        `Kestra notes: \`${replaced[1]}\` is replaced by \`${replaced[2]}\`; use the new type name.`
      )
    }),
    ...(result.outdated
      ? [
          finding(
            'warning',
            'server-outdated',
            at('revision'),
            "The flow's `revision:` does not follow the server's latest revision; remove the `revision:` key (Kestra numbers revisions itself)."
          )
        ]
      : [])
  ]
}

function resourceOf({ namespace, id }: FlowFile): { resource?: string } {
  return namespace && id ? { resource: flowKey(namespace, id) } : {}
}

function constraintMessage(error: ServerConstraint): string {
  const where = error.path ?? error.pointer
  const fix = where ? `Fix the value at \`${where}\`` : 'Fix the flow'
  return `Kestra rejects this flow: ${sentence(error.message)} ${fix} (the server's plugins define the accepted types and properties).`
}

function sentence(text: string): string {
  const trimmed = text.trim()
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/** The first scalar holding `value` (as the value of a `key` entry, when given). */
function scalarOffset(doc: Document, value: string, key?: string): number | undefined {
  let offset: number | undefined
  visit(doc, {
    Scalar(_, node, path) {
      const pair = path[path.length - 1]
      const keyed =
        key === undefined ||
        (isPair(pair) && pair.value === node && isScalar(pair.key) && pair.key.value === key)
      if (node.value === value && node.range && keyed) {
        offset = node.range[0]
        return visit.BREAK
      }
      return undefined
    }
  })
  return offset
}

/**
 * Where Kestra reports a problem without a path, the value or key naming it, where the fix goes: an
 * unknown plugin type (`Invalid type: io.x.Y`), an unresolved named plugin default (1.3's
 * `PluginDefaultsRefNotFoundException`), a plugin's unknown property (`Unrecognized field "x"`,
 * 2.0.0's answer for a removed property: docs/kestra.md#the-released-core-run).
 */
function namedValueOffset(doc: Document, message: string): number | undefined {
  const type = /Invalid type: ([A-Za-z_$][\w$.]*)/.exec(message)?.[1]
  if (type) return scalarOffset(doc, type)
  const field = /^Unrecognized field "([^"]+)"/.exec(message)?.[1]
  if (field) return nestedKeyOffset(doc, field)
  const ref = /pluginDefaultsRef '([^']*)'/.exec(message)?.[1]
  return ref === undefined ? undefined : scalarOffset(doc, ref, 'pluginDefaultsRef')
}

/** Below the flow's own keys, in document order, the order Kestra's parser meets them in. */
function nestedKeyOffset(doc: Document, name: string): number | undefined {
  let offset: number | undefined
  visit(doc, {
    Pair(_, pair, path) {
      if (path.length <= 2 || !isScalar(pair.key) || pair.key.value !== name) return undefined
      offset = pair.key.range?.[0]
      return visit.BREAK
    }
  })
  return offset
}

export function serverAnswerFindings(
  answers: readonly ServerAnswer[],
  repositoryFlows: ReadonlySet<string>
): Finding[] {
  return answers.flatMap(({ flows, results }) => serverFindings(flows, results, repositoryFlows))
}
