import { type Node, parseDocument } from 'yaml'
import { compareCodeUnits } from '../../model/content.js'
import type { Finding } from '../../model/finding.js'
import { parseFlowFile } from '../../model/flow-file.js'
import { topLevelText } from '../../model/flow-source.js'
import type { FlowChange } from '../../model/plan.js'
import type { ActualNamespace } from '../../model/plan-input.js'
import type { FlowFile, Position, RepoModel } from '../../model/repository.js'
import { flowKey, pinnedKey } from '../../model/targets.js'
import { FlowDocument, nodePosition } from './decide-document.js'
import { keyOf, type CallEdge } from './decide-impact.js'
import { subflowOutputReads } from './decide-references.js'
import { repoFlowsOf } from './decide-repository.js'
import { serverFlowsOf } from './decide-server-state.js'
import { flowLinks, taskTree, type TaskNode } from './decide-task-tree.js'

/**
 * Subflow contracts (docs/caught-at-review.md#subflow-contracts): what a called flow's inputs refuse of what each
 * call passes, and the outputs a caller reads that it does not declare.
 */

/** A `Subflow` or `ForEachItem` task whose call the review checks. */
interface CallSite extends Position {
  target: { namespace: string; id: string }
  caller: { namespace: string; id: string }
  via: 'subflow' | 'foreach'
  serverOnly: boolean
  file: string
  revision?: number
  /** Literal text undefined when computed by Pebble. */
  inputs: ({ key: string; literal?: string } & Position)[]
  /** The called flow's outputs the caller reads; undefined where Kestra gives them otherwise or not at all. */
  outputs?: ({ name: string } & Position)[]
}

/**
 * The calls the review checks, with the flows they call: every call to a flow whose inputs or outputs the plan
 * changes, and every call a flow the plan writes makes to a flow the server holds once it is deployed.
 */
export function contractCalls(
  flows: readonly FlowChange[],
  calls: readonly CallEdge[]
): { targets: FlowChange[]; calls: CallEdge[] } {
  const known = new Map(flows.filter((f) => sourceAfter(f) !== undefined).map((f) => [keyOf(f), f]))
  const changed = new Set(
    flows
      .filter(
        (f) =>
          f.action === 'update' &&
          f.current !== undefined &&
          f.desired !== undefined &&
          !sameContract(f.current.source, f.desired)
      )
      .map(keyOf)
  )
  const written = new Set(
    flows.filter((f) => f.action === 'create' || f.action === 'update').map(keyOf)
  )
  const checked = calls.filter(
    (call) =>
      call.via !== 'flow-trigger' &&
      known.has(keyOf(call)) &&
      (changed.has(keyOf(call)) || written.has(keyOf(call.caller)))
  )
  return { targets: [...new Set(checked.map(keyOf))].map((key) => known.get(key)!), calls: checked }
}

/** The flow's source once the plan is deployed: the repository's, or the server's when the plan keeps an orphan. */
function sourceAfter(flow: FlowChange): string | undefined {
  return flow.desired ?? (flow.action === 'orphaned' ? flow.current?.source : undefined)
}

/**
 * The sites of those calls, read from the callers' sources (the repository's, else the server's); a call whose
 * `inputs` is not a map is not checked.
 */
