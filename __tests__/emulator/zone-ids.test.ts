/** The emulator's `TimezoneIdValidator` answers as both real JDKs do (__tests__/resources/flows/fixtures/zone-ids). */
import { describe, expect, it } from 'vitest'
import { timezoneViolation } from '../../test-support/kestra-emulator/schedule-cron.js'
import { isOffsetForm, zoneIdVerdicts } from '../resources/flows/zone-id-verdicts.js'

describe("the emulator's time-zone ids", () => {
  it('takes an offset exactly when Java does', () => {
    const wrong = zoneIdVerdicts().filter(
      ({ id, java25 }) => isOffsetForm(id) && (timezoneViolation(id) === undefined) !== java25
    )
    expect(wrong).toEqual([])
  })

  it('refuses a region id only when both JDKs do, and names it as Kestra does', () => {
    const refused = zoneIdVerdicts().filter(({ id }) => !isOffsetForm(id) && timezoneViolation(id))
    expect(refused.filter(({ java17, java25 }) => java17 || java25)).toEqual([])
    expect(timezoneViolation('Europe/Pari')).toBe(
      "timezone '(Europe/Pari)' is not a valid time-zone ID"
    )
  })
})
