/**
 * Kestra's `ScheduleValidator` (core/.../validations/validator/ScheduleValidator.java, v0.20.7 and the
 * develop line): `Schedule.parseCron()` with cron-utils and Schedule's own definition (5 fields, 6 with
 * `withSeconds`, seven nicknames, strict ranges), a failure reported as "invalid cron expression '<cron>':
 * <cron-utils message>". The parser's messages are cron-utils 9.x's (CronParser, FieldParser,
 * ValidationFieldExpressionVisitor).
 */
const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']
const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7]
]

/** The violation message for a Schedule's cron, or undefined when the parser takes it. */
export function scheduleCronViolation(cron: string, withSeconds: boolean): string | undefined {
  const problem = parserError(cron, withSeconds)
  return problem && `invalid cron expression '${cron}': ${problem}`
}

function parserError(cron: string, withSeconds: boolean): string | undefined {
  if (cron.startsWith('@')) {
    if (NICKNAMES.includes(cron)) return undefined
    if (cron === '@reboot') return `Nickname ${cron} not supported!`
  }
  if (cron.includes('|')) return undefined
  const parts = cron.replace(/\s+/g, ' ').trim().toUpperCase().split(' ').filter(Boolean)
  if (parts.length === 0) return 'Empty expression!'
  const ranges = withSeconds ? [[0, 59] as [number, number], ...RANGES] : RANGES
  if (parts.length !== ranges.length) {
    return `Cron expression contains ${parts.length} parts but we expect one of [${ranges.length}]`
  }
  for (const [index, part] of parts.entries()) {
    if (part.endsWith(',')) {
      return `Invalid field value! Trailing commas not permitted! '${part}'`
    }
    const [min, max] = ranges[index]!
    for (const number of part.split(/[,\-/]/).filter((n) => /^\d+$/.test(n))) {
      if (Number(number) < min || Number(number) > max) {
        return `Failed to parse cron expression. Value ${number} not in range [${min}, ${max}]`
      }
    }
    for (const [, from, to] of part.matchAll(/(?:^|,)(\d+)-(\d+)/g)) {
      if (Number(from) > Number(to))
        return `Failed to parse cron expression. Invalid range! [${from},${to}]`
    }
  }
  return undefined
}

const SHORT_IDS = new Set(
  'ACT AET AGT ART AST BET BST CAT CNT CST CTT EAT ECT EST HST IET IST JST MIT MST NET NST PLT PNT PRT PST SST VST'.split(
    ' '
  )
)

/**
 * Kestra's `TimezoneIdValidator` (0.14+, on `Schedule.timezone`): `java.time.ZoneId.of` must take the id,
 * else "timezone '(<id>)' is not a valid time-zone ID". Offsets and the UTC/GMT/UT prefixes as
 * `ZoneId.of` and `ZoneOffset.of` read them; a region id looked up in ICU, case-sensitively, with
 * `ZoneId.SHORT_IDS`' abbreviations refused (no JDK since 17 takes them).
 */
export function timezoneViolation(zone: string): string | undefined {
  return zoneIdTaken(zone) ? undefined : `timezone '(${zone})' is not a valid time-zone ID`
}

function zoneIdTaken(zone: string): boolean {
  if (zone.length <= 1 || /^[+-]/.test(zone)) return offsetTaken(zone)
  const prefix = /^(UTC|GMT|UT)/.exec(zone)?.[1]
  if (prefix !== undefined) {
    const rest = zone.slice(prefix.length)
    if (rest === '') return true
    if (/^[+-]/.test(rest)) return offsetTaken(rest)
  }
  if (SHORT_IDS.has(zone) || !/^[A-Za-z][A-Za-z0-9~/._+-]+$/.test(zone)) return false
  try {
    const known = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone
    return known === zone || known.toLowerCase() !== zone.toLowerCase()
  } catch {
    return false
  }
}

/** `ZoneOffset.of`: Z, or ±h, ±hh, ±hhmm, ±hh:mm, ±hhmmss, ±hh:mm:ss within ±18:00. */
function offsetTaken(offset: string): boolean {
  if (offset === 'Z') return true
  const shape =
    /^[+-](?:(\d)|(\d\d)|(\d\d)(\d\d)|(\d\d):(\d\d)|(\d\d)(\d\d)(\d\d)|(\d\d):(\d\d):(\d\d))$/.exec(
      offset
    )
  if (!shape) return false
  const [hours = 0, minutes = 0, seconds = 0] = shape
    .slice(1)
    .filter((group) => group !== undefined)
    .map(Number)
  if (hours > 18 || minutes > 59 || seconds > 59) return false
  return hours < 18 || minutes + seconds === 0
}
