/**
 * One case per error rule, built from the Kestra code path that backs it (docs/validation-rules.md):
 * a flow Kestra accepts passes without error, the flow it rejects fails on the stated line.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { KestraVersion } from '../../src/validate/index.js'
import { PROJECT_ROOT } from '../../test-support/runner.js'
import { check, checkOn, MINIMAL } from './helpers.js'

const HEAD = ['id: flow', 'namespace: company.team']
const TASKS = MINIMAL.slice(2)

interface Case {
  rule: string
  /** Kestra accepts it. */
  accepted: string[]
  /** Kestra rejects it: the error is on `line`. */
  rejected: string[]
  line: number
  /** The server version the case is for (none: no server known). */
  version?: KestraVersion
}

const input = (...lines: string[]): string[] => [...HEAD, 'inputs:', ...lines, ...TASKS]

const CASES: Case[] = [
  {
    rule: 'missing-key', // Flow: @NotNull id, namespace; @NotEmpty tasks
    accepted: MINIMAL,
    rejected: HEAD,
    line: 1
  },
  {
    rule: 'flow-id', // AbstractFlow.id @Pattern, @Size(max = 100)
    accepted: ['id: my-flow.v2', ...MINIMAL.slice(1)],
    rejected: ['id: my#flow', ...MINIMAL.slice(1)],
    line: 1
  },
  {
    rule: 'namespace', // AbstractFlow.namespace @Pattern (lower case)
    accepted: ['id: a', 'namespace: company.team-1', ...TASKS],
    rejected: ['id: a', 'namespace: Company', ...TASKS],
    line: 2
  },
  {
    rule: 'empty-tasks', // Flow.tasks @NotEmpty
    accepted: MINIMAL,
    rejected: [...HEAD, 'tasks: []'],
    line: 3
  },
  {
    rule: 'reserved-flow-id', // 1.0 reserved flow ids
    accepted: ['id: pauses', ...MINIMAL.slice(1)],
    rejected: ['id: resume', ...MINIMAL.slice(1)],
    line: 1,
    version: [1, 0, 0]
  },
  {
    rule: 'removed-key', // 1.0 removed listeners / taskDefaults
    accepted: [
      ...MINIMAL,
      'afterExecution:',
      '  - id: after',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: done'
    ],
    rejected: [...MINIMAL, 'listeners: []'],
    line: 7,
    version: [1, 3, 0]
  },
  {
    rule: 'task-id', // TaskInterface.id @Pattern
    accepted: [...HEAD, 'tasks:', '  - id: my_task-1', '    type: io.kestra.plugin.core.log.Log'],
    rejected: [...HEAD, 'tasks:', '  - id: my.task', '    type: io.kestra.plugin.core.log.Log'],
    line: 4
  },
  {
    rule: 'task-type', // TaskInterface.type @NotNull @Pattern (Java class name)
    accepted: [...HEAD, 'tasks:', '  - id: t', '    type: io.kestra.plugin.é.Tâche'],
    rejected: [...HEAD, 'tasks:', '  - id: t', '    type: io.kestra.plugin.core.log.Log!'],
    line: 5
  },
  {
    rule: 'trigger-type', // TriggerInterface.type @NotNull
    accepted: [
      ...MINIMAL,
      'triggers:',
      '  - id: s',
      '    type: io.kestra.plugin.core.trigger.Schedule'
    ],
    rejected: [...MINIMAL, 'triggers:', '  - id: s'],
    line: 8
  },
  {
    rule: 'duplicate-task-id', // FlowValidator: Duplicate task id with name
    accepted: [...MINIMAL, 'errors:', '  - id: other', '    type: io.kestra.plugin.core.log.Log'],
    rejected: [...MINIMAL, 'errors:', '  - id: log', '    type: io.kestra.plugin.core.log.Log'],
    line: 8
  },
  {
    rule: 'duplicate-trigger-id', // FlowValidator: Duplicate trigger id with name
    accepted: [...MINIMAL, 'triggers:', '  - { id: a, type: x.A }', '  - { id: b, type: x.B }'],
    rejected: [...MINIMAL, 'triggers:', '  - { id: a, type: x.A }', '  - { id: a, type: x.B }'],
    line: 9
  },
  {
    rule: 'recursive-subflow', // FlowValidator: Recursive call to flow
    accepted: [
      ...HEAD,
      'tasks:',
      '  - id: s',
      '    type: io.kestra.plugin.core.flow.Subflow',
      '    namespace: company.team',
      '    flowId: other'
    ],
    rejected: [
      ...HEAD,
      'tasks:',
      '  - id: s',
      '    type: io.kestra.plugin.core.flow.Subflow',
      '    namespace: company.team',
      '    flowId: flow'
    ],
    line: 4
  },
  {
    rule: 'input-id', // Input.id @NotBlank @Pattern
    accepted: input('  - id: my.input-1', '    type: STRING'),
    rejected: input('  - id: "wrong one"', '    type: STRING'),
    line: 4
  },
  {
    rule: 'input-type', // Input.type @NotNull
    accepted: input('  - id: a', '    type: STRING'),
    rejected: input('  - id: a', '    description: no type'),
    line: 4
  },
  {
    rule: 'duplicate-input-id', // FlowValidator: Duplicate input with name
    accepted: input('  - id: a', '    type: STRING', '  - id: b', '    type: STRING'),
    rejected: input('  - id: a', '    type: STRING', '  - id: a', '    type: INT'),
    line: 6
  },
  {
    rule: 'input-depends-on', // FlowValidator.checkFlowInputsDependencyGraph
    accepted: input(
      '  - id: a',
      '    type: STRING',
      '  - id: b',
      '    type: STRING',
      '    dependsOn:',
      '      inputs: [a]'
    ),
    rejected: input(
      '  - id: a',
      '    type: STRING',
      '  - id: b',
      '    type: STRING',
      '    dependsOn:',
      '      inputs: [c]'
    ),
    line: 9
  },
  {
    rule: 'input-defaults-optional', // InputValidator (1.1): defaults must be required
    accepted: input('  - id: a', '    type: STRING', '    required: false', '    prefill: x'),
    rejected: input('  - id: a', '    type: STRING', '    required: false', '    defaults: x'),
    line: 6,
    version: [1, 1, 0]
  },
  {
    rule: 'input-defaults-prefill', // InputValidator (1.1): defaults cannot have a prefill
    accepted: input('  - id: a', '    type: STRING', '    defaults: x'),
    rejected: input('  - id: a', '    type: STRING', '    defaults: x', '    prefill: y'),
    line: 7,
    version: [1, 3, 2]
  },
  {
    rule: 'input-file-defaults', // FileInputValidator: file:// or nsfile:// defaults only
    accepted: input('  - id: f', '    type: FILE', '    defaults: nsfile:///data/in.csv'),
    rejected: input('  - id: f', '    type: FILE', '    defaults: something'),
    line: 6
  },
  {
    rule: 'input-item-type', // ArrayInputValidator: itemType cannot be ARRAY / SECRET
    accepted: input('  - id: a', '    type: ARRAY', '    itemType: INT'),
    rejected: input('  - id: a', '    type: ARRAY', '    itemType: ARRAY'),
    line: 6
  },
  {
    rule: 'input-multiselect', // MultiselectInputValidator: values or options
    accepted: input('  - id: m', '    type: MULTISELECT', '    values: [A, B]'),
    rejected: input('  - id: m', '    type: MULTISELECT', '    values: [A]', '    options: [B]'),
    line: 7
  },
  {
    rule: 'input-validator', // StringInput.validator @Regex
    accepted: input('  - id: v', '    type: STRING', '    validator: ^\\d+$'),
    rejected: input('  - id: v', '    type: STRING', '    validator: \\'),
    line: 6
  },
  {
    rule: 'output-id', // Output.id @Pattern
    accepted: [...MINIMAL, 'outputs:', '  - id: out', '    type: STRING', '    value: x'],
    rejected: [...MINIMAL, 'outputs:', '  - id: bad out', '    type: STRING', '    value: x'],
    line: 8
  },
  {
    rule: 'duplicate-output-id', // FlowValidator: Duplicate output with name
    accepted: [
      ...MINIMAL,
      'outputs:',
      '  - { id: a, type: STRING, value: x }',
      '  - { id: b, type: STRING, value: y }'
    ],
    rejected: [
      ...MINIMAL,
      'outputs:',
      '  - { id: a, type: STRING, value: x }',
      '  - { id: a, type: STRING, value: y }'
    ],
    line: 9
  },
  {
    rule: 'system-label', // FlowValidator: System labels can only be set by Kestra itself
    accepted: [...MINIMAL, 'labels:', '  system.readOnly: "true"'],
    rejected: [...MINIMAL, 'labels:', '  system.correlationId: x'],
    line: 8
  },
  {
    rule: 'dashed-reference', // FlowValidator: Invalid input reference
    accepted: [
      ...HEAD,
      'inputs:',
      '  - { id: my-input, type: STRING }',
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      `    message: "{{ inputs['my-input'] }}"`
    ],
    rejected: [
      ...HEAD,
      'inputs:',
      '  - { id: my-input, type: STRING }',
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: "{{ inputs.my-input }}"'
    ],
    line: 8
  },
  {
    rule: 'duplicate-preconditions', // FlowTriggerValidator: Duplicate preconditions with id
    accepted: [
      ...MINIMAL,
      'triggers:',
      '  - { id: a, type: io.kestra.plugin.core.trigger.Flow, preconditions: { id: p1 } }',
      '  - { id: b, type: io.kestra.plugin.core.trigger.Flow, preconditions: { id: p2 } }'
    ],
    rejected: [
      ...MINIMAL,
      'triggers:',
      '  - id: a',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    preconditions: { id: p }',
      '  - id: b',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    preconditions:',
      '      id: p'
    ],
    line: 14
  },
  {
    rule: 'if-condition', // If.condition @NotNull
    accepted: [
      ...HEAD,
      'tasks:',
      '  - id: if',
      '    type: io.kestra.plugin.core.flow.If',
      '    condition: "{{ true }}"',
      '    then:',
      ...TASKS.slice(1).map((l) => `    ${l}`)
    ],
    rejected: [
      ...HEAD,
      'tasks:',
      '  - id: if',
      '    type: io.kestra.plugin.core.flow.If',
      '    then:',
      ...TASKS.slice(1).map((l) => `    ${l}`)
    ],
    line: 4
  },
  {
    rule: 'switch-no-tasks', // SwitchTaskValidator: No task defined
    accepted: [
      ...HEAD,
      'tasks:',
      '  - id: sw',
      '    type: io.kestra.plugin.core.flow.Switch',
      '    value: x',
      '    defaults:',
      ...TASKS.slice(1).map((l) => `    ${l}`)
    ],
    rejected: [
      ...HEAD,
      'tasks:',
      '  - id: sw',
      '    type: io.kestra.plugin.core.flow.Switch',
      '    value: x',
      '    cases: {}'
    ],
    line: 4
  },
  {
    rule: 'dag-dependency', // DagTaskValidator: Not existing task id in dependency
    accepted: [
      ...HEAD,
      'tasks:',
      '  - id: dag',
      '    type: io.kestra.plugin.core.flow.Dag',
      '    tasks:',
      '      - task: { id: a, type: io.kestra.plugin.core.log.Log, message: a }',
      '      - task: { id: b, type: io.kestra.plugin.core.log.Log, message: b }',
      '        dependsOn: [a]'
    ],
    rejected: [
      ...HEAD,
      'tasks:',
      '  - id: dag',
      '    type: io.kestra.plugin.core.flow.Dag',
      '    tasks:',
      '      - task: { id: a, type: io.kestra.plugin.core.log.Log, message: a }',
      '      - task: { id: b, type: io.kestra.plugin.core.log.Log, message: b }',
      '        dependsOn: [x]'
    ],
    line: 9
  },
  {
    rule: 'working-directory-child', // WorkingDirectoryTaskValidator: only runnable tasks
    accepted: [
      ...HEAD,
      'tasks:',
      '  - id: wd',
      '    type: io.kestra.plugin.core.flow.WorkingDirectory',
      '    tasks:',
      ...TASKS.slice(1).map((l) => `    ${l}`)
    ],
    rejected: [
      ...HEAD,
      'tasks:',
      '  - id: wd',
      '    type: io.kestra.plugin.core.flow.WorkingDirectory',
      '    tasks:',
      '      - id: seq',
      '        type: io.kestra.plugin.core.flow.Sequential',
      '        tasks:',
      ...TASKS.slice(1).map((l) => `        ${l}`)
    ],
    line: 7
  },
  {
    rule: 'plugin-default-type', // PluginDefault.type @NotNull (0.17)
    accepted: [
      ...MINIMAL,
      'pluginDefaults:',
      '  - type: io.kestra.plugin.core.log.Log',
      '    values:',
      '      level: INFO'
    ],
    rejected: [...MINIMAL, 'pluginDefaults:', '  - values:', '      level: INFO'],
    line: 8
  },
  {
    rule: 'plugin-default-values', // PluginDefaultValidator: No 'values' provided / No value for key
    accepted: [
      ...MINIMAL,
      'pluginDefaults:',
      '  - type: io.kestra.plugin.core.log.Log',
      '    forced: true',
      '    values:',
      '      level: INFO'
    ],
    rejected: [
      ...MINIMAL,
      'pluginDefaults:',
      '  - type: io.kestra.plugin.core.log.Log',
      '    values:',
      '      level:'
    ],
    line: 10
  },
  {
    rule: 'unquoted-pebble', // YAML: `{{ x }}` is a mapping Kestra cannot read as a string
    accepted: [
      ...HEAD,
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: "{{ flow.id }}"'
    ],
    rejected: [
      ...HEAD,
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: {{ flow.id }}'
    ],
    line: 6
  }
]

