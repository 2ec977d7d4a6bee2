/**
 * A Schedule cron Kestra rejects is an error on its line, never shown with a next run
 * (docs/validation-rules.md#rules-that-can-be-errors).
 * Kestra's definition (`Schedule.java`, cron-utils): 5 fields, 6 with `withSeconds: true`, or one of
 * seven nicknames; `ScheduleValidationTest` holds the cases marked below.
 */
import { Cron } from 'croner'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nextRun } from '../../../src/resources/flows/decide-trigger-changes.js'
import { cronProblem } from '../../../src/resources/flows/decide-schedules.js'
import { check, MINIMAL, rules } from './helpers.js'
import { runs } from '../../../test-support/property-runs.js'

const REFERENCE = new Date('2025-01-01T00:00:00Z')

describe("Kestra's Schedule cron", () => {
  it.each([
    ['* * * * *', false, true], // ScheduleValidationTest.cronValidation
    ['@hourly', false, true], // ScheduleValidationTest.nicknameValidation
    ['* * * * * *', true, true], // ScheduleValidationTest.withSecondsValidation
    ['*/15 9-17 1,15 JAN-JUN MON-FRI', false, true],
    ['0 0 * * 7', false, true], // 7 is Sunday too (withIntMapping(7, 0))
    ['@daily', false, true],
    ['@midnight', false, true],
    ['0 9 * * 1 || 0 18 * * 5', false, false], // composite: left to the server
    ['0 12 L * *', false, false], // a day-of-month L: 2.0.0 takes it (schedule-cron-l on 1.x)
    ['0 12 L-2 * MON', false, false]
  ])('accepts %j (withSeconds: %s), with a next run: %s', (cron, withSeconds, shown) => {
    expect(cronProblem(cron, withSeconds)).toBeUndefined()
    if (shown)
      expect(nextRun({ cron, withSeconds }, REFERENCE)).toMatch(/^2025-01-0\d \d\d:\d\d UTC$/)
  })

  it.each([
    ['* * * * * * *', false, '7 field(s) and Kestra takes 5'],
    ['* * * * * *', false, 'add `withSeconds: true`'], // ScheduleValidationTest.withSecondsValidation
    ['* * * * *', true, '`withSeconds: true` needs a seconds field first'],
    ['$ome Inv@lid Cr0n', false, '3 field(s)'], // ScheduleValidationTest.cronValidation
    ['@reboot', false, '@reboot is not supported'],
    ['@every 5m', false, '2 field(s)'],
    ['60 * * * *', false, 'minute field has 60, outside 0-59'],
    ['0 24 * * *', false, 'hour field has 24'],
    ['0 0 0 * *', false, 'day-of-month field has 0'],
    ['0 0 1 13 *', false, 'month field has 13'],
    ['0 0 * * 8', false, 'day-of-week field has 8'],
    ['0 17-9 * * *', false, 'backwards range 17-9'],
    ['0 9, * * *', false, 'ends with a comma'],
    ['{{ vars.cron }}', false, 'renders no Pebble expression'],
    ['', false, '0 field(s)'],
    // Each refused by core 1.3.31 and 2.0.0 run, in these words.
    ['0 2 * * ?', false, 'no `?` ("Invalid expression: ?"): write `*` in its place'],
    ['0 0 */6 * * ?', true, 'no `?` ("Invalid expression: ?"): write `*` in its place'],
    // Quartz's six fields: `?`, and a seconds field withSeconds makes Kestra read.
    [
      '0 0 12 * * ?',
      false,
      'write `*` in its place, and its first field is seconds: add `withSeconds: true`'
    ],
    ['0 2 1W * *', false, 'day-of-month field has `W`'],
    ['0 2 LW * *', false, 'day-of-month field has `L`'],
    ['0 2 * * 5L', false, 'day-of-week field has `L`'],
    ['0 2 * L *', false, 'month field has `L`'],
    ['0 2 * * MON#1', false, 'day-of-week field has `#` ("Invalid expression: MON#1")']
  ])('rejects %j (withSeconds: %s): %s', (cron, withSeconds, why) => {
    expect(cronProblem(cron, withSeconds)).toContain(why)
    expect(nextRun({ cron, withSeconds }, REFERENCE)).toBeUndefined()
  })

  it.each(['5/15 * * * *', '0 0 * * 1/2'])(
    'accepts %j as cron-utils does, which croner refuses: croner cannot be the grammar (docs/dependencies.md)',
    (cron) => {
      expect(cronProblem(cron, false)).toBeUndefined()
      expect(() => new Cron(cron)).toThrow(/stepping with numeric prefix/)
    }
  )

  it('refuses seven fields, which croner accepts', () => {
    expect(() => new Cron('* * * * * * *')).not.toThrow()
    expect(cronProblem('* * * * * * *', true)).toContain('7 field(s) and Kestra takes 6')
  })

  const value = (min: number, max: number) =>
    fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc
        .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
        .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.integer({ min: 1, max }).map((step) => `*/${step}`)
    )
  const field = (min: number, max: number) =>
    fc.array(value(min, max), { minLength: 1, maxLength: 3 }).map((items) => items.join(','))
  const fiveFields = fc
    .tuple(field(0, 59), field(0, 23), field(1, 31), field(1, 12), field(0, 7))
    .map((fields) => fields.join(' '))

  it('accepts every cron of five fields in range, and shows a next run for it', () => {
    fc.assert(
      fc.property(fiveFields, (cron) => {
        expect(cronProblem(cron, false)).toBeUndefined()
        expect(cronProblem(`0 ${cron}`, true)).toBeUndefined()
      }),
      { numRuns: runs(500, 150) }
    )
  })

  it('rejects any other number of fields, and never shows a next run for it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('*', '0', '1-5', '*/2'), { minLength: 1, maxLength: 9 }),
        fc.boolean(),
        (fields, withSeconds) => {
          fc.pre(fields.length !== (withSeconds ? 6 : 5))
          const cron = fields.join(' ')
          expect(cronProblem(cron, withSeconds)).toBeDefined()
          expect(nextRun({ cron, withSeconds }, REFERENCE)).toBeUndefined()
        }
      ),
      { numRuns: runs(500, 150) }
    )
  })
})

describe('the schedule-cron rule', () => {
  const schedule = (...lines: string[]) => [
    ...MINIMAL,
    'triggers:',
    '  - id: nightly',
    '    type: io.kestra.plugin.core.trigger.Schedule',
    ...lines
  ]

  it('is an error on the cron line, for the trigger type and its alias', () => {
    expect(rules(check(schedule('    cron: "* * * * * * *"')))).toEqual([
      'error schedule-cron 10:11'
    ])
    const alias = schedule('    cron: "@reboot"').map((line) =>
      line.replace(
        'io.kestra.plugin.core.trigger.Schedule',
        'io.kestra.core.models.triggers.types.Schedule'
      )
    )
    expect(rules(check(alias))).toEqual(['warning removed-type 9:11', 'error schedule-cron 10:11'])
  })

  it('reads withSeconds, and says nothing of a cron Kestra accepts', () => {
    expect(check(schedule('    cron: "0 */5 * * * *"', '    withSeconds: true'))).toEqual([])
    expect(check(schedule('    cron: "@daily"'))).toEqual([])
    expect(check(schedule('    cron: 0 9 * * MON-FRI'))).toEqual([])
  })
})
