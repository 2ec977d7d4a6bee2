/**
 * One case (at least) per error rule, built from the Kestra code path that backs it
 * (docs/validation-rules.md): a flow Kestra accepts passes without error, the flow it rejects fails on
 * the stated line, with the severity the table's Severity column gives, with no server and on each side
 * of every release the column names.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { KestraVersion } from '../../../src/model/version.js'
import { atLeast } from '../../../src/model/version.js'
import { PROJECT_ROOT } from '../../../test-support/runner.js'
import { check, checkOn } from './helpers.js'
import { CASES } from './rule-cases.js'

/** A rule's Severity cell, read: always an error, or an error from a release on (and up to another). */
interface Severity {
  since?: KestraVersion
  /** The release from which it is a warning again. */
  until?: KestraVersion
  /** With no server known. */
  errorWhenUnknown: boolean
  /** Nothing on a server older than `since` (what that release removed). */
  silentBefore: boolean
  /** Nothing on a server at or after it (what that release accepts again). */
  silentFrom?: KestraVersion
  /** A warning when no server is known (where it is not an error). */
  warnWhenUnknown?: boolean
}

const VERSIONED =
  /^error on ≥ (\d+)\.(\d+)(?:\.(\d+))?( and when unknown)?; warning before( and when unknown)?$/
const REMOVED = /^error on ≥ (\d+)\.(\d+)(?:\.(\d+))?; warning when unknown; nothing before$/
const DROPPED =
  /^error before (\d+)\.(\d+)(?:\.(\d+))?; warning when unknown; nothing from then on$/
const BETWEEN =
  /^error on ≥ (\d+)\.(\d+)(?:\.(\d+))? and before (\d+)\.(\d+)(?:\.(\d+))?; warning otherwise and when unknown$/

function readSeverity(cell: string): Severity {
  if (cell === 'error') return { errorWhenUnknown: true, silentBefore: false }
  const between = BETWEEN.exec(cell)
  if (between) {
    const [since, until] = [1, 4].map((at): KestraVersion => [
      Number(between[at]),
      Number(between[at + 1]),
      Number(between[at + 2] ?? 0)
    ])
    return { since: since!, until: until!, errorWhenUnknown: false, silentBefore: false }
  }
  const removed = REMOVED.exec(cell)
  if (removed) {
    const since: KestraVersion = [Number(removed[1]), Number(removed[2]), Number(removed[3] ?? 0)]
    return { since, errorWhenUnknown: false, silentBefore: true, warnWhenUnknown: true }
  }
  const dropped = DROPPED.exec(cell)
  if (dropped) {
    const silentFrom: KestraVersion = [
      Number(dropped[1]),
      Number(dropped[2]),
      Number(dropped[3] ?? 0)
    ]
    return { errorWhenUnknown: false, silentBefore: false, silentFrom, warnWhenUnknown: true }
  }
  const match = VERSIONED.exec(cell)
  if (!match) throw new Error(`unreadable Severity: ${cell}`)
  const since: KestraVersion = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)]
  if (Boolean(match[4]) === Boolean(match[5])) throw new Error(`contradictory Severity: ${cell}`)
  return { since, errorWhenUnknown: Boolean(match[4]), silentBefore: false }
}

/** The rows of the first table ("Rules that can be errors"): rule id → Severity and source cells. */
function errorTable(): Map<string, { severity: string; source: string }> {
  const text = readFileSync(join(PROJECT_ROOT, 'docs/validation-rules.md'), 'utf8')
  const table = text.slice(0, text.indexOf('### Rules of this action'))
  return new Map(
    table
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .flatMap((cells) =>
        [...(cells[1] ?? '').matchAll(/`([a-z-]+)`/g)].map(
          (m) => [m[1]!, { severity: cells[2]!, source: cells[3]! }] as const
        )
      )
  )
}

/** The last version before `since`: the other side of the boundary. */
function justBefore([major, minor, patch]: KestraVersion): KestraVersion {
  if (patch > 0) return [major, minor, patch - 1]
  if (minor > 0) return [major, minor - 1, 99]
  return [major - 1, 99, 99]
}

/** Where current releases stand: the accepted flows of every rule are accepted there. */
const CURRENT: KestraVersion[] = [
  [1, 3, 25],
  [2, 0, 0]
]

const run = (lines: string[], version?: KestraVersion) =>
  version ? checkOn(version, lines) : check(lines)

const versionName = (version?: KestraVersion) => version?.join('.') ?? 'no server'

describe('every error rule, on the Kestra code path that backs it', () => {
  const table = errorTable()

  it.each(CASES)(
    '$rule: accepts what Kestra accepts, rejects what it rejects on its line, as the table says',
    (c) => {
      const severity = readSeverity(table.get(c.rule)!.severity)
      const boundary = [severity.since, severity.until, severity.silentFrom].flatMap((release) =>
        release ? [justBefore(release), release] : []
      )
      const versions = [...boundary, ...CURRENT].filter((v) => !c.until || !atLeast(v, c.until))
      for (const version of [undefined, ...versions]) {
        const accepted = run(c.accepted, version).filter((f) => f.severity === 'error')
        expect(accepted, `accepted flow, ${versionName(version)}`).toEqual([])
        const expected =
          version === undefined
            ? severity.errorWhenUnknown
            : (!severity.since || atLeast(version, severity.since)) &&
              !(severity.until && atLeast(version, severity.until))
        const found = run(c.rejected, version)
          .filter((f) => f.rule === c.rule && f.line === c.line)
          .map((f) => f.severity)
        const silent =
          version !== undefined &&
          ((severity.silentBefore && !expected) ||
            (severity.silentFrom !== undefined && atLeast(version, severity.silentFrom)))
        expect(found, `rejected flow, ${versionName(version)}`).toEqual(
          silent ? [] : expected ? ['error'] : ['warning']
        )
      }
    }
  )

  it('documents every error rule with its Kestra source, and has a case for each', () => {
    const ruled = new Set(CASES.map((c) => c.rule))
    for (const [rule, row] of table) {
      expect(ruled.has(rule), `${rule} has no case`).toBe(true)
      expect(() => readSeverity(row.severity), `${rule} severity`).not.toThrow()
      expect(row.source.length, `${rule} source`).toBeGreaterThan(10)
    }
    for (const c of CASES) expect(table.has(c.rule), `${c.rule} is in the table`).toBe(true)
  })
})
