/**
 * `java.time.Duration` as Jackson binds it from YAML and prints it back: an ISO-8601 string accepted by
 * `Duration.parse` (days at most: no years, months or weeks) or a number of seconds; printed by
 * `Duration.toString()` (days become hours: 30 days is `PT720H`).
 */
const JAVA_DURATION =
  /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i

/** Seconds (with fraction), or undefined when Jackson would refuse the value. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value !== 'string') return undefined
  const match = JAVA_DURATION.exec(value.trim())
  if (!match || /^[-+]?PT?$/i.test(value.trim()) || /T$/i.test(value.trim())) return undefined
  const [, sign, days, hours, minutes, seconds, fraction] = match
  const whole =
    Number(days ?? 0) * 86400 +
    Number(hours ?? 0) * 3600 +
    Number(minutes ?? 0) * 60 +
    Number(seconds ?? 0)
  const total = whole + (fraction ? Number(`0.${fraction}`) * Math.sign(Number(seconds) || 1) : 0)
  return sign === '-' ? -total : total
}

export function javaDuration(seconds: number): string {
  if (seconds === 0) return 'PT0S'
  const hours = Math.trunc(seconds / 3600)
  const minutes = Math.trunc((seconds % 3600) / 60)
  const rest = Number((seconds % 60).toFixed(9))
  return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${rest ? `${rest}S` : ''}`
}
