import { describe, expect, it } from 'vitest'
import { nodesOf, parseMarkdown, plainText } from '../../report/render/fixtures.js'
import { renderReceipt } from '../../../src/engine/apply/receipt.js'
import type { DeployResult } from '../../../src/model/result.js'
import { startKestra } from './emulated-kestra.js'
import { flowSource, planFor } from './plan-for.js'
import { COMMIT, runDeploy } from './run-deploy.js'

const META = {
  commit: COMMIT,
  time: '2026-03-01T12:00:00.000Z',
  server: 'https://kestra.example.com',
  tenant: 'main'
}

/** Table rows as the reader sees them (header excluded). */
const rows = (md: string) =>
  nodesOf(parseMarkdown(md), 'tableRow')
    .slice(1)
    .map((row) => (row.children ?? []).map(plainText))

describe('renderReceipt', () => {
  it('lists each written resource with its result and flow revisions', async () => {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'changed'), 3)
    server.seedFlow(flowSource('team', 'same'), 2)
    server.seedFlow(flowSource('team', 'old'), 7)
    const planned = planFor(
      server,
      {
        flows: [
          flowSource('team', 'changed', '!'),
          flowSource('team', 'same'),
          flowSource('team', 'new')
        ],
        files: [{ namespace: 'team', path: '/lib/util.py', content: 'x = 1' }]
      },
      { delete: true }
    )
    const md = renderReceipt(await runDeploy(server.client, planned), META)

    expect(md).not.toContain('Deployed\n') // the summary and the comment section add their own heading
    expect(md).toContain(
      `Deployed: commit \`${COMMIT.slice(0, 12)}\` to https://kestra.example.com (tenant main) at 2026-03-01 12:00 UTC: 2 created, 1 updated, 1 deleted, 1 unchanged.`
    )
    // No message in any row: no Details column.
    expect(nodesOf(parseMarkdown(md), 'tableCell').slice(0, 4).map(plainText)).toEqual([
      'Resource',
      'Kind',
      'Result',
      'Revision'
    ])
    expect(rows(md)).toEqual([
      ['team:/lib/util.py', 'file', 'created', ''],
      ['team.changed', 'flow', 'updated', 'rev 3 → 4'],
      ['team.new', 'flow', 'created', 'rev 1'],
      ['team.old', 'flow', 'deleted', 'rev 7 → deleted']
    ])
  })

  it('names what was and was not applied and says a re-run finishes the job', async () => {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'b'))
    server.seedFlow(flowSource('team', 'gone'))
    server.fail('flows.update team/b', { status: 500, body: { message: 'boom' } })
    const planned = planFor(
      server,
      { flows: [flowSource('team', 'a'), flowSource('team', 'b', '!')] },
      { delete: true }
    )
    const md = renderReceipt(await runDeploy(server.client, planned), META)

    expect(md).toContain('Deploy incomplete: ')
    expect(md).toContain('1 created, 1 failed, 1 skipped.')
    expect(md).toContain('**Applied:** team.a.')
    expect(md).toContain(
      '**Not applied:** team.b (failed, its answer lost: Kestra may hold either version), team.gone (skipped).'
    )
    expect(md).toContain('Re-running the deploy finishes the job')
    expect(rows(md)[1]).toEqual([
      'team.b',
      'flow',
      'failed',
      'rev 1',
      'Kestra answered 500 to PUT /api/v1/main/flows/team/b: boom; Kestra may or may not have applied this write (its answer was lost)'
    ])
  })

  it('keeps names and messages inert: HTML escaped, pipes, emphasis and @mentions neutralised', () => {
    const path = '/<img src=x>|*bold*_[link](y)@octocat.py'
    const result: DeployResult = {
      status: 'failed',
      resources: [
        {
          change: {
            kind: 'file',
            namespace: 'team',
            path,
            action: 'create',
            drifted: false,
            desired: { sha256: 'x', size: 1, binary: false }
          },
          result: 'failed',
          message: 'line one\nline <two>'
        }
      ],
      applied: 0,
      warnings: [],
      markedNamespaces: []
    }
    const md = renderReceipt(result, META)
    const tree = parseMarkdown(md)
    expect(nodesOf(tree, 'html')).toEqual([])
    expect(nodesOf(tree, 'emphasis')).toEqual([])
    expect(nodesOf(tree, 'strong').map(plainText)).toEqual(['Applied:', 'Not applied:'])
    // Only the server URL is a link (GFM autolinks it).
    expect(nodesOf(tree, 'link').map(plainText)).toEqual([META.server])
    expect(rows(md)).toEqual([
      // A file has no revision: no Revision column.
      [`team:${path.replace('@', '@\u200b')}`, 'file', 'failed', 'line one line <two>']
    ])
  })

  it('says why a refused deploy wrote nothing', () => {
    const md = renderReceipt(
      {
        status: 'refused',
        resources: [],
        applied: 0,
        refusal:
          'Nothing was deployed: commit abc is older than def already deployed to namespace team; to roll back, push a revert commit.',
        warnings: [],
        markedNamespaces: []
      },
      META
    )
    expect(md).toContain('Not deployed: commit')
    expect(md).toContain('to roll back, push a revert commit.')
    expect(nodesOf(parseMarkdown(md), 'table')).toEqual([])
  })

  it('says when there was nothing to change', async () => {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'a'), 4)
    const md = renderReceipt(
      await runDeploy(server.client, planFor(server, { flows: [flowSource('team', 'a')] })),
      META
    )
    expect(md).toContain('Nothing to change for commit')
    expect(md).toContain(': 1 unchanged.')
  })

  it('says which commit markers a deploy that wrote no resource still wrote', () => {
    const result: DeployResult = {
      status: 'nothing-to-do',
      resources: [],
      applied: 0,
      warnings: [],
      markedNamespaces: ['a', 'b']
    }
    expect(renderReceipt(result, META)).toContain(
      ': no resources. The commit marker of 2 namespaces now names this commit.'
    )
    expect(renderReceipt({ ...result, markedNamespaces: [] }, META)).not.toContain('marker')
  })
})
