import { describe, expect, it } from 'vitest'
import { deployBlockers, describeBlockers } from '../../../src/engine/apply/deploy-guards.js'
import type { Finding } from '../../../src/model/finding.js'
import { startKestra } from './emulated-kestra.js'
import { flowSource, planFor } from './plan-for.js'

function finding(over: Partial<Finding>): Finding {
  return { severity: 'error', file: 'x.yml', line: 1, rule: 'r', message: 'broken', ...over }
}

/** Keeps one flow, updates one, creates one, deletes one and creates a file. */
async function gatedPlan() {
  const server = await startKestra()
  server.seedFlow(flowSource('team', 'same'))
  server.seedFlow(flowSource('team', 'changed'))
  server.seedFlow(flowSource('team', 'gone'))
  const { plan } = planFor(
    server,
    {
      flows: [
        flowSource('team', 'same'),
        flowSource('team', 'changed', '!'),
        flowSource('team', 'new')
      ],
      files: [{ namespace: 'team', path: '/a.py', content: 'print(1)' }]
    },
    { delete: true }
  )
  return plan
}

describe('deployBlockers', () => {
  it('lists errors of resources the plan creates, updates or deletes first, matched by resource or file', async () => {
    const plan = await gatedPlan()
    const byResource = finding({ file: 'elsewhere.yml', line: 4, resource: 'flow:team/changed' })
    const byFile = finding({ file: 'team/flows/new.yml', line: 2 })
    const onDeleted = finding({ file: 'old.yml', resource: 'flow:team/gone' })
    const onFile = finding({ file: 'team/files/a.py', line: 9, resource: 'file:team:/a.py' })
    const unrelated = finding({ file: 'aaa-unrelated.yml' })
    const blockers = deployBlockers(plan, [unrelated, byFile, onFile, byResource, onDeleted])
    expect(blockers).toEqual([byResource, onDeleted, onFile, byFile, unrelated])
  })

  it('blocks on every error, also of unchanged resources and files the plan cannot see, never on warnings', async () => {
    const plan = await gatedPlan()
    const unchanged = finding({ file: 'team/flows/same.yml', resource: 'flow:team/same' })
    const broken = finding({ file: 'unrelated.yml' })
    const blockers = deployBlockers(plan, [
      finding({ severity: 'warning', file: 'team/flows/new.yml' }),
      unchanged,
      broken
    ])
    expect(blockers).toEqual([unchanged, broken])
  })

  it('describes every blocker as file:line message', () => {
    const text = describeBlockers([
      finding({ file: 'a.yml', line: 3, message: 'duplicate task id t1' }),
      finding({ file: 'b.yml', line: 7, message: 'missing tasks' })
    ])
    expect(text).toContain('2 validation errors')
    expect(text).toContain('- a.yml:3 duplicate task id t1')
    expect(text).toContain('- b.yml:7 missing tasks')
  })
})
