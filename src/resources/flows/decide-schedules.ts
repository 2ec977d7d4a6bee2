import type { Finding } from '../../model/finding.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'
import type { FlowDocument } from './decide-document.js'
import type { TaskTree } from './decide-task-tree.js'

/**
 * Whether a Schedule trigger's cron and timezone are ones Kestra takes
 * (docs/validation-rules.md#rules-that-can-be-errors).
 */

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
const NICKNAME_LIST = [...NICKNAMES].join(', ')

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
 * Why Kestra's Schedule refuses a cron, or undefined. Kestra parses it with cron-utils
 * (`Schedule.parseCron`, `ScheduleValidator`: "invalid cron expression"): five fields, six with
 * `withSeconds`, or one of seven nicknames. Only certain refusals are reported (field count,
 * nickname, range, backwards range, trailing comma, and the characters the definition does not enable: `?`, `#`,
 * `W`, and `L` but in the day of the month, which 2.0's takes: `dayOfMonthL`); names and `|` are left to the
 * server. Each was asked of core 1.3.31 and 2.0.0 (docs/validation-rules.md#rules-that-can-be-errors).
 */
export function cronProblem(cron: string, withSeconds: boolean): string | undefined {
  if (NICKNAMES.has(cron)) return undefined
  if (cron === '@reboot') return `the nickname @reboot is not supported (${NICKNAME_LIST})`
  if (/\{[{%]/.test(cron))
    return 'Kestra reads `cron` as written, it renders no Pebble expression in it'
  if (cron.includes('|')) return undefined
  const parts = cron.trim().split(/\s+/).filter(Boolean)
  const fields = withSeconds ? [SECONDS, ...FIELDS] : FIELDS
  // Quartz's `?` first: its six-field form (`0 0 12 * * ?`) also has a seconds field, and `withSeconds` alone
  // would not make Kestra take it.
  if (parts.some((part) => part.includes('?'))) {
    const seconds =
      parts.length === 6 && !withSeconds
        ? ', and its first field is seconds: add `withSeconds: true`'
        : ''
    return `Kestra's cron has no \`?\` ("Invalid expression: ?"): write \`*\` in its place${seconds}`
  }
  if (parts.length !== fields.length) {
    const hint =
      parts.length === 6 && !withSeconds
        ? '; with a seconds field, add `withSeconds: true`'
        : parts.length === 5 && withSeconds
          ? '; `withSeconds: true` needs a seconds field first'
          : ''
    return `it has ${parts.length} field(s) and Kestra takes ${fields.length} (${fields.map((f) => f.name).join(' ')}) or a nickname (${NICKNAME_LIST})${hint}`
  }
  for (const [index, part] of parts.entries()) {
    const field = fields[index]!
    const special = /[#WL]/i.exec(part)?.[0].toUpperCase()
    if (special === '#') return `its ${field.name} field has \`#\` ("Invalid expression: ${part}")`
    if (
      special === 'W' ||
      (special === 'L' && (field.name !== 'day-of-month' || /W/i.test(part)))
    ) {
      return `its ${field.name} field has \`${special}\` ("Invalid chars in expression! Expression: ${part}")`
    }
    const problem = fieldProblem(part, field)
    if (problem) return problem
  }
  return undefined
}

/**
 * A day-of-month `L` (`L`, `L-2`, `15L`) in a cron Kestra otherwise takes: 2.0.0's definition enables it
 * (`supportsL`), 1.3.31's does not ("Invalid chars in expression! Expression: L").
 */
function dayOfMonthL(cron: string, withSeconds: boolean): string | undefined {
  const parts = cron.trim().split(/\s+/)
  const day = parts[withSeconds ? 3 : 2]
  if (day === undefined || !/L/i.test(day) || cronProblem(cron, withSeconds) !== undefined) {
    return undefined
  }
  return day
}

function fieldProblem(part: string, field: { name: string; min: number; max: number }) {
  if (part.endsWith(',')) return `its ${field.name} field ends with a comma`
  for (const item of part.split(',')) {
    const step = STEP.exec(item)
    // `L` alone or with an offset (`L-2`, `15L`): its numbers are not a range of the field.
    const value = step ? step[1]! : item.replace(/^L-?|L$/i, '')
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

/**
 * `ZoneId.SHORT_IDS`' keys: abbreviations `ZoneId.of` refuses on every JDK Kestra runs on (17 and later:
 * only `ZoneId.of(id, SHORT_IDS)` maps them), though ICU knows several (PST, CST, IST…).
 */
const JAVA_SHORT_IDS = new Set(
  'ACT AET AGT ART AST BET BST CAT CNT CST CTT EAT ECT EST HST IET IST JST MIT MST NET NST PLT PNT PRT PST SST VST'.split(
    ' '
  )
)
/** `ZoneRegion.checkName`: the shape of a region id, before it is looked up. */
const REGION_ID = /^[A-Za-z][A-Za-z0-9~/._+-]+$/
/** `ZoneOffset.of`'s six shapes: ±h, ±hh, ±hhmm, ±hh:mm, ±hhmmss, ±hh:mm:ss. */
const OFFSET =
  /^[+-](?:(\d)|(\d\d)|(\d\d)(\d\d)|(\d\d):(\d\d)|(\d\d)(\d\d)(\d\d)|(\d\d):(\d\d):(\d\d))$/

/**
 * Why Java's `ZoneId.of` refuses a Schedule's `timezone` (Kestra's `TimezoneIdValidator`), or
 * undefined. Offsets and `UTC`/`GMT`/`UT` prefixes follow `ZoneId.of` and `ZoneOffset.of`; a region
 * id unknown to this runtime's ICU, or known only in another case (Java is case-sensitive), is
 * refused; one ICU knows and the server's Java may not (`EST`, a newer zone) is left to the server
 * (docs/validation-rules.md).
 */
export function timezoneProblem(zone: string): string | undefined {
  if (zone.length <= 1 || zone.startsWith('+') || zone.startsWith('-')) return offsetProblem(zone)
  const prefix = ['UTC', 'GMT', 'UT'].find((p) => zone.startsWith(p))
  if (prefix !== undefined) {
    const rest = zone.slice(prefix.length)
    if (rest === '') return undefined
    if (rest.startsWith('+') || rest.startsWith('-')) {
      const problem = offsetProblem(rest)
      return problem && `after ${prefix}, ${problem}`
    }
  }
  if (JAVA_SHORT_IDS.has(zone)) {
    return 'Java takes no abbreviation for a zone: write its region, such as America/Los_Angeles or Europe/London'
  }
  if (!REGION_ID.test(zone)) {
    return 'it is neither an offset (+02:00, UTC+2) nor a region id (letters, digits and ~/._+- only, as in Europe/Paris)'
  }
  let known: string
  try {
    known = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone
  } catch {
    return 'no time-zone database knows this region (the IANA names are like Europe/Paris or America/New_York)'
  }
  if (known !== zone && known.toLowerCase() === zone.toLowerCase()) {
    return `region ids are case-sensitive: write ${known}`
  }
  return undefined
}

/** `ZoneOffset.of`: `Z`, or a sign and hours, minutes and seconds in one of six shapes, within ±18:00. */
function offsetProblem(offset: string): string | undefined {
  if (offset === 'Z') return undefined
  const shape = OFFSET.exec(offset)
  if (!shape) {
    return `an offset is Z, or +h, +hh, +hhmm, +hh:mm, +hhmmss or +hh:mm:ss, and "${offset}" is none of these`
  }
  const [hours = 0, minutes = 0, seconds = 0] = shape
    .slice(1)
    .filter((group) => group !== undefined)
    .map(Number)
  if (hours > 18 || minutes > 59 || seconds > 59 || (hours === 18 && minutes + seconds > 0)) {
    return `the offset ${offset} is outside -18:00 to +18:00 (or a minute or second past 59)`
  }
  return undefined
}

/** A day-of-month `L`: refused by 1.x (core 1.3.31 run), taken by 2.0 (`dayOfMonthL`). */
export function dayOfMonthLFindings(document: FlowDocument, tree: TaskTree): VersionedFinding[] {
  return tree.triggers.flatMap((trigger) => {
    if (trigger.type === undefined || !SCHEDULE_TYPES.has(trigger.type)) return []
    const withSeconds = document.isTrue(trigger.map, 'withSeconds')
    const entry = document.get(trigger.map, 'cron')
    const cron = document.string(entry?.value)
    const day = cron === undefined ? undefined : dayOfMonthL(cron, withSeconds)
    if (!entry || day === undefined) return []
    return {
      ...document.versioned(
        [0, 0, 0],
        'warning',
        entry.value ?? entry.key,
        'schedule-cron-l',
        `Schedule trigger '${trigger.id ?? trigger.path}': Kestra 1.x rejects the cron "${cron}" ("Invalid chars in expression! Expression: ${day}"): its day of the month \`L\` is taken from Kestra 2.0 on. On 1.x write the days instead`
      ),
      silentFrom: [2, 0, 0] as KestraVersion
    }
  })
}

/** docs/validation-rules.md#rules-that-can-be-errors */
export function scheduleFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const findings: Finding[] = []
  for (const trigger of tree.triggers) {
    if (trigger.type === undefined || !SCHEDULE_TYPES.has(trigger.type)) continue
    const name = `Schedule trigger '${trigger.id ?? trigger.path}'`
    const withSeconds = document.isTrue(trigger.map, 'withSeconds')
    const checks = [
      {
        key: 'cron',
        rule: 'schedule-cron',
        refused: 'invalid cron expression',
        fix: 'the expression',
        problem: (cron: string) => cronProblem(cron, withSeconds)
      },
      {
        key: 'timezone',
        rule: 'schedule-timezone',
        refused: 'not a valid time-zone ID',
        fix: 'the timezone',
        problem: timezoneProblem
      }
    ]
    for (const { key, rule, refused, fix, problem } of checks) {
      const entry = document.get(trigger.map, key)
      const value = document.string(entry?.value)
      const why = value === undefined ? undefined : problem(value)
      if (!entry || !why) continue
      findings.push(
        document.finding(
          'error',
          entry.value ?? entry.key,
          rule,
          `${name}: Kestra rejects the ${key} "${value}" (${refused}): ${why}. Fix ${fix}`
        )
      )
    }
  }
  return findings
}
