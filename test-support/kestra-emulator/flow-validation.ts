/**
 * Plugin-blind structural validation of one flow, shaped like Kestra's pipeline
 * (docs/kestra.md#validate-flows): YAML parse → strict binding (unknown top-level field, unknown
 * task/trigger type; the first problem in document order stops it, as Jackson does) → bean validation +
 * FlowValidator (all collected).
 */
import { parseDocument } from 'yaml'
import { duplicates, isRecord, listOf, PRE_V1_KEYS, TOP_LEVEL_KEYS } from './flow-source.js'
import {
  flowInputProblems,
  inputViolations,
  triggerInputProblems,
  type InputRules
} from './input-rules.js'
import { scheduleCronViolation, timezoneViolation } from './schedule-cron.js'

export interface Violation {
  message: string
  /** Bean-validation style path, e.g. `tasks[1].id`; '' for the flow-level FlowValidator. */
  path: string
  /** 2.0 style path naming tasks by id, e.g. `tasks[my-task].id`. */
  idPath: string
}

export interface FlowCheck {
  /** The YAML mapping, when it parsed. */
  parsed?: Record<string, unknown>
  /** Set when the flow is invalid: the exception message (validate's `constraints`) and its violations. */
  failure?: {
    message: string
    violations: Violation[]
    /** Where Kestra's pipeline stopped: reading the YAML, binding it to classes, or validating the bound flow. */
    stage: 'source' | 'binding' | 'constraints'
  }
  deprecationPaths: string[]
  infos: string[]
}

export interface CheckOptions {
  /**
   * Kestra 2.0 (develop after 1.3): `listeners` and `taskDefaults` are unknown fields (its `Flow.java`
   * has neither). Up to 1.3 they are accepted, deprecated (1.3.25's `Flow.java` keeps both).
   */
  removedKeys: boolean
  /** Kestra ≥ 0.17: `getTaskDefaults()` is `@Deprecated`, so validate lists `taskDefaults`. */
  taskDefaultsDeprecated?: boolean
  /** Which input rules the version has (input-rules.ts). */
  inputs?: Partial<InputRules>
  /** Kestra 1.3.25 to 1.3.x: a `pluginDefaultsRef` must name a plugin default's `ref`. */
  pluginDefaultsRefs?: boolean
  /** Kestra ≥ 0.20: FlowValidator refuses flow labels under `system.` other than `system.readOnly`. */
  systemLabels?: boolean
  /**
   * Kestra 1.0 to 1.3: `FlowValidator` refuses the reserved flow ids (`RESERVED_FLOW_IDS` in the 1.0.0 to 1.3.34
   * core jars, gone from 2.0.0's).
   */
  reservedFlowIds?: boolean
  /** Kestra ≥ 0.14: `TimezoneIdValidator` on a Schedule's `timezone`. */
  timezoneIds?: boolean
  /**
   * Kestra 2.0.0: the pre-0.17 type aliases (`io.kestra.core.tasks.*`, `io.kestra.core.models.triggers.types.*`)
   * and the `BOOLEAN` and `ENUM` input types are gone, and an input type it does not have is refused as a task
   * type is, each an `Invalid type` (the released core, run: docs/kestra.md#the-released-core-run).
   */
  releasedTwoTypes?: boolean
  knownTypes: (type: string) => boolean
}

/** The input types of the released 2.0.0 core (its `Type` enum; 1.3.34's also has `BOOLEAN` and `ENUM`). */
const RELEASED_TWO_INPUT_TYPES = new Set(
  'STRING SELECT INT FLOAT BOOL DATETIME DATE TIME DURATION FILE JSON ION URI SECRET ARRAY MULTISELECT YAML EMAIL FORM REUSABLE_INPUTS'.split(
    ' '
  )
)

/**
 * 2.0.0's flow properties (its `FlowWithSource`'s, less what the server owns): 1.3's without `pluginDefaults` and
 * `workerGroup`, with `draft`, `quotas`, `policyRefs` and `workerSelector` (the released core, run).
 */
const RELEASED_TWO_KEYS = new Set([
  ...TOP_LEVEL_KEYS.filter((key) => key !== 'pluginDefaults' && key !== 'workerGroup'),
  'draft',
  'quotas',
  'policyRefs',
  'workerSelector'
])