const run = (lines: string[], version?: KestraVersion) =>
  version ? checkOn(version, lines) : check(lines)

describe('every error rule, on the Kestra code path that backs it', () => {
  it.each(CASES)('$rule: accepts what Kestra accepts, rejects what it rejects on its line', (c) => {
    const accepted = run(c.accepted, c.version).filter((f) => f.severity === 'error')
    expect(accepted, 'accepted flow').toEqual([])
    const rejected = run(c.rejected, c.version).filter((f) => f.severity === 'error')
    expect(
      rejected.map((f) => `${f.rule}@${f.line}`),
      'rejected flow'
    ).toContain(`${c.rule}@${c.line}`)
  })

  it('documents every error rule with the Kestra source that backs it', () => {
    const table = readFileSync(join(PROJECT_ROOT, 'docs/validation-rules.md'), 'utf8')
    // Rows of the first table ("Rules that can be errors"): | `rule`[, `rule`] | severity | source | … |
    const errorTable = table.slice(0, table.indexOf('### Rules of this action'))
    const rows = new Map(
      errorTable
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .flatMap((cells) =>
          [...(cells[1] ?? '').matchAll(/`([a-z-]+)`/g)].map((m) => [m[1]!, cells] as const)
        )
    )
    for (const c of CASES) {
      const row = rows.get(c.rule)
      expect(row, c.rule).toBeDefined()
      expect(row![2], `${c.rule} severity`).toMatch(/error/)
      expect(row![3]!.length, `${c.rule} source`).toBeGreaterThan(10)
    }
  })
})
