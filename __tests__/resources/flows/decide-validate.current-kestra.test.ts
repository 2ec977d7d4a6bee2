import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { check, checkOn, flow, MINIMAL, model, rules, validateRepository } from './helpers.js'

const FIXTURES = join(import.meta.dirname, 'fixtures/current')
const HEAD = ['id: flow', 'namespace: company.team']
const TASKS = MINIMAL.slice(2)

describe('flows using current Kestra features', () => {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.yml'))

  it.each(files)(
    '%s: no finding for a 1.3 server; with no server known, no more than warnings naming what 2.0 removed',
    (name) => {
      const source = flow(readFileSync(join(FIXTURES, name), 'utf8'), `flows/${name}`)
      const unknown = validateRepository(model([source]))
      expect(
        unknown.filter((f) => f.severity !== 'warning' || !f.rule.startsWith('removed-'))
      ).toEqual([])
      expect(validateRepository(model([source]), { serverVersion: [1, 3, 2] })).toEqual([])
    }
  )
})

describe('FORM inputs (Kestra 1.3.25)', () => {
  const form = (...children: string[]) => [
    ...HEAD,
    'inputs:',
    '  - id: env',
    '    type: FORM',
    '    inputs:',
    ...children,
    ...TASKS
  ]

  it('checks the inputs inside a form as inputs', () => {
    const findings = check(form('      - id: "bad id"', '        type: STRING', '      - id: x'))
    expect(rules(findings)).toEqual(['error input-id 7:9', 'error input-type 9:9'])
  })

  it('rejects what Kestra 1.3.25+ rejects: defaults, nested forms, repeated paths; a warning on an older server', () => {
    const lines = [
      ...HEAD,
      'inputs:',
      '  - id: env',
      '    type: FORM',
      '    defaults: x',
      '    inputs:',
      '      - id: inner',
      '        type: FORM',
      '        inputs: []',
      '      - id: region',
      '        type: STRING',
      '      - id: region',
      '        type: INT',
      '  - id: env.region',
      '    type: STRING',
      '  - id: empty',
      '    type: FORM',
      ...TASKS
    ]
    const expected = [
      'input-form 6:5',
      'input-form 9:15',
      'input-path 13:9',
      'input-path 15:5',
      'input-form 17:5'
    ]
    for (const findings of [check(lines), checkOn([2, 0, 0], lines), checkOn([1, 3, 25], lines)]) {
      expect(rules(findings)).toEqual(expected.map((rule) => `error ${rule}`))
    }
    // Older than FORM, 1.3.22 refuses the type itself; the 1.3.31 schema, which judges the 1.3 line, refuses a FORM
    // without inputs.
    expect(rules(checkOn([1, 3, 22], lines))).toEqual([
      ...expected.slice(0, 4).map((rule) => `warning ${rule}`),
      'error core-schema 17:5',
      'warning input-form 17:5'
    ])
  })

  it('rejects on 1.3.25+ and when no server is known two dotted ids one under the other, FORM or not', () => {
    const lines = [
      ...HEAD,
      'inputs:',
      '  - { id: a, type: STRING }',
      '  - { id: a.b, type: STRING }',
      ...TASKS
    ]
    expect(rules(check(lines))).toEqual(['error input-dotted-path 5:7'])
    expect(rules(checkOn([2, 0, 0], lines))).toEqual(['error input-dotted-path 5:7'])
    expect(rules(checkOn([1, 3, 25], lines))).toEqual(['error input-dotted-path 5:7'])
    expect(rules(checkOn([1, 3, 22], lines))).toEqual(['warning input-dotted-path 5:7'])
  })

  it('names form inputs by dotted path in dependsOn: a bare sibling name is an error where FORM is known', () => {
    const lines = form(
      '      - id: region',
      '        type: STRING',
      '      - id: zone',
      '        type: STRING',
      '        dependsOn:',
      '          inputs: [region, env.region, nowhere]'
    )
    const findings = check(lines)
    expect(rules(findings)).toEqual([
      'error input-form-depends-on 12:20',
      'error input-depends-on 12:40'
    ])
    expect(findings[0]?.message).toContain("full dotted path (e.g. 'form.input')")
    expect(rules(checkOn([1, 3, 22], lines))).toEqual([
      'warning input-form-depends-on 12:20',
      'error input-depends-on 12:40'
    ])
  })

  it('asks a Schedule for the dotted path of a required form input', () => {
    const findings = check([
      ...form('      - id: region', '        type: STRING'),
      'triggers:',
      '  - id: daily',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 0 * * *"'
    ])
    expect(rules(findings)).toEqual(['warning schedule-missing-inputs 14:5'])
    expect(findings[0]?.message).toContain('(env.region)')
  })
})

