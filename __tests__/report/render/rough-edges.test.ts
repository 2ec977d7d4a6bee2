/**
 * The comment as GitHub renders it (docs/comment.md), read back as Markdown: orphaned resources are not
 * a bullet among the folded rows, drift is said once, resources link to their Kestra pages, the drift
 * warning speaks in the past after a deploy, the Deployed section is a sibling of the namespaces, dates
 * are readable UTC and a commit is spelled one way, linked.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { renderReceipt } from '../../../src/engine/apply/receipt.js'
import { DRIFT_CONSEQUENCE } from '../../../src/report/render/changes.js'
import { renderComment, renderSummary } from '../../../src/report/render/report.js'
import { upsertDeployedSection } from '../../../src/report/render/deployed.js'
import { deployTitle } from '../../../src/report/render/headline.js'
import type { CommentInput } from '../../../src/report/render/input.js'
import { kindOf } from '../../../src/engine/decide-kind.js'
import { kestraUiBase } from '../../../src/adapters/kestra/executions.js'
import type { ResourceChange } from '../../../src/model/plan.js'
import type { DeployResult } from '../../../src/model/result.js'
import { COMMIT, mixedPlan, NS, nodesOf, parseMarkdown } from './fixtures.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'

const REPO = 'https://github.com/acme/flows'
const UI = 'https://kestra.example.com/ui/main'

function input(extra: Partial<CommentInput> = {}): CommentInput {
  return {
    commentKey: 'default',
    mode: 'plan',
    kinds: DECIDE_KINDS,
    server: 'https://kestra.example.com',
    tenant: 'main',
    commit: COMMIT,
    findings: [],
    plan: mixedPlan(),
    repositoryUrl: REPO,
    kestraUi: UI,
    ...extra
  }
}

type Node = ReturnType<typeof parseMarkdown>
const text = (node: Node): string =>
  [...nodesOf(node, 'text'), ...nodesOf(node, 'html'), ...nodesOf(node, 'inlineCode')]
    .map((n) => n.value ?? '')
    .join('')

/** The top-level blocks from the heading whose text includes `title` to the next heading. */
function section(tree: Node, title: string): Node[] {
  const blocks = tree.children ?? []
  const start = blocks.findIndex((b) => b.type === 'heading' && text(b).includes(title))
  if (start < 0) return []
  const end = blocks.findIndex((b, i) => i > start && b.type === 'heading')
  return blocks.slice(start, end < 0 ? undefined : end)
}

const applied: DeployResult = {
  status: 'applied',
  resources: mixedPlan().resources.map((change) => ({
    change,
    result:
      change.action === 'create'
        ? 'created'
        : change.action === 'update'
          ? 'updated'
          : change.action === 'delete'
            ? 'deleted'
            : 'unchanged'
  })),
  applied: 4,
  warnings: [],
  markedNamespaces: [NS]
}
const DEPLOYED_SHA = '8aa5b8170e9b0000111122223333444455556666'
const receipt = () =>
  renderReceipt(applied, {
    commit: DEPLOYED_SHA,
    time: '2026-11-22T10:04:05.123Z',
    server: 'https://kestra.example.com',
    tenant: 'main',
    repositoryUrl: REPO
  })
const deployedComment = () =>
  upsertDeployedSection(
    renderComment({ ...input(), runUrl: `${REPO}/actions/runs/1` }),
    receipt(),
    deployTitle('applied', '2 created')
  )

