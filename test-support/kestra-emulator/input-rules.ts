/**
 * Kestra's rules on flow inputs, version by version:
 * - `InputValidator` (bean validation of each input, nested FORM inputs included): 1.1 rejects
 *   `defaults` on an optional input and `defaults` with `prefill`; 1.3.25 (its core jar; 1.3.22's has none) adds
 *   "A FORM input groups other inputs and cannot declare a default value or a prefill." and "A FORM
 *   input cannot contain another FORM input; grouping is limited to a single level."; `FormInput.inputs`
 *   is `@NotNull` (FormInput.java @913f82c2).
 * - `FlowValidator` (flow level, joined into "Invalid Flow: …"): duplicate top-level ids (0.15+), the
 *   `dependsOn` graph (0.19+: "depends on a non-existent input", "Cycle dependency detected"), and from
 *   1.3.25 (FlowValidator.java @0377fa5c) FORMs expanded to dotted leaf paths: "Duplicate input path
 *   [...]" (dotted paths only), "Input path 'a' conflicts with 'a.b'; …", and a graph keyed by the
 *   dotted paths, where a bare sibling name is a non-existent input.
 */
import { duplicates, isRecord, listOf } from './flow-source.js'

export interface InputRules {
  /** 1.1+ */
  defaultsRules: boolean
  /** 0.15+ */
  duplicates: boolean
  /** 0.19+ */
  dependencyGraph: boolean
  /** 1.3.25+ (its core jar; 1.3.22's has none): FORM inputs and their rules. */
  forms: boolean
  /** 2.0.0: a Schedule or Webhook trigger must give every required input without defaults. */
  triggerInputs: boolean
}

export interface InputViolation {
  path: string
  message: string
}

/** `InputValidator` and `@NotNull` on each input, nested ones included. */
export function inputViolations(
  inputs: unknown,
  path: string,
  rules: InputRules
): InputViolation[] {
  return listOf(inputs).flatMap((input, i) => {
    const at = `${path}[${i}]`
    const found: InputViolation[] = []
    const add = (message: string, where = at) => found.push({ path: where, message })
    const form = rules.forms && input.type === 'FORM'
    if (form && (present(input.defaults) || present(input.prefill))) {
      add('A FORM input groups other inputs and cannot declare a default value or a prefill.')
    } else if (form && listOf(input.inputs).some((child) => child.type === 'FORM')) {
      add('A FORM input cannot contain another FORM input; grouping is limited to a single level.')
    } else if (rules.defaultsRules && present(input.defaults)) {
      if (input.required === false) {
        add('Inputs with a default value must be required, since the default is always applied.')
      } else if (present(input.prefill)) {
        add('Inputs with a default value cannot also have a prefill.')
      }
    }
    if (form && !present(input.inputs)) add('must not be null', `${at}.inputs`)
    return [...found, ...inputViolations(input.inputs, `${at}.inputs`, rules)]
  })
}

/** `FlowValidator`'s messages about the flow's inputs. */
export function flowInputProblems(inputs: unknown, rules: InputRules): string[] {
  const top = listOf(inputs)
  const problems: string[] = []
  const duplicated = rules.duplicates ? duplicates(top.map((input) => input.id)) : []
  if (duplicated.length > 0) problems.push(`Duplicate input with name [${duplicated.join(', ')}]`)
  const leaves = rules.forms ? top.flatMap(expand) : top.map((input) => ({ input, id: input.id }))
  if (rules.forms) {
    const paths = leaves.map((leaf) => leaf.id).filter((id): id is string => typeof id === 'string')
    const repeated = duplicates(paths).filter((id) => id.includes('.'))
    if (repeated.length > 0) problems.push(`Duplicate input path [${repeated.join(', ')}]`)
    for (const ancestor of paths) {
      for (const descendant of paths) {
        if (ancestor !== descendant && descendant.startsWith(`${ancestor}.`)) {
          problems.push(
            `Input path '${ancestor}' conflicts with '${descendant}'; one cannot be nested under the other.`
          )
        }
      }
    }
  }
  if (rules.dependencyGraph) problems.push(...graphProblems(leaves))
  return problems
}

/** 2.0.0's `FlowValidator.findMissingInputsForTriggers`, over the inputs with FORMs expanded. */
export function triggerInputProblems(flow: Record<string, unknown>, rules: InputRules): string[] {
  if (!rules.triggerInputs) return []
  const needed = listOf(flow.inputs)
    .flatMap(expand)
    .filter(
      ({ input, id }) =>
        typeof id === 'string' && input.defaults == null && input.required !== false
    )
    .map(({ id }) => id as string)
  if (needed.length === 0) return []
  return listOf(flow.triggers).flatMap((trigger) => {
    const kind = TRIGGER_KINDS[String(trigger.type)]
    if (!kind) return []
    const given = isRecord(trigger.inputs) ? trigger.inputs : {}
    const missing = needed.filter((id) => !(id in given))
    return missing.length === 0
      ? []
      : [
          `Missing inputs for ${kind} Trigger '${String(trigger.id)}', missing inputs: '${missing.join(' | ')}'`
        ]
  })
}

const TRIGGER_KINDS: Record<string, string> = {
  'io.kestra.plugin.core.trigger.Schedule': 'Schedule',
  'io.kestra.plugin.core.trigger.Webhook': 'Webhook'
}

interface Leaf {
  input: Record<string, unknown>
  id: unknown
}

/** `Input.expandToLeaves`: a FORM stands for its inputs, each named `form.child`. */
function expand(input: Record<string, unknown>): Leaf[] {
  if (input.type !== 'FORM') return [{ input, id: input.id }]
  return listOf(input.inputs).map((child) => ({
    input: child,
    id: `${String(input.id)}.${String(child.id)}`
  }))
}

function graphProblems(leaves: Leaf[]): string[] {
  const graph = new Map<string, string[]>()
  for (const { input, id } of leaves) {
    if (typeof id !== 'string') continue
    const dependsOn = isRecord(input.dependsOn) ? input.dependsOn.inputs : undefined
    const edges = Array.isArray(dependsOn) ? dependsOn.map(String) : []
    graph.set(id, [...(graph.get(id) ?? []), ...edges])
  }
  const problems: string[] = []
  for (const [id, edges] of graph) {
    for (const edge of edges) {
      if (!graph.has(edge)) {
        problems.push(`Input with id '${id}' depends on a non-existent input '${edge}'.`)
      }
    }
    const cycle = findCycle(id, graph, new Set(), new Set(), [])
    if (cycle)
      problems.push(`Cycle dependency detected for input with id '${id}': [${cycle.join(', ')}]`)
  }
  return problems
}

/** FlowValidator.CycleDependency.findCycle: depth first, the path from where the cycle starts. */
function findCycle(
  id: string,
  graph: Map<string, string[]>,
  visiting: Set<string>,
  visited: Set<string>,
  path: string[]
): string[] | undefined {
  if (visiting.has(id)) return path.slice(path.indexOf(id))
  if (visited.has(id)) return undefined
  visiting.add(id)
  path.push(id)
  for (const next of graph.get(id) ?? []) {
    const cycle = findCycle(next, graph, visiting, visited, path)
    if (cycle) return cycle
  }
  visiting.delete(id)
  visited.add(id)
  path.pop()
  return undefined
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null
}
