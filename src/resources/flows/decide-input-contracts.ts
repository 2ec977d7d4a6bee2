import { type Node, parseDocument } from 'yaml'
import { compareCodeUnits } from '../../model/content.js'
import type { Finding } from '../../model/finding.js'
import { topLevelText } from '../../model/flow-source.js'
import type { FlowChange } from '../../model/plan.js'
import type { FlowFile, Position } from '../../model/repository.js'
import { flowKey, pinnedKey } from '../../model/targets.js'
import { FlowDocument, nodePosition } from './decide-document.js'
import { keyOf, type CallEdge } from './decide-impact.js'
import { flowLinks, taskTree } from './decide-task-tree.js'

/**
 * Subflow contracts (docs/caught-at-review.md#subflow-contracts): the calls of a flow whose `inputs` this plan
 * changes, and what the called flow's new inputs refuse of what each call passes.
 */

/** A `Subflow` or `ForEachItem` task calling a flow whose inputs this plan changes. */
export interface CallSite extends Position {
  target: { namespace: string; id: string }
  caller: { namespace: string; id: string }
  via: 'subflow' | 'foreach'
  serverOnly: boolean
  file: string
  revision?: number
  /** Literal text undefined when computed by Pebble. */
  inputs: ({ key: string; literal?: string } & Position)[]
}

/** Updated flows some Subflow or ForEachItem task calls whose `inputs` differ from the server copy's. */
export function changedContracts(
  flows: readonly FlowChange[],
  calls: readonly CallEdge[]
): FlowChange[] {
  const called = new Set(calls.filter((call) => call.via !== 'flow-trigger').map(keyOf))
  return flows.filter(
    (f) =>
      f.action === 'update' &&
      f.current !== undefined &&
      f.desired !== undefined &&
      called.has(keyOf(f)) &&
      !sameInputs(f.current.source, f.desired)
  )
}

/**
 * The calls to those flows, read from the callers' sources; a call whose `inputs` is not a map is
 * not checked.
 */
export function callSites(
  targets: readonly FlowChange[],
  calls: readonly CallEdge[],
  sources: { repository: ReadonlyMap<string, FlowFile>; server: ReadonlyMap<string, FlowFile> }
): CallSite[] {
  const wanted = new Set(targets.map(keyOf))
  const callers = new Map<string, CallEdge['caller']>()
  for (const call of calls) {
    if (call.via !== 'flow-trigger' && wanted.has(keyOf(call))) {
      callers.set(keyOf(call.caller), call.caller)
    }
  }
  const sites: CallSite[] = []
  for (const [key, caller] of [...callers].sort(([a], [b]) => compareCodeUnits(a, b))) {
    const repository = sources.repository.get(key)
    const flow = repository ?? sources.server.get(key)
    const first = flow?.documents[0]
    if (!flow || !first) continue
    const document = new FlowDocument(flow, first)
    if (!document.root || !document.aliases.safe) continue
    for (const link of flowLinks(document, taskTree(document))) {
      const { task, via } = link
      if (!task || via === 'flow-trigger') continue
      const namespace = document.string(link.namespace.value)
      const id = document.string(link.flowId.value)
      if (namespace === undefined || id === undefined) continue
      if (!wanted.has(flowKey(namespace, id))) continue
      const inputsEntry = document.get(task.map, 'inputs')
      if (inputsEntry && !document.map(inputsEntry.value) && !document.isNull(inputsEntry.value)) {
        continue
      }
      const revision = Number(document.string(document.get(task.map, 'revision')?.value))
      const at = (node: Node | null | undefined) => nodePosition(flow, node)
      sites.push({
        target: { namespace, id },
        caller,
        via,
        serverOnly: repository === undefined,
        file: repository ? flow.file : '',
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
        })
      })
    }
  }
  return sites
}

/**
 * Each call checked as Kestra checks it when the task runs: a required input without defaults not
 * passed, or a literal its type refuses, fails the task (an error; a warning for a server-only
 * caller); an undeclared input is dropped (a warning). A pinned revision's source is the one
 * checked.
 */
export function reviewContracts(
  sites: readonly CallSite[],
  targets: readonly FlowChange[],
  pinned: ReadonlyMap<string, string | undefined>
): { findings: Finding[]; breaks: Map<string, Map<string, string[]>> } {
  const findings: Finding[] = []
  const breaks = new Map<string, Map<string, string[]>>()
  const byKey = new Map(targets.map((t) => [keyOf(t), t]))
  for (const site of sites) {
    const targetKey = keyOf(site.target)
    const target = byKey.get(targetKey)!
    const source =
      site.revision === undefined ? target.desired : pinned.get(pinnedKey(targetKey, site.revision))
    const declared = source === undefined ? undefined : declaredInputs(source)
    if (!declared) continue
    const name = `${site.target.namespace}.${site.target.id}`
    const words: string[] = []
    const report = (fatal: boolean, text: string, at: { line: number; column: number }) => {
      words.push(text)
      findings.push(contractFinding(site, target, fatal, `${text}${fatal ? FAILS : DROPPED}`, at))
    }
    const revision = site.revision === undefined ? '' : ` (revision ${site.revision})`
    const given = new Set(site.inputs.map((i) => i.key))
    for (const input of declared.filter((d) => d.required && !d.hasDefaults && !given.has(d.id))) {
      report(true, `does not pass required input ${input.id} of ${name}${revision}`, site)
    }
    for (const passed of site.inputs) {
      const input = declared.find((d) => d.id === passed.key)
      if (!input) {
        report(
          false,
          `passes input ${passed.key}, which ${name}${revision} does not declare`,
          passed
        )
        continue
      }
      const why = passed.literal === undefined ? undefined : refusal(input, passed.literal)
      if (why)
        report(
          true,
          `passes ${passed.key}: ${why}, which input ${passed.key} of ${name}${revision} refuses`,
          passed
        )
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

function contractFinding(
  site: CallSite,
  target: FlowChange,
  fatal: boolean,
  text: string,
  at: { line: number; column: number }
): Finding {
  const resource = keyOf(site.caller)
  const what = site.via === 'foreach' ? 'ForEachItem' : 'Subflow'
  if (!site.serverOnly) {
    return {
      severity: fatal ? 'error' : 'warning',
      file: site.file,
      line: at.line,
      column: at.column,
      rule: 'subflow-contract',
      message: `${what} call ${text}`,
      resource
    }
  }
  return {
    severity: 'warning',
    file: target.file ?? '',
    line: inputsLine(target.desired ?? ''),
    rule: 'subflow-contract',
    message: `${site.caller.namespace}.${site.caller.id} (server only): its ${what} call ${text}`,
    resource
  }
}

function inputsLine(source: string): number {
  const index = source.search(/^inputs\s*:/m)
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
  const doc = parseDocument(source, { uniqueKeys: false })
  if (doc.errors.length > 0) return undefined
  const root = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null
  if (!root || typeof root !== 'object') return undefined
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
