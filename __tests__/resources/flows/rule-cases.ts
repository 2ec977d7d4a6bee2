/**
 * One case (at least) per error rule of docs/validation-rules.md: a flow Kestra accepts, one it rejects and the line
 * of the finding. `decide-validate.kestra-rules.test.ts` checks the local verdict of each against the table's Severity column;
 * `__tests__/e2e/core-judged-validator.test.ts` asks the released cores of each line the same.
 */
import type { KestraVersion } from '../../../src/model/version.js'
import { MINIMAL } from './helpers.js'

const HEAD = ['id: flow', 'namespace: company.team']
const TASKS = MINIMAL.slice(2)
const LOG_TYPE = ['    type: io.kestra.plugin.core.log.Log', '    message: hi']

export interface Case {
  rule: string
  /** Kestra accepts it (current releases, and on both sides of the rule's release). */
  accepted: string[]
  /** Kestra rejects it (from the rule's release on): the finding is on `line`. */
  rejected: string[]
  line: number
  /** The release that removed what the rule checks: both flows are refused from then on for that. */
  until?: KestraVersion
}

const input = (...lines: string[]): string[] => [...HEAD, 'inputs:', ...lines, ...TASKS]

export const CASES: Case[] = [
  {
    rule: 'yaml-syntax', // YamlParser: not YAML
    accepted: MINIMAL,
    rejected: [...MINIMAL.slice(0, 5), '    message: [unclosed'],
    line: 7
  },
  {
    rule: 'yaml-syntax', // YamlParser: a key that is a sequence ("Invalid structure")
    accepted: MINIMAL,
    rejected: [...MINIMAL, 'labels:', '  ? [a, b]', '  : v'],
    line: 8
  },
  {
    rule: 'yaml-alias', // an alias to an unknown anchor
    accepted: [
      ...MINIMAL.slice(0, 5),
      '    message: &m hi',
      '  - id: again',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: *m'
    ],
    rejected: [...MINIMAL.slice(0, 5), '    message: *missing'],
    line: 6
  },
  {
    rule: 'trigger-id', // TriggerInterface.id @Pattern
    accepted: [
      ...MINIMAL,
      'triggers:',
      '  - id: my_trigger-1',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "@daily"'
    ],
    rejected: [
      ...MINIMAL,
      'triggers:',
      '  - id: my.trigger',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "@daily"'
    ],
    line: 8
  },
  {
    rule: 'core-schema', // Flow: @NotNull id, namespace; @NotEmpty tasks (both schemas: required)
    accepted: MINIMAL,
    rejected: HEAD,
    line: 1
  },
  {
    rule: 'core-schema', // AbstractFlow.id @Pattern, @Size(max = 100) (both schemas)
    accepted: ['id: my-flow.v2', ...MINIMAL.slice(1)],
    rejected: ['id: my#flow', ...MINIMAL.slice(1)],
    line: 1
  },
  {
    rule: 'core-schema', // AbstractFlow.namespace @Pattern (lower case) (both schemas)
    accepted: ['id: a', 'namespace: company.team-1', ...TASKS],
    rejected: ['id: a', 'namespace: Company', ...TASKS],
    line: 2
  },
  {
    rule: 'core-schema', // Flow.tasks @NotEmpty (both schemas: minItems 1)
    accepted: MINIMAL,
    rejected: [...HEAD, 'tasks: []'],
    line: 3
  },
  {
    rule: 'reserved-flow-id', // 1.0 reserved flow ids
    accepted: ['id: pauses', ...MINIMAL.slice(1)],
    rejected: ['id: resume', ...MINIMAL.slice(1)],
    line: 1
  },
  {
    rule: 'removed-key', // 2.0 removed the deprecated listeners / taskDefaults
    accepted: [
      ...MINIMAL,
      'afterExecution:',
      '  - id: after',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: done'
    ],
    rejected: [...MINIMAL, 'listeners: []'],
    line: 7
  },
  {
    rule: 'task-id', // TaskInterface.id @Pattern
    accepted: [...HEAD, 'tasks:', '  - id: my_task-1', ...LOG_TYPE],
    rejected: [...HEAD, 'tasks:', '  - id: my.task', ...LOG_TYPE],
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
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "@daily"'
    ],
    rejected: [...MINIMAL, 'triggers:', '  - id: s'],
    line: 8
  },
  {
    rule: 'duplicate-key', // engine 1.3.31 and 2.0.0: creating the flow, "YAML parsing error: Duplicate field"
    accepted: MINIMAL,
    rejected: [...MINIMAL, '    message: again'],
    line: 7
  },
  {
    rule: 'duplicate-task-id', // FlowValidator: Duplicate task id with name
    accepted: [...MINIMAL, 'errors:', '  - id: other', ...LOG_TYPE],
    rejected: [...MINIMAL, 'errors:', '  - id: log', ...LOG_TYPE],
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
    line: 6
  },
  {
    rule: 'input-defaults-prefill', // InputValidator (1.1): defaults cannot have a prefill
    accepted: input('  - id: a', '    type: STRING', '    defaults: x'),
    rejected: input('  - id: a', '    type: STRING', '    defaults: x', '    prefill: y'),
    line: 7
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
    rule: 'duplicate-preconditions', // FlowValidator (1.1): Duplicate preconditions with id
    until: [2, 0, 0], // 2.0.0 has no preconditions nor flow-level plugin defaults
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
    rule: 'working-directory-tasks', // WorkingDirectoryTaskValidator: The 'tasks' property cannot be empty
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
      '    tasks: []'
    ],
    line: 6
  },
  {
    rule: 'listener-tasks', // 1.3's Listener.tasks @NotEmpty; 2.0 has no listeners
    accepted: MINIMAL,
    rejected: [...MINIMAL, 'listeners:', '  - tasks: []'],
    line: 8
  },
  {
    rule: 'retry-interval', // Constant's @AssertTrue: 'interval' must be less than 'maxDuration'
    accepted: [
      ...MINIMAL,
      '    retry:',
      '      type: constant',
      '      interval: PT1S',
      '      maxAttempts: 3',
      '      maxDuration: PT1M'
    ],
    rejected: [
      ...MINIMAL,
      '    retry:',
      '      type: constant',
      '      interval: PT1M',
      '      maxAttempts: 3',
      '      maxDuration: PT60S'
    ],
    line: 9
  },
  {
    rule: 'revision-type', // PluginDefaultService casts revision to Integer
    accepted: [...MINIMAL.slice(0, 2), 'revision: 3', ...TASKS],
    rejected: [...MINIMAL.slice(0, 2), 'revision: "3"', ...TASKS],
    line: 3
  },
  {
    rule: 'input-name-deprecated', // 2.0.0: Unrecognized field "name"; 1.x reads it as the id
    accepted: input('  - id: a', '    type: STRING'),
    rejected: input('  - name: a', '    type: STRING'),
    line: 4
  },
  {
    rule: 'input-item-type', // ArrayInputValidator: itemType cannot be SELECT
    accepted: input('  - id: a', '    type: ARRAY', '    itemType: STRING'),
    rejected: input('  - id: a', '    type: ARRAY', '    itemType: SELECT'),
    line: 6
  },
  {
    rule: 'plugin-default-values', // PluginDefaultValidator: No 'values' provided (core 1.3.31 run: refused)
    until: [2, 0, 0], // 2.0.0 has no preconditions nor flow-level plugin defaults
    accepted: [
      ...MINIMAL,
      'pluginDefaults:',
      '  - type: io.kestra.plugin.core.log.Log',
      '    forced: true',
      '    values:',
      '      level: INFO'
    ],
    rejected: [...MINIMAL, 'pluginDefaults:', '  - type: io.kestra.plugin.core.log.Log'],
    line: 8
  },
  {
    rule: 'removed-key', // 2.0 removed the deprecated listeners / taskDefaults
    accepted: MINIMAL,
    rejected: [
      ...MINIMAL,
      'taskDefaults:',
      '  - type: io.kestra.plugin.core.log.Log',
      '    values: { level: INFO }'
    ],
    line: 7
  },
  {
    rule: 'input-form', // 2.0 InputValidator: no defaults or prefill on a FORM
    accepted: input(
      '  - id: env',
      '    type: FORM',
      '    inputs:',
      '      - { id: region, type: STRING, defaults: eu }'
    ),
    rejected: input(
      '  - id: env',
      '    type: FORM',
      '    prefill: x',
      '    inputs:',
      '      - { id: region, type: STRING }'
    ),
    line: 6
  },
  {
    rule: 'input-form', // 2.0 InputValidator: no FORM inside a FORM
    accepted: input(
      '  - id: env',
      '    type: FORM',
      '    inputs:',
      '      - { id: region, type: STRING }',
      '  - id: other',
      '    type: FORM',
      '    inputs:',
      '      - { id: zone, type: STRING }'
    ),
    rejected: input(
      '  - id: env',
      '    type: FORM',
      '    inputs:',
      '      - id: inner',
      '        type: FORM',
      '        inputs:',
      '          - { id: zone, type: STRING }'
    ),
    line: 8
  },
  {
    rule: 'input-path', // 2.0 FlowValidator: Duplicate input path
    accepted: input(
      '  - id: env',
      '    type: FORM',
      '    inputs:',
      '      - { id: region, type: STRING }',
      '  - { id: env-region, type: STRING }'
    ),
    rejected: input(
      '  - id: env',
      '    type: FORM',
      '    inputs:',
      '      - { id: region, type: STRING }',
      '  - { id: env.region, type: STRING }'
    ),
    line: 8
  },
  {
    rule: 'input-path', // 2.0 FlowValidator: one path nested under another
    accepted: input(
      '  - id: env',
      '    type: FORM',
      '    inputs:',
      '      - { id: region, type: STRING }',
      '  - { id: envx.region, type: STRING }'
    ),
    rejected: input(
      '  - id: env',
      '    type: FORM',
      '    inputs:',
      '      - { id: region, type: STRING }',
      '  - { id: env.region.x, type: STRING }'
    ),
    line: 8
  },
  {
    rule: 'input-dotted-path', // 2.0 FlowValidator: one plain dotted id under another
    accepted: input('  - { id: a.b, type: STRING }', '  - { id: a.c, type: STRING }'),
    rejected: input('  - { id: a, type: STRING }', '  - { id: a.b, type: STRING }'),
    line: 5
  },
  {
    rule: 'input-form-depends-on', // 2.0 FlowValidator: the graph holds dotted paths only
    accepted: input(
      '  - id: env',
      '    type: FORM',
      '    inputs:',
      '      - { id: region, type: STRING }',
      '      - { id: zone, type: STRING, dependsOn: { inputs: [env.region] } }'
    ),
    rejected: input(
      '  - id: env',
      '    type: FORM',
      '    inputs:',
      '      - { id: region, type: STRING }',
      '      - { id: zone, type: STRING, dependsOn: { inputs: [region] } }'
    ),
    line: 8
  },
  {
    rule: 'schedule-cron', // ScheduleValidator: Schedule's cron-utils definition
    accepted: [
      ...MINIMAL,
      'triggers:',
      '  - id: s',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 9 * * MON-FRI"'
    ],
    rejected: [
      ...MINIMAL,
      'triggers:',
      '  - id: s',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 0 9 * * MON-FRI *"'
    ],
    line: 10
  },
  {
    rule: 'schedule-cron', // cron-utils: Kestra's definition enables no `?` ("Invalid expression: ?")
    accepted: [
      ...MINIMAL,
      'triggers:',
      '  - id: s',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 0 */6 * * *"',
      '    withSeconds: true'
    ],
    rejected: [
      ...MINIMAL,
      'triggers:',
      '  - id: s',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 0 */6 * * ?"',
      '    withSeconds: true'
    ],
    line: 10
  },
  {
    rule: 'schedule-cron-l', // 2.0.0's cron definition supportsL() in the day of the month, 1.3.31's does not
    accepted: [
      ...MINIMAL,
      'triggers:',
      '  - id: s',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 2 28 * *"'
    ],
    rejected: [
      ...MINIMAL,
      'triggers:',
      '  - id: s',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 2 L * *"'
    ],
    line: 10
  },
  {
    rule: 'schedule-timezone', // TimezoneIdValidator: ZoneId.of must take Schedule's timezone
    accepted: [
      ...MINIMAL,
      'triggers:',
      '  - id: s',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 9 * * *"',
      '    timezone: America/New_York'
    ],
    rejected: [
      ...MINIMAL,
      'triggers:',
      '  - id: s',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 9 * * *"',
      '    timezone: EST5'
    ],
    line: 11
  },
  {
    rule: 'removed-property', // 2.0.0's Flow, AbstractTrigger and Flow trigger: unknown properties
    accepted: [
      ...MINIMAL,
      'triggers:',
      '  - id: after',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    states: [SUCCESS]'
    ],
    rejected: [
      ...MINIMAL,
      'triggers:',
      '  - id: after',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    conditions:',
      '      - type: io.kestra.plugin.core.condition.ExecutionStatus',
      '        in: [SUCCESS]'
    ],
    line: 10
  },
  {
    rule: 'removed-type', // 2.0.0's plugin registry: the pre-0.17 aliases and ForEach are gone
    accepted: [
      ...HEAD,
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: hi'
    ],
    rejected: [
      ...HEAD,
      'tasks:',
      '  - id: log',
      '    type: io.kestra.core.tasks.log.Log',
      '    message: hi'
    ],
    line: 5
  },
  {
    rule: 'removed-input-type', // 2.0.0's Type enum has no BOOLEAN nor ENUM
    accepted: input('  - id: ok', '    type: SELECT', '    values: [yes, no]'),
    rejected: input('  - id: ok', '    type: ENUM', '    values: [yes, no]'),
    line: 5
  },
  {
    rule: 'schedule-missing-inputs', // 2.0.0 FlowValidator.findMissingInputsForTriggers
    accepted: [
      ...input('  - id: day', '    type: STRING'),
      'triggers:',
      '  - id: daily',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "@daily"',
      '    inputs:',
      '      day: monday'
    ],
    rejected: [
      ...input('  - id: day', '    type: STRING'),
      'triggers:',
      '  - id: daily',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "@daily"'
    ],
    line: 11
  },
  {
    rule: 'webhook-missing-inputs', // the same check for a Webhook (2.0.0's AbstractWebhookTrigger)
    accepted: [
      ...input('  - id: day', '    type: STRING', '    defaults: monday'),
      'triggers:',
      '  - id: hook',
      '    type: io.kestra.plugin.core.trigger.Webhook',
      '    key: a-secret-key'
    ],
    rejected: [
      ...input('  - id: day', '    type: STRING'),
      'triggers:',
      '  - id: hook',
      '    type: io.kestra.plugin.core.trigger.Webhook',
      '    key: a-secret-key'
    ],
    line: 11
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
