import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  rewrittenOf,
  upgradeFlow,
  upgradeReport
} from '../../../src/resources/flows/decide-upgrade.js'
import { FlowDocument } from '../../../src/resources/flows/decide-document.js'
import { taskTree } from '../../../src/resources/flows/decide-task-tree.js'
import { upgradeSection } from '../../../src/report/render/upgrade.js'
import { flow } from './helpers.js'
import { JOURNEY } from './upgrade-journey.js'
import { runs } from '../../../test-support/property-runs.js'
import { checkFlow } from '../../../src/resources/flows/decide-validate.js'
import { storedCheckOf, storedChecksOf } from '../../../src/resources/flows/decide-stored-checks.js'

const DIGEST = 'd'.repeat(64)

const JOURNEY_REWRITTEN = `# a 1.3 flow
id: nightly
namespace: company.team

inputs:
  - id: dry
    type: BOOL   # keep me
    defaults: false

tasks:
  - id: each
    type: io.kestra.plugin.core.flow.Loop
    values: ["a", "b"]
    tasks:
      - id: say # the child
        type: io.kestra.plugin.core.log.Log
        message: 'value {{ item.value }} at {{ item.index }}'
        level: WARN
      - id: check
        type: io.kestra.plugin.core.flow.If
        condition: "{{ item.value == 'a' }}"
        then:
          - id: inner
            type: io.kestra.plugin.core.log.Log
            message: "{{ item.value }}"
            level: WARN

triggers:
  - id: weekdays
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 9 * * *"
    when: "{{ not (isWeekend(trigger.date)) }}"
  - id: after
    type: io.kestra.plugin.core.trigger.Flow
    dependsOn:
      - namespace: company.team
        flowId: upstream
        states: [SUCCESS, WARNING]
`

const PIECES = fc.record({
  loop: fc.constantFrom('ForEach', 'Loop', 'none'),
  childExpression: fc.constantFrom(
    '{{ taskrun.value }}',
    '{{ taskrun.iteration }}',
    'plain',
    '{{ parent.taskrun.value }}'
  ),
  nested: fc.boolean(),
  alias: fc.boolean(),
  input: fc.constantFrom('BOOLEAN', 'ENUM', 'BOOL', 'STRING'),
  defaults: fc.constantFrom('none', 'plain', 'forced', 'taskDefaults'),
  condition: fc.constantFrom('none', 'empty', 'Weekend', 'Expression', 'DayWeek', 'PublicHoliday'),
  flowTrigger: fc.constantFrom('none', 'conditions', 'no-status', 'preconditions'),
  pause: fc.constantFrom('none', 'delay', 'tasks'),
  comments: fc.array(fc.nat(60), { maxLength: 6 })
})

