/**
 * The verdicts of `java.time.ZoneId.of` on about 5,700 ids, from OpenJDK 17 and Temurin 25
 * (fixtures/zone-ids: the ids, the answers and the program that gave them).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Each id with whether each JDK's `ZoneId.of` takes it. */
export function zoneIdVerdicts(): { id: string; java17: boolean; java25: boolean }[] {
  return readFileSync(join(__dirname, 'fixtures', 'zone-ids', 'verdicts.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => {
      const [java17, java25, ...id] = line.split('\t')
      return { id: id.join('\t'), java17: java17 === 'valid', java25: java25 === 'valid' }
    })
}

/** What `ZoneId.of` reads as an offset, alone or after UTC, GMT or UT, rather than looks up. */
export function isOffsetForm(id: string): boolean {
  if (id.length <= 1 || /^[+-]/.test(id)) return true
  const prefix = ['UTC', 'GMT', 'UT'].find((p) => id.startsWith(p))
  return prefix !== undefined && /^([+-]|$)/.test(id.slice(prefix.length))
}
