/**
 * Flow texts written the many ways users write them, for the property tests of the sent text: block and
 * flow collections, three scalar styles, comments, blank lines, nested tasks, every labels form.
 */
import fc from 'fast-check'

export const NAMESPACES = [
  'company.team',
  'company.ops',
  'shared.lib',
  'company',
  'a-b_c.d'
] as const
export type Style = 'plain' | 'double' | 'single'

const style = fc.constantFrom<Style>('plain', 'double', 'single')
const comment = fc.constantFrom('', '', '  # note', "   # the repository's")
const namespace = fc.constantFrom(...NAMESPACES)

export function scalar(value: string, how: Style): string {
  return how === 'double' ? JSON.stringify(value) : how === 'single' ? `'${value}'` : value
}

/** One entry of a mapping: `key: value` on one line, or `key:` with nested lines. */
type Entry = [key: string, value: string | string[]]

/** A block mapping's lines at `indent`, the first one after `first` (`- ` for a list item). */
function blockMap(entries: Entry[], indent: number, first = ''): string[] {
  const pad = ' '.repeat(indent)
  return entries.flatMap(([key, value], i) => {
    const lead = i === 0 ? `${pad.slice(first.length)}${first}` : pad
    return typeof value === 'string' ? [`${lead}${key}: ${value}`] : [`${lead}${key}:`, ...value]
  })
}

function flowMap(entries: [string, string][]): string {
  return `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}`
}

interface TaskSpec {
  kind: 'subflow' | 'foreach' | 'log' | 'kv' | 'parallel'
  namespace: string
  style: Style
  comment: string
  flowStyle: boolean
  pebble: string | undefined
  children: TaskSpec[]
}

const TYPES: Record<TaskSpec['kind'], string[]> = {
  subflow: [
    'io.kestra.plugin.core.flow.Subflow',
    'io.kestra.core.tasks.flows.Subflow',
    'io.kestra.core.tasks.flows.Flow'
  ],
  foreach: ['io.kestra.plugin.core.flow.ForEachItem', 'io.kestra.core.tasks.flows.ForEachItem'],
  log: ['io.kestra.plugin.core.log.Log'],
  // Names a namespace, but is no call: never mapped.
  kv: ['io.kestra.plugin.core.kv.Set'],
  parallel: ['io.kestra.plugin.core.flow.Parallel']
}

const leafTask: fc.Arbitrary<TaskSpec> = fc.record({
  kind: fc.constantFrom<TaskSpec['kind']>('subflow', 'foreach', 'log', 'kv'),
  namespace,
  style,
  comment,
  flowStyle: fc.boolean(),
  pebble: fc.option(namespace, { nil: undefined }),
  children: fc.constant([])
})

const task: fc.Arbitrary<TaskSpec> = fc.oneof(
  { weight: 4, arbitrary: leafTask },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant<TaskSpec['kind']>('parallel'),
      namespace,
      style,
      comment,
      flowStyle: fc.constant(false),
      pebble: fc.constant(undefined),
      children: fc.array(leafTask, { minLength: 1, maxLength: 3 })
    })
  }
)

function taskLines(spec: TaskSpec, index: number, indent: number, path: string): string[] {
  const id = `t${path}${index}`
  const type = TYPES[spec.kind][index % TYPES[spec.kind].length]!
  const ns = scalar(spec.namespace, spec.style)
  const own: [string, string][] = [
    ['id', id],
    ['type', type]
  ]
  if (spec.kind !== 'log' && spec.kind !== 'parallel') own.push(['namespace', ns])
  if (spec.kind === 'subflow' || spec.kind === 'foreach') own.push(['flowId', 'child'])
  if (spec.kind === 'kv') own.push(['key', 'k'], ['value', 'v'])
  if (spec.kind === 'log') {
    own.push([
      'message',
      JSON.stringify(spec.pebble ? `{{ kv('k', namespace='${spec.pebble}') }}` : 'hello')
    ])
  }
  if (spec.flowStyle && spec.kind !== 'parallel') return [`${' '.repeat(indent)}- ${flowMap(own)}`]
  const entries: Entry[] = own.map(([k, v]) => [k, k === 'namespace' ? `${v}${spec.comment}` : v])
  if (spec.kind === 'parallel') {
    entries.push([
      'tasks',
      spec.children.flatMap((child, i) => taskLines(child, i, indent + 4, `${path}${index}_`))
    ])
  }
  return blockMap(entries, indent + 2, '- ')
}

interface TriggerSpec {
  kind: 'schedule' | 'flow' | 'webhook'
  namespace: string
  other: string
  disabled: 'absent' | 'true' | 'false'
  flowStyle: boolean
}