describe('input defaults, prefill and required (InputValidator, Kestra 1.1)', () => {
  const lines = [
    ...HEAD,
    'inputs:',
    '  - id: a',
    '    type: STRING',
    '    required: false',
    '    defaults: x',
    '  - id: b',
    '    type: STRING',
    '    defaults: x',
    '    prefill: y',
    ...TASKS
  ]

  it('rejects each combination with its own rule on a 1.1+ server', () => {
    const findings = checkOn([1, 1, 0], lines)
    expect(rules(findings)).toEqual([
      'error input-defaults-optional 6:5',
      'error input-defaults-prefill 11:5'
    ])
    expect(findings[0]?.message).toContain('Inputs with a default value must be required')
    expect(findings[1]?.message).toContain('cannot also have a prefill')
  })

  it('warns on older servers; with no server known, rejects what every supported release does', () => {
    expect(rules(checkOn([1, 0, 4], lines))).toEqual([
      'warning input-defaults-optional 6:5',
      'warning input-defaults-prefill 11:5'
    ])
    // Core 1.3.31 and 2.0.0 run refuse both.
    expect(rules(check(lines))).toEqual([
      'error input-defaults-optional 6:5',
      'error input-defaults-prefill 11:5'
    ])
  })

  it('no longer hides the rule behind an empty tasks list', () => {
    const kestraTest = [
      'id: test',
      'namespace: unittest',
      'inputs:',
      '  - id: input',
      '    type: STRING',
      '    defaults: "defaults"',
      '    required: false',
      'tasks: []'
    ]
    expect(rules(checkOn([1, 3, 0], kestraTest))).toEqual([
      'error input-defaults-optional 7:5',
      'error core-schema 8:1'
    ])
  })
})

describe('unquoted Pebble', () => {
  const task = (...lines: string[]) => [
    ...HEAD,
    'tasks:',
    '  - id: log',
    '    type: io.kestra.plugin.core.log.Log',
    ...lines
  ]

  it('is an error on its line that says how to quote it', () => {
    const findings = check(task('    message: {{ name }}'))
    expect(rules(findings)).toEqual(['error unquoted-pebble 6:14'])
    expect(findings[0]?.message).toContain('quote the expression: message: "{{ name }}"')
  })

  it('explains the syntax error text after the expression causes', () => {
    const findings = check(task('    message: {{ inputs.user }} logged in # greet'))
    expect(rules(findings)).toEqual(['error unquoted-pebble 6:14'])
    expect(findings[0]?.message).toContain('message: "{{ inputs.user }} logged in"')
  })

  it('catches {% %} tags, list items, flow sequences, and picks a quote that fits', () => {
    const findings = check([
      ...task('    message: {% if true %}yes{% endif %}', '    values:'),
      '      - {{ a }}',
      '      - "{{ b }}"',
      '    more: [{{ c }}, d]',
      `    format: {{ inputs.x | default("none") }}`
    ])
    expect(rules(findings)).toEqual([
      'error unquoted-pebble 6:14',
      'error unquoted-pebble 8:9',
      'error unquoted-pebble 10:12',
      'error unquoted-pebble 11:13'
    ])
    expect(findings.map((f) => f.message.replace(/.*quote the expression: /, ''))).toEqual([
      'message: "{% if true %}yes{% endif %}"',
      '- "{{ a }}"',
      '"{{ c }}"',
      `format: '{{ inputs.x | default("none") }}'`
    ])
  })

  it('accepts quoted expressions, block scalars and ordinary flow mappings', () => {
    expect(
      check(
        task(
          '    message: "{{ name }}"',
          "    level: '{{ inputs.level }}'",
          '    description: >-',
          '      {{ outputs.a.b }}',
          '    retry: { type: constant, interval: PT1M, maxAttempts: 2 }'
        )
      )
    ).toEqual([])
  })
})

