/**
 * Plugin-blind structural validation of one flow, shaped like Kestra's pipeline
 * (docs/kestra.md#validate-flows): YAML parse → strict binding (unknown top-level field, unknown
 * task/trigger type; the first problem in document order stops it, as Jackson does) → bean validation +
 * FlowValidator (all collected).
 */
import { parseDocument } from 'yaml'
import { isRecord, PRE_V1_KEYS, TOP_LEVEL_KEYS } from './flow-source.js'

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
  failure?: { message: string; violations: Violation[] }
  deprecationPaths: string[]
  infos: string[]
}

export interface CheckOptions {
  /** Kestra ≥ 1.0: `listeners` and `taskDefaults` are unknown fields. */
  v1: boolean
  /** Kestra ≥ 1.1: InputValidator's rules on `defaults` (see `inputViolations`). */
  inputDefaultsRules?: boolean
  knownTypes: (type: string) => boolean
}

const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/
const NAMESPACE = /^[a-z0-9][a-z0-9._-]*$/
const TASK_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/

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
    result.failure = failure(`Illegal flow source: ${detail}`, [
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
    result.failure = failure(`Illegal flow source: ${detail}`, [
      { message: detail, path: 'yaml', idPath: 'yaml' }
    ])
    return result
  }
  if (!isRecord(parsed)) {
    const detail = 'YAML parsing error: a flow must be a YAML mapping'
    result.failure = failure(`Illegal flow source: ${detail}`, [
      { message: detail, path: 'yaml', idPath: 'yaml' }
    ])
    return result
  }
  result.parsed = parsed

  const tasks = collectTasks(parsed)
  const triggers = listOf(parsed.triggers).map((trigger, i) => ({
    task: trigger,
    path: `triggers[${i}]`,
    idPath: `triggers[${typeof trigger.id === 'string' ? trigger.id : i}]`
  }))

  const bindingError = firstBindingError(parsed, tasks, triggers, options)
  if (bindingError) {
    result.failure = failure(bindingError.message, [bindingError])
    return result
  }

  const violations = [
    ...beanViolations(parsed, tasks, triggers),
    ...(options.inputDefaultsRules ? inputViolations(parsed.inputs, 'inputs') : [])
  ]
  if (violations.length > 0) {
    result.failure = failure(
      violations.map((v) => `${v.path}: ${v.message}`).join(', '),
      violations
    )
  }

  for (const node of [...tasks, ...triggers]) {
    const type = node.task.type
    const replacement = typeof type === 'string' ? aliasReplacement(type) : undefined
    if (replacement) {
      result.deprecationPaths.push(node.path)
      const info = `${String(type)} is replaced by ${replacement}`
      if (!result.infos.includes(info)) result.infos.push(info)
    }
  }
  if (!options.v1 && parsed.listeners !== undefined) result.deprecationPaths.push('listeners')
  return result
}

function failure(message: string, violations: Violation[]): FlowCheck['failure'] {
  return { message, violations }
}

/** Strict binding: the first unknown top-level field or unknown type, in document order. */
function firstBindingError(
  flow: Record<string, unknown>,
  tasks: TaskNode[],
  triggers: TaskNode[],
  options: CheckOptions
): Violation | undefined {
  const allowed = new Set(options.v1 ? TOP_LEVEL_KEYS : [...TOP_LEVEL_KEYS, ...PRE_V1_KEYS])
  for (const key of Object.keys(flow)) {
    if (!allowed.has(key)) {
      return {
        message: `Unrecognized field "${key}" (class io.kestra.core.models.flows.Flow), not marked as ignorable`,
        path: key,
        idPath: key
      }
    }
    const nodes =
      key === 'triggers'
        ? triggers
        : tasks.filter((n) => n.path.startsWith(`${key}[`) || n.path.startsWith(`${key}.`))
    for (const node of nodes) {
      const type = node.task.type
      const known =
        typeof type === 'string' &&
        (options.knownTypes(type) || options.knownTypes(aliasReplacement(type) ?? type))
      if (!known) {
        return {
          message: `Invalid type: ${typeof type === 'string' ? type : 'null'}`,
          path: `${node.path}.type`,
          idPath: `${node.idPath}.type`
        }
      }
    }
  }
  return undefined
}

/**
 * Kestra 1.1+ `InputValidator` (its messages, as docs/validation-rules.md cites them): an input with `defaults` must be required (the default is always applied) and cannot also
 * have a `prefill`. Inputs nested in a `FORM` are inputs too.
 */
function inputViolations(inputs: unknown, path: string): Violation[] {
  return listOf(inputs).flatMap((input, i) => {
    const at = `${path}[${i}]`
    const found: Violation[] = []
    const add = (message: string) => found.push({ path: at, idPath: at, message })
    if (input.defaults !== undefined && input.defaults !== null) {
      if (input.required === false) {
        add('Inputs with a default value must be required, since the default is always applied.')
      }
      if (input.prefill !== undefined && input.prefill !== null) {
        add('Inputs with a default value cannot also have a prefill.')
      }
    }
    return [...found, ...inputViolations(input.inputs, `${at}.inputs`)]
  })
}

function beanViolations(
  flow: Record<string, unknown>,
  tasks: TaskNode[],
  triggers: TaskNode[]
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
  const duplicateTasks = duplicates(tasks.map((n) => n.task.id))
  if (duplicateTasks.length > 0) {
    flowLevel.push(`Duplicate task id with name [${duplicateTasks.join(', ')}]`)
  }
  const duplicateTriggers = duplicates(triggers.map((n) => n.task.id))
  if (duplicateTriggers.length > 0) {
    flowLevel.push(`Duplicate trigger id with name [${duplicateTriggers.join(', ')}]`)
  }
  if (flowLevel.length > 0) add('', '', `Invalid Flow: ${flowLevel.join(', ')}`)
  return violations
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
  if (!pattern.test(text)) report(`must match "${pattern.source}"`)
}

function duplicates(ids: unknown[]): string[] {
  const seen = new Set<string>()
  const repeated = new Set<string>()
  for (const id of ids) {
    if (typeof id !== 'string') continue
    if (seen.has(id)) repeated.add(id)
    seen.add(id)
  }
  return [...repeated]
}

function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : []
}

/** Every task of the tree, parents before children, in document order. */
function collectTasks(flow: Record<string, unknown>): TaskNode[] {
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
  if (!certainlyTasks && !items.some((item) => 'id' in item && 'type' in item)) {
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
