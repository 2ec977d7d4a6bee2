import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../../src/engine/plan/build.js'
import { collectReferences } from '../../../src/resources/flows/decide-references.js'
import { callGraph, withImpact } from '../../../src/resources/flows/decide-impact.js'
import { nextRun, triggerChanges } from '../../../src/resources/flows/decide-trigger-changes.js'
import type { FlowChange } from '../../../src/model/plan.js'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import { desiredFlow, flowSource, planInput, remoteFlow } from '../../engine/plan/fixtures.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'
import { serverState } from '../../../test-support/server-state.js'

const NS = 'company.team'
const REFERENCE = new Date('2025-03-10T12:00:00Z')

function caller(namespace: string, id: string, target: string, type = 'Subflow'): string {
  return [
    `id: ${id}`,
    `namespace: ${namespace}`,
    'tasks:',
    '  - id: call',
    `    type: io.kestra.plugin.core.flow.${type}`,
    `    namespace: ${NS}`,
    `    flowId: ${target}`,
    ''
  ].join('\n')
}

function scheduled(id: string, cron: string, extra = ''): string {
  return `${flowSource(NS, id)}triggers:\n  - id: daily\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "${cron}"\n${extra}`
}

function repoFile(namespace: string, id: string, source: string) {
  return parseFlowFile({
    file: `${namespace}/flows/${id}.yml`,
    rel: `flows/${id}.yml`,
    raw: source
  })
}

function flowOf(plan: { resources: readonly unknown[] }, id: string): FlowChange {
  return plan.resources.find((r) => (r as FlowChange).id === id) as FlowChange
}

describe('impact: callers', () => {
  it('lists repository and server-only callers of an updated flow, sorted, and changes the fingerprint', () => {
    const repo = [
      repoFile(NS, 'child', flowSource(NS, 'child', 'new')),
      repoFile(NS, 'parent', caller(NS, 'parent', 'child'))
    ]
    const server = serverState([
      [
        NS,
        {
          flows: [
            remoteFlow(NS, 'child'),
            remoteFlow(NS, 'parent', caller(NS, 'parent', 'child')),
            remoteFlow(NS, 'legacy', caller(NS, 'legacy', 'child', 'ForEachItem'))
          ],
          files: []
        }
      ]
    ])
    const plan = buildPlan(
      planInput({
        flows: repo.map((f) => desiredFlow(NS, f.id!, f.source)),
        actual: { [NS]: server.get(NS)! }
      }),
      DECIDE_KINDS
    )
    const { plan: impacted, findings } = withImpact(plan, {
      ...callGraph({ flows: repo, references: collectReferences(repo) }, server),
      reference: REFERENCE
    })
    expect(flowOf(impacted, 'child').impact?.callers).toEqual([
      { namespace: NS, id: 'legacy', via: 'foreach', serverOnly: true },
      { namespace: NS, id: 'parent', via: 'subflow', serverOnly: false }
    ])
    expect(findings).toEqual([])
    expect(impacted.fingerprint).not.toBe(plan.fingerprint)
    expect(
      withImpact(plan, {
        ...callGraph({ flows: repo, references: collectReferences(repo) }, server),
        reference: REFERENCE
      }).plan
    ).toEqual(impacted)
  })

  it('a plan without callers or trigger changes keeps its fingerprint', () => {
    const plan = buildPlan(planInput({ flows: [desiredFlow(NS, 'solo')] }), DECIDE_KINDS)
    const { plan: impacted } = withImpact(plan, { calls: [], reads: [], serverOnly: new Set() })
    expect(impacted.fingerprint).toBe(plan.fingerprint)
    expect(flowOf(impacted, 'solo').impact).toBeUndefined()
  })

  it('errs on the repository caller of a flow the plan deletes, warns when it orphans it', () => {
    const repo = [repoFile(NS, 'parent', caller(NS, 'parent', 'child'))]
    for (const deleteEnabled of [true, false]) {
      const server = serverState([
        [
          NS,
          {
            flows: [
              remoteFlow(NS, 'child'),
              remoteFlow(NS, 'parent', caller(NS, 'parent', 'child'))
            ],
            files: []
          }
        ]
      ])
      const plan = buildPlan(
        planInput({
          flows: [desiredFlow(NS, 'parent', repo[0]!.source)],
          actual: { [NS]: server.get(NS)! },
          deleteEnabled
        }),
        DECIDE_KINDS
      )
      const { findings, plan: impacted } = withImpact(
        plan,
        callGraph({ flows: repo, references: collectReferences(repo) }, server)
      )
      expect(findings).toEqual([
        expect.objectContaining({
          severity: deleteEnabled ? 'error' : 'warning',
          file: `${NS}/flows/parent.yml`,
          line: 4,
          rule: deleteEnabled ? 'deletes-resource-in-use' : 'calls-removed-flow',
          resource: `flow:${NS}/parent`,
          message: expect.stringContaining(
            deleteEnabled ? 'which this deploy deletes' : 'no longer holds'
          )
        })
      ])
      if (deleteEnabled) {
        expect(flowOf(impacted, 'child').impact?.callers).toEqual([
          { namespace: NS, id: 'parent', via: 'subflow', serverOnly: false }
        ])
      }
    }
  })

  it('a caller deleted by the same plan calls nothing any more', () => {
    const server = serverState([
      [
        NS,
        {
          flows: [remoteFlow(NS, 'child'), remoteFlow(NS, 'old', caller(NS, 'old', 'child'))],
          files: []
        }
      ]
    ])
    const plan = buildPlan(
      planInput({ actual: { [NS]: server.get(NS)! }, deleteEnabled: true }),
      DECIDE_KINDS
    )
    const { plan: impacted, findings } = withImpact(
      plan,
      callGraph({ flows: [], references: [] }, server)
    )
    expect(flowOf(impacted, 'child').impact).toBeUndefined()
    expect(findings).toEqual([])
  })
})