describe("the flow's plugin defaults, applied as Kestra 1.x applies them before it validates a task", () => {
  const V13 = [1, 3, 31] as const
  const errors = (lines: string[]) =>
    rules(checkOn([...V13], lines)).filter((rule) => rule.startsWith('error'))

  // FileChangedEventListenerTest#testWithPluginDefault (core 1.3.31 run: accepted).
  it('takes a required property a default of its exact type sets', () => {
    const lines = [
      ...HEAD,
      'tasks:',
      '  - id: helloWithDefault',
      '    type: io.kestra.plugin.core.log.Log',
      'pluginDefaults:',
      '  - type: io.kestra.plugin.core.log.Log',
      '    values:',
      '      message: Hello World!'
    ]
    expect(checkOn([...V13], lines)).toEqual([])
    // 2.0 has no plugin defaults: the Log lacks its message there.
    expect(rules(checkOn([2, 0, 0], lines))).toEqual([
      'error core-schema 4:5',
      'error removed-property 6:1'
    ])
    expect(rules(check(lines))).toEqual(['warning core-schema 4:5', 'warning removed-property 6:1'])
  })

  // FlowServiceTest#shouldReturnTrueWhenValidatingFlowGivenDefaults (core 1.3.31 run: accepted): a default of a
  // type prefix reaches every plugin under it, and a property it adds that a plugin lacks is ignored.
  it('takes a default of a type prefix, whose properties a plugin lacks are ignored', () => {
    expect(
      checkOn(
        [...V13],
        [
          ...HEAD,
          'tasks:',
          '  - id: download',
          '    type: io.kestra.plugin.core.http.Download',
          '  - id: log',
          '    type: io.kestra.plugin.core.log.Log',
          '    message: This is a message',
          'pluginDefaults:',
          '  - type: io.kestra.plugin.core',
          '    values:',
          '      level: WARN',
          '      uri: https://kestra.io'
        ]
      )
    ).toEqual([])
  })

  it('applies a default written with an alias to the class it names, and a named default only where asked', () => {
    const lines = (ref: string) => [
      ...HEAD,
      'tasks:',
      '  - id: a',
      '    type: io.kestra.plugin.core.log.Log',
      `    pluginDefaultsRef: ${ref}`,
      '  - id: b',
      '    type: io.kestra.plugin.core.log.Log',
      'pluginDefaults:',
      '  - type: io.kestra.plugin.core.log.Log',
      '    ref: loud',
      '    values: { message: from the ref }',
      '  - type: io.kestra.core.tasks.log.Log',
      '    values: { message: from the alias }'
    ]
    // Core 1.3.31 run: both accepted; with a ref no default has, the type's default does not reach the task
    // that asks for a ref ("log.message: must not be null"), which a server's default may have.
    expect(errors(lines('loud'))).toEqual([])
    expect(rules(checkOn([...V13], lines('quiet')))).toEqual([
      'warning core-schema 4:5',
      'warning plugin-defaults-ref 6:24'
    ])
  })

  it('stamps a forced default over what the task sets, and lets the task win over one that is not', () => {
    const lines = (forced: boolean) => [
      ...HEAD,
      'tasks:',
      '  - id: fail',
      '    type: io.kestra.plugin.core.execution.Fail',
      '    allowFailure: true',
      'pluginDefaults:',
      '  - type: io.kestra.plugin.core.execution.Fail',
      `    forced: ${forced}`,
      '    values:',
      '      allowFailure: perhaps'
    ]
    expect(errors(lines(false))).toEqual([])
    expect(errors(lines(true))).toEqual(['error core-schema 6:5'])
  })

  it("refuses a default's property its class does not have, named in any case (PluginDefaultValidator)", () => {
    const found = checkOn(
      [...V13],
      [
        ...MINIMAL,
        'pluginDefaults:',
        '  - type: io.kestra.plugin.core.log.Log',
        '    values:',
        '      invalid: 1',
        '      LOGLEVEL: INFO'
      ]
    )
    expect(rules(found)).toEqual(['error core-schema 10:7'])
    expect(found[0]?.message).toContain(
      `("Invalid Plugin Default: No property 'invalid' exists in plugin 'io.kestra.plugin.core.log.Log'")`
    )
  })
})

