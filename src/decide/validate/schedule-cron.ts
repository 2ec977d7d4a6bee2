import type { Finding } from '../../model/finding.js'
import type { FlowDocument } from './flow-document.js'
import type { TaskTree } from './task-tree.js'

/** Kestra's Schedule trigger, and its pre-0.17 alias. */
export const SCHEDULE_TYPES = new Set([
  'io.kestra.plugin.core.trigger.Schedule',
  'io.kestra.core.models.triggers.types.Schedule'
])

/** `Schedule`'s cron-utils definition: the nicknames it supports (`withSupportedNickname…`). */
const NICKNAMES = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly'
])

/** Each field's range (`withValidRange(…).withStrictRange()`), seconds first when `withSeconds`. */
const SECONDS = { name: 'second', min: 0, max: 59 }
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 }
]

const NUMBER = /^\d+$/
const RANGE = /^(\d+)-(\d+)$/
const STEP = /^(\*|\d+|\d+-\d+)\/\d+$/

/**
 * Why Kestra's `Schedule` refuses a cron, or undefined when it accepts it or this action cannot tell.
 * Kestra parses it with cron-utils (`Schedule.parseCron`, checked by `ScheduleValidator`: "invalid cron
 * expression") with its own definition: five fields, six with `withSeconds: true`, or one of seven
 * nicknames. Only what that parser certainly refuses is reported: a field count, an unknown nickname,
 * a number out of its field's range, a backwards range, a trailing comma. Names, `L`, `W`, `#`, `?`
 * and composite (`|`) expressions are left to the server.
 */
export function cronProblem(cron: string, withSeconds: boolean): string | undefined {
  if (NICKNAMES.has(cron)) return undefined
  if (cron === '@reboot') return `the nickname @reboot is not supported (${nicknames()})`
  if (/\{[{%]/.test(cron))
    return 'Kestra reads `cron` as written, it renders no Pebble expression in it'
  if (cron.includes('|')) return undefined
  const parts = cron.trim().split(/\s+/).filter(Boolean)
  const fields = withSeconds ? [SECONDS, ...FIELDS] : FIELDS
  if (parts.length !== fields.length) {
    const hint =
      parts.length === 6 && !withSeconds
        ? '; with a seconds field, add `withSeconds: true`'
        : parts.length === 5 && withSeconds
          ? '; `withSeconds: true` needs a seconds field first'
          : ''
    return `it has ${parts.length} field(s) and Kestra takes ${fields.length} (${fields.map((f) => f.name).join(' ')}) or a nickname (${nicknames()})${hint}`
  }
  for (const [index, part] of parts.entries()) {
    const problem = fieldProblem(part, fields[index]!)
    if (problem) return problem
  }
  return undefined
}

function fieldProblem(part: string, field: { name: string; min: number; max: number }) {
  if (part.endsWith(',')) return `its ${field.name} field ends with a comma`
  for (const item of part.split(',')) {
    const step = STEP.exec(item)
    const value = step ? step[1]! : item
    const range = RANGE.exec(value)
    const bounds = range ? [range[1]!, range[2]!] : NUMBER.test(value) ? [value] : []
    for (const bound of bounds) {
      const number = Number(bound)
      if (number < field.min || number > field.max) {
        return `its ${field.name} field has ${number}, outside ${field.min}-${field.max}`
      }
    }
    if (range && Number(range[1]) > Number(range[2])) {
      return `its ${field.name} field has the backwards range ${value}`
    }
  }
  return undefined
}

function nicknames(): string {
  return [...NICKNAMES].join(', ')
}

/**
 * A `Schedule` trigger's literal cron that Kestra refuses: an error on the `cron:` value
 * (docs/validation-rules.md#rules-that-can-be-errors).
 */
export function scheduleCronFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const findings: Finding[] = []
  for (const trigger of tree.triggers) {
    if (trigger.type === undefined || !SCHEDULE_TYPES.has(trigger.type)) continue
    const entry = document.get(trigger.map, 'cron')
    const cron = document.string(entry?.value)
    if (!entry || cron === undefined) continue
    const withSeconds = document.string(document.get(trigger.map, 'withSeconds')?.value) === 'true'
    const problem = cronProblem(cron, withSeconds)
    if (!problem) continue
    findings.push(
      document.finding(
        'error',
        entry.value ?? entry.key,
        'schedule-cron',
        `Schedule trigger '${trigger.id ?? trigger.path}': Kestra rejects the cron "${cron}" (invalid cron expression): ${problem}. Fix the expression`
      )
    )
  }
  return findings
}
