/**
 * What reviewers see at a glance (docs/comment.md#what-reviewers-see): which environment, invalid
 * resources, linked findings, readable hierarchy.
 */
import { describe, expect, it } from 'vitest'
import { renderComment, renderSummary } from '../../../src/report/render/report.js'
import { escapeTextWithCode, markdownTable } from '../../../src/model/markdown/escape.js'
import { repositoryUrl } from '../../../src/report/render/findings.js'
import { deployTitle, withHeadline } from '../../../src/report/render/headline.js'
import type { CommentInput } from '../../../src/report/render/input.js'
import { COMMIT, countOf, FINDINGS, mixedPlan, nodesOf, parseMarkdown } from './fixtures.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'

const REPO = 'https://github.com/acme/flows'

function input(extra: Partial<CommentInput> = {}): CommentInput {
  return {
    commentKey: 'default',
    mode: 'plan',
    kinds: DECIDE_KINDS,
    server: 'https://kestra.example.com',
    tenant: 'main',
    commit: COMMIT,
    findings: FINDINGS,
    plan: mixedPlan(),
    repositoryUrl: REPO,
    ...extra
  }
}

/** Links into the repository (the server URL is autolinked by GFM). */
const blobLinks = (markdown: string) =>
  nodesOf(parseMarkdown(markdown), 'link')
    .map((l) => (l as { url?: string }).url ?? '')
    .filter((url) => url.startsWith(`${REPO}/blob/`))

const headings = (markdown: string) =>
  nodesOf(parseMarkdown(markdown), 'heading').map((h) => ({
    depth: (h as { depth?: number }).depth,
    text: nodesOf(h, 'text')
      .map((t) => t.value)
      .join('')
  }))