describe('tasks Kestra does not check when it loads a flow', () => {
  it("says a task under a Switch's cases breaking its constraints fails when it runs, a warning on every line", () => {
    const lines = [
      ...HEAD,
      'tasks:',
      '  - id: s',
      '    type: io.kestra.plugin.core.flow.Switch',
      '    value: a',
      '    cases:',
      '      a:',
      '        - id: p.q',
      '          type: io.kestra.plugin.core.log.Log',
      '        - id: wd',
      '          type: io.kestra.plugin.core.flow.WorkingDirectory',
      '          tasks: []'
    ]
    // Core 1.3.31 and 2.0.0 run accept it.
    for (const findings of [check(lines), checkOn([1, 3, 31], lines), checkOn([2, 0, 0], lines)]) {
      // The Log's missing message is on the line the id's warning explains.
      expect(rules(findings)).toEqual([
        'warning task-id 9:11',
        'warning working-directory-tasks 13:11'
      ])
      expect(findings[0]?.message).toContain("does not check a task under a Switch's `cases`")
    }
    // Jackson's reading reaches them: an unknown property stays an error.
    const unknown = [...lines.slice(0, 10), '          message: x', '          nope: 1']
    expect(rules(check(unknown)).filter((rule) => rule.startsWith('error'))).toEqual([
      'error core-schema 12:11'
    ])
  })

  it("checks a Dag's task from 2.0 on: 1.3.31 does not, 2.0.0 does", () => {
    const lines = [
      ...HEAD,
      'tasks:',
      '  - id: d',
      '    type: io.kestra.plugin.core.flow.Dag',
      '    tasks:',
      '      - task:',
      '          id: p.q',
      '          type: io.kestra.plugin.core.log.Log',
      '          message: x'
    ]
    expect(rules(checkOn([1, 3, 31], lines))).toEqual(['warning task-id 8:11'])
    expect(rules(checkOn([2, 0, 0], lines))).toEqual(['error task-id 8:11'])
    expect(rules(check(lines))).toEqual(['warning task-id 8:11'])
  })
})

describe('plugin defaults', () => {
  // A default without `type`: the 1.3.31 schema's `required` (2.0.0 has no flow-level plugin defaults at all).
  it('needs a type and values (a null value of a key is taken: core 1.3.31 run), pluginDefaults and taskDefaults alike', () => {
    const findings = check([
      ...MINIMAL,
      'pluginDefaults:',
      '  - type: io.kestra.plugin.core.log.Log',
      '  - values:',
      '      level: INFO',
      '  - type: io.kestra.plugin.scripts',
      '    values:',
      '      image:',
      '      level: ~'
    ])
    // The default without `type`: 1.3.31 refuses it, 2.0.0 refuses every flow-level plugin default: an error.
    expect(rules(findings)).toEqual([
      'warning removed-property 7:1',
      'error plugin-default-values 8:5',
      'error core-schema 9:5'
    ])
  })
})

describe('named plugin defaults (Kestra 1.3.34: pluginDefaults[].ref, pluginDefaultsRef)', () => {
  const lines = [
    ...HEAD,
    'pluginDefaults:',
    '  - type: io.kestra.plugin.core.log.Log',
    '    ref: quiet',
    '    values: { level: DEBUG }',
    'tasks:',
    '  - id: a',
    '    type: io.kestra.plugin.scripts.shell.Commands',
    '    pluginDefaultsRef: quiet',
    '    taskRunner:',
    '      type: io.kestra.plugin.core.runner.Process',
    '      pluginDefaultsRef: runner-defaults',
    '    commands: [echo hi]'
  ]

  it('warns about a ref the flow does not declare, on every version: a namespace default may have it', () => {
    expect(rules(checkOn([1, 3, 25], lines))).toEqual(['warning plugin-defaults-ref 13:26'])
    const removed = (severity: string) =>
      ['3:1', '10:5'].map((at) => `${severity} removed-property ${at}`)
    expect(rules(check(lines)).sort()).toEqual(
      [...removed('warning'), 'warning plugin-defaults-ref 13:26'].sort()
    )
    // 2.0.0 has neither: the flow's plugin defaults and the task's reference are unknown properties there.
    expect(rules(checkOn([2, 0, 0], lines)).sort()).toEqual(
      [...removed('error'), 'warning plugin-defaults-ref 13:26'].sort()
    )
    expect(check(lines).find((f) => f.rule === 'plugin-defaults-ref')?.message).toContain(
      "pluginDefaultsRef 'runner-defaults' names no `ref` of this flow's pluginDefaults"
    )
  })
})
