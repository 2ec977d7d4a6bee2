import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ServerValidation } from '../../../src/model/kestra.js'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import { locateKestraPath } from '../../../src/engine/validate/kestra-path.js'
import { serverFindings } from '../../../src/resources/flows/decide-server-findings.js'
import { splitConstraints } from '../../../src/adapters/kestra/constraints.js'
import { flowKey } from '../../../src/model/targets.js'
import { runs } from '../../../test-support/property-runs.js'

const SOURCE = `# header comment
id: hello
namespace: company.team
revision: 3
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: one
  - id: my-task
    type: io.kestra.core.tasks.log.Log
    message: two
triggers:
  - id: daily
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 9 * * *"
`

const flow = parseFlowFile({ file: 'flows/hello.yaml', rel: 'flows/hello.yaml', raw: SOURCE })
const doc = flow.documents[0]!

function result(partial: Partial<ServerValidation>): ServerValidation {
  return {
    index: 0,
    errors: [],
    outdated: false,
    deprecationPaths: [],
    warnings: [],
    infos: [],
    ...partial
  }
}

describe('locateKestraPath', () => {
  it.each([
    ['tasks[1].type', { line: 10, column: 5 }],
    ['tasks[1]', { line: 9, column: 5 }],
    ['tasks[my-task].message', { line: 11, column: 5 }],
    ['tasks["my-task"].message', { line: 11, column: 5 }],
    ['triggers[0].cron', { line: 15, column: 5 }],
    ['flow.id', { line: 2, column: 1 }],
    ['namespace', { line: 3, column: 1 }],
    ['/tasks/0/id', { line: 6, column: 5 }],
    ['#/triggers/0/cron', { line: 15, column: 5 }]
  ])('%s', (path, position) => {
    expect(locateKestraPath(doc, flow.lineCounter, path)).toEqual(position)
  })

  it('stops at the deepest node that exists', () => {
    expect(locateKestraPath(doc, flow.lineCounter, 'tasks[1].nope.deeper')).toEqual({
      line: 9,
      column: 5
    })
    expect(locateKestraPath(doc, flow.lineCounter, 'tasks[7].message')).toEqual({
      line: 5,
      column: 1
    })
  })

  it('drops a bean prefix the flow does not have', () => {
    expect(locateKestraPath(doc, flow.lineCounter, 'create.flow.tasks[0].message')).toEqual({
      line: 8,
      column: 5
    })
  })

  it("counts a label's place in labels written as a map or as a list", () => {
    const labelled = parseFlowFile({
      file: 'flows/l.yaml',
      rel: 'flows/l.yaml',
      raw: [
        'id: l',
        'namespace: company.team',
        'tasks:',
        '  - id: call',
        '    type: io.kestra.plugin.core.flow.Subflow',
        '    labels:',
        '      team: data',
        '      system.x: y',
        'triggers:',
        '  - id: daily',
        '    type: io.kestra.plugin.core.trigger.Schedule',
        '    labels:',
        '      - key: a',
        '        value: b',
        '      - key: system.readOnly',
        '        value: "true"',
        ''
      ].join('\n')
    })
    const at = (path: string) =>
      locateKestraPath(labelled.documents[0]!, labelled.lineCounter, path)
    expect(at('tasks[0].labels[1].<list element>')).toEqual({ line: 8, column: 7 })
    expect(at('tasks[0].labels[0].<list element>')).toEqual({ line: 7, column: 7 })
    expect(at('triggers[0].labels[1].<list element>')).toEqual({ line: 15, column: 9 })
    expect(at('tasks[0].labels[2].<list element>')).toEqual({ line: 6, column: 5 })
    expect(at('0')).toBeUndefined()
  })

  it("places any label's index on that label, however the labels are written", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z.]{0,6}$/), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.nat(6),
        (keys, asList, index) => {
          const labels = asList
            ? keys.flatMap((key) => [`      - key: ${key}`, '        value: v'])
            : keys.map((key) => `      ${key}: v`)
          const lines = [
            'id: l',
            'namespace: company.team',
            'tasks:',
            '  - id: log',
            '    type: io.kestra.plugin.core.log.Log',
            'triggers:',
            '  - id: daily',
            '    type: io.kestra.plugin.core.trigger.Schedule',
            '    labels:',
            ...labels
          ]
          const file = parseFlowFile({
            file: 'f.yaml',
            rel: 'f.yaml',
            raw: `${lines.join('\n')}\n`
          })
          const at = locateKestraPath(
            file.documents[0]!,
            file.lineCounter,
            `triggers[0].labels[${index}].<list element>`
          )
          const expected =
            index < keys.length
              ? { line: 10 + index * (asList ? 2 : 1), column: asList ? 9 : 7 }
              : { line: 9, column: 5 }
          expect(at).toEqual(expected)
        }
      ),
      { seed: 20261125, numRuns: runs(200, 60) }
    )
  })

  it('is undefined when nothing resolves', () => {
    expect(locateKestraPath(doc, flow.lineCounter, 'listeners[0]')).toBeUndefined()
  })
})