/** Properties of 1.3's tasks and triggers that 2.0.0's have no more: `Unrecognized field`. */
const RELEASED_TWO_REMOVED_PROPERTIES = ['workerGroup', 'pluginDefaultsRef']
const RELEASED_TWO_REMOVED_TRIGGER_PROPERTIES = ['conditions']
const RELEASED_TWO_REMOVED_FLOW_TRIGGER_PROPERTIES = ['preconditions']

/** Core plugins of 1.3.34 that the 2.0.0 core has no more (its plugin registry answers `Invalid type`). */
const RELEASED_TWO_REMOVED_TYPES = new Set(
  [
    'flow.ForEach',
    'flow.ForEachItem',
    'flow.EachSequential',
    'flow.EachParallel',
    'flow.Template',
    'debug.Echo',
    'execution.Count',
    'execution.Resume',
    'trigger.Toggle',
    'log.Fetch',
    'state.Get',
    'state.Set',
    'state.Delete',
    'storage.LocalFiles'
  ].map((name) => `io.kestra.plugin.core.${name}`)
)

/** The shape of an input type's name (`STRING`, `MULTISELECT`), which no task type has. */
const INPUT_TYPE_NAME = /^[A-Z][A-Z_]*$/

const NO_INPUT_RULES: InputRules = {
  defaultsRules: false,
  duplicates: false,
  dependencyGraph: false,
  forms: false,
  triggerInputs: false
}

const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/
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
const NAMESPACE = /^[a-z0-9][a-z0-9._-]*$/
const TASK_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/

/** The core's `ExecutableTask`s, with the aliases 1.x still reads (2.0.0 keeps `Subflow` alone). */
const EXECUTABLE_TYPES = new Set([
  'io.kestra.plugin.core.flow.Subflow',
  'io.kestra.core.tasks.flows.Subflow',
  'io.kestra.core.tasks.flows.Flow',
  'io.kestra.plugin.core.flow.ForEachItem',
  'io.kestra.core.tasks.flows.ForEachItem'
])

const TASK_LIST_KEYS = new Set(['tasks', 'errors', 'finally', 'afterExecution'])

/** Old `io.kestra.core.tasks.<pkg>.X` aliases and the package their class moved to. */
const ALIAS_PACKAGES: Record<string, string> = {
  debugs: 'debug',
  flows: 'flow',
  storages: 'storage',
  executions: 'execution',
  states: 'state',
  outputs: 'output',
  log: 'log',
  kv: 'kv',
  templating: 'templating',
  namespace: 'namespace',
  trigger: 'trigger'
}

export function defaultKnownTypes(type: string): boolean {
  return type.startsWith('io.kestra.') && !/Unknown|Missing|Invalid/.test(type)
}

/** The class an alias is replaced by, or undefined when the type is not an alias. */
export function aliasReplacement(type: string): string | undefined {
  const trigger = /^io\.kestra\.core\.models\.triggers\.types\.(\w+)$/.exec(type)
  if (trigger) return `io.kestra.plugin.core.trigger.${trigger[1]}`
  const task = /^io\.kestra\.core\.tasks\.(\w+)\.(\w+)$/.exec(type)
  if (!task) return undefined
  const pkg = ALIAS_PACKAGES[task[1]]
  if (!pkg) return undefined
  const name = task[1] === 'flows' && task[2] === 'Flow' ? 'Subflow' : task[2]
  return `io.kestra.plugin.core.${pkg}.${name}`
}

interface TaskNode {
  task: Record<string, unknown>
  path: string
  idPath: string
}

