/**
 * The drift diff reads from Git to Kestra: the plan's diff (server → repository) turned around. Over any two
 * texts, applying it to Git's text gives exactly the server's.
 */
import { applyPatch } from 'diff'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { diffTexts } from '../../../src/engine/plan/diff.js'
import { gitToServerDiff } from '../../../src/engine/drift/drifted.js'
import { runs } from '../../../test-support/property-runs.js'

const RUNS = Number(process.env.KGA_PROPERTY_RUNS ?? 300)
const SEED = Number(process.env.KGA_PROPERTY_SEED ?? 24_2026)

/** Texts from a few lines, so that two texts share lines and hunks interleave. */
const line = fc.constantFrom('a', 'b', 'c', 'd', '  x: 1', '', '+', '-', '\\ x', '--- y', '@@ z')
const text = fc
  .tuple(fc.array(line, { maxLength: 30 }), fc.boolean())
  .map(([lines, eol]) => (lines.length === 0 ? '' : lines.join('\n') + (eol ? '\n' : '')))

describe('gitToServerDiff', () => {
  it('applied to Git’s text gives the server’s, over any two texts (either side absent too)', () => {
    fc.assert(
      fc.property(
        text,
        text,
        fc.constantFrom('both', 'no-server', 'no-git'),
        (server, git, sides) => {
          const before = sides === 'no-server' ? undefined : server
          const after = sides === 'no-git' ? undefined : git
          const planned = diffTexts('a/ns/id', 'b/ns/id', before, after)
          if (planned.diff === undefined) return
          const drift = gitToServerDiff(planned.diff, 'ns.id')
          expect(applyPatch(after ?? '', drift)).toBe(before ?? '')
        }
      ),
      { numRuns: runs(RUNS, 100), seed: SEED }
    )
  })

  it('names both sides and lists removals before additions within a change', () => {
    const planned = diffTexts('a/x', 'b/x', 'one\nserver\nthree\n', 'one\ngit\nthree\n').diff!
    const drift = gitToServerDiff(planned, 'company.team.solo')
    expect(drift.split('\n').slice(0, 2)).toEqual([
      '--- git/company.team.solo',
      '+++ kestra/company.team.solo'
    ])
    expect(drift).toContain('-git\n+server\n')
  })

  it('keeps /dev/null for the side that does not exist', () => {
    const created = diffTexts('', 'b/x', undefined, 'only in git\n').diff!
    expect(gitToServerDiff(created, 'x').split('\n').slice(0, 2)).toEqual([
      '--- git/x',
      '+++ /dev/null'
    ])
  })
})
