import { describe, expect, it } from 'vitest'
import type { Plan } from '../../../src/model/plan.js'
import { resourceName } from '../../../src/model/plan.js'
import { renderComment } from '../../../src/report/render/report.js'
import type { CommentInput } from '../../../src/report/render/input.js'
import { readPlanMarker } from '../../../src/model/markdown/comment-markers.js'
import { isWrite as isWritten } from '../../../src/model/plan.js'
import {
  bigPlan,
  COMMIT,
  countOf,
  FINDINGS,
  mixedPlan,
  nodesOf,
  parseMarkdown,
  textOutsideCode
} from './fixtures.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'

const RUN_URL = 'https://github.com/acme/flows/actions/runs/42'

function commentInput(plan: Plan | undefined, extra: Partial<CommentInput> = {}): CommentInput {
  return {
    commentKey: 'default',
    mode: 'plan',
    kinds: DECIDE_KINDS,
    server: 'https://kestra.example.com',
    tenant: 'main',
    commit: COMMIT,
    findings: FINDINGS,
    plan,
    runUrl: RUN_URL,
    ...extra
  }
}

/** Every `<details>` opened in raw HTML is closed, and how many there are. */
function detailsBalance(markdown: string): { opened: number; closed: number } {
  const html = nodesOf(parseMarkdown(markdown), 'html')
    .map((n) => n.value ?? '')
    .join('\n')
  return { opened: countOf(html, '<details>'), closed: countOf(html, '</details>') }
}

describe('renderComment', () => {
  const plan = mixedPlan()
  const body = renderComment(commentInput(plan))
  const tree = parseMarkdown(body)

  it('starts with the sticky marker, and only our first line is a marker line', () => {
    expect(body.split('\n')[0]).toBe('<!-- kestra-gitops:default -->')
    expect(body.split('\n').filter((line) => line.startsWith('<!-- kestra-gitops:'))).toHaveLength(
      1
    )
    expect(renderComment(commentInput(plan, { commentKey: 'prod' })).split('\n')[0]).toBe(
      '<!-- kestra-gitops:prod -->'
    )
  })

  it('puts the headline first: counts, verdict, server, tenant and short commit', () => {
    const lines = body.split('\n')
    expect(lines[1]).toBe(
      '### Kestra plan: 2 to create, 2 to update, 0 to delete, 2 unchanged, 2 orphaned, 3 drifted'
    )
    expect(body).toContain('❌ **Validation failed**: 1 error, 1 warning')
    expect(body).toContain(
      '**Server** https://kestra.example.com · **Tenant** main · **Commit** `0123456789ab`'
    )
  })

  it('shows each diff exactly, in a fence that its content cannot close', () => {
    const diffs = nodesOf(tree, 'code').filter((n) => n.lang === 'diff')
    const expected = plan.resources
      .filter((r) => r.diff !== undefined)
      .map((r) => r.diff!.replace(/\n$/, ''))
    expect(diffs.map((n) => n.value)).toEqual(expected)
    expect(diffs.some((n) => n.value?.includes('+  `````\n+  </details>'))).toBe(true)
  })

  it('opens one <details> per created, updated or deleted resource and closes each', () => {
    const written = plan.resources.filter(isWritten)
    expect(written.length).toBe(4)
    expect(detailsBalance(body)).toEqual({ opened: written.length, closed: written.length })
    const summaries = nodesOf(tree, 'html').filter((n) => n.value?.startsWith('<details><summary>'))
    expect(summaries).toHaveLength(written.length)
    expect(body).toContain(
      '🟡 update flow <b>company.team.edited</b> · +1 −1 · rev 12 → 13 · ⚠️ drifted'
    )
  })

  it('escapes repository text outside fences so it neither injects HTML nor mentions anyone', () => {
    const rawHtml = nodesOf(tree, 'html')
      .map((n) => n.value)
      .join('\n')
    expect(rawHtml).not.toMatch(/<script|<\/details>[^\n]*<\/summary>|@octocat/)
    expect(textOutsideCode(tree).join('\n')).not.toMatch(/@octocat/)
    expect(body).toContain(
      'x&lt;script&gt;@&#8203;octocat&#124;&#96;y&#96;&#42;z&#42;&lt;/details&gt;.txt'
    )
    const tables = nodesOf(tree, 'table')
    expect(tables).toHaveLength(1)
    expect(nodesOf(tables[0]!, 'tableRow').every((row) => row.children?.length === 3)).toBe(true)
  })

  it('lists orphaned resources one line each and unchanged ones only as a count', () => {
    expect(body).toContain(
      // The base commit lacked it: created outside Git, and kept (docs/drift.md#the-uis-work-named).
      "\n⚪ orphaned flow <b>company.team.leftover</b> · rev 3 · ⚠️ drifted: created in Kestra's UI; kept (delete is off)"
    )
    expect(body).toContain('1 unchanged.')
    expect(body).toContain('No changes in 1 other namespace (1 unchanged).')
    expect(body).not.toContain('company.team.same')
  })

  it('warns about drift naming each drifted resource', () => {
    const drift = body.slice(body.indexOf('#### ⚠️ Drift'))
    expect(drift).toContain('Merging overwrites')
    expect(drift).toContain('company.team.edited')
    expect(drift).toContain('company.team:/logo.png')
  })

  it('records the fingerprint in a hidden line that reads back, and keeps the run link last', () => {
    expect(body).toContain(`Plan fingerprint: \`${plan.fingerprint}\``)
    expect(readPlanMarker(body)).toMatchObject({ fingerprint: plan.fingerprint, commit: COMMIT })
    const lines = body.split('\n')
    expect(lines[lines.length - 1]).toBe(`<sub>[Workflow run](${RUN_URL})</sub>`)
  })

  it('is byte-identical for the same input, and only the last line depends on the run', () => {
    expect(renderComment(commentInput(mixedPlan()))).toBe(body)
    const other = renderComment(commentInput(plan, { runUrl: `${RUN_URL}9` })).split('\n')
    const lines = body.split('\n')
    expect(other.slice(0, -1)).toEqual(lines.slice(0, -1))
    expect(other.at(-1)).not.toBe(lines.at(-1))
    const withoutRun = renderComment(commentInput(plan, { runUrl: undefined }))
    expect(withoutRun).toBe(lines.slice(0, -2).join('\n'))
  })

  it('renders validate mode without a plan section or plan marker', () => {
    const text = renderComment(commentInput(undefined, { mode: 'validate', findings: [] }))
    expect(text.split('\n').slice(0, 2)).toEqual([
      '<!-- kestra-gitops:default -->',
      '### Kestra validation'
    ])
    expect(text).toContain('✅ **Validation passed**: 0 errors, 0 warnings')
    expect(text).not.toContain('#### Changes')
    expect(readPlanMarker(text)).toBeUndefined()
  })

  it('fails the verdict on warnings when fail-on is warning', () => {
    const text = renderComment(
      commentInput(undefined, { findings: [FINDINGS[1]!], failOn: 'warning' })
    )
    expect(text).toContain('❌ **Validation failed**: 0 errors, 1 warning')
  })
})

