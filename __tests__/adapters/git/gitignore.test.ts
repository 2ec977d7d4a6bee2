/**
 * The gitignore matcher: git's semantics (the examples were checked with `git check-ignore` and `git
 * status --ignored`), the same verdicts as the `ignore` package on ordinary patterns, and a number of
 * comparisons bounded by the pattern's and the path's sizes on the patterns that make a backtracking
 * matcher run for minutes.
 */
import fc from 'fast-check'
import ignore from 'ignore'
import { describe, expect, it } from 'vitest'
import { parseIgnoreFile, testPath, type Meter } from '../../../src/adapters/git/ignore-rules.js'
import { runs } from '../../../test-support/property-runs.js'

const verdict = (text: string, rel: string, isDir = false) => {
  const { ignored, unignored, pattern } = testPath(parseIgnoreFile(text), rel, isDir)
  return { ignored, unignored, line: pattern?.line }
}

describe('gitignore semantics', () => {
  it.each([
    // [ignore file, path, is a folder, ignored]
    ['*\n!config/\n', 'config', true, false],
    ['*\n!config/\n', 'config/a.txt', false, true], // `*` matches the file's own name: git ignores it
    ['a/**\n!a/keep.txt\n', 'a', true, false], // a trailing /** matches inside, not the folder
    ['a/**\n!a/keep.txt\n', 'a/keep.txt', false, false],
    ['a/**\n!a/keep.txt\n', 'a/other.txt', false, true],
    ['vendor/\n!vendor/keep.yml\n', 'vendor/keep.yml', false, true], // nothing inside an ignored folder
    ['**/build\n', 'build', true, true],
    ['**/build\n', 'x/y/build', true, true],
    ['a/**/b\n', 'a/b', false, true],
    ['a/**/b\n', 'a/x/y/b', false, true],
    ['/root.yml\n', 'root.yml', false, true],
    ['/root.yml\n', 'sub/root.yml', false, false],
    ['docs/*.md\n', 'docs/x/y.md', false, false], // `*` never crosses a '/'
    ['*.yml\n', 'deep/er/flow.yml', false, true],
    ['dir/\n', 'dir', false, false], // a trailing / matches folders only
    ['[[:digit:]]x\n', '1x', false, true],
    ['[!a]x\n', 'ax', false, false],
    ['sp\\ \n', 'sp ', false, true], // an escaped trailing space is kept
    ['trail   \n', 'trail', false, true], // other trailing spaces are not
    ['\\!bang\n', '!bang', false, true],
    ['\\#hash\n', '#hash', false, true],
    ['q[\n', 'q[', false, false], // an unclosed bracket matches nothing
    ['# comment\n\n', 'comment', false, false]
  ] as const)('%j on %s (folder: %s) → ignored %s', (text, rel, isDir, ignored) => {
    expect(verdict(text, rel, isDir).ignored).toBe(ignored)
  })

  it('says which line decided: the last pattern matching, or the ignored folder on the way', () => {
    expect(verdict('*.yml\n!keep.yml\n*.yml\n', 'keep.yml').line).toBe(3)
    expect(verdict('flows/\n!flows/a.yml\n', 'flows/a.yml').line).toBe(1)
    expect(verdict('*\n!a.yml\n', 'a.yml')).toEqual({ ignored: false, unignored: true, line: 2 })
  })
})

/** Names from a small alphabet, so that patterns and paths meet often. */
const name = fc.constantFrom('a', 'b', 'ab', 'a.yml', 'b.yml', '.a', 'x-y')
const namePattern = fc.oneof(
  name,
  fc.constantFrom('*', '?', '*.yml', 'a*', '*b', '[ab]', '[!a]*', 'a?', '[a-b]*')
)
const pattern = fc
  .record({
    negative: fc.boolean(),
    leading: fc.boolean(),
    trailing: fc.boolean(),
    parts: fc.array(fc.oneof({ weight: 4, arbitrary: namePattern }, fc.constant('**')), {
      minLength: 1,
      maxLength: 3
    })
  })
  .map(
    ({ negative, leading, trailing, parts }) =>
      `${negative ? '!' : ''}${leading ? '/' : ''}${parts.join('/')}${trailing ? '/' : ''}`
  )
const path = fc.record({
  names: fc.array(name, { minLength: 1, maxLength: 4 }),
  isDir: fc.boolean()
})

describe('the same verdicts as the ignore package', () => {
  it('on random ignore files and paths', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 4 }), path, (lines, p) => {
        const rel = p.names.join('/')
        const theirs = ignore({ allowRelativePaths: true })
          .add(lines.join('\n'))
          .test(rel + (p.isDir ? '/' : ''))
        const ours = testPath(parseIgnoreFile(lines.join('\n')), rel, p.isDir)
        expect({ ignored: ours.ignored, unignored: ours.unignored }).toEqual({
          ignored: theirs.ignored,
          unignored: theirs.unignored
        })
      }),
      { numRuns: runs(3000, 300) }
    )
  })
})

describe('bounded whatever the pattern', () => {
  /** Patterns that make a backtracking matcher explode: runs of `**` and of `*` within a name. */
  const adversarial = fc.record({
    globstars: fc.integer({ min: 1, max: 40 }),
    stars: fc.integer({ min: 0, max: 12 }),
    depth: fc.integer({ min: 1, max: 60 }),
    nameLength: fc.integer({ min: 1, max: 40 })
  })

  it('compares at most (names + 1)² × (pattern tokens + 1) × (name tokens + 1) × (name length + 1) times', () => {
    fc.assert(
      fc.property(adversarial, ({ globstars, stars, depth, nameLength }) => {
        const starred = `${'*a'.repeat(stars)}*b`
        const text = `${Array.from({ length: globstars }, () => `**/${starred}`).join('/')}/c`
        const name = 'a'.repeat(nameLength)
        const rel = Array.from({ length: depth }, () => name).join('/')
        const meter: Meter = { steps: 0 }
        expect(testPath(parseIgnoreFile(text), rel, false, meter).ignored).toBe(false)
        const patternTokens = 2 * globstars + 1
        const nameTokens = 2 * stars + 2
        const bound = (depth + 1) ** 2 * (patternTokens + 1) * (nameTokens + 1) * (nameLength + 1)
        expect(meter.steps).toBeLessThanOrEqual(bound)
      }),
      { numRuns: runs(200, 50) }
    )
  })

  it('answers the case that kept a run on the ignore package busy for 79 s, every folder on the way', () => {
    const text = `${Array.from({ length: 16 }, () => '**/a').join('/')}/b`
    const patterns = parseIgnoreFile(text)
    const meter: Meter = { steps: 0 }
    for (let depth = 1; depth <= 30; depth++) {
      const rel = Array.from({ length: depth }, () => 'a').join('/')
      expect(testPath(patterns, rel, true, meter).ignored).toBe(false)
    }
    expect(meter.steps).toBeLessThan(30 * 31 ** 2 * 34 * 3 * 2)
  })
})