export function checkFlow(source: string, options: CheckOptions): FlowCheck {
  const result: FlowCheck = { deprecationPaths: [], infos: [] }
  const doc = parseDocument(source, { uniqueKeys: true })
  if (doc.errors.length > 0) {
    const error = doc.errors[0]
    const line = error.linePos?.[0].line
    const text = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
    const detail = `YAML parsing error: ${text}${line ? ` (at line ${line})` : ''}`
    result.failure = failure(`Illegal flow source: ${detail}`, 'source', [
      { message: detail, path: 'yaml', idPath: 'yaml' }
    ])
    return result
  }
  let parsed: unknown
  try {
    parsed = doc.toJS()
  } catch (error) {
    // e.g. an alias bomb: the server's parser refuses it as it refuses any unreadable source.
    const detail = `YAML parsing error: ${(error as Error).message}`
    result.failure = failure(`Illegal flow source: ${detail}`, 'source', [
      { message: detail, path: 'yaml', idPath: 'yaml' }
    ])
    return result
  }
  if (!isRecord(parsed)) {
    const detail = 'YAML parsing error: a flow must be a YAML mapping'
    result.failure = failure(`Illegal flow source: ${detail}`, 'source', [
      { message: detail, path: 'yaml', idPath: 'yaml' }
    ])
    return result
  }
  result.parsed = parsed

  const tasks = flowTasks(parsed)
  // 2.0.0 names tasks by id in its paths, triggers by index (the released core, run).
  const triggers = listOf(parsed.triggers).map((trigger, i) => ({
    task: trigger,
    path: `triggers[${i}]`,
    idPath: `triggers[${i}]`
  }))

  const bindingError = firstBindingError(parsed, tasks, triggers, options)
  if (bindingError) {
    result.failure = failure(bindingError.message, 'binding', [bindingError])
    return result
  }

  const inputRules = { ...NO_INPUT_RULES, ...options.inputs }
  const violations = [
    ...beanViolations(parsed, tasks, triggers, options.reservedFlowIds === true, [
      ...(options.systemLabels ? systemLabelProblems(parsed.labels) : []),
      ...flowInputProblems(parsed.inputs, inputRules),
      ...triggerInputProblems(parsed, inputRules),
      ...(options.pluginDefaultsRefs ? unresolvedRefs(parsed, [...tasks, ...triggers]) : [])
    ]),
    ...scheduleViolations(triggers, options.timezoneIds === true),
    ...(options.systemLabels ? executionLabelViolations(parsed, tasks, triggers) : []),
    ...inputViolations(parsed.inputs, 'inputs', inputRules).map((v) => ({ ...v, idPath: v.path }))
  ]
  if (violations.length > 0) {
    result.failure = failure(
      violations.map((v) => `${v.path}: ${v.message}`).join(', '),
      'constraints',
      violations
    )
  }

  for (const node of options.releasedTwoTypes ? [] : [...tasks, ...triggers]) {
    const type = node.task.type
    const replacement = typeof type === 'string' ? aliasReplacement(type) : undefined
    if (replacement) {
      result.deprecationPaths.push(node.path)
      const info = `${String(type)} is replaced by ${replacement}`
      if (!result.infos.includes(info)) result.infos.push(info)
    }
  }
  // FlowService.deprecationPaths: the @Deprecated getters whose value is set.
  if (parsed.listeners !== undefined) result.deprecationPaths.push('listeners')
  if (options.taskDefaultsDeprecated && parsed.taskDefaults !== undefined) {
    result.deprecationPaths.push('taskDefaults')
  }
  return result
}

function failure(
  message: string,
  stage: 'source' | 'binding' | 'constraints',
  violations: Violation[]
): FlowCheck['failure'] {
  return { message, violations, stage }
}

/** Strict binding: the first unknown top-level field or unknown type, in document order. */
function firstBindingError(
  flow: Record<string, unknown>,
  tasks: TaskNode[],
  triggers: TaskNode[],
  options: CheckOptions
): Violation | undefined {
  const two = options.releasedTwoTypes === true
  const allowed = two
    ? RELEASED_TWO_KEYS
    : new Set(options.removedKeys ? TOP_LEVEL_KEYS : [...TOP_LEVEL_KEYS, ...PRE_V1_KEYS])
  const flowClass = two ? 'FlowWithSource' : 'Flow'
  for (const key of Object.keys(flow)) {
    if (!allowed.has(key)) {
      return {
        message: `Unrecognized field "${key}" (class io.kestra.core.models.flows.${flowClass}), not marked as ignorable`,
        path: key,
        idPath: key
      }
    }
    if (key === 'inputs' && two) {
      const unknown = unknownInputType(flow.inputs, 'inputs')
      if (unknown) return unknown
    }
    const nodes =
      key === 'triggers'
        ? triggers
        : tasks.filter((n) => n.path.startsWith(`${key}[`) || n.path.startsWith(`${key}.`))
    for (const node of nodes) {
      const type = node.task.type
      const known =
        typeof type === 'string' &&
        (options.releasedTwoTypes
          ? aliasReplacement(type) === undefined && options.knownTypes(type)
          : options.knownTypes(type) || options.knownTypes(aliasReplacement(type) ?? type))
      if (!known || (two && RELEASED_TWO_REMOVED_TYPES.has(type))) {
        return {
          message: `Invalid type: ${typeof type === 'string' ? type : 'null'}`,
          path: `${node.path}.type`,
          idPath: `${node.idPath}.type`
        }
      }
      const removed = two ? releasedTwoRefusal(node, key === 'triggers') : undefined
      if (removed) return removed
    }
  }
  return undefined
}

