import type { Node } from 'yaml'
import type { Finding, Severity } from '../../model/finding.js'
import type { VersionedFinding } from '../../model/version.js'
import { FlowDocument } from './decide-document.js'
import { dependencyProblems } from './decide-depends-on.js'
import { V2 } from './decide-kestra2-removals.js'
import { idAndTypeFindings } from './decide-task-ids.js'
import {
  CORE_FLOWABLE,
  coreFlowType,
  taskIdNode,
  uncheckedAt,
  type TaskNode,
  type TaskTree
} from './decide-task-tree.js'

/**
 * What Kestra's task validators refuse that the schema does not carry: Switch, Dag, WorkingDirectory,
 * retry intervals.
 */

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
export function constraintFindings(
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
