/**
 * Every way a flow can name another flow (docs/impact.md#how-a-flow-names-another), as YAML lines: the
 * shapes the property tests write and the released cores judge. `names: false` marks a shape that mentions
 * the flow without depending on it (`Not`).
 */
export interface LinkShape {
  name: string
  via: 'subflow' | 'foreach' | 'flow-trigger'
  /** The Kestra lines whose core reads this shape (checked by __tests__/e2e/flow-link-shapes.test.ts). */
  lines: readonly ('1.3' | '2.0')[]
  names: boolean
  /** `tasks:` items (for a call) or `triggers:` items (for a trigger), indented for the list. */
  yaml(namespace: string, id: string, n: number): string[]
}

const subflow =
  (type: string) =>
  (namespace: string, id: string, n: number): string[] => [
    `  - id: t${n}`,
    `    type: ${type}`,
    `    namespace: ${namespace}`,
    `    flowId: ${id}`
  ]

const forEachItem =
  (type: string) =>
  (namespace: string, id: string, n: number): string[] => [
    `  - id: t${n}`,
    `    type: ${type}`,
    '    items: "{{ trigger.uri }}"',
    `    namespace: ${namespace}`,
    `    flowId: ${id}`
  ]

/** A Flow trigger whose `conditions` hold `condition` (lines indented as one list item at 6 spaces). */
const withConditions =
  (trigger: string, condition: (namespace: string, id: string) => string[]) =>
  (namespace: string, id: string, n: number): string[] => [
    `  - id: w${n}`,
    `    type: ${trigger}`,
    '    conditions:',
    ...condition(namespace, id).map((line) => `      ${line}`)
  ]

const executionFlow = (type: string) => (namespace: string, id: string) => [
  `- type: ${type}`,
  `  namespace: ${namespace}`,
  `  flowId: ${id}`
]

const FLOW_TRIGGER = 'io.kestra.plugin.core.trigger.Flow'
const OLD_FLOW_TRIGGER = 'io.kestra.core.models.triggers.types.Flow'
const ONE_THREE = ['1.3'] as const

export const LINK_SHAPES: readonly LinkShape[] = [
  {
    name: 'Subflow',
    via: 'subflow',
    lines: ['1.3', '2.0'],
    names: true,
    yaml: subflow('io.kestra.plugin.core.flow.Subflow')
  },
  ...['io.kestra.core.tasks.flows.Subflow', 'io.kestra.core.tasks.flows.Flow'].map(
    (type): LinkShape => ({
      name: `Subflow alias ${type}`,
      via: 'subflow',
      lines: ONE_THREE,
      names: true,
      yaml: subflow(type)
    })
  ),
  {
    name: 'Subflow inside a Sequential',
    via: 'subflow',
    lines: ['1.3', '2.0'],
    names: true,
    yaml: (namespace, id, n) => [
      `  - id: s${n}`,
      '    type: io.kestra.plugin.core.flow.Sequential',
      '    tasks:',
      ...subflow('io.kestra.plugin.core.flow.Subflow')(namespace, id, n).map(
        (line) => `    ${line}`
      )
    ]
  },
  ...['io.kestra.plugin.core.flow.ForEachItem', 'io.kestra.core.tasks.flows.ForEachItem'].map(
    (type): LinkShape => ({
      name: `ForEachItem ${type}`,
      via: 'foreach',
      lines: ONE_THREE,
      names: true,
      yaml: forEachItem(type)
    })
  ),
  ...[
    'io.kestra.plugin.core.condition.ExecutionFlow',
    'io.kestra.plugin.core.condition.ExecutionFlowCondition',
    'io.kestra.core.models.conditions.types.ExecutionFlowCondition',
    'io.kestra.plugin.core.condition.FlowCondition',
    'io.kestra.core.models.conditions.types.FlowCondition'
  ].flatMap((type) =>
    [FLOW_TRIGGER, OLD_FLOW_TRIGGER].map((trigger): LinkShape => ({
      name: `${trigger} condition ${type}`,
      via: 'flow-trigger',
      lines: ONE_THREE,
      names: true,
      yaml: withConditions(trigger, executionFlow(type))
    }))
  ),
  ...[
    'io.kestra.plugin.core.condition.MultipleCondition',
    'io.kestra.core.models.conditions.types.MultipleCondition'
  ].map((type): LinkShape => ({
    name: `${type}'s map`,
    via: 'flow-trigger',
    lines: ONE_THREE,
    names: true,
    yaml: withConditions(FLOW_TRIGGER, (namespace, id) => [
      `- type: ${type}`,
      '  id: both',
      '  window: PT1H',
      '  conditions:',
      '    first:',
      '      type: io.kestra.plugin.core.condition.ExecutionStatus',
      '      in: [SUCCESS]',
      '    upstream:',
      ...executionFlow('io.kestra.plugin.core.condition.ExecutionFlow')(namespace, id).map(
        (line) => `      ${line.slice(2)}`
      )
    ])
  })),
  ...[
    'io.kestra.plugin.core.condition.Or',
    'io.kestra.plugin.core.condition.OrCondition',
    'io.kestra.core.models.conditions.types.OrCondition'
  ].map((type): LinkShape => ({
    name: `${type}'s list`,
    via: 'flow-trigger',
    lines: ONE_THREE,
    names: true,
    yaml: withConditions(FLOW_TRIGGER, (namespace, id) => [
      `- type: ${type}`,
      '  conditions:',
      ...executionFlow('io.kestra.plugin.core.condition.ExecutionFlow')(namespace, id).map(
        (line) => `    ${line}`
      )
    ])
  })),
  {
    name: 'Not (the flow is excluded, not depended on)',
    via: 'flow-trigger',
    lines: ONE_THREE,
    names: false,
    yaml: withConditions(FLOW_TRIGGER, (namespace, id) => [
      '- type: io.kestra.plugin.core.condition.Not',
      '  conditions:',
      ...executionFlow('io.kestra.plugin.core.condition.ExecutionFlow')(namespace, id).map(
        (line) => `    ${line}`
      )
    ])
  },
  {
    name: 'preconditions.flows',
    via: 'flow-trigger',
    lines: ONE_THREE,
    names: true,
    yaml: (namespace, id, n) => [
      `  - id: w${n}`,
      `    type: ${FLOW_TRIGGER}`,
      '    preconditions:',
      `      id: p${n}`,
      '      flows:',
      `        - namespace: ${namespace}`,
      `          flowId: ${id}`
    ]
  },
  {
    name: "2.0's dependsOn",
    via: 'flow-trigger',
    lines: ['2.0'],
    names: true,
    yaml: (namespace, id, n) => [
      `  - id: w${n}`,
      `    type: ${FLOW_TRIGGER}`,
      '    dependsOn:',
      `      - namespace: ${namespace}`,
      `        flowId: ${id}`
    ]
  }
]
