import { parseDocument } from 'yaml'
import { topLevelText } from '../../model/flow-source.js'

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
