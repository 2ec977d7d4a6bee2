import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../../src/engine/plan/build.js'
import { countPlan, hasChanges } from '../../../src/model/plan.js'
import { planJson } from '../../../src/engine/plan/plan-json.js'
import type { Finding } from '../../../src/model/finding.js'
import { fileKey, flowKey } from '../../../src/model/targets.js'
import { desiredFile, desiredFlow, flowSource, planInput, remoteFlow } from './fixtures.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'
import { baseSnapshot } from '../../../test-support/base-snapshot.js'

const NS = 'company.team'

describe('planJson', () => {
  const plan = buildPlan(
    planInput({
      flows: [desiredFlow(NS, 'edited', flowSource(NS, 'edited', 'new')), desiredFlow(NS, 'fresh')],
      files: [desiredFile(NS, '/q.sql', 'select 1')],
      base: baseSnapshot({
        flows: new Map([[flowKey(NS, 'kept'), { source: 'x', file: 'k.yml' }]])
      }),
      actual: {
        [NS]: {
          flows: [
            remoteFlow(NS, 'edited', flowSource(NS, 'edited'), 12),
            remoteFlow(NS, 'kept', 'id: kept', 2)
          ]
        }
      }
    }),
    DECIDE_KINDS
  )
  const findings: Finding[] = [
    { severity: 'warning', file: 'b.yml', line: 4, rule: 'r', message: 'second', column: 2 },
    {
      severity: 'error',
      file: 'a.yml',
      line: 9,
      rule: 'r',
      message: 'first',
      resource: fileKey(NS, '/x')
    }
  ]

  it('writes the plan file of docs/inputs.md#plan-file exactly', () => {
    const json = planJson(plan, {
      mode: 'plan',
      server: 'https://kestra.example.com',
      tenant: 'main',
      commit: 'abc123',
      settings: { delete: 'true' },
      findings,
      kinds: DECIDE_KINDS
    })
    expect(JSON.parse(JSON.stringify(json))).toEqual({
      version: 1,
      fingerprint: plan.fingerprint,
      mode: 'plan',
      server: 'https://kestra.example.com',
      tenant: 'main',
      commit: 'abc123',
      settings: { delete: 'true' },
      resources: [
        { kind: 'file', namespace: NS, path: '/q.sql', action: 'create' },
        {
          kind: 'flow',
          namespace: NS,
          id: 'edited',
          action: 'update',
          revision: 12,
          drifted: true
        },
        { kind: 'flow', namespace: NS, id: 'fresh', action: 'create' },
        { kind: 'flow', namespace: NS, id: 'kept', action: 'orphaned', revision: 2, drifted: true }
      ],
      findings: [
        { severity: 'error', file: 'a.yml', line: 9, message: 'first' },
        { severity: 'warning', file: 'b.yml', line: 4, message: 'second' }
      ]
    })
  })

  it('keeps the fingerprint independent of the commit', () => {
    const a = planJson(plan, {
      mode: 'plan',
      server: '',
      tenant: 'main',
      commit: 'aaa',
      findings: [],
      kinds: DECIDE_KINDS
    })
    const b = planJson(plan, {
      mode: 'deploy',
      server: '',
      tenant: 'main',
      commit: 'bbb',
      findings: [],
      kinds: DECIDE_KINDS
    })
    expect(a.fingerprint).toBe(b.fingerprint)
  })
})

describe('countPlan', () => {
  it('counts actions and drift over flows and files together', () => {
    const counts = countPlan([
      { kind: 'flow', namespace: 'n', id: 'a', action: 'create', drifted: false },
      { kind: 'file', namespace: 'n', path: '/a', action: 'update', drifted: true },
      { kind: 'file', namespace: 'n', path: '/b', action: 'orphaned', drifted: true },
      { kind: 'flow', namespace: 'n', id: 'b', action: 'unchanged', drifted: false }
    ])
    expect(counts).toEqual({
      create: 1,
      update: 1,
      delete: 0,
      orphaned: 1,
      unchanged: 1,
      drifted: 2
    })
    expect(hasChanges(counts)).toBe(true)
    expect(hasChanges({ ...counts, create: 0, update: 0 })).toBe(false)
  })
})