describe('the headline', () => {
  it('names a comment-key other than default, in the comment and the summary', () => {
    expect(renderComment(input({ commentKey: 'staging' })).split('\n')[1]).toMatch(
      /^### Kestra plan · staging: 2 to create/
    )
    expect(renderSummary(input({ commentKey: 'staging' })).split('\n')[0]).toMatch(
      /^### Kestra plan · staging: /
    )
    expect(renderComment(input({ commentKey: 'staging', plan: undefined })).split('\n')[1]).toBe(
      '### Kestra validation · staging'
    )
    expect(renderComment(input()).split('\n')[1]).toMatch(/^### Kestra plan: /)
  })

  it('puts the target on its own line, in a summary too (a backslash break)', () => {
    const tree = parseMarkdown(renderSummary(input()))
    const verdict = (tree.children ?? []).find((node) =>
      JSON.stringify(node).includes('Validation')
    )!
    expect(nodesOf(verdict, 'break')).toHaveLength(1)
  })

  it("says a deploy's outcome, replacing the plan's headline after a marker or at the top", () => {
    const applied = deployTitle('applied', '1 created, 2 updated', 'prod')
    expect(applied).toBe('### Kestra deploy · prod: ✅ applied, 1 created, 2 updated')
    expect(deployTitle('failed', 'nothing written')).toBe(
      '### Kestra deploy: ❌ failed, nothing written'
    )
    const comment = renderComment(input())
    const replaced = withHeadline(comment, applied).split('\n')
    expect(replaced[0]).toBe('<!-- kestra-gitops:default -->')
    expect(replaced[1]).toBe(applied)
    expect(replaced.slice(2)).toEqual(comment.split('\n').slice(2))
    expect(withHeadline(renderSummary(input()), applied).split('\n')[0]).toBe(applied)
    expect(withHeadline(withHeadline('### Kestra plan: x\n\nbody', applied), applied)).toBe(
      `${applied}\n\nbody`
    )
  })
})

describe('resources and findings', () => {
  const body = renderComment(input())

  it('marks a resource with an error finding invalid, with its number of findings', () => {
    const evil = body.split('\n').find((line) => line.includes('company.team.evil</b>'))
    expect(evil).toContain('🟢 create flow <b>company.team.evil</b> · ❌ invalid (1 finding)')
    // A warning alone does not make a resource invalid.
    const lines = renderComment(input({ findings: [{ ...FINDINGS[1]!, file: FINDINGS[0]!.file }] }))
    expect(lines).not.toContain('❌ invalid')
    expect(countOf(body, '❌ invalid')).toBe(1)
  })

  it('links each finding to its line at the commit planned, with inline code as code', () => {
    const links = blobLinks(body)
    expect(links).toContain(`${REPO}/blob/${COMMIT}/company.team/flows/evil.yml#L3`)
    expect(links).toContain(`${REPO}/blob/${COMMIT}/company.team/flows/same.yml#L1`)
    expect(body).toContain('@&#8203;octocat <code>x</code>')
    const summary = renderSummary(input())
    expect(summary).toContain(`](${REPO}/blob/${COMMIT}/company.team/flows/evil.yml#L3)`)
    // Without a repository (a local run), locations are plain text.
    expect(blobLinks(renderComment(input({ repositoryUrl: undefined })))).toEqual([])
  })

  it('keeps hostile paths and messages inside their link and table cell', () => {
    const file = 'ns/flows/a b)|](x)`<img>.yml'
    const findings = [
      { severity: 'error' as const, file, line: 2, rule: 'r', message: 'a `|b` c ` d' }
    ]
    const body = renderComment(input({ findings, plan: undefined }))
    const tree = parseMarkdown(body)
    expect(blobLinks(body)).toEqual([
      `${REPO}/blob/${COMMIT}/ns/flows/a%20b%29%7C%5D%28x%29%60%3Cimg%3E.yml#L2`
    ])
    const rows = nodesOf(tree, 'tableRow')
    expect(rows[1]!.children).toHaveLength(3)
    const html = nodesOf(tree, 'html').map((n) => n.value ?? '')
    expect(html.filter((h) => !h.startsWith('<!--'))).toEqual(['<code>', '</code>'])
    expect(escapeTextWithCode('a `|b` c ` d')).toBe('a <code>&#124;b</code> c &#96; d')
  })

  it('builds repository links only from a plain http(s) server URL', () => {
    expect(repositoryUrl('https://github.com', 'octo', 'kestra-repo')).toBe(
      'https://github.com/octo/kestra-repo'
    )
    expect(repositoryUrl('https://ghe.example.com/', 'a b', 'r')).toBe(
      'https://ghe.example.com/a%20b/r'
    )
    expect(repositoryUrl('javascript:alert(1)', 'o', 'r')).toBeUndefined()
    expect(repositoryUrl('https://github.com', '', 'r')).toBeUndefined()
  })
})

describe('the hierarchy', () => {
  it('gives namespaces headings no smaller than body text, and lists drift by name only', () => {
    const body = renderComment(input())
    const levels = headings(body)
    expect(levels).toContainEqual({ depth: 4, text: 'Namespace company.team' })
    expect(levels.every((h) => (h.depth ?? 0) <= 4)).toBe(true)
    // company.team.edited is drifted: its full line (with the diff counts) appears once.
    expect(countOf(body, '🟡 update flow <b>company.team.edited</b>')).toBe(1)
    const drift = body.slice(body.indexOf('#### ⚠️ Drift'))
    expect(drift).toContain(
      "- flow <b>company.team.edited</b>: edited in Kestra's UI; deploying overwrites it"
    )
  })

  it('leaves out table columns that are empty in every row', () => {
    const columns = [
      { title: 'A', cell: (r: string[]) => r[0]! },
      { title: 'B', cell: (r: string[]) => r[1]! },
      { title: 'C', cell: (r: string[]) => r[2]! }
    ]
    expect(
      markdownTable(columns, [
        ['x', '', '1'],
        ['y', '', '']
      ])
    ).toBe('| A | C |\n| --- | --- |\n| x | 1 |\n| y |  |')
  })
})
