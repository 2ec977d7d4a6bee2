import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { escapeHtml, escapeText } from '../../../src/model/markdown/escape.js'
import { fence } from '../../../src/model/markdown/fence.js'
import {
  commentMarker,
  planMarkerLine,
  readPlanMarker
} from '../../../src/model/markdown/comment-markers.js'
import { parseMarkdown, nodesOf } from '../../report/render/fixtures.js'
import { runs } from '../../../test-support/property-runs.js'

const FP = 'a'.repeat(64)

describe('readPlanMarker', () => {
  it('reads the hidden plan line', () => {
    expect(readPlanMarker(`x\n\n${planMarkerLine(FP, 'abc')}\n\nlast`)).toEqual({
      fingerprint: FP,
      commit: 'abc'
    })
  })

  it('ignores the same text inside a code fence, wherever it stands', () => {
    const fake = planMarkerLine('b'.repeat(64), 'evil')
    const body = `${planMarkerLine(FP, 'abc')}\n\n${fence(`${fake}\n`, 'diff')}\n\n~~~\n${fake}\n~~~`
    expect(readPlanMarker(body)).toEqual({ fingerprint: FP, commit: 'abc' })
    expect(readPlanMarker(fence(fake))).toBeUndefined()
  })

  it('rejects malformed lines', () => {
    expect(
      readPlanMarker('<!-- kestra-gitops-plan: {"fingerprint":"xyz","commit":"a"} -->')
    ).toBeUndefined()
    expect(readPlanMarker('<!-- kestra-gitops-plan: {not json} -->')).toBeUndefined()
    expect(readPlanMarker(`  ${planMarkerLine(FP, 'a')}`)).toBeUndefined()
  })
})

describe('commentMarker', () => {
  it('keeps ordinary keys and defuses characters that would end the HTML comment', () => {
    expect(commentMarker('staging')).toBe('<!-- kestra-gitops:staging -->')
    expect(commentMarker('a-->b c')).toBe('<!-- kestra-gitops:a-_b_c -->')
  })
})

describe('fence', () => {
  it('is longer than any backtick run inside, at least three', () => {
    expect(fence('plain', 'diff')).toBe('```diff\nplain\n```')
    const content = 'a\n`````\n```` x\n'
    const text = fence(content, 'diff')
    expect(text.startsWith('``````diff\n')).toBe(true)
    const code = nodesOf(parseMarkdown(`${text}\n\nafter`), 'code')
    expect(code.map((n) => n.value)).toEqual([content.replace(/\n$/, '')])
  })
})

describe('escaping', () => {
  it('escapes HTML', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;')
  })

  it('makes Markdown and mentions inert and keeps text on one line', () => {
    const text = escapeText('*bold* | `code` @team\nnext [link](x)')
    expect(text).not.toMatch(/[*|`\n[\]]|@team/)
    const rendered = nodesOf(parseMarkdown(`| h |\n| --- |\n| ${text} |`), 'text')
      .map((n) => n.value)
      .join('')
    expect(rendered).toBe('h*bold* | `code` @\u200bteam next [link](x)')
  })

  it('is, in one pass, what escaping HTML, folding lines and defusing Markdown and mentions in turn would be', () => {
    const inTurn = (text: string) =>
      escapeHtml(text)
        .replace(/\s*[\r\n]+\s*/g, ' ')
        .replace(/[`*_[\]|\\~]/g, (c) => `&#${c.charCodeAt(0)};`)
        .replace(/@/g, '@&#8203;')
    const special = fc.constantFrom(...'&<>"`*_[]|\\~@ \t\r\n\u00a0\u2028#;a')
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: special }), fc.string({ unit: 'grapheme' })),
        (text) => {
          expect(escapeText(text)).toBe(inTurn(text))
        }
      ),
      { numRuns: runs(5000, 1000) }
    )
  })
})
