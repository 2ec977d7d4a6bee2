import { describe, expect, it } from 'vitest'
import { check, rules } from './helpers.js'

const HEAD = ['id: flow', 'namespace: company.team']
const TASKS = [
  'tasks:',
  '  - id: log',
  '    type: io.kestra.plugin.core.log.Log',
  '    message: hi'
]

describe('inputs and outputs', () => {
  it('checks input ids, types and duplicates', () => {
    const findings = check([
      ...HEAD,
      'inputs:',
      '  - id: "wrong one"',
      '    type: STRING',
      '  - id: untyped',
      '  - id: foo',
      '    type: FOO',
      '  - id: ok',
      '    type: STRING',
      '  - id: ok',
      '    type: INT',
      ...TASKS
    ])
    expect(rules(findings)).toEqual([
      'error input-id 4:5',
      'error input-type 6:5',
      'warning input-type 8:11',
      'error duplicate-input-id 11:5'
    ])
  })

  it('accepts the deprecated name: key with a warning only', () => {
    const findings = check([...HEAD, 'inputs:', '  - name: user', '    type: STRING', ...TASKS])
    expect(rules(findings)).toEqual(['warning input-name-deprecated 4:5'])
  })

  it('with no server known, rejects required: false with defaults and warns of a Schedule missing required inputs', () => {
    const findings = check([
      ...HEAD,
      'inputs:',
      '  - id: a',
      '    type: STRING',
      '    required: false',
      '    defaults: x',
      '  - id: b',
      '    type: STRING',
      ...TASKS,
      'triggers:',
      '  - id: every_minute',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "* * * * *"',
      '  - id: given',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "* * * * *"',
      '    inputs:',
      '      b: value'
    ])
    // Both supported releases refuse the first (core 1.3.31 and 2.0.0 run); only 2.0.0 refuses the second.
    expect(rules(findings)).toEqual([
      'error input-defaults-optional 6:5',
      'warning schedule-missing-inputs 15:5'
    ])
    expect(findings[1]?.message).toContain('(b)')
  })

  it('rejects FILE defaults, ARRAY of ARRAY/SECRET, values+options and a broken validator', () => {
    const findings = check([
      ...HEAD,
      'inputs:',
      '  - id: f',
      '    type: FILE',
      '    defaults: something',
      '  - id: arr',
      '    type: ARRAY',
      '    itemType: SECRET',
      '  - id: multi',
      '    type: MULTISELECT',
      '    values: [A]',
      '    options: [B]',
      '  - id: v',
      '    type: STRING',
      '    validator: \\',
      ...TASKS
    ])
    expect(rules(findings)).toEqual([
      'error input-file-defaults 6:15',
      'error input-item-type 9:15',
      'warning input-multiselect 13:5',
      'error input-validator 16:16'
    ])
  })

  it('checks input dependsOn targets and cycles', () => {
    const findings = check([
      ...HEAD,
      'inputs:',
      '  - id: a',
      '    type: STRING',
      '    dependsOn: { inputs: [b] }',
      '  - id: b',
      '    type: STRING',
      '    dependsOn: { inputs: [a, missing] }',
      ...TASKS
    ])
    expect(rules(findings)).toEqual(['error input-depends-on 4:5', 'error input-depends-on 9:30'])
  })

  it('checks output ids and duplicates', () => {
    const findings = check([
      ...HEAD,
      ...TASKS,
      'outputs:',
      '  - id: out',
      '    type: STRING',
      '    value: x',
      '  - id: out',
      '    type: STRING',
      '    value: y'
    ])
    expect(rules(findings)).toEqual(['error duplicate-output-id 11:5'])
  })
})

describe('labels', () => {
  it('rejects system. labels except system.readOnly, as a map', () => {
    const findings = check([
      ...HEAD,
      'labels:',
      '  system.label: x',
      '  system.readOnly: "true"',
      '  team: data',
      ...TASKS
    ])
    expect(rules(findings)).toEqual(['error system-label 4:3'])
  })

  it('rejects system. labels as a list of key/value', () => {
    const findings = check([...HEAD, 'labels:', '  - key: system.id', '    value: x', ...TASKS])
    expect(rules(findings)).toEqual(['error system-label 4:10'])
  })

  it('warns about label keys newer Kestra refuses', () => {
    expect(rules(check([...HEAD, 'labels:', '  Team: data', ...TASKS]))).toEqual([
      'warning label-key 4:3'
    ])
  })
})

describe('dashed references', () => {
  const flowWith = (message: string): string[] => [
    ...HEAD,
    'inputs:',
    '  - id: my-input',
    '    type: STRING',
    '  - id: a',
    '    type: INT',
    'tasks:',
    '  - id: my-task',
    '    type: io.kestra.plugin.core.debug.Return',
    '    format: x',
    '  - id: task_1',
    '    type: io.kestra.plugin.core.log.Log',
    `    message: ${message}`
  ]

  it('rejects dot syntax on a dashed input id, at the reference', () => {
    const findings = check(flowWith('"{{ inputs.my-input }}"'))
    expect(rules(findings)).toEqual(['error dashed-reference 14:18'])
    expect(findings[0]?.message).toContain("inputs['my-input']")
  })

  it('rejects dot syntax on a dashed task id in outputs, also inside {% %}', () => {
    const findings = check(flowWith('"{% if outputs.my-task.value %}yes{% endif %}"'))
    expect(rules(findings)).toEqual(['error dashed-reference 14:21'])
  })

  it('points into a block scalar at the right line', () => {
    const findings = check([
      ...flowWith('|'),
      '      line one',
      '      {{ outputs.my-task.value }}'
    ])
    expect(rules(findings)).toEqual(['error dashed-reference 16:10'])
  })

  it.each([
    '"{{ outputs.task_1.value }}"',
    '"{{ inputs.a - 1 }}"',
    '"{{ inputs.a-1 }}"',
    '"inputs.my-input is text outside an expression"',
    `"{{ inputs['my-input'] }} {{ outputs['my-task'].value }}"`,
    `"{{ 'inputs.my-input' }}"`,
    '"{# inputs.my-input #}"',
    '"{% raw %}{{ inputs.my-input }}{% endraw %}"'
  ])('accepts %s', (message) => {
    expect(check(flowWith(message))).toEqual([])
  })
})