describe('impact: triggers', () => {
  it('says a cron change before → after with the next run after the reference', () => {
    expect(
      triggerChanges(scheduled('a', '0 9 * * *'), scheduled('a', '0 8 * * *'), REFERENCE)
    ).toEqual([
      {
        text: 'trigger daily cron "0 9 * * *" → "0 8 * * *"',
        nextRun: '2025-03-11 08:00 UTC'
      }
    ])
  })

  it('names timezones, enabling, disabling, removed triggers and a disabled flow', () => {
    const before = `${scheduled('a', '0 9 * * *')}  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: k\n`
    const after = scheduled(
      'a',
      '0 9 * * *',
      '    timezone: Europe/Paris\n    disabled: true\n'
    ).replace('tasks:', 'disabled: true\ntasks:')
    expect(triggerChanges(before, after, REFERENCE).map((c) => c.text)).toEqual([
      'flow disabled',
      'trigger daily disabled',
      'trigger daily timezone server default → Europe/Paris',
      'trigger hook (Webhook) removed'
    ])
  })

  it('an added trigger gets its next run; unchanged triggers say nothing, anchors included', () => {
    const plain = flowSource(NS, 'a')
    expect(triggerChanges(plain, scheduled('a', '0 9 * * 1'), REFERENCE)).toEqual([
      {
        text: 'trigger daily (Schedule, cron "0 9 * * 1") added',
        nextRun: '2025-03-17 09:00 UTC'
      }
    ])
    const same = scheduled('a', '0 9 * * *')
    expect(triggerChanges(same, same.replace('hello', 'bye'), REFERENCE)).toEqual([])
    expect(triggerChanges(plain, flowSource(NS, 'a', 'x'), REFERENCE)).toEqual([])
    const anchored = (cron: string) =>
      `${flowSource(NS, 'a')}variables:\n  cron: &cron "${cron}"\ntriggers:\n  - id: daily\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: *cron\n`
    expect(triggerChanges(anchored('0 9 * * *'), anchored('0 6 * * *'), REFERENCE)).toEqual([
      { text: 'trigger daily cron "0 9 * * *" → "0 6 * * *"', nextRun: '2025-03-11 06:00 UTC' }
    ])
  })

  it('created and deleted flows show their triggers in their diff only', () => {
    const plan = buildPlan(
      planInput({
        flows: [desiredFlow(NS, 'new', scheduled('new', '0 8 * * *'))],
        actual: { [NS]: { flows: [remoteFlow(NS, 'old', scheduled('old', '0 9 * * *'))] } },
        deleteEnabled: true
      }),
      DECIDE_KINDS
    )
    const { plan: impacted } = withImpact(plan, {
      calls: [],
      reads: [],
      serverOnly: new Set(),
      reference: REFERENCE
    })
    expect(impacted.resources.map((r) => (r as FlowChange).impact)).toEqual([undefined, undefined])
  })

  it('shows no next run for an expression, a bad cron or without a reference', () => {
    expect(nextRun({ cron: '{{ vars.cron }}' }, REFERENCE)).toBeUndefined()
    expect(nextRun({ cron: '0 99 * * *' }, REFERENCE)).toBeUndefined()
    expect(nextRun({ cron: '0 9 * * *' }, undefined)).toBeUndefined()
    expect(nextRun({ cron: '30 7 * * *', timezone: 'America/New_York' }, REFERENCE)).toBe(
      '2025-03-11 07:30 America/New_York'
    )
  })

  it('marks an updated flow whose schedule moves, in the plan', () => {
    const plan = buildPlan(
      planInput({
        flows: [desiredFlow(NS, 'a', scheduled('a', '0 8 * * *'))],
        actual: { [NS]: { flows: [remoteFlow(NS, 'a', scheduled('a', '0 9 * * *'))] } }
      }),
      DECIDE_KINDS
    )
    const { plan: impacted } = withImpact(plan, {
      calls: [],
      reads: [],
      serverOnly: new Set(),
      reference: REFERENCE
    })
    expect(flowOf(impacted, 'a').impact?.triggers).toHaveLength(1)
    expect(impacted.fingerprint).not.toBe(plan.fingerprint)
  })
})