describe('upgrade rewrites (docs/upgrade.md)', () => {
  it('rewrites the journey flow in place: every refusal mechanical, comments and layout kept', () => {
    const upgrade = upgradeFlow(flow(JOURNEY))
    expect(upgrade.items.map((item) => [item.line, item.mechanical])).toEqual([
      [7, true],
      [10, true],
      [17, true],
      [28, true],
      [35, true],
      [41, true]
    ])
    expect(upgrade.rewritten).toBe(JOURNEY_REWRITTEN)
    expect(upgradeFlow(flow(upgrade.rewritten!)).items).toEqual([])
  })

  it('keeps the file’s line breaks and byte-order mark', () => {
    const raw = `\uFEFF${JOURNEY.replace(/\n/g, '\r\n')}`
    expect(upgradeFlow(flow(raw)).rewritten).toBe(
      `\uFEFF${JOURNEY_REWRITTEN.replace(/\n/g, '\r\n')}`
    )
  })

  it.each([
    [
      'a ForEach whose child’s outputs are read after it (a Loop keeps them inside each iteration)',
      `tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: [a]\n    tasks:\n      - id: r\n        type: io.kestra.plugin.core.debug.Return\n        format: x\n  - id: after\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ outputs.r['a'].value }}"\n`
    ],
    [
      'a ForEach whose grandchild reads its own taskrun.value',
      `tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: [a]\n    tasks:\n      - id: s\n        type: io.kestra.plugin.core.flow.Sequential\n        tasks:\n          - id: l\n            type: io.kestra.plugin.core.log.Log\n            message: "{{ taskrun.value }}"\n`
    ],
    [
      'a ForEachItem (a subflow per batch: the guide asks a person)',
      `tasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEachItem\n    items: "{{ inputs.file }}"\n    namespace: a\n    flowId: b\n    inputs:\n      f: "{{ taskrun.items }}"\n`
    ],
    [
      'a forced plugin default over a value the task sets',
      `pluginDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    forced: true\n    values:\n      level: WARN\ntasks:\n  - id: l\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    level: INFO\n`
    ],
    [
      'a plugin default by prefix',
      `pluginDefaults:\n  - type: io.kestra.plugin.core.log\n    values:\n      level: WARN\ntasks:\n  - id: l\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
    ],
    [
      'a public-holiday condition',
      `tasks:\n  - id: l\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: s\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "@daily"\n    conditions:\n      - type: io.kestra.plugin.core.condition.PublicHoliday\n        country: FR\n`
    ],
    [
      'an HTTP task whose allowFailed its options set too',
      `tasks:\n  - id: get\n    type: io.kestra.plugin.core.http.Request\n    uri: https://example.com\n    allowFailed: true\n    options:\n      allowFailed: false\n`
    ],
    [
      'a plugin default whose move gives a task a property 2.0 does not have',
      `pluginDefaults:\n  - type: io.kestra.plugin.core.http.Request\n    values:\n      options:\n        readTimeout: PT5S\ntasks:\n  - id: get\n    type: io.kestra.plugin.core.http.Request\n    uri: https://example.com\n`
    ],
    [
      'a Flow trigger with no ExecutionStatus (1.x fired on every end state)',
      `tasks:\n  - id: l\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: f\n    type: io.kestra.plugin.core.trigger.Flow\n    conditions:\n      - type: io.kestra.plugin.core.condition.ExecutionFlow\n        namespace: a\n        flowId: b\n`
    ]
  ])('leaves %s to a person, with the guide’s page', (_, body) => {
    const upgrade = upgradeFlow(flow(`id: f\nnamespace: company.team\n${body}`))
    const manual = upgrade.items.filter((item) => !item.mechanical)
    expect(manual).toHaveLength(1)
    expect(manual[0]!.guide).toMatch(/^https:\/\/kestra\.io\/docs\/migration-guide\/v2\.0\.0/)
  })

  it('moves an HTTP task’s allowFailed under options, where 2.0.0 keeps it, whatever the options’ style', () => {
    const raw = [
      'id: f',
      'namespace: company.team',
      'tasks:',
      '  - id: alias',
      '    type: io.kestra.plugin.fs.http.Request',
      '    uri: https://example.com',
      '    options: {followRedirects: true}',
      '    allowFailed: false',
      '  - id: sse',
      '    type: io.kestra.plugin.core.http.SseRequest',
      '    uri: https://example.com',
      '    allowFailed: "{{ inputs.lenient }}"',
      ''
    ].join('\n')
    const upgrade = upgradeFlow(flow(raw))
    expect(upgrade.items.map((item) => [item.line, item.mechanical])).toEqual([
      [8, true],
      [12, true]
    ])
    expect(upgrade.rewritten).toBe(
      raw
        .replace(
          '{followRedirects: true}\n    allowFailed: false\n',
          '{followRedirects: true, allowFailed: false}\n'
        )
        .replace('    allowFailed: "{{', '    options:\n      allowFailed: "{{')
    )
    expect(upgradeFlow(flow(upgrade.rewritten!)).items).toEqual([])
  })

  it('over flows mixing every construct, with comments anywhere: ids and comments kept, and what is left is exactly what was called manual', () => {
    fc.assert(
      fc.property(PIECES, (pieces) => {
        const lines = piecedFlow(pieces)
        // A comment on its own line between any two lines, at the next line's indentation.
        for (const [n, at] of [...pieces.comments.entries()].reverse()) {
          const index = Math.min(at, lines.length)
          const indent = /^\s*/.exec(lines[index] ?? '')![0]
          lines.splice(index, 0, `${indent}# c${n}`)
        }
        const source = `${lines.join('\n')}\n`
        const upgrade = upgradeFlow(flow(source))
        const manual = upgrade.items.filter((item) => !item.mechanical)
        if (upgrade.rewritten === undefined) {
          expect(manual).toEqual(upgrade.items)
          return
        }
        for (const n of pieces.comments.keys()) expect(upgrade.rewritten).toContain(`# c${n}`)
        expect(ids(upgrade.rewritten)).toEqual(ids(source))
        const again = upgradeFlow(flow(upgrade.rewritten))
        expect(again.items.map((item) => item.message).sort()).toEqual(
          manual.map((item) => item.message).sort()
        )
      }),
      { numRuns: runs(100, 4), seed: 20261126 }
    )
  })

  it('over the same flows, the run’s own check and the items a deploy stored give what a fresh upgrade gives', () => {
    fc.assert(
      fc.property(PIECES, (pieces) => {
        const source = `${piecedFlow(pieces).join('\n')}\n`
        const fresh = upgradeFlow(flow(source))
        const read = flow(source)
        const check = checkFlow(read, { layout: 'tenant' })
        const known = upgradeFlow(read, check)
        expect(known.items).toEqual(fresh.items)
        expect(known.rewritten).toEqual(fresh.rewritten)
        // The items as a commit marker stores them, read back through JSON and the stored shape.
        const record = storedCheckOf(read, { ...check, upgrade: known.items })
        const back = storedChecksOf(JSON.parse(JSON.stringify({ [DIGEST]: record })))
        const stored = back.get(DIGEST)!
        expect(stored.upgrade).toEqual(fresh.items)
        const of = new Map([[read, stored]])
        const taken = upgradeReport([read], '2.0', { of, itemsOnly: true })
        expect(taken.report).toEqual(upgradeReport([flow(source)], '2.0').report)
        // Its rewrite, made when asked, is the one a fresh upgrade makes.
        expect(rewrittenOf(taken.upgrades[0]!)).toEqual(fresh.rewritten)
      }),
      { numRuns: runs(100, 5), seed: 20261127 }
    )
  })

  it('the folded section counts the flows that would load, and lists each refusal with its fix', () => {
    const { report } = upgradeReport(
      [
        flow(JOURNEY, 'flows/a.yml'),
        flow(
          'id: b\nnamespace: c\ntasks:\n  - id: l\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n',
          'flows/b.yml'
        )
      ],
      '2.0'
    )
    expect(report).toMatchObject({ target: '2.0', flows: 2, loading: 1 })
    const section = upgradeSection(report)!
    expect(section).toMatch(
      /^<details><summary>Ready for Kestra 2\.0\? 1 of 2 managed flow\(s\) would load; 1 would not<\/summary>/
    )
    expect(section).toContain('<code>flows/a.yml:17</code>')
    expect(section).toContain('6 refusal(s), 6 with a mechanical rewrite, 0 to rewrite by hand.')
    expect(upgradeSection(undefined)).toBeUndefined()
  })
})

