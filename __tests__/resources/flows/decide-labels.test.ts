/**
 * The labels a flow gives the executions it starts or matches (triggers, their ExecutionLabels
 * conditions, SLAs, Subflow and ForEachItem tasks): Kestra's NoSystemLabelValidator (0.20) refuses every
 * `system.` key there, system.readOnly included (docs/validation-rules.md).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { check, checkOn, rules } from './helpers.js'
import { runs } from '../../../test-support/property-runs.js'

const HEAD = ['id: flow', 'namespace: company.team']
const LOG = ['  - id: log', '    type: io.kestra.plugin.core.log.Log', '    message: hi']
/** A flow of one task whose `daily` trigger's labels follow (from line 12). */
const SCHEDULED = [
  ...HEAD,
  'tasks:',
  ...LOG,
  'triggers:',
  '  - id: daily',
  '    type: io.kestra.plugin.core.trigger.Schedule',
  '    cron: "0 9 * * *"',
  '    labels:'
]

describe('labels an execution is given', () => {
  it('refuses every system. key of a trigger, system.readOnly included, as a map and as a list', () => {
    const findings = check([
      ...SCHEDULED,
      '      system.readOnly: "true"',
      '      system.correlationId: abc',
      '      team: data',
      '  - id: upstream',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    labels:',
      '      - key: system.restarted',
      '        value: "true"',
      '      - key: System.x',
      '        value: y'
    ])
    expect(rules(findings)).toEqual([
      'error system-label 12:7',
      'error system-label 13:7',
      'error system-label 18:14'
    ])
    expect(findings[0]?.message).toBe(
      "Label 'system.readOnly' on trigger 'daily': Kestra refuses every label starting with 'system.' here, system.readOnly included (only the flow's own labels may carry it). Rename the label"
    )
    expect(findings[2]?.message).toContain("on trigger 'upstream'")
  })

  it('refuses them on Subflow and ForEachItem tasks at any depth, under every type name', () => {
    const findings = check([
      ...HEAD,
      'tasks:',
      '  - id: branch',
      '    type: io.kestra.plugin.core.flow.If',
      '    condition: "{{ true }}"',
      '    then:',
      '      - id: call',
      '        type: io.kestra.core.tasks.flows.Flow',
      '        namespace: company.team',
      '        flowId: child',
      '        labels:',
      '          system.x: "1"',
      '  - id: each',
      '    type: io.kestra.plugin.core.flow.ForEachItem',
      '    items: "{{ outputs.x.uri }}"',
      '    namespace: company.team',
      '    flowId: child',
      '    labels:',
      '      system.y: "2"',
      '  - id: sub',
      '    type: io.kestra.plugin.core.flow.Subflow',
      '    namespace: company.team',
      '    flowId: child',
      '    labels:',
      '      - key: system.readOnly',
      '        value: "true"'
    ])
    expect(rules(findings)).toEqual([
      'warning removed-type 9:15',
      'error system-label 13:11',
      'warning removed-type 15:11',
      'error system-label 20:7',
      'error system-label 26:14'
    ])
    expect(
      findings
        .filter((finding) => finding.rule === 'system-label')
        .map((finding) => /on (\w+) task '([^']+)'/.exec(finding.message)?.slice(1))
    ).toEqual([
      ['Subflow', 'call'],
      ['ForEachItem', 'each'],
      ['Subflow', 'sub']
    ])
  })

  it("refuses them in a trigger's ExecutionLabels condition (every name) and on an SLA", () => {
    const condition = (type: string) => [
      `      - type: ${type}`,
      '        labels:',
      '          system.a: b'
    ]
    const findings = check([
      ...HEAD,
      'tasks:',
      ...LOG,
      'sla:',
      '  - id: slow',
      '    type: MAX_DURATION',
      '    behavior: FAIL',
      '    duration: PT1H',
      '    labels:',
      '      system.sla: violated',
      'triggers:',
      '  - id: after',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    conditions:',
      ...condition('io.kestra.plugin.core.condition.ExecutionLabels'),
      ...condition('io.kestra.plugin.core.condition.ExecutionLabelsCondition'),
      ...condition('io.kestra.core.models.conditions.types.ExecutionLabelsCondition'),
      ...condition('io.kestra.plugin.core.condition.ExecutionNamespace')
    ])
    expect(rules(findings)).toEqual([
      'error system-label 13:7',
      'warning removed-property 17:5',
      'error system-label 20:11',
      'error system-label 23:11',
      'error system-label 26:11',
      // 1.3.31's ExecutionNamespace needs a `namespace` (a server's plugin default may set it) and has no `labels`
      // (its schema); 2.0's Flow trigger has no `conditions` at all (removed-property), so it refuses both.
      'warning core-schema 27:9',
      'error core-schema 28:9'
    ])
    expect(findings[0]?.message).toContain("on SLA 'slow'")
    expect(findings[2]?.message).toContain("in an ExecutionLabels condition of trigger 'after'")
  })

  it('leaves alone the labels of other tasks and the flow’s own system.readOnly', () => {
    const findings = check([
      ...HEAD,
      'labels:',
      '  system.readOnly: "true"',
      'tasks:',
      '  - id: set',
      '    type: io.kestra.plugin.core.execution.Labels',
      '    labels:',
      '      system.x: y',
      '  - id: sub',
      '    type: io.kestra.plugin.core.flow.Subflow',
      '    namespace: company.team',
      '    flowId: child',
      '    labels:',
      '      systemx: "1"',
      '      "{{ \'system.\' ~ inputs.k }}": "2"'
    ])
    expect(rules(findings)).toEqual([])
  })

  it('follows the release that added the check: a warning before 0.20, an error from it', () => {
    const flow = [...SCHEDULED, '      system.readOnly: "true"']
    expect(rules(checkOn([0, 19, 15], flow))).toEqual(['warning system-label 12:7'])
    expect(rules(checkOn([0, 20, 0], flow))).toEqual(['error system-label 12:7'])
    expect(rules(checkOn([2, 0, 0], flow))).toEqual(['error system-label 12:7'])
  })

  it('finds exactly the system. keys, wherever and however the labels are written', () => {
    const key = fc.oneof(
      fc.constantFrom(
        'system.readOnly',
        'system.',
        'system.x',
        'System.x',
        'systemx',
        'system',
        'team'
      ),
      fc.stringMatching(/^(system\.)?[a-zA-Z][a-zA-Z0-9._-]{0,8}$/)
    )
    const place = fc.constantFrom('trigger', 'subflow', 'nested-subflow', 'sla', 'condition')
    const calling = fc.constantFrom(
      'io.kestra.plugin.core.flow.Subflow',
      'io.kestra.core.tasks.flows.Subflow',
      'io.kestra.core.tasks.flows.Flow',
      'io.kestra.plugin.core.flow.ForEachItem',
      'io.kestra.core.tasks.flows.ForEachItem'
    )
    const condition = fc.constantFrom(
      'io.kestra.plugin.core.condition.ExecutionLabels',
      'io.kestra.plugin.core.condition.ExecutionLabelsCondition',
      'io.kestra.core.models.conditions.types.ExecutionLabelsCondition'
    )
    fc.assert(
      fc.property(
        place,
        calling,
        condition,
        fc.boolean(),
        fc.uniqueArray(key, { minLength: 1, maxLength: 4 }),
        (where, callType, conditionType, asList, keys) => {
          const indent = where === 'nested-subflow' || where === 'condition' ? '        ' : '    '
          const labels = asList
            ? keys.flatMap((k) => [`${indent}  - key: "${k}"`, `${indent}    value: v`])
            : keys.map((k) => `${indent}  "${k}": v`)
          const owner: Record<string, string[]> = {
            trigger: [
              'triggers:',
              '  - id: t',
              '    type: io.kestra.plugin.core.trigger.Webhook',
              '    key: abc'
            ],
            subflow: ['  - id: s', `    type: ${callType}`, '    namespace: a', '    flowId: b'],
            'nested-subflow': [
              '  - id: p',
              '    type: io.kestra.plugin.core.flow.Sequential',
              '    tasks:',
              '      - id: s',
              `        type: ${callType}`,
              '        namespace: a',
              '        flowId: b'
            ],
            sla: [
              'sla:',
              '  - id: s',
              '    type: MAX_DURATION',
              '    behavior: FAIL',
              '    duration: PT1H'
            ],
            condition: [
              'triggers:',
              '  - id: t',
              '    type: io.kestra.plugin.core.trigger.Flow',
              '    conditions:',
              `      - type: ${conditionType}`
            ]
          }
          const lines = [...HEAD, 'tasks:', ...LOG, ...owner[where]!, `${indent}labels:`, ...labels]
          const findings = check(lines).filter((finding) => finding.rule === 'system-label')
          const expected = keys.filter((k) => k.startsWith('system.'))
          expect(
            findings.map((finding) => /^Label '(.*?)' (?:on|in) /.exec(finding.message)?.[1])
          ).toEqual(expected)
          for (const [i, finding] of findings.entries()) {
            expect(lines[finding.line - 1]).toContain(`"${expected[i]}"`)
          }
        }
      ),
      { seed: 20261125, numRuns: runs(200, 50) }
    )
  })
})
