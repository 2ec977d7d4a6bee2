import { DRIFT_CONSEQUENCE } from '../../../src/report/render/changes.js'
import { describe, expect, it } from 'vitest'
import { renderComment } from '../../../src/report/render/report.js'
import { upsertDeployedSection } from '../../../src/report/render/deployed.js'
import { readPlanMarker } from '../../../src/model/markdown/comment-markers.js'
import { bigPlan, COMMIT, countOf, mixedPlan, nodesOf, parseMarkdown } from './fixtures.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'

const RUN_LINK = '<sub>[Workflow run](https://github.com/acme/flows/actions/runs/42)</sub>'
const HEADLINE = '### Kestra deploy: ✅ applied, 1 updated'
const RECEIPT =
  'Commit `0123456` deployed at 2025-01-01T00:00:00Z.\n\n| Resource | Result |\n| --- | --- |\n| flow a | updated (rev 13) |'

function planComment(plan = mixedPlan()): string {
  return renderComment({
    commentKey: 'default',
    mode: 'plan',
    kinds: DECIDE_KINDS,
    server: 'https://kestra.example.com',
    tenant: 'main',
    commit: COMMIT,
    findings: [],
    plan,
    runUrl: 'https://github.com/acme/flows/actions/runs/42'
  })
}

describe('upsertDeployedSection', () => {
  const body = planComment()
  const once = upsertDeployedSection(body, RECEIPT, HEADLINE)

  it('places a Deployed section before the run link, keeping the marker first', () => {
    const lines = once.split('\n')
    expect(lines[0]).toBe('<!-- kestra-gitops:default -->')
    // The first visible line says what the deploy did, in place of the plan's headline.
    expect(body.split('\n')[1]).toMatch(/^### Kestra plan: /)
    expect(lines[1]).toBe(HEADLINE)
    expect(lines.at(-1)).toBe(RUN_LINK)
    const section = once.slice(once.indexOf('<!-- kestra-gitops-deployed:start -->'))
    expect(section).toBe(
      `<!-- kestra-gitops-deployed:start -->\n#### Deployed\n\n${RECEIPT}\n\n<!-- kestra-gitops-deployed:end -->\n\n${RUN_LINK}`
    )
    const rest = (text: string) => text.slice(text.indexOf('\n', text.indexOf('\n') + 1))
    // The rest of the plan stays, its drift sentence now in the past.
    const planned = body
      .slice(0, body.lastIndexOf('\n\n'))
      .replace(DRIFT_CONSEQUENCE.planned, DRIFT_CONSEQUENCE.deployed)
    expect(rest(once).startsWith(rest(planned))).toBe(true)
    expect(
      nodesOf(parseMarkdown(once), 'heading').some((h) => h.children?.[0]?.value === 'Deployed')
    ).toBe(true)
  })

  it('is idempotent and replaces an earlier section', () => {
    expect(upsertDeployedSection(once, RECEIPT, HEADLINE)).toBe(once)
    const replaced = upsertDeployedSection(once, 'second receipt', HEADLINE)
    expect(countOf(replaced, '#### Deployed')).toBe(1)
    expect(replaced).toContain('second receipt')
    expect(replaced).not.toContain('updated (rev 13)')
    expect(replaced).toBe(upsertDeployedSection(body, 'second receipt', HEADLINE))
  })

  it('keeps the plan marker readable', () => {
    const plan = mixedPlan()
    expect(readPlanMarker(once)).toMatchObject({ fingerprint: plan.fingerprint, commit: COMMIT })
    const fake = `<!-- kestra-gitops-plan: {"fingerprint":"${'f'.repeat(64)}","commit":"x"} -->`
    expect(readPlanMarker(upsertDeployedSection(body, fake, HEADLINE))?.fingerprint).toBe(
      plan.fingerprint
    )
  })

  it('works on a body that has a single line', () => {
    const single = '<!-- kestra-gitops:default -->'
    const result = upsertDeployedSection(single, RECEIPT, HEADLINE)
    expect(result.split('\n')[0]).toBe(single)
    expect(upsertDeployedSection(result, RECEIPT, HEADLINE)).toBe(result)
  })

  it('shrinks the section so the comment stays within 65,536 characters, cutting outside fences', () => {
    const big = planComment(bigPlan(300, 40))
    const rows = Array.from(
      { length: 400 },
      (_, i) =>
        `<details><summary>flow ${i}</summary>\n\n\`\`\`\n${'log line\n'.repeat(5)}\`\`\`\n\n</details>`
    )
    const result = upsertDeployedSection(big, rows.join('\n\n'), HEADLINE)
    expect(result.length).toBeLessThanOrEqual(65_536)
    expect(result.split('\n').at(-1)).toBe(RUN_LINK)
    expect(result).toContain('more results are in the job summary')
    const section = result.slice(result.indexOf('#### Deployed'))
    expect(countOf(section, '<details>')).toBe(countOf(section, '</details>'))
    expect(countOf(section, '```') % 2).toBe(0)
    expect(upsertDeployedSection(result, rows.join('\n\n'), HEADLINE)).toBe(result)
  })
})
