/**
 * A Schedule's `timezone`, which Kestra checks with `java.time.ZoneId.of` from 0.14 (`TimezoneIdValidator`).
 * The verdicts of two real JDKs (fixtures/zone-ids) are the judge: on offsets and the UTC/GMT/UT prefixes
 * the rule answers exactly as Java does; on region ids it refuses only what both JDKs refuse.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { timezoneProblem } from '../../../src/resources/flows/decide-schedules.js'
import { check, checkOn, MINIMAL, rules } from './helpers.js'
import { isOffsetForm, zoneIdVerdicts } from './zone-id-verdicts.js'

describe("Java's verdicts on time-zone ids", () => {
  const offsets = zoneIdVerdicts().filter(({ id }) => isOffsetForm(id))
  const regions = zoneIdVerdicts().filter(({ id }) => !isOffsetForm(id))

  it('hold thousands of ids of every shape, read by both JDKs', () => {
    expect(offsets.length).toBeGreaterThan(1800)
    expect(regions.filter((r) => r.java17 && r.java25).length).toBeGreaterThan(600)
    expect(offsets.every(({ java17, java25 }) => java17 === java25)).toBe(true)
  })

  it('an offset or a prefixed offset is refused exactly when Java refuses it', () => {
    const wrong = offsets.filter(({ id, java25 }) => (timezoneProblem(id) === undefined) !== java25)
    expect(wrong).toEqual([])
  })

  it('a region id is refused only when both JDKs refuse it, every id they know accepted', () => {
    const refused = regions.filter(({ id }) => timezoneProblem(id) !== undefined)
    expect(refused.filter(({ java17, java25 }) => java17 || java25)).toEqual([])
    // Refused where this runtime can tell: a wrong case, an abbreviation, a name no database holds.
    expect(refused.length).toBeGreaterThan(150)
  })

  it("accepts every zone this runtime's database names", () => {
    for (const zone of Intl.supportedValuesOf('timeZone'))
      expect(timezoneProblem(zone), zone).toBeUndefined()
  })

  it('refuses what is not shaped as a region id, whatever it holds', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 2, maxLength: 20 })
          .filter((id) => !isOffsetForm(id) && !/^[A-Za-z][A-Za-z0-9~/._+-]+$/.test(id)),
        (id) => {
          expect(timezoneProblem(id)).toBeDefined()
        }
      ),
      { seed: 20261125, numRuns: 500 }
    )
  })
})

describe('the schedule-timezone rule', () => {
  const schedule = (zone: string) => [
    ...MINIMAL,
    'triggers:',
    '  - id: nightly',
    '    type: io.kestra.plugin.core.trigger.Schedule',
    '    cron: "0 9 * * *"',
    `    timezone: ${zone}`
  ]

  it.each([
    ['Europe/Pari', 'no time-zone database knows this region'],
    ['europe/paris', 'region ids are case-sensitive: write Europe/Paris'],
    ['PST', 'Java takes no abbreviation for a zone'],
    ['+1:00', 'an offset is Z, or +h, +hh, +hhmm, +hh:mm, +hhmmss or +hh:mm:ss'],
    ['UTC+19', 'after UTC, the offset +19 is outside -18:00 to +18:00'],
    ['"Europe Paris"', 'it is neither an offset (+02:00, UTC+2) nor a region id'],
    ['"{{ vars.tz }}"', 'it is neither an offset']
  ])('refuses %s on its line, saying why', (zone, why) => {
    const findings = check(schedule(zone))
    expect(rules(findings)).toEqual(['error schedule-timezone 11:15'])
    expect(findings[0]!.message).toContain(
      `Schedule trigger 'nightly': Kestra rejects the timezone`
    )
    expect(findings[0]!.message).toContain(why)
  })

  it.each([
    'Europe/Paris',
    'UTC',
    'Z',
    '"+02:00"',
    'GMT-05:30',
    'Etc/GMT+5',
    'Asia/Calcutta',
    'America/Argentina/Buenos_Aires'
  ])('accepts %s', (zone) => {
    expect(check(schedule(zone))).toEqual([])
  })

  it('follows the release that added the check: a warning before 0.14, an error from it', () => {
    expect(rules(checkOn([0, 13, 9], schedule('Europe/Pari')))).toEqual([
      'warning schedule-timezone 11:15'
    ])
    expect(rules(checkOn([0, 14, 0], schedule('Europe/Pari')))).toEqual([
      'error schedule-timezone 11:15'
    ])
  })

  it('reads the timezone of a Schedule only, under its alias too', () => {
    const alias = schedule('PST').map((line) =>
      line.replace(
        'io.kestra.plugin.core.trigger.Schedule',
        'io.kestra.core.models.triggers.types.Schedule'
      )
    )
    expect(rules(check(alias))).toEqual([
      'warning removed-type 9:11',
      'error schedule-timezone 11:15'
    ])
    const other = schedule('PST').map((line) =>
      line.replace(
        'io.kestra.plugin.core.trigger.Schedule',
        'io.kestra.plugin.core.trigger.Webhook'
      )
    )
    expect(rules(check(other)).filter((rule) => rule.includes('timezone'))).toEqual([])
  })
})