export function callSites(
  { targets: called, calls }: ReturnType<typeof contractCalls>,
  { model, state }: { model: RepoModel; state: ReadonlyMap<string, ActualNamespace> }
): CallSite[] {
  const requiring = new Set(
    called
      .filter((target) => {
        const inputs = declaredInputs(sourceAfter(target)!)
        return !inputs || inputs.some((input) => input.required && !input.hasDefaults)
      })
      .map(keyOf)
  )
  // Each caller's checked calls by where they are written: a call's names are the ones sent (namespace-prefix),
  // while the caller's text still holds the repository's.
  const wanted = new Map<string, { caller: CallEdge['caller']; calls: Map<string, CallEdge> }>()
  for (const call of calls) {
    const entry = wanted.get(keyOf(call.caller)) ?? { caller: call.caller, calls: new Map() }
    entry.calls.set(`${call.line}:${call.column}`, call)
    wanted.set(keyOf(call.caller), entry)
  }
  const sources = callerSources(wanted, requiring, model, state)
  const sites: CallSite[] = []
  for (const [key, { caller, calls: written }] of [...wanted].sort(([a], [b]) =>
    compareCodeUnits(a, b)
  )) {
    const flow = sources.get(key)
    const first = flow?.documents[0]
    if (!flow || !first) continue
    const document = new FlowDocument(flow, first)
    if (!document.root || !document.aliases.safe) continue
    const tree = taskTree(document)
    for (const link of flowLinks(document, tree)) {
      const { task, via } = link
      if (!task || via === 'flow-trigger') continue
      const position = nodePosition(flow, link.at)
      const call = written.get(`${position.line}:${position.column}`)
      if (!call) continue
      const { namespace, id } = call
      const inputsEntry = document.get(task.map, 'inputs')
      if (inputsEntry && !document.map(inputsEntry.value) && !document.isNull(inputsEntry.value)) {
        continue
      }
      const revision = Number(document.string(document.get(task.map, 'revision')?.value))
      const at = (node: Node | null | undefined) => nodePosition(flow, node)
      const readsOutputs =
        via === 'subflow' && task.id !== undefined && givesOutputs(document, task)
      sites.push({
        target: { namespace, id },
        caller,
        via,
        serverOnly: flow.file === '',
        file: flow.file,
        ...at(task.at),
        ...(Number.isInteger(revision) && revision > 0 && { revision }),
        inputs: document.entries(inputsEntry?.value).map((entry) => {
          const text = document.string(entry.value)
          const literal = text === undefined || /\{[{%]/.test(text) ? undefined : text
          return {
            key: String(entry.key.value),
            ...(literal !== undefined && { literal }),
            ...at(entry.key)
          }
        }),
        ...(readsOutputs && { outputs: subflowOutputReads(document, tree, task.id!) })
      })
    }
  }
  return sites
}

/**
 * Each caller's flow whose calls may break: the repository's, else the server's, parsed again. A caller whose text
 * passes no input, pins no revision and reads no output of a task, calling only flows that require no input without
 * defaults, breaks nothing: it is not parsed (a repository's trees are let go once checked).
 */
function callerSources(
  wanted: ReadonlyMap<string, { calls: ReadonlyMap<string, CallEdge> }>,
  requiring: ReadonlySet<string>,
  model: RepoModel,
  state: ReadonlyMap<string, ActualNamespace>
): Map<string, FlowFile> {
  const mayBreak = (key: string, source: string) =>
    [...wanted.get(key)!.calls.values()].some((call) => requiring.has(keyOf(call))) ||
    MAY_PASS_OR_READ.test(source)
  const sources = new Map<string, FlowFile>()
  const repository = new Set<string>()
  for (const flow of repoFlowsOf(model)) {
    const key = flow.namespace && flow.id ? flowKey(flow.namespace, flow.id) : undefined
    if (flow.notAFlow || !key || !wanted.has(key)) continue
    repository.add(key)
    if (mayBreak(key, flow.source)) sources.set(key, flow)
  }
  for (const [namespace, held] of state) {
    for (const flow of serverFlowsOf(held)) {
      const key = flowKey(namespace, flow.id)
      if (wanted.has(key) && !repository.has(key) && mayBreak(key, flow.source)) {
        sources.set(key, parseFlowFile({ file: '', rel: '', raw: flow.source }))
      }
    }
  }
  return sources
}

/** `inputs` anywhere but a top-level key, `revision`, or a task's `outputs.<task>.outputs`. */
const MAY_PASS_OR_READ = /[^\n]inputs|\brevision\b|outputs\s*(?:\.|\[)[\s\S]{0,200}?outputs/

/**
 * Whether `outputs.<task>.outputs` holds the called flow's declared outputs (core 2.0.0 `Subflow`): the call waits
 * (`wait` defaults to true), names no outputs of its own (the older `outputs` property), and runs once, not in a
 * loop whose outputs Kestra keys by iteration.
 */
function givesOutputs(document: FlowDocument, task: TaskNode): boolean {
  if (document.string(document.get(task.map, 'wait')?.value) === 'false') return false
  if (document.get(task.map, 'outputs')) return false
  for (let parent = task.parent; parent; parent = parent.parent) {
    if (LOOPS.test(parent.type ?? '')) return false
  }
  return true
}

const LOOPS = /ForEach|Each(?:Sequential|Parallel)|LoopUntil/

/**
 * Each call checked as Kestra checks it when the task runs: a required input without defaults not passed, a literal
 * its type refuses, or an output read that the called flow does not declare fails the task (an error; a warning for a
 * server-only caller); an undeclared input is dropped (a warning). A pinned revision's source is the one checked.
 */
export function reviewContracts(
  sites: readonly CallSite[],
  targets: readonly FlowChange[],
  pinned: ReadonlyMap<string, string | undefined>
): { findings: Finding[]; breaks: Map<string, Map<string, string[]>> } {
  const findings: Finding[] = []
  const breaks = new Map<string, Map<string, string[]>>()
  const byKey = new Map(targets.map((t) => [keyOf(t), t]))
  // Many calls share a called flow: its declarations are read once.
  const inputsOf = memoised(declaredInputs)
  const outputsOf = memoised(declaredOutputs)
  for (const site of sites) {
    const targetKey = keyOf(site.target)
    const target = byKey.get(targetKey)!
    const source =
      site.revision === undefined
        ? sourceAfter(target)
        : pinned.get(pinnedKey(targetKey, site.revision))
    const declared = source === undefined ? undefined : inputsOf(source)
    if (!declared || source === undefined) continue
    const name = `${site.target.namespace}.${site.target.id}`
    const words: string[] = []
    const report = (why: Omit<Breach, 'site' | 'target'>) => {
      words.push(why.text)
      findings.push(contractFinding({ site, target, ...why }))
    }
    const revision = site.revision === undefined ? '' : ` (revision ${site.revision})`
    const given = new Set(site.inputs.map((i) => i.key))
    for (const input of declared.filter((d) => d.required && !d.hasDefaults && !given.has(d.id))) {
      const text = `does not pass required input ${input.id} of ${name}${revision}`
      report({ fatal: true, call: true, text, after: FAILS, at: site })
    }
    for (const passed of site.inputs) {
      const input = declared.find((d) => d.id === passed.key)
      if (!input) {
        const text = `passes input ${passed.key}, which ${name}${revision} does not declare`
        report({ fatal: false, call: true, text, after: DROPPED, at: passed })
        continue
      }
      const why = passed.literal === undefined ? undefined : refusal(input, passed.literal)
      if (!why) continue
      const text = `passes ${passed.key}: ${why}, which input ${passed.key} of ${name}${revision} refuses`
      report({ fatal: true, call: true, text, after: FAILS, at: passed })
    }
    const outputs = site.revision === undefined ? outputsOf(source) : undefined
    for (const read of outputs ? (site.outputs ?? []) : []) {
      if (outputs!.includes(read.name)) continue
      const text = `reads output ${read.name} of ${name}, which that flow does not declare`
      report({ fatal: true, call: false, text, after: UNDECLARED_OUTPUT, at: read })
    }
    if (words.length > 0) {
      const callers = breaks.get(targetKey) ?? new Map<string, string[]>()
      const callerKey = `${keyOf(site.caller)}\0${site.via}`
      callers.set(callerKey, [...(callers.get(callerKey) ?? []), ...words])
      breaks.set(targetKey, callers)
    }
  }
  return { findings, breaks }
}

const FAILS =
  ': the task fails when it runs (Kestra checks a call only then). Pass the input, give it defaults, or make it optional'
const DROPPED = ': Kestra drops it with a warning when the task runs. Remove it from the call'
const UNDECLARED_OUTPUT =
  ': the task reading it fails when it runs (Kestra finds no such variable). Declare the output in that flow, or read one it declares'

/** One broken term of a call: `call` words it as the Subflow or ForEachItem call's own. */
interface Breach {
  site: CallSite
  target: FlowChange
  fatal: boolean
  call: boolean
  text: string
  after: string
  at: { line: number; column: number }
}

function contractFinding({ site, target, fatal, call, text, after, at }: Breach): Finding {
  const resource = keyOf(site.caller)
  const what = site.via === 'foreach' ? 'ForEachItem' : 'Subflow'
  const words = `${call ? `${what} call ` : ''}${text}${after}`
  if (!site.serverOnly) {
    return {
      severity: fatal ? 'error' : 'warning',
      file: site.file,
      line: at.line,
      column: at.column,
      rule: 'subflow-contract',
      message: words.charAt(0).toUpperCase() + words.slice(1),
      resource
    }
  }
  return {
    severity: 'warning',
    file: target.file ?? '',
    line: keyLine(target.desired ?? '', call ? 'inputs' : 'outputs'),
    rule: 'subflow-contract',
    message: `${site.caller.namespace}.${site.caller.id} (server only): ${call ? 'its ' : 'a task '}${words}`,
    resource
  }
}

/** The line of the flow's top-level `key`, else 1. */
function keyLine(source: string, key: 'inputs' | 'outputs'): number {
  const index = source.search(new RegExp(`^${key}\\s*:`, 'm'))
  return index < 0 ? 1 : source.slice(0, index).split('\n').length
}

export interface DeclaredInput {
  id: string
  type: string
  /** `required` defaults to true (docs/kestra.md#subflow-inputs). */
  required: boolean
  hasDefaults: boolean
  /** ENUM / SELECT values, when it refuses others. */
  values?: string[]
  min?: number
  max?: number
}

export function declaredInputs(source: string): DeclaredInput[] | undefined {
  const root = flowRoot(source)
  if (!root) return undefined
  const inputs = Array.isArray(root.inputs) ? root.inputs : []
  return inputs.flatMap((raw): DeclaredInput[] => {
    const input = (raw ?? {}) as Record<string, unknown>
    const id = input.id ?? input.name
    if (typeof id !== 'string') return []
    const type = typeof input.type === 'string' ? input.type.toUpperCase() : 'STRING'
    const values = Array.isArray(input.values) ? input.values.map(String) : undefined
    const closed = values && !(type === 'SELECT' && input.allowCustomValue === true)
    return [
      {
        id,
        type,
        required: input.required !== false && input.dependsOn === undefined,
        hasDefaults: input.defaults !== undefined && input.defaults !== null,
        ...(closed && input.required !== false && { values }),
        ...(typeof input.min === 'number' && { min: input.min }),
        ...(typeof input.max === 'number' && { max: input.max })
      }
    ]
  })
}

/** The flow's source as plain values, when it parses to a mapping. */
function flowRoot(source: string): Record<string, unknown> | undefined {
  const doc = parseDocument(source, { uniqueKeys: false })
  if (doc.errors.length > 0) return undefined
  const root = doc.toJS({ maxAliasCount: 100 }) as unknown
  return root && typeof root === 'object' ? (root as Record<string, unknown>) : undefined
}

/** The ids of the flow's declared `outputs`; undefined when they cannot be read as written. */
function declaredOutputs(source: string): string[] | undefined {
  const root = flowRoot(source)
  if (!root) return undefined
  if (root.outputs === undefined || root.outputs === null) return []
  if (!Array.isArray(root.outputs)) return undefined
  const ids = root.outputs.map((output) => (output as Record<string, unknown> | null)?.id)
  return ids.every((id) => typeof id === 'string') ? (ids as string[]) : undefined
}

/** The same inputs and outputs: what a caller passes and reads. */
function sameContract(a: string, b: string): boolean {
  if (!sameInputs(a, b)) return false
  const text = topLevelText(a, OUTPUT_KEYS)
  if (text !== undefined && text === topLevelText(b, OUTPUT_KEYS)) return true
  return JSON.stringify(declaredOutputs(a)) === JSON.stringify(declaredOutputs(b))
}

const OUTPUT_KEYS: ReadonlySet<string> = new Set(['outputs'])

function memoised<T>(read: (source: string) => T): (source: string) => T {
  const known = new Map<string, T>()
  return (source) => {
    if (!known.has(source)) known.set(source, read(source))
    return known.get(source) as T
  }
}

/** The same inputs, compared as Kestra reads them (order of declaration included). */
export function sameInputs(a: string, b: string): boolean {
  const text = topLevelText(a, INPUT_KEYS)
  if (text !== undefined && text === topLevelText(b, INPUT_KEYS)) return true
  return JSON.stringify(declaredInputs(a)) === JSON.stringify(declaredInputs(b))
}

const INPUT_KEYS: ReadonlySet<string> = new Set(['inputs'])

const DATE = /^\d{4}-\d{2}-\d{2}$/
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/
const DURATION = /^[-+]?P(?!$)(\d+D)?(T(?=[\d.])(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/i
const INT = /^[-+]?\d+$/
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[fFdD]?$/

/**
 * Why Kestra refuses this literal for the input when the task runs, or undefined when it takes it
 * (docs/caught-at-review.md#subflow-contracts). Only refusals certain from the text are reported: a
 * BOOLEAN takes any text (anything but `true` is false), a STRING any (its `validator` is a Java
 * pattern, not checked here).
 */
export function refusal(input: DeclaredInput, literal: string): string | undefined {
  const value = literal.trim()
  switch (input.type) {
    case 'INT': {
      if (!INT.test(value) || Number(value) < -(2 ** 31) || Number(value) > 2 ** 31 - 1) {
        return `'${literal}' is not an INT`
      }
      return bounds(input, Number(value))
    }
    case 'FLOAT':
      return FLOAT.test(value)
        ? bounds(input, Number(value.replace(/[fFdD]$/, '')))
        : `'${literal}' is not a FLOAT`
    case 'DATE':
      return DATE.test(value) && validDate(value)
        ? undefined
        : `'${literal}' is not a DATE (yyyy-mm-dd)`
    case 'TIME':
      return TIME.test(value) ? undefined : `'${literal}' is not a TIME (hh:mm:ss)`
    case 'DATETIME':
      return DATETIME.test(value) && validDate(value.slice(0, 10))
        ? undefined
        : `'${literal}' is not a DATETIME (an ISO-8601 instant with its offset)`
    case 'DURATION':
      return DURATION.test(value)
        ? undefined
        : `'${literal}' is not a DURATION (ISO-8601, e.g. PT5M)`
    case 'URI':
      return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)
        ? undefined
        : `'${literal}' is not a URI with a scheme`
    default:
      if (input.values && !input.values.includes(literal)) {
        return `'${literal}' is not one of ${input.values.join(', ')}`
      }
      return undefined
  }
}

function bounds(input: DeclaredInput, n: number): string | undefined {
  if (input.min !== undefined && n < input.min) return `${n} is below its min ${input.min}`
  if (input.max !== undefined && n > input.max) return `${n} is above its max ${input.max}`
  return undefined
}

function validDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}
