/**
 * The drift issue's body over any untrusted names, notes and diffs (docs/drift.md#the-drift-issue): the
 * marker stays the only marker line, the body fits GitHub's limit, each diff shows exactly in a fence its
 * content cannot close, every `<details>` closes, and no name opens HTML or a mention.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  codeName,
  driftIssueBody,
  type DriftReportInput,
  type ShownDrift
} from '../../../src/engine/drift/reports.js'
import { COMMENT_LIMIT } from '../../../src/model/markdown/comment-markers.js'
import { countOf, nodesOf, parseMarkdown } from '../../report/render/fixtures.js'
import { runs } from '../../../test-support/property-runs.js'
import { anyCodePoint } from '../../../test-support/code-points.js'

const RUNS = Number(process.env.KGA_PROPERTY_RUNS ?? 100)
const SEED = Number(process.env.KGA_PROPERTY_SEED ?? 24_2026)

const nasty = fc.constantFrom(
  '<',
  '>',
  '&',
  '`',
  '```',
  '</details>',
  '<!-- kestra-gitops-drift:default -->',
  '@octocat',
  '\n',
  '\n\n',
  '|',
  '*',
  '_',
  '[x](y)',
  '\\',
  ' ',
  'a',
  '::error::x',
  '\r'
)
const untrusted = fc
  .array(fc.oneof(nasty, fc.string({ maxLength: 6 })), { maxLength: 12 })
  .map((parts) => parts.join(''))
const item: fc.Arbitrary<ShownDrift> = fc.record({
  name: untrusted.map((s) => `ns.${s}`),
  kind: fc.constantFrom('edited' as const, 'only-in-kestra' as const, 'deleted-in-kestra' as const),
  resourceKind: fc.constantFrom('flow' as const, 'file' as const),
  diff: fc.option(
    fc
      .tuple(untrusted, fc.nat({ max: 4000 }))
      .map(([s, pad]) => `--- git/x\n+++ kestra/x\n@@ -1 +1 @@\n-${s}\n+${'y'.repeat(pad)}\n`),
    { nil: undefined }
  ),
  note: fc.option(untrusted, { nil: undefined }),
  revision: fc.option(fc.nat(), { nil: undefined }),
  updated: fc.option(fc.constantFrom('2026-01-01T10:02:33Z', 'not a date'), { nil: undefined }),
  file: fc.option(untrusted, { nil: undefined })
})

function input(items: ShownDrift[], commentKey = 'default'): DriftReportInput {
  return {
    commentKey,
    server: 'https://kestra.example.com',
    tenant: 'main',
    branch: 'main',
    commit: '0123456789abcdef0123456789abcdef01234567',
    items,
    runUrl: 'https://github.com/o/r/actions/runs/1',
    checkedAt: '2026-01-01T10:00:00.000Z'
  }
}

describe('driftIssueBody', () => {
  it('keeps its structure whatever the server and repository say', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 30 }), (items) => {
        const body = driftIssueBody(input(items))
        expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT)
        const lines = body.split('\n')
        expect(lines[0]).toBe('<!-- kestra-gitops-drift:default -->')
        const tree = parseMarkdown(body)
        const diffs = nodesOf(tree, 'code').map((n) => `${n.value}\n`)
        const given = items.flatMap((i) => (i.diff === undefined ? [] : [i.diff]))
        for (const diff of diffs) expect(given).toContain(diff)
        const html = nodesOf(tree, 'html')
          .map((n) => n.value ?? '')
          .join('\n')
        // The one marker outside code is the first line (inside a diff's fence it is text).
        expect(countOf(html, '<!-- kestra-gitops-drift:')).toBe(1)
        expect(countOf(html, '<details>')).toBe(countOf(html, '</details>'))
        expect(html).not.toMatch(
          /<(?!\/?(details|summary|code|b|sub)>|!-- kestra-gitops-drift:default -->)/
        )
        for (const i of items) expect(body).toContain(codeName(i.name))
      }),
      { numRuns: runs(RUNS, 10), seed: SEED }
    )
  })

  it('drops diffs, largest first, to fit 65,536 characters and says where they are', () => {
    const items = Array.from({ length: 60 }, (_, n) => ({
      name: `company.team.flow_${n}`,
      kind: 'edited' as const,
      resourceKind: 'flow' as const,
      diff: `--- git/x\n+++ kestra/x\n@@ -1 +1 @@\n-a\n+${'b'.repeat(3000 + n)}\n`
    }))
    const body = driftIssueBody(input(items))
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(body).toMatch(/job summary/)
    for (const i of items) expect(body).toContain(`<code>${i.name}</code>`)
  })

  it('names the key in its marker and tells revision and date, never an author', () => {
    const body = driftIssueBody(
      input(
        [
          {
            name: 'ns.solo',
            kind: 'edited',
            resourceKind: 'flow',
            revision: 4,
            updated: '2026-01-01T10:02:33Z'
          }
        ],
        'prod'
      )
    )
    expect(body.split('\n')[0]).toBe('<!-- kestra-gitops-drift:prod -->')
    expect(body).toContain('revision 4, saved 2026-01-01 10:02 UTC')
    expect(body).toMatch(/not who/)
  })
})

describe('codeName', () => {
  it('is one line of inline code that no text can leave', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyCodePoint }), (text) => {
        expect(codeName(text)).toMatch(/^<code>[^<>\n\r]*<\/code>$/)
      }),
      { numRuns: runs(RUNS * 3, RUNS), seed: SEED }
    )
  })
})