/** An input type 2.0.0 does not have, among inputs, a FORM's inputs and a Pause's `onResume`. */
function unknownInputType(value: unknown, path: string): Violation | undefined {
  for (const [i, input] of (Array.isArray(value) ? value : []).entries()) {
    const type = isRecord(input) && typeof input.type === 'string' ? input.type : 'null'
    if (!RELEASED_TWO_INPUT_TYPES.has(type)) {
      return {
        message: `Invalid type: ${type}`,
        path: `${path}[${i}].type`,
        idPath: `${path}[${i}].type`
      }
    }
    const inner =
      type === 'FORM' && isRecord(input)
        ? unknownInputType(input.inputs, `${path}[${i}].inputs`)
        : undefined
    if (inner) return inner
  }
  return undefined
}

/** What 2.0.0 refuses in a task or trigger that 1.3 accepts: a property it removed, a Pause's `onResume` input type. */
function releasedTwoRefusal(node: TaskNode, trigger: boolean): Violation | undefined {
  const type = String(node.task.type)
  const removed = [
    ...RELEASED_TWO_REMOVED_PROPERTIES,
    ...(trigger ? RELEASED_TWO_REMOVED_TRIGGER_PROPERTIES : []),
    ...(type === 'io.kestra.plugin.core.trigger.Flow'
      ? RELEASED_TWO_REMOVED_FLOW_TRIGGER_PROPERTIES
      : [])
  ]
  for (const key of Object.keys(node.task)) {
    if (removed.includes(key)) {
      return {
        message: `Unrecognized field "${key}" (class ${type}), not marked as ignorable`,
        path: `${node.path}.${key}`,
        idPath: `${node.idPath}.${key}`
      }
    }
    if (key === 'onResume' && type === 'io.kestra.plugin.core.flow.Pause') {
      const unknown = unknownInputType(node.task.onResume, `${node.path}.onResume`)
      if (unknown) return unknown
    }
  }
  return undefined
}

/** Bean validation, and FlowValidator with `flowProblems` (the input and reference rules) added. */
function beanViolations(
  flow: Record<string, unknown>,
  tasks: TaskNode[],
  triggers: TaskNode[],
  reservedFlowIds: boolean,
  flowProblems: string[]
): Violation[] {
  const violations: Violation[] = []
  const add = (path: string, idPath: string, message: string) =>
    violations.push({ path, idPath, message })

  checkId(flow.id, FLOW_ID, 100, (m) => add('id', 'id', m))
  checkId(flow.namespace, NAMESPACE, 150, (m) => add('namespace', 'namespace', m))
  if (!Array.isArray(flow.tasks) || flow.tasks.length === 0) {
    add('tasks', 'tasks', 'must not be empty')
  }
  for (const node of [...tasks, ...triggers]) {
    checkId(node.task.id, TASK_ID, 256, (m) => add(`${node.path}.id`, `${node.idPath}.id`, m))
  }

  const flowLevel: string[] = []
  if (reservedFlowIds && typeof flow.id === 'string' && RESERVED_FLOW_IDS.includes(flow.id)) {
    flowLevel.push(
      `Flow id is a reserved keyword: ${flow.id}. List of reserved keywords: ${RESERVED_FLOW_IDS.join(', ')}`
    )
  }
  const duplicateTasks = duplicates(tasks.map((n) => n.task.id))
  if (duplicateTasks.length > 0) {
    flowLevel.push(`Duplicate task id with name [${duplicateTasks.join(', ')}]`)
  }
  const duplicateTriggers = duplicates(triggers.map((n) => n.task.id))
  if (duplicateTriggers.length > 0) {
    flowLevel.push(`Duplicate trigger id with name [${duplicateTriggers.join(', ')}]`)
  }
  // A task that calls its own flow (`FlowValidator`, the 1.3.31 and 2.0.0 cores: any `ExecutableTask` at any depth).
  for (const { task } of tasks) {
    if (!EXECUTABLE_TYPES.has(String(task.type))) continue
    if (task.namespace === flow.namespace && task.flowId === flow.id)
      flowLevel.push(`Recursive call to flow [${String(flow.namespace)}.${String(flow.id)}]`)
  }
  flowLevel.push(...flowProblems)
  if (flowLevel.length > 0) add('', '', `Invalid Flow: ${flowLevel.join(', ')}`)
  return violations
}