describe('renderComment within the size limit', () => {
  it('keeps a 300-flow plan with big diffs under 65,536 characters, naming every resource', () => {
    const plan = bigPlan(300, 40)
    expect(plan.resources.reduce((n, r) => n + (r.diff?.length ?? 0), 0)).toBeGreaterThan(1_000_000)
    const body = renderComment(commentInput(plan))
    expect(body.length).toBeLessThanOrEqual(65_536)
    for (const r of plan.resources)
      expect(body).toContain(`<b>${resourceName(r).replace(/_/g, '&#95;')}</b>`)
    expect(detailsBalance(body)).toEqual({ opened: 300, closed: 300 })
    expect(body).toContain('The full plan is in the job summary of this run.')
    expect(body).toContain('Diff omitted: see the job summary.')
    expect(readPlanMarker(body)).toMatchObject({ fingerprint: plan.fingerprint, commit: COMMIT })
    expect(body.split('\n').at(-1)).toBe(`<sub>[Workflow run](${RUN_URL})</sub>`)
    expect(renderComment(commentInput(plan))).toBe(body)
  })

  it('drops the largest diffs first and keeps the ones that fit', () => {
    const plan = bigPlan(3, 1)
    const sizes = [5, 60, 20]
    const resources = plan.resources.map((r, i) => ({
      ...r,
      diff: `${'+line\n'.repeat(sizes[i]!)}`
    }))
    const sized: Plan = { ...plan, resources }
    const full = renderComment(commentInput(sized, { findings: [] }))
    const budget = full.length - 200
    const body = renderComment(commentInput(sized, { findings: [], budget }))
    expect(body.length).toBeLessThanOrEqual(budget)
    const diffs = nodesOf(parseMarkdown(body), 'code').map((n) => n.value?.split('\n').length)
    expect(diffs).toEqual([5, 20])
    expect(countOf(body, 'Diff omitted: see the job summary.')).toBe(1)
  })

  it('falls back to one line per resource, then to counts per namespace', () => {
    const plan = bigPlan(60, 5)
    const lines = renderComment(commentInput(plan, { findings: [], budget: 8_000 }))
    expect(lines.length).toBeLessThanOrEqual(8_000)
    expect(countOf(lines, '<details>')).toBe(0)
    for (const r of plan.resources) expect(lines).toContain(resourceName(r).replace(/_/g, '&#95;'))
    const counts = renderComment(commentInput(plan, { findings: [], budget: 3_000 }))
    expect(counts.length).toBeLessThanOrEqual(3_000)
    expect(counts).toContain('- company.team: 0 to create, 60 to update, 0 to delete, 0 unchanged')
    expect(readPlanMarker(counts)?.fingerprint).toBe(plan.fingerprint)
    for (const text of [lines, counts])
      expect(text.split('\n')[0]).toBe('<!-- kestra-gitops:default -->')
  })

  it('truncates a huge findings list, saying how many were left out', () => {
    const findings = Array.from({ length: 5000 }, (_, i) => ({
      severity: 'warning' as const,
      file: `flows/f${i}.yml`,
      line: 1,
      rule: 'r',
      message: `problem number ${i} with a message long enough to matter`
    }))
    const plan = bigPlan(20, 3)
    const body = renderComment(commentInput(plan, { findings }))
    expect(body.length).toBeLessThanOrEqual(65_536)
    const shown = countOf(body, 'problem number')
    expect(shown).toBeGreaterThan(100)
    expect(body).toContain(`${5000 - shown} more findings not shown: see the job summary.`)
    for (const r of plan.resources) expect(body).toContain(resourceName(r).replace(/_/g, '&#95;'))
  })
})
