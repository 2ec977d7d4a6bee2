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