describe('serverFindings', () => {
  it('maps a constraint with a path to its line as an error telling how to fix it', () => {
    const [finding] = serverFindings(
      [flow],
      [
        result({
          errors: [{ path: 'tasks[1].type', message: 'Invalid type: io.kestra.core.tasks.log.Log' }]
        })
      ]
    )
    expect(finding).toEqual({
      severity: 'error',
      file: 'flows/hello.yaml',
      line: 10,
      column: 5,
      rule: 'server-constraint',
      resource: 'flow:company.team/hello',
      message:
        "Kestra rejects this flow: Invalid type: io.kestra.core.tasks.log.Log. Fix the value at `tasks[1].type` (the server's plugins define the accepted types and properties)."
    })
  })

  it('uses the 2.0 pointer and an id selector', () => {
    const findings = serverFindings(
      [flow],
      [
        result({
          errors: [
            { message: 'must not be null', pointer: '/tasks/0/id', path: 'tasks[first].id' },
            { message: 'must not be blank', path: 'tasks[my-task].message' }
          ]
        })
      ]
    )
    expect(findings.map((f) => [f.line, f.column])).toEqual([
      [6, 5],
      [11, 5]
    ])
  })

  it('puts an unknown path and path-less warnings on the id line', () => {
    const findings = serverFindings(
      [flow],
      [
        result({
          errors: [{ message: 'Something odd', path: 'unknownThing[3]' }],
          warnings: ['The subflow company.team.missing is not found']
        })
      ]
    )
    expect(findings.map((f) => [f.rule, f.severity, f.line])).toEqual([
      ['server-constraint', 'error', 2],
      ['server-warning', 'warning', 2]
    ])
    expect(findings[1]!.message).toBe(
      'Kestra warns: The subflow company.team.missing is not found. Check the flow; the server accepts it as it is.'
    )
  })

  it('puts a path-less unknown type on the type line that names it', () => {
    const findings = serverFindings(
      [flow],
      [result({ errors: [{ message: 'Invalid type: io.kestra.core.tasks.log.Log' }] })]
    )
    expect(findings.map((f) => [f.rule, f.line, f.column])).toEqual([['server-constraint', 10, 11]])
  })

  it("puts 2.0's path-less unknown property on its key: the flow's own, or the first inside it", () => {
    const raw = [
      'id: hello', // 1
      'namespace: company.team',
      'tasks:',
      '  - id: a',
      '    type: io.kestra.plugin.core.log.Log', // 5
      '    message: hi',
      '    workerGroup:',
      '      key: gpu',
      'workerGroup:',
      '  key: cpu', // 10
      'triggers:',
      '  - id: s',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "@daily"',
      '    conditions: []', // 15
      ''
    ].join('\n')
    const twoFlow = parseFlowFile({ file: 'flows/two.yml', rel: 'flows/two.yml', raw })
    // As 2.0.0 answers it (docs/kestra.md#the-released-core-run), read as the client reads it.
    const at = (message: string) =>
      serverFindings(
        [twoFlow],
        [result({ errors: splitConstraints(`Validation error: ${message}\n`) })]
      ).map((f) => [f.line, f.column])
    const unknown = (field: string, owner: string) =>
      `Unrecognized field "${field}" (class ${owner}), not marked as ignorable (26 known properties: "id")`
    expect(at(unknown('workerGroup', 'io.kestra.core.models.flows.FlowWithSource'))).toEqual([
      [9, 1]
    ])
    expect(at(unknown('workerGroup', 'io.kestra.plugin.core.log.Log'))).toEqual([[7, 5]])
    expect(at(unknown('conditions', 'io.kestra.plugin.core.trigger.Schedule'))).toEqual([[15, 5]])
    // No such key: the flow's id line, as for any path-less constraint.
    expect(at(unknown('listeners', 'io.kestra.core.models.flows.FlowWithSource'))).toEqual([[1, 1]])
  })

  it('maps deprecations, infos and outdated revisions', () => {
    const findings = serverFindings(
      [flow],
      [
        result({
          deprecationPaths: ['tasks[1]'],
          infos: ['io.kestra.core.tasks.log.Log is replaced by io.kestra.plugin.core.log.Log'],
          outdated: true
        })
      ]
    )
    expect(findings.map((f) => [f.rule, f.severity, f.line])).toEqual([
      ['server-deprecation', 'warning', 9],
      ['server-info', 'notice', 10],
      ['server-outdated', 'warning', 4]
    ])
    expect(findings[0]!.message).toContain('`tasks[1]` is deprecated')
    expect(findings[1]!.message).toContain('is replaced by `io.kestra.plugin.core.log.Log`')
    expect(findings[2]!.message).toContain('remove the `revision:` key')
  })

  it('falls back to line 1 when the file has no id', () => {
    const bare = parseFlowFile({ file: 'f.yaml', rel: 'f.yaml', raw: 'tasks: []\n' })
    const [finding] = serverFindings(
      [bare],
      [result({ errors: [{ message: 'id: must not be null' }] })]
    )
    expect(finding).toMatchObject({ line: 1, column: 1, rule: 'server-constraint' })
    expect(finding!.resource).toBeUndefined()
  })

  it('keeps results aligned with flows', () => {
    const other = parseFlowFile({
      file: 'b.yaml',
      rel: 'b.yaml',
      raw: 'id: b\nnamespace: x\ntasks: []\n'
    })
    const findings = serverFindings(
      [flow, other],
      [result({}), result({ index: 1, warnings: ['w'] })]
    )
    expect(findings).toHaveLength(1)
    expect(findings[0]!.file).toBe('b.yaml')
  })
})