describe('the rendered comment', () => {
  it('shows orphaned resources as lines of their own, never as list items among the folded rows', () => {
    for (const body of [renderComment(input()), renderSummary(input())]) {
      const tree = parseMarkdown(body)
      expect(nodesOf(tree, 'listItem').filter((item) => text(item).includes('orphaned'))).toEqual(
        []
      )
      const line = (tree.children ?? []).find(
        (b) => b.type === 'paragraph' && text(b).startsWith('⚪ orphaned')
      )!
      // One paragraph, one line per kept resource.
      expect(text(line)).toContain(`${NS}.leftover`)
      expect(text(line)).toContain(`${NS}:/old.txt`)
      expect(nodesOf(line, 'break')).toHaveLength(1)
    }
  })

  it('says drift once: the heading warns, the sentence explains, each resource is named', () => {
    const tree = parseMarkdown(renderComment(input()))
    const drift = section(tree, 'Drift')
    expect(drift[0]!.type).toBe('heading')
    const words = drift.map(text).join('\n')
    expect(words.split('⚠️')).toHaveLength(2) // one warning sign: the heading's
    expect(words).toContain(DRIFT_CONSEQUENCE.planned)
  })

  it("links every flow and namespace file to its page in Kestra's UI, in the comment and the summary", () => {
    for (const body of [renderComment(input()), renderSummary(input())]) {
      const links = nodesOf(parseMarkdown(body), 'html')
        .map((n) => /<a href="([^"]*)">/.exec(n.value ?? '')?.[1])
        .filter((href): href is string => href !== undefined)
        .map((href) => href.replace(/&amp;/g, '&'))
      expect(links).toContain(`${UI}/flows/edit/${NS}/edited`)
      expect(links).toContain(`${UI}/flows/edit/${NS}/leftover`)
      expect(links).toContain(`${UI}/namespaces/edit/${NS}/files`)
    }
    expect(renderComment(input({ kestraUi: undefined }))).not.toContain('<a href=')
  })

  it('builds each page from any name without leaving the link', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.boolean(), (namespace, name, isFlow) => {
        const r = (
          isFlow
            ? { kind: 'flow', namespace, id: name }
            : { kind: 'file', namespace, path: `/${name}` }
        ) as ResourceChange
        const page = kindOf(DECIDE_KINDS, r).kestraPage!(r, UI)
        expect(page.startsWith(`${UI}/`)).toBe(true)
        expect(page).not.toMatch(/["<>\s]/)
        const segments = page.slice(UI.length + 1).split('/')
        expect(decodeURIComponent(segments[2]!)).toBe(namespace)
        if (isFlow) expect(decodeURIComponent(segments[3]!)).toBe(name)
      })
    )
    expect(kestraUiBase('https://k.example.com/', 'main')).toBe('https://k.example.com/ui/main')
    expect(kestraUiBase('https://k.example.com', undefined)).toBe('https://k.example.com/ui')
  })

  it('after a deploy: the outcome heads it, the drift sentence is in the past, Deployed is a sibling of the namespaces', () => {
    const body = deployedComment()
    const tree = parseMarkdown(body)
    const headings = nodesOf(tree, 'heading').map((h) => ({
      depth: (h as { depth?: number }).depth!,
      text: text(h)
    }))
    expect(headings[0]).toEqual({ depth: 3, text: 'Kestra deploy: ✅ applied, 2 created' })
    // Below the headline, every section is an H4: none is bigger than the one before it.
    expect(headings.slice(1).every((h) => h.depth === 4)).toBe(true)
    expect(headings.map((h) => h.text)).toContain('Deployed')
    expect(body).not.toContain(DRIFT_CONSEQUENCE.planned)
    expect(text({ type: 'root', children: section(tree, 'Drift') })).toContain(
      DRIFT_CONSEQUENCE.deployed
    )
    // Idempotent: a second upsert changes nothing.
    expect(upsertDeployedSection(body, receipt(), deployTitle('applied', '2 created'))).toBe(body)
  })

  it('writes the deploy time as readable UTC and spells both commits one way, linked', () => {
    const body = deployedComment()
    expect(body).toContain('at 2026-11-22 10:04 UTC')
    expect(body).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/)
    const links = nodesOf(parseMarkdown(body), 'link').filter((l) =>
      ((l as { url?: string }).url ?? '').includes('/commit/')
    )
    expect(links.map((l) => [(l as { url?: string }).url, text(l)])).toEqual([
      [`${REPO}/commit/${COMMIT}`, COMMIT.slice(0, 12)],
      [`${REPO}/commit/${DEPLOYED_SHA}`, DEPLOYED_SHA.slice(0, 12)]
    ])
    // Without a repository address (a local run) the same spelling, unlinked.
    expect(renderComment(input({ repositoryUrl: undefined }))).toContain(
      `**Commit** \`${COMMIT.slice(0, 12)}\``
    )
  })
})