function ids(source: string): string[] {
  const parsed = flow(source)
  const tree = taskTree(new FlowDocument(parsed, parsed.documents[0]!))
  return [...tree.tasks, ...tree.triggers].map((node) => node.id ?? '').sort()
}

interface Pieces {
  loop: string
  childExpression: string
  nested: boolean
  alias: boolean
  input: string
  defaults: string
  condition: string
  flowTrigger: string
  pause: string
}

function piecedFlow(p: Pieces): string[] {
  const log = (id: string, indent: string, message: string, alias = false) => [
    `${indent}- id: ${id}`,
    `${indent}  type: ${alias ? 'io.kestra.core.tasks.log.Log' : 'io.kestra.plugin.core.log.Log'}`,
    `${indent}  message: "${message}"`
  ]
  const lines = [
    'id: pieced',
    'namespace: company.team',
    'inputs:',
    '  - id: i',
    `    type: ${p.input}`
  ]
  if (p.input === 'ENUM') lines.push('    values: [a, b]')
  if (p.defaults !== 'none') {
    lines.push(
      `${p.defaults === 'taskDefaults' ? 'taskDefaults' : 'pluginDefaults'}:`,
      '  - type: io.kestra.plugin.core.log.Log',
      ...(p.defaults === 'forced' ? ['    forced: true'] : []),
      '    values:',
      '      level: WARN'
    )
  }
  lines.push('tasks:')
  if (p.loop === 'none') {
    lines.push(...log('only', '  ', 'hi', p.alias))
  } else {
    lines.push(
      '  - id: each',
      `    type: io.kestra.plugin.core.flow.${p.loop}`,
      '    values: ["a", "b"]',
      '    tasks:'
    )
    const message = p.childExpression.replace('parent.', p.nested ? 'parent.' : '')
    if (p.nested) {
      lines.push(
        '      - id: wrap',
        '        type: io.kestra.plugin.core.flow.Sequential',
        '        tasks:',
        ...log('child', '          ', message, p.alias)
      )
    } else {
      lines.push(...log('child', '      ', message, p.alias))
    }
  }
  if (p.pause !== 'none') {
    lines.push('  - id: wait', '    type: io.kestra.plugin.core.flow.Pause')
    lines.push(
      ...(p.pause === 'delay'
        ? ['    delay: PT1M']
        : ['    tasks:', ...log('in_pause', '      ', 'x')])
    )
  }
  const triggers: string[] = []
  if (p.condition !== 'none') {
    triggers.push(
      '  - id: sched',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "@daily"'
    )
    const condition = {
      empty: ['    conditions: []'],
      Weekend: ['    conditions:', '      - type: io.kestra.plugin.core.condition.Weekend'],
      Expression: [
        '    conditions:',
        '      - type: io.kestra.plugin.core.condition.Expression',
        '        expression: "{{ 1 == 1 }}"'
      ],
      DayWeek: [
        '    conditions:',
        '      - type: io.kestra.plugin.core.condition.DayWeek',
        '        dayOfWeek: MONDAY'
      ],
      PublicHoliday: [
        '    conditions:',
        '      - type: io.kestra.plugin.core.condition.PublicHoliday'
      ]
    }[p.condition]!
    triggers.push(...condition)
  }
  if (p.flowTrigger !== 'none') {
    triggers.push('  - id: upstream', '    type: io.kestra.plugin.core.trigger.Flow')
    if (p.flowTrigger === 'preconditions') {
      triggers.push(
        '    preconditions:',
        '      id: p',
        '      flows:',
        '        - namespace: a',
        '          flowId: b'
      )
    } else {
      triggers.push(
        '    conditions:',
        '      - type: io.kestra.core.models.conditions.types.ExecutionFlowCondition',
        '        namespace: company.team',
        '        flowId: up'
      )
      if (p.flowTrigger === 'conditions') {
        triggers.push(
          '      - type: io.kestra.plugin.core.condition.ExecutionStatus',
          '        in:',
          '          - SUCCESS'
        )
      }
    }
  }
  if (triggers.length > 0) lines.push('triggers:', ...triggers)
  return lines
}
