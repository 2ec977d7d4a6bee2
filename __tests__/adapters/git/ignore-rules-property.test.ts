import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseIgnoreFile, testPath } from '../../../src/adapters/git/ignore-rules.js'
import {
  IGNORE_FILE,
  IgnoreRules,
  type IgnoreRule
} from '../../../src/adapters/git/ignore-rules.js'
import { runs } from '../../../test-support/property-runs.js'

/** Folders that may hold an ignore file, lines they may hold, and the names paths are made of. */
const FOLDERS = ['', 'a', 'a/b', 'c', 'a/b/c', 'x1']
const LINES = [
  '*.sql',
  '!keep.sql',
  'b/',
  '!b/',
  '/c',
  'x*',
  '**/d',
  '!*.md',
  '.*',
  '!.hidden',
  'a/b'
]
const NAMES = [
  'a',
  'b',
  'c',
  'd',
  'x1',
  'keep.sql',
  'q.sql',
  '.hidden',
  'r.md',
  '.git',
  IGNORE_FILE
]

const setup = fc.record({
  files: fc.dictionary(
    fc.constantFrom(...FOLDERS),
    fc.array(fc.constantFrom(...LINES), { maxLength: 5 })
  ),
  queries: fc.array(
    fc.record({
      rel: fc
        .array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 })
        .map((names) => names.join('/')),
      isDir: fc.boolean()
    }),
    { minLength: 1, maxLength: 30 }
  ),
  /** Folders whose listing the walk reports before the questions (whether it shows an ignore file). */
  listed: fc.subarray(FOLDERS)
})

/** The rule of each folder's ignore file from root down, as the loop over `split('/')` read them. */
function reference(
  files: Record<string, string[]>,
  rel: string,
  isDir: boolean
): IgnoreRule | 'fixed' | undefined {
  const segments = rel.split('/')
  const name = segments[segments.length - 1]!
  if (name.toLowerCase() === '.git' || name === IGNORE_FILE) return 'fixed'
  let excluded: IgnoreRule | undefined = name.startsWith('.')
    ? { line: 0, pattern: '.*' }
    : undefined
  for (let depth = 0; depth < segments.length; depth++) {
    const dir = segments.slice(0, depth).join('/')
    const lines = files[dir]
    if (!lines) continue
    const verdict = testPath(
      parseIgnoreFile(lines.join('\n')),
      segments.slice(depth).join('/'),
      isDir
    )
    const path = dir === '' ? IGNORE_FILE : `${dir}/${IGNORE_FILE}`
    if (verdict.ignored && verdict.pattern) {
      excluded = { file: path, line: verdict.pattern.line, pattern: verdict.pattern.text }
    } else if (verdict.unignored) {
      excluded = undefined
    }
  }
  return excluded
}

function rulesOver(files: Record<string, string[]>): IgnoreRules {
  const byPath = new Map(
    Object.entries(files).map(([dir, lines]) => [
      dir === '' ? IGNORE_FILE : `${dir}/${IGNORE_FILE}`,
      lines.join('\n')
    ])
  )
  return new IgnoreRules({
    kind: async (path) => (byPath.has(path) ? 'file' : undefined),
    read: async (path) => Buffer.from(byPath.get(path) ?? '', 'utf8')
  })
}

describe('IgnoreRules.excludedBy over random ignore files', () => {
  it('says what each folder’s file says, root down, whether its folders were listed or asked about before or not', async () => {
    await fc.assert(
      fc.asyncProperty(setup, async ({ files, queries, listed }) => {
        const warm = rulesOver(files)
        for (const dir of listed) warm.knowListing(dir, dir in files)
        for (const { rel, isDir } of queries) {
          const expected = reference(files, rel, isDir)
          expect(await warm.excludedBy(rel, isDir)).toEqual(expected)
          expect(await rulesOver(files).excludedBy(rel, isDir)).toEqual(expected)
        }
        // All at once: answers that wait on the same folder's file agree with those that found it read.
        const together = rulesOver(files)
        for (const dir of listed) together.knowListing(dir, dir in files)
        const answers = await Promise.all(
          queries.map(({ rel, isDir }) => together.excludedBy(rel, isDir))
        )
        expect(answers).toEqual(queries.map(({ rel, isDir }) => reference(files, rel, isDir)))
      }),
      { numRuns: runs(300, 100), seed: 20261124 }
    )
  })
})
