import { type Node, parseDocument } from 'yaml'
import { flowKey, pinnedKey } from '../../model/targets.js'
import type { FlowFile } from '../../model/repository.js'
import type { Finding } from '../../model/finding.js'
import { FlowDocument, nodePosition } from './decide-document.js'
import { taskTree } from './decide-task-tree.js'
import { flowLinks } from './decide-links.js'
import type { CallEdge } from './decide-impact.js'
import type { FlowChange } from '../../model/plan.js'
import { topLevelText } from '../../model/flow-source.js'

/** A `Subflow` or `ForEachItem` task calling a flow whose inputs this plan changes. */
export interface CallSite {
  target: { namespace: string; id: string }
  caller: { namespace: string; id: string }
  via: 'subflow' | 'foreach'
  serverOnly: boolean
  file: string
  line: number
  column: number
  /** The literal `revision` the call pins, if any. */
  revision?: number
  /** Each input passed: its literal text (undefined when computed by Pebble) and where it is written. */
  inputs: { key: string; literal?: string; line: number; column: number }[]
}

/**
 * The called changes whose `inputs` differ from the server copy's: their callers are checked. A flow no
 * subflow task calls has no call to break, so its inputs are not read.
 */
export function changedContracts(
  flows: readonly FlowChange[],
  calls: readonly CallEdge[]
): FlowChange[] {
  const called = new Set(
    calls.filter((call) => call.via !== 'flow-trigger').map((c) => flowKey(c.namespace, c.id))
  )
  return flows.filter(
    (f) =>
      f.action === 'update' &&
      f.current !== undefined &&
      f.desired !== undefined &&
      called.has(flowKey(f.namespace, f.id)) &&
      !sameInputs(f.current.source, f.desired)
  )
}

/**
 * The calls to those flows, read from the callers' sources (the repository's files, the server-only
 * flows' sources the plan already read). A call whose `inputs` is not a map is not checked.
 */
export function callSites(
  targets: readonly FlowChange[],
  calls: readonly CallEdge[],
  sources: { repository: ReadonlyMap<string, FlowFile>; server: ReadonlyMap<string, FlowFile> }
): CallSite[] {
  const wanted = new Set(targets.map((t) => flowKey(t.namespace, t.id)))
  const callers = new Map<string, CallEdge['caller']>()
  for (const call of calls) {
    if (call.via !== 'flow-trigger' && wanted.has(flowKey(call.namespace, call.id))) {
      callers.set(flowKey(call.caller.namespace, call.caller.id), call.caller)
    }
  }
  const sites: CallSite[] = []
  for (const [key, caller] of [...callers].sort(([a], [b]) => (a < b ? -1 : 1))) {
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

interface ContractReview {
  /** Errors and warnings on the callers (docs/caught-at-review.md#subflow-contracts). */
  findings: Finding[]
  /** Per called flow's key, per `callerKey\0via`, what breaks, in words. */
  breaks: Map<string, Map<string, string[]>>
}

/**
 * Each call checked as Kestra checks it when the task runs: a required input without defaults that is
 * not passed, or a literal its type refuses, fails the task (an error on a repository caller's line, a
 * warning naming a caller that only the server holds); an input passed that is not declared is dropped
 * with a log line (a warning). A call pinning a revision is checked against that revision's source.
 */
export function reviewContracts(
  sites: readonly CallSite[],
  targets: readonly FlowChange[],
  pinned: ReadonlyMap<string, string | undefined>
): ContractReview {
  const findings: Finding[] = []
  const breaks = new Map<string, Map<string, string[]>>()
  const byKey = new Map(targets.map((t) => [flowKey(t.namespace, t.id), t]))
  for (const site of sites) {
    const targetKey = flowKey(site.target.namespace, site.target.id)
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
    for (const input of missingInputs(declared, site)) {
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
      const callerKey = `${flowKey(site.caller.namespace, site.caller.id)}\0${site.via}`
      callers.set(callerKey, [...(callers.get(callerKey) ?? []), ...words])
      breaks.set(targetKey, callers)
    }
  }
  return { findings, breaks }
}

const FAILS =
  ': the task fails when it runs (Kestra checks a call only then). Pass the input, give it defaults, or make it optional'
const DROPPED = ': Kestra drops it with a warning when the task runs. Remove it from the call'

function missingInputs(declared: readonly DeclaredInput[], site: CallSite): DeclaredInput[] {
  const passed = new Set(site.inputs.map((i) => i.key))
  return declared.filter((d) => d.required && !d.hasDefaults && !passed.has(d.id))
}

function contractFinding(
  site: CallSite,
  target: FlowChange,
  fatal: boolean,
  text: string,
  at: { line: number; column: number }
): Finding {
  const callerName = `${site.caller.namespace}.${site.caller.id}`
  const resource = flowKey(site.caller.namespace, site.caller.id)
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
    message: `${callerName} (server only): its ${what} call ${text}`,
    resource
  }
}

/** The line of the top-level `inputs:` key of a flow source (1 when there is none). */
function inputsLine(source: string): number {
  const index = source.search(/^inputs\s*:/m)
  return index < 0 ? 1 : source.slice(0, index).split('\n').length
}

/** One declared input of a flow, as far as a caller's literal call can be checked against it. */
export interface DeclaredInput {
  id: string
  type: string
  /** `required` defaults to true (docs/kestra.md#subflow-inputs). */
  required: boolean
  hasDefaults: boolean
  /** ENUM / SELECT values, when the input refuses others. */
  values?: string[]
  min?: number
  max?: number
}

/** The `inputs` a flow source declares; undefined when the source does not parse as one flow. */
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
 * BOOLEAN takes any text (anything but `true` is false), a STRING any (its `validator` is a Java pattern,
 * not checked here).
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
