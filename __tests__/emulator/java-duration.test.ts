import { describe, expect, it } from 'vitest'
import { durationSeconds, javaDuration } from '../../test-support/kestra-emulator/java-duration.js'

describe('java.time.Duration as the dashboards emulator binds and prints it', () => {
  it('prints what Duration.toString() prints', () => {
    const printed: [number, string][] = [
      [0, 'PT0S'],
      [0.5, 'PT0.5S'],
      [90, 'PT1M30S'],
      [3600, 'PT1H'],
      [86401, 'PT24H1S'],
      [30 * 86400, 'PT720H'],
      [366 * 86400, 'PT8784H']
    ]
    for (const [seconds, text] of printed) expect(javaDuration(seconds)).toBe(text)
  })

  it('reads back what it prints: every second of two days, every hour of a year', () => {
    const failures: number[] = []
    const check = (seconds: number) => {
      if (durationSeconds(javaDuration(seconds)) !== seconds) failures.push(seconds)
    }
    for (let s = 0; s <= 2 * 86400; s++) check(s)
    for (let h = 0; h <= 366 * 24; h++) check(h * 3600)
    expect(failures).toEqual([])
  })

  it('accepts what Duration.parse accepts and a number of seconds, refuses the rest', () => {
    const accepted: [unknown, number][] = [
      ['P30D', 30 * 86400],
      ['p1dt2h', 93600],
      ['PT1.5S', 1.5],
      ['-PT1M', -60],
      [3600, 3600]
    ]
    for (const [text, seconds] of accepted) expect(durationSeconds(text)).toBe(seconds)
    for (const text of ['P1M', 'P1Y', 'P1W', 'P', 'PT', 'P1DT', '1D', '', true, null]) {
      expect(durationSeconds(text)).toBeUndefined()
    }
  })
})
