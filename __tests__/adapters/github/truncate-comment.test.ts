import { describe, expect, it } from 'vitest'
import {
  TRUNCATION_NOTE,
  truncateCommentBody
} from '../../../src/adapters/github/sticky-comment.js'

const filler = (n: number, prefix = 'line') =>
  Array.from({ length: n }, (_, i) => `${prefix} ${i}`).join('\n')

describe('truncateCommentBody', () => {
  it('leaves a body that fits alone', () => {
    expect(truncateCommentBody('short body', 100)).toBe('short body')
  })

  it('closes an open fence and every open <details> before the note', () => {
    const body = [
      '<!-- kestra-gitops:default -->',
      '<details><summary>ns</summary>',
      '',
      '<details><summary>a.yml</summary>',
      '',
      '~~~~diff',
      '```',
      filler(500, '+'),
      '~~~~',
      '</details>',
      '</details>'
    ].join('\n')
    const cut = truncateCommentBody(body, 2000)
    expect(cut.length).toBeLessThanOrEqual(2000)
    const lines = cut.split('\n')
    expect(lines[0]).toBe('<!-- kestra-gitops:default -->')
    // The fence is closed with its own character and length; the backticks inside do not count.
    expect(lines.filter((l) => l === '~~~~')).toHaveLength(1)
    expect(lines.filter((l) => l === '</details>')).toHaveLength(2)
    expect(lines.indexOf('~~~~')).toBeLessThan(lines.indexOf('</details>'))
    expect(lines.at(-1)).toBe(TRUNCATION_NOTE)
  })

  it('does not count <details> written inside a fence', () => {
    const body = ['```', '<details>', '```', filler(400)].join('\n')
    const cut = truncateCommentBody(body, 1000)
    expect(cut).not.toContain('</details>')
    expect(cut.endsWith(`\n\n${TRUNCATION_NOTE}`)).toBe(true)
  })

  it('keeps hidden kestra-gitops lines from the cut part, but not ones inside a fence', () => {
    const body = [
      filler(400),
      '```',
      '<!-- kestra-gitops-plan: {"fingerprint":"fake"} -->',
      '```',
      '<!-- kestra-gitops-plan: {"fingerprint":"real"} -->',
      'run link'
    ].join('\n')
    const cut = truncateCommentBody(body, 1000)
    expect(cut.length).toBeLessThanOrEqual(1000)
    expect(cut).not.toContain('"fake"')
    expect(cut).not.toContain('run link')
    expect(
      cut.endsWith(`${TRUNCATION_NOTE}\n<!-- kestra-gitops-plan: {"fingerprint":"real"} -->`)
    ).toBe(true)
  })
})