describe("the server's missing-subflow warnings", () => {
  const warnings = [
    "The subflow 'child' not found in namespace 'company.team'.",
    "The subflow 'elsewhere' not found in namespace 'company.other'.",
    "The subflow 'off' is disabled in namespace 'company.team'."
  ]

  it('are dropped for a target the repository holds, kept otherwise', () => {
    const findings = serverFindings(
      [flow],
      [result({ warnings })],
      new Set([flowKey('company.team', 'child'), flowKey('company.team', 'off')])
    )
    expect(findings.map((f) => f.message)).toEqual([
      "Kestra warns: The subflow 'elsewhere' not found in namespace 'company.other'. Check the flow; the server accepts it as it is.",
      "Kestra warns: The subflow 'off' is disabled in namespace 'company.team'. Check the flow; the server accepts it as it is."
    ])
  })
})

describe("the server's verdict on a named plugin default (Kestra 2.0)", () => {
  const source = `id: refs
namespace: company.team
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    ref: quiet
    values: { level: DEBUG }
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    message: quiet
    pluginDefaultsRef: quiet
  - id: b
    type: io.kestra.plugin.core.log.Log
    message: loud
    pluginDefaultsRef: loud
`
  const refs = parseFlowFile({ file: 'flows/refs.yml', rel: 'flows/refs.yml', raw: source })

  it("puts 'No pluginDefaults bundle found' on the pluginDefaultsRef that names it, not a value alike", () => {
    const [finding] = serverFindings(
      [refs],
      [
        result({
          errors: [
            {
              message: "Invalid Flow: No pluginDefaults bundle found for pluginDefaultsRef 'loud'."
            }
          ]
        })
      ]
    )
    expect(finding).toMatchObject({ severity: 'error', line: 15, column: 24 })
    const [quiet] = serverFindings(
      [refs],
      [
        result({
          errors: [{ message: "No pluginDefaults bundle found for pluginDefaultsRef 'quiet'." }]
        })
      ]
    )
    expect(quiet).toMatchObject({ line: 11, column: 24 })
  })
})

describe("Kestra 2.0's refusal of a flow on an execution loop", () => {
  const looped = parseFlowFile({
    file: 'flows/a.yml',
    rel: 'flows/a.yml',
    raw: 'id: a\nnamespace: loop\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: loop\n    flowId: b\ntriggers:\n  - id: after\n    type: io.kestra.plugin.core.trigger.Flow\n    dependsOn:\n      - namespace: loop\n        flowId: c\n'
  })
  // Engine 2.0.0's validate answer, as it gave it (docs/caught-at-review.md#execution-loops).
  const answer = (loop: string) =>
    result({
      errors: splitConstraints(
        `Validation error: flow: Cyclic flow dependency detected: ${loop}. Saving this flow would create an execution loop.`
      )
    })

  it('is an execution-loop error on the call of the next flow, else on the trigger on the one before', () => {
    const [byCall] = serverFindings([looped], [answer('loop.a → loop.b → loop.a')])
    expect(byCall).toMatchObject({ severity: 'error', rule: 'execution-loop', line: 7, column: 5 })
    expect(byCall!.message).toMatch(/^loop\.a → loop\.b → loop\.a is an execution loop: /)
    const [byTrigger] = serverFindings([looped], [answer('loop.a → loop.x → loop.c → loop.a')])
    expect(byTrigger).toMatchObject({ rule: 'execution-loop', line: 16 })
    const [elsewhere] = serverFindings([looped], [answer('loop.a → loop.x → loop.a')])
    expect(elsewhere).toMatchObject({ rule: 'execution-loop', line: 1 })
  })
})
