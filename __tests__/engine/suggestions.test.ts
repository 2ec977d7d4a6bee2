/**
 * Which fixes become suggested changes (docs/suggested-changes.md#which-lines): whatever the files, the fixes,
 * the rewrites and the lines a pull request changed, a suggestion only replaces lines the pull request changed,
 * with the text they have there, and applying it gives what the fix or the rewrite says; none overlap; the same
 * fix of the same text keeps its key.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { suggestedChanges } from '../../src/engine/suggestions.js'
import type { Finding } from '../../src/model/finding.js'
import { addedLines } from '../../src/model/suggestion.js'
import { runs } from '../../test-support/property-runs.js'

const FILE = 'ns/flows/a.yml'

const line = fc.constantFrom(
  'id: a',
  '  - id: t',
  '    message: {{ x }}',
  '    mesage: hi',
  '    type: io.kestra.core.tasks.log.Log',
  ''
)

const scenario = fc
  .record({
    lines: fc.array(line, { minLength: 1, maxLength: 12 }),
    changedMask: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
    staleMask: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
    rewriteMask: fc.array(fc.constantFrom('keep', 'drop', 'edit', 'insert'), {
      minLength: 12,
      maxLength: 12
    })
  })
  .map(({ lines, changedMask, staleMask, rewriteMask }) => {
    const changed = new Map<number, string>()
    lines.forEach((text, i) => {
      // A changed line whose text differs in the pull request (a merge commit's offset): never suggested on.
      if (changedMask[i]) changed.set(i + 1, staleMask[i] ? `${text}#` : text)
    })
    const findings: Finding[] = lines.flatMap((text, i): Finding[] => {
      if (text.includes('{{ x }}')) {
        return [
          {
            severity: 'error',
            file: FILE,
            line: i + 1,
            column: 14,
            rule: 'unquoted-pebble',
            message: 'quote it',
            fix: { text: '{{ x }}', with: '"{{ x }}"' }
          }
        ]
      }
      if (text.includes('mesage')) {
        return [
          {
            severity: 'error',
            file: FILE,
            line: i + 1,
            column: 5,
            rule: 'core-schema',
            message: 'did you mean `message`?',
            fix: { text: 'mesage', with: 'message' }
          }
        ]
      }
      return []
    })
    const rewritten = lines.flatMap((text, i) => {
      const how = rewriteMask[i]
      if (how === 'drop') return []
      if (how === 'edit') return [`${text} # rewritten`]
      if (how === 'insert') return ['    level: WARN', text]
      return [text]
    })
    return {
      lines,
      changed,
      findings,
      rewrite: { file: FILE, raw: `${lines.join('\n')}\n`, source: `${rewritten.join('\n')}\n` }
    }
  })

describe('suggested changes (docs/suggested-changes.md#which-lines)', () => {
  it('replace only lines the pull request changed, with their text there, and never overlap', () => {
    fc.assert(
      fc.property(scenario, fc.boolean(), (s, withRewrite) => {
        const found = suggestedChanges({
          findings: s.findings,
          texts: new Map([[FILE, s.lines.join('\n')]]),
          rewrites: withRewrite ? [s.rewrite] : [],
          rewriteReasons: [],
          changed: new Map([[FILE, s.changed]])
        })
        let last = 0
        for (const suggestion of found) {
          expect(suggestion.startLine).toBeGreaterThan(last)
          last = suggestion.endLine
          expect(suggestion.endLine - suggestion.startLine + 1).toBe(suggestion.original.length)
          suggestion.original.forEach((text, i) => {
            expect(s.changed.get(suggestion.startLine + i)).toBe(text)
            expect(s.lines[suggestion.startLine + i - 1]).toBe(text)
          })
          expect(suggestion.lines).not.toEqual(suggestion.original)
        }
        // Each fix on a changed line, with the text checked there, is offered unless a rewrite took the line.
        if (!withRewrite) {
          const expected = s.findings.filter((f) => s.changed.get(f.line) === s.lines[f.line - 1])
          expect(found.map((f) => f.startLine)).toEqual(expected.map((f) => f.line))
          for (const suggestion of found) {
            const fix = s.findings.find((f) => f.line === suggestion.startLine)!.fix!
            expect(suggestion.lines).toEqual([suggestion.original[0]!.replace(fix.text, fix.with)])
          }
        }
        // The same input, the same keys.
        const again = suggestedChanges({
          findings: s.findings,
          texts: new Map([[FILE, s.lines.join('\n')]]),
          rewrites: withRewrite ? [s.rewrite] : [],
          rewriteReasons: [],
          changed: new Map([[FILE, s.changed]])
        })
        expect(again.map((x) => x.key)).toEqual(found.map((x) => x.key))
      }),
      { numRuns: runs(300, 60) }
    )
  })

  it('a rewrite of a new file is offered hunk by hunk, and applying every hunk gives the rewritten file', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const everyLine = new Map(s.lines.map((text, i) => [i + 1, text]))
        const found = suggestedChanges({
          findings: [],
          texts: new Map(),
          rewrites: [s.rewrite],
          rewriteReasons: [],
          changed: new Map([[FILE, everyLine]])
        })
        const result: string[] = [...s.lines]
        for (const suggestion of [...found].reverse()) {
          result.splice(suggestion.startLine - 1, suggestion.original.length, ...suggestion.lines)
        }
        expect(`${result.join('\n')}\n`).toBe(s.rewrite.source)
      }),
      { numRuns: runs(300, 60) }
    )
  })

  it('reads the added lines of a unified diff, as GitHub gives a file’s patch', () => {
    const patch = [
      '@@ -1,3 +1,4 @@',
      ' id: a',
      '-old',
      '+new',
      '+more',
      ' tail',
      '@@ -10,0 +12,1 @@',
      '+inserted\r',
      '\\ No newline at end of file'
    ].join('\n')
    expect([...addedLines(patch)]).toEqual([
      [2, 'new'],
      [3, 'more'],
      [12, 'inserted']
    ])
  })
})