const trigger: fc.Arbitrary<TriggerSpec> = fc.record({
  kind: fc.constantFrom<TriggerSpec['kind']>('schedule', 'flow', 'webhook'),
  namespace,
  other: namespace,
  disabled: fc.constantFrom<TriggerSpec['disabled']>('absent', 'true', 'false'),
  flowStyle: fc.boolean()
})

function triggerLines(spec: TriggerSpec, index: number): string[] {
  const head: [string, string][] = [['id', `g${index}`]]
  const disabled: [string, string][] =
    spec.disabled === 'absent' ? [] : [['disabled', spec.disabled]]
  if (spec.kind === 'schedule') {
    const own: [string, string][] = [
      ...head,
      ['type', 'io.kestra.plugin.core.trigger.Schedule'],
      ...disabled,
      ['cron', '"0 2 * * *"']
    ]
    return spec.flowStyle ? [`  - ${flowMap(own)}`] : blockMap(own, 4, '- ')
  }
  if (spec.kind === 'webhook') {
    const own: [string, string][] = [
      ...head,
      ['type', 'io.kestra.plugin.core.trigger.Webhook'],
      ['key', 'abc'],
      ...disabled
    ]
    return spec.flowStyle ? [`  - ${flowMap(own)}`] : blockMap(own, 4, '- ')
  }
  return blockMap(
    [
      ...head,
      ['type', 'io.kestra.plugin.core.trigger.Flow'],
      [
        'conditions',
        blockMap(
          [
            ['type', 'io.kestra.plugin.core.condition.ExecutionFlow'],
            ['namespace', spec.namespace],
            ['flowId', 'child']
          ],
          8,
          '- '
        )
      ],
      [
        'preconditions',
        [
          '      id: both',
          '      flows:',
          `        - namespace: ${spec.other}`,
          '          flowId: util'
        ]
      ],
      ...disabled
    ],
    4,
    '- '
  )
}

export type LabelsForm =
  | 'none'
  | 'empty'
  | 'block-map'
  | 'flow-map'
  | 'block-list'
  | 'block-list-wide'
  | 'flow-list'
  | 'empty-list'
  | 'own-map'
  | 'own-list'

function labelLines(form: LabelsForm, ns: string): string[] {
  switch (form) {
    case 'none':
      return []
    case 'empty':
      return ['labels:']
    case 'block-map':
      return ['labels:', '  owner: data   # the data team', `  team: "${ns}"`]
    case 'flow-map':
      return ['labels: {owner: data, tier: "gold"}']
    case 'block-list':
      return ['labels:', '  - key: owner', '    value: data']
    case 'block-list-wide':
      return [
        'labels:',
        '    - key: "owner"',
        '      value: data',
        '',
        '    - key: tier',
        "      value: 'gold'"
      ]
    case 'flow-list':
      return ['labels: [{key: owner, value: data}]']
    case 'empty-list':
      return ['labels: []']
    case 'own-map':
      return ['labels:', "  system.readOnly: 'true'", '  owner: data']
    case 'own-list':
      return ['labels:', '  - key: system.readOnly', '    value: "false"']
  }
}

export interface FlowSpec {
  namespace: string
  namespaceStyle: Style
  labels: LabelsForm
  tasks: TaskSpec[]
  triggers: TriggerSpec[]
  trailingNewline: boolean
}

export const flowSpec: fc.Arbitrary<FlowSpec> = fc.record({
  namespace,
  namespaceStyle: style,
  labels: fc.constantFrom<LabelsForm>(
    'none',
    'empty',
    'block-map',
    'flow-map',
    'block-list',
    'block-list-wide',
    'flow-list',
    'empty-list',
    'own-map',
    'own-list'
  ),
  tasks: fc.array(task, { minLength: 1, maxLength: 4 }),
  triggers: fc.array(trigger, { maxLength: 3 }),
  trailingNewline: fc.boolean()
})

export function flowText(spec: FlowSpec): string {
  const lines = [
    '# A flow written by hand.',
    'id: f',
    `namespace: ${scalar(spec.namespace, spec.namespaceStyle)}`,
    ...labelLines(spec.labels, spec.namespace),
    'tasks:',
    ...spec.tasks.flatMap((t, i) => taskLines(t, i, 0, '')),
    ...(spec.triggers.length ? ['triggers:', ...spec.triggers.flatMap(triggerLines)] : [])
  ]
  return lines.join('\n') + (spec.trailingNewline ? '\n' : '')
}

/** Any subset of the namespaces, as the repository's. */
export const heldNamespaces = fc.subarray([...NAMESPACES])
