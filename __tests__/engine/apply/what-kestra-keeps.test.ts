/**
 * What Kestra keeps after a write is what was sent (docs/guarantees.md#what-kestra-keeps): an answer holding another
 * source is a failed write, named in the receipt, and a rollback leaves it, saying so, rather than putting back what
 * it cannot tell from a later edit; the other writes go on.
 */
import { describe, expect, it } from 'vitest'
import { renderReceipt } from '../../../src/engine/apply/receipt.js'
import { planFromDeploy } from '../../../src/engine/apply/rollback-record.js'
import { ROLLBACK_KINDS } from '../../../src/resources/registry.js'
import { rewrittenAnswer } from '../../../test-support/rewritten-answer.js'
import { startKestra } from './emulated-kestra.js'
import { flowSource, planFor } from './plan-for.js'
import { COMMIT, outcomes, runDeploy } from './run-deploy.js'

const META = {
  commit: COMMIT,
  time: '2026-12-02T12:00:00.000Z',
  server: 'https://kestra.example.com',
  tenant: 'main'
}

describe('a write Kestra keeps otherwise than sent', () => {
  it('is failed and named; the rollback leaves it and says why; the other writes stand', async () => {
    const server = await startKestra()
    server.seedFlow(flowSource('team', 'changed'), 2)
    server.emulator.inject(
      rewrittenAnswer('flows.update', 'source', (text) => `${text}labels:\n  kept: otherwise\n`)
    )
    const planned = planFor(server, {
      flows: [flowSource('team', 'changed', '!'), flowSource('team', 'new')]
    })
    const result = await runDeploy(server.client, planned)
    expect(outcomes(result)).toEqual({ 'team.changed': 'failed', 'team.new': 'created' })
    const failed = result.resources.find((r) => r.result === 'failed')!
    expect(failed).toMatchObject({ notKept: true, revision: 3 })
    expect(failed.message).toBe(
      'Kestra took the write (revision 3) but answers with another source than was sent: check what stands between the action and Kestra (a proxy that rewrites bodies)'
    )
    const receipt = renderReceipt(result, META)
    expect(receipt).toContain(
      '**Not applied:** team.changed (failed: Kestra kept other than was sent).'
    )
    // A re-run alone meets the same: the receipt never says it finishes the job.
    expect(receipt).toContain(
      'A re-run writes team.changed again and Kestra would keep it otherwise again: first find what drops what was sent'
    )
    expect(receipt).toContain('Then re-running the deploy finishes the job')
    const rollback = planFromDeploy(
      result,
      { commit: COMMIT, repository: 'acme/flows' },
      ROLLBACK_KINDS
    )
    expect(rollback.items.map((item) => item.name)).toEqual(['team.new'])
    expect(rollback.unrestorable).toEqual([
      'flow team.changed stays as Kestra kept it: it read back other than was sent'
    ])
  })

  it('a source kept as Kestra compares sources (line breaks, its revision line) is kept as sent', async () => {
    const server = await startKestra()
    server.emulator.inject(
      rewrittenAnswer(
        'flows.create',
        'source',
        (text) => `revision: 1\n${text.replace(/\n/g, '\r\n')}`
      )
    )
    const result = await runDeploy(
      server.client,
      planFor(server, { flows: [flowSource('team', 'new')] })
    )
    expect(outcomes(result)).toEqual({ 'team.new': 'created' })
  })
})