/**
 * Kestra 1.3.25 and later 1.3 releases (`PluginDefaultsRefNotFoundException`, "FlowService.create/update reject
 * unresolved refs" in its PluginDefaultsCaseTest): a plugin's `pluginDefaultsRef` must name the `ref` of a plugin
 * default; the emulator has no namespace or instance defaults, so only the flow's own count.
 */
function unresolvedRefs(flow: Record<string, unknown>, nodes: TaskNode[]): string[] {
  const refs = new Set(listOf(flow.pluginDefaults).map((entry) => entry.ref))
  const wanted = nodes.flatMap(({ task }) => pluginDefaultsRefs(task))
  return [...new Set(wanted)]
    .filter((ref) => !refs.has(ref))
    .map((ref) => `No pluginDefaults bundle found for pluginDefaultsRef '${ref}'.`)
}

/** The `pluginDefaultsRef` of a plugin and of the plugins inside its properties (a task runner). */
function pluginDefaultsRefs(plugin: Record<string, unknown>): string[] {
  const own = typeof plugin.pluginDefaultsRef === 'string' ? [plugin.pluginDefaultsRef] : []
  const nested = Object.values(plugin).flatMap((value) =>
    isRecord(value) && typeof value.type === 'string' ? pluginDefaultsRefs(value) : []
  )
  return [...own, ...nested]
}

/**
 * FlowValidator (1.3.25 `core/.../validations/validator/FlowValidator.java`, "system labels"): a flow
 * label whose key starts with `system.` is refused unless it is exactly `system.readOnly` (case-sensitive;
 * `Label.READ_ONLY`). Labels are a map or a list of `{key, value}`; a map value is read as its text.
 */
function systemLabelProblems(labels: unknown): string[] {
  const pairs = isRecord(labels)
    ? Object.entries(labels)
    : listOf(labels).map((label) => [label.key, label.value] as const)
  return pairs
    .filter(
      ([key]) => typeof key === 'string' && key.startsWith('system.') && key !== 'system.readOnly'
    )
    .map(
      ([key, value]) =>
        `System labels can only be set by Kestra itself, offending label: ${String(key)}=${String(value)}`
    )
}

const EXECUTING_TASKS = new Set([
  'io.kestra.plugin.core.flow.Subflow',
  'io.kestra.core.tasks.flows.Subflow',
  'io.kestra.core.tasks.flows.Flow',
  'io.kestra.plugin.core.flow.ForEachItem',
  'io.kestra.core.tasks.flows.ForEachItem'
])
const EXECUTION_LABELS_CONDITIONS = new Set([
  'io.kestra.plugin.core.condition.ExecutionLabels',
  'io.kestra.plugin.core.condition.ExecutionLabelsCondition',
  'io.kestra.core.models.conditions.types.ExecutionLabelsCondition'
])

/**
 * `NoSystemLabelValidator` (0.20.0, "check for system label at validation time"): the
 * `List<@NoSystemLabelValidation Label>` of `AbstractTrigger`, `ExecutionLabels`, `SLA`, `Subflow` and
 * `ForEachItem` refuse every `system.` key, `system.readOnly` included; one violation a label, at
 * `<owner>.labels[<i>].<list element>`.
 */
function executionLabelViolations(
  flow: Record<string, unknown>,
  tasks: TaskNode[],
  triggers: TaskNode[]
): Violation[] {
  const owners: TaskNode[] = [
    ...triggers,
    ...triggers.flatMap(({ task, path, idPath }) =>
      (Array.isArray(task.conditions) ? task.conditions : []).flatMap((condition, i) =>
        isRecord(condition) && EXECUTION_LABELS_CONDITIONS.has(String(condition.type))
          ? [
              {
                task: condition,
                path: `${path}.conditions[${i}]`,
                idPath: `${idPath}.conditions[${i}]`
              }
            ]
          : []
      )
    ),
    ...(Array.isArray(flow.sla) ? flow.sla : []).flatMap((sla, i) =>
      isRecord(sla) ? [{ task: sla, path: `sla[${i}]`, idPath: `sla[${i}]` }] : []
    ),
    ...tasks.filter(({ task }) => EXECUTING_TASKS.has(String(task.type)))
  ]
  return owners.flatMap(({ task, path, idPath }) =>
    labelList(task.labels).flatMap(([key, value], i) =>
      key.startsWith('system.')
        ? [
            {
              path: `${path}.labels[${i}].<list element>`,
              idPath: `${idPath}.labels[${i}].<list element>`,
              message: `System labels can only be set by Kestra itself, offending label: ${key}=${value}.`
            }
          ]
        : []
    )
  )
}

