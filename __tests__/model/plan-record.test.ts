/**
 * The plan marker's record (docs/comment.md#markers) over its input space: any settings and resource
 * names read back exactly from one hidden line that nothing can break out of, and the differences named
 * are exactly the settings and resources that differ.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { planMarkerLine, readPlanMarker } from '../../src/model/markdown/comment-markers.js'
import {
  recordDifferences,
  type PlanRecord,
  type RecordedChange
} from '../../src/model/plan-record.js'
import { runs } from '../../test-support/property-runs.js'

const FP = 'a'.repeat(64)
const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom('-->', '<!--', '--!>', '@octocat', '\n::error::x', '</details>', '\u2028', '"\\')
)
const settings = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z-]{0,15}$/),
  fc.oneof(hostile, fc.constantFrom('true', 'false', '10'))
)
const change = fc.tuple(
  fc.constantFrom('create', 'update', 'delete', 'orphaned'),
  fc.constantFrom('flow', 'file', 'dashboard'),
  hostile,
  fc.stringMatching(/^[0-9a-f]{16}$/)
)

describe('the plan record in the marker', () => {
  it('reads back exactly, from a single line that stays one HTML comment', () => {
    fc.assert(
      fc.property(settings, fc.array(change, { maxLength: 8 }), (s, changes) => {
        const record: PlanRecord = { fingerprint: FP, commit: 'c0ffee', settings: s, changes }
        const line = planMarkerLine(FP, 'c0ffee', record)
        expect(line.split(/\r\n|\r|\n|\u0085|\u2028|\u2029/)).toHaveLength(1)
        const inner = line.slice('<!-- '.length, -' -->'.length)
        expect(inner).not.toMatch(/--|[<>@]/)
        expect(readPlanMarker(`intro\n\n${line}\n\nlast`)).toEqual(record)
      }),
      { numRuns: runs(300, 100) }
    )
  })

  it('names every setting that differs and only those', () => {
    fc.assert(
      fc.property(settings, settings, (reviewed, now) => {
        const lines = recordDifferences(
          { fingerprint: FP, commit: 'a', settings: reviewed },
          { fingerprint: FP, commit: 'b', settings: now }
        )
        const names = [...new Set([...Object.keys(reviewed), ...Object.keys(now)])]
        const differing = names.filter((name) => reviewed[name] !== now[name])
        const named = lines
          .filter((l) => l.startsWith('  '))
          .map((l) => l.slice(2, l.indexOf(': ')))
        expect(named.sort()).toEqual(differing.sort())
      }),
      { numRuns: runs(300, 100) }
    )
  })

  it('names every resource whose change differs, and only those', () => {
    const keyed = fc.uniqueArray(change, { selector: (c) => `${c[1]} ${c[2]}`, maxLength: 10 })
    fc.assert(
      fc.property(keyed, keyed, (reviewed, now) => {
        const lines = recordDifferences(
          { fingerprint: FP, commit: 'a', changes: reviewed },
          { fingerprint: FP, commit: 'b', changes: now }
        )
        const key = (c: RecordedChange) => `${c[1]} ${c[2]}`
        const same = (a: RecordedChange, b: RecordedChange) => a[0] === b[0] && a[3] === b[3]
        const differing = [
          ...now.filter((c) => !reviewed.some((r) => key(r) === key(c) && same(r, c))),
          ...reviewed.filter((r) => !now.some((c) => key(c) === key(r)))
        ].map(key)
        const body = lines.filter((l) => l.startsWith('  '))
        expect(body).toHaveLength(differing.length)
        for (const name of differing) expect(body.some((l) => l.includes(` ${name}: `))).toBe(true)
      }),
      { numRuns: runs(300, 100) }
    )
  })

  it('says how a removal reviewed as an orphan differs, and what the settings were', () => {
    const lines = recordDifferences(
      {
        fingerprint: FP,
        commit: 'a',
        settings: {},
        changes: [['orphaned', 'flow', 'company.team.old', '1'.repeat(16)]]
      },
      {
        fingerprint: FP,
        commit: 'b',
        settings: { delete: 'true' },
        changes: [['delete', 'flow', 'company.team.old', '2'.repeat(16)]]
      }
    )
    expect(lines).toEqual([
      "Settings that differ from the reviewed plan's:",
      '  delete: "false" (default) (reviewed) → "true" (now)',
      'Resources that differ from the reviewed plan:',
      '  delete flow company.team.old: reviewed as orphaned'
    ])
  })

  it('reads an older marker without a record, and names nothing it cannot know', () => {
    const old = readPlanMarker(
      `<!-- kestra-gitops-plan: {"fingerprint":"${FP}","commit":"abc"} -->`
    )
    expect(old).toEqual({ fingerprint: FP, commit: 'abc' })
    expect(
      recordDifferences(old!, { fingerprint: FP, commit: 'b', settings: { delete: 'true' } })
    ).toEqual([])
  })
})