/** `ListOrMapOfLabelDeserializer`: a map's entries or a list's `{key, value}` items, in order. */
function labelList(labels: unknown): [string, string][] {
  if (isRecord(labels)) return Object.entries(labels).map(([key, value]) => [key, String(value)])
  return listOf(labels).map((label) => [String(label.key), String(label.value)])
}

/**
 * `@ScheduleValidation` on Schedule (and its alias): the cron must parse; from 0.14 `@TimezoneId` on its
 * `timezone`.
 */
function scheduleViolations(triggers: TaskNode[], timezoneIds: boolean): Violation[] {
  return triggers.flatMap(({ task, path, idPath }) => {
    const type = typeof task.type === 'string' ? (aliasReplacement(task.type) ?? task.type) : ''
    if (type !== 'io.kestra.plugin.core.trigger.Schedule') return []
    const withSeconds = task.withSeconds === true || task.withSeconds === 'true'
    const cron =
      typeof task.cron === 'string' ? scheduleCronViolation(task.cron, withSeconds) : undefined
    const zone =
      timezoneIds && task.timezone !== undefined && task.timezone !== null
        ? timezoneViolation(String(task.timezone))
        : undefined
    return [
      ...(cron ? [{ path, idPath, message: cron }] : []),
      ...(zone ? [{ path: `${path}.timezone`, idPath: `${idPath}.timezone`, message: zone }] : [])
    ]
  })
}

function checkId(
  value: unknown,
  pattern: RegExp,
  maxLength: number,
  report: (message: string) => void
): void {
  if (value === undefined || value === null) return report('must not be null')
  const text = String(value)
  if (text.length === 0 || text.length > maxLength) {
    report(`size must be between 1 and ${maxLength}`)
  }
  // Kestra's `@Pattern` regexps have no `$` (the released jars, 0.20.7 to 2.0.0): the match is whole anyway.
  if (!pattern.test(text)) report(`must match "${pattern.source.replace(/\$$/, '')}"`)
}

/** Every task of the tree, parents before children, in document order. */
export function flowTasks(flow: Record<string, unknown>): TaskNode[] {
  const nodes: TaskNode[] = []
  for (const key of Object.keys(flow)) {
    if (TASK_LIST_KEYS.has(key)) walkList(flow[key], key, key, nodes, true)
    if (key === 'listeners') {
      listOf(flow.listeners).forEach((listener, i) =>
        walkList(listener.tasks, `listeners[${i}].tasks`, `listeners[${i}].tasks`, nodes, true)
      )
    }
  }
  return nodes
}

function walkList(
  value: unknown,
  path: string,
  idPath: string,
  nodes: TaskNode[],
  certainlyTasks: boolean
): void {
  if (!Array.isArray(value)) return
  const items = value.filter(isRecord)
  const typed = items.filter((item) => 'id' in item && 'type' in item)
  // `{id, type}` items whose types are all input types' names (`STRING`) are inputs, a Pause's `onResume`.
  const inputs = typed.every(
    (item) => typeof item.type === 'string' && INPUT_TYPE_NAME.test(item.type)
  )
  if (!certainlyTasks && (typed.length === 0 || inputs)) {
    // Dag style: [{task: {...}, dependsOn: [...]}]
    value.forEach((item, i) => {
      if (isRecord(item) && isRecord(item.task) && 'type' in item.task) {
        visit(item.task, `${path}[${i}].task`, `${idPath}[${i}].task`, nodes)
      }
    })
    return
  }
  value.forEach((item, i) => {
    if (!isRecord(item)) return
    const id = typeof item.id === 'string' ? item.id : String(i)
    visit(item, `${path}[${i}]`, `${idPath}[${id}]`, nodes)
  })
}

function visit(task: Record<string, unknown>, path: string, idPath: string, nodes: TaskNode[]) {
  nodes.push({ task, path, idPath })
  for (const [key, value] of Object.entries(task)) {
    if (Array.isArray(value)) {
      walkList(value, `${path}.${key}`, `${idPath}.${key}`, nodes, false)
    } else if (isRecord(value) && key !== 'task') {
      for (const [sub, branch] of Object.entries(value)) {
        if (Array.isArray(branch)) {
          walkList(branch, `${path}.${key}[${sub}]`, `${idPath}.${key}[${sub}]`, nodes, false)
        }
      }
    }
  }
}
