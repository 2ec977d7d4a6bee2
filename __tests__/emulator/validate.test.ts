import { afterEach, describe, expect, it } from 'vitest'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions
} from '../../test-support/kestra-emulator/index.js'
import { flowSource, json, postYaml } from './http.js'

let emulator: Emulator
afterEach(() => emulator.close())

async function validate(body: string, options: EmulatorOptions = {}) {
  emulator = await startEmulator(options)
  const prefix = emulator.url + (options.version?.startsWith('0.') ? '/api/v1' : '/api/v1/main')
  const response = await postYaml(`${prefix}/flows/validate`, body)
  expect(response.status).toBe(200)
  return json<Record<string, unknown>[]>(response)
}

describe('POST /flows/validate', () => {
  it('refuses a reserved flow id from 1.0 to 1.3, as their FlowValidator does; 0.x and 2.0.0 accept it', async () => {
    const pause = flowSource('team', 'pause', '')
    const refused = async (version: string) => {
      const [answer] = await validate(pause, { version })
      await emulator.close()
      return answer!.constraints
    }
    expect(await refused('1.3.25')).toBe(
      ': Invalid Flow: Flow id is a reserved keyword: pause. List of reserved keywords: pause, resume, force-run, change-status, kill, executions, search, source, disable, enable'
    )
    expect(await refused('1.0.0')).toMatch(/reserved keyword: pause/)
    expect(await refused('0.22.0')).toBeUndefined()
    expect(await refused('2.0.0')).toBeUndefined()
  })

  it('answers one item per document, valid ones without constraints, and persists nothing', async () => {
    const result = await validate(flowSource('team', 'a'))
    expect(result).toEqual([
      {
        index: 0,
        flow: 'a',
        namespace: 'team',
        outdated: false,
        deprecationPaths: [],
        warnings: [],
        infos: []
      }
    ])
    expect(emulator.snapshot().flows).toEqual([])
  })

  it('rejects on 1.1+ what InputValidator rejects: an optional input with defaults, defaults with prefill', async () => {
    const withInputs = (inputs: string) => `${flowSource('team', 'a')}inputs:\n${inputs}`
    const optional = withInputs(
      '  - id: day\n    type: STRING\n    defaults: monday\n    required: false\n'
    )
    const both = withInputs(
      '  - id: day\n    type: STRING\n    defaults: monday\n    prefill: tuesday\n'
    )
    const [refused] = await validate(optional, { version: '1.3.2' })
    expect(String(refused!.constraints)).toContain('Inputs with a default value must be required')
    await emulator.close()
    const [alsoRefused] = await validate(both, { version: '1.1.0' })
    expect(String(alsoRefused!.constraints)).toContain('cannot also have a prefill')
    await emulator.close()
    const [accepted] = await validate(optional, { version: '1.0.9' })
    expect(accepted!.constraints).toBeUndefined()
  })

  it('splits on a --- line only, leaving --- inside values alone', async () => {
    const first = flowSource('team', 'a').replace('message: hi', 'message: "strange---string"')
    const second = flowSource('team', 'b').replace('message: hi', 'message: ---strangestring')
    const result = await validate(`${first}\n---\n\n${second}`)
    expect(result.map((r) => [r.index, r.flow, r.constraints])).toEqual([
      [0, 'a', undefined],
      [1, 'b', undefined]
    ])
  })

  it('reports unknown types, duplicate task ids and unknown fields as constraint strings', async () => {
    const unknownType = flowSource('team', 'a').replace(
      'io.kestra.plugin.core.log.Log',
      'io.kestra.plugin.core.debug.UnknownTask'
    )
    const duplicate = `${flowSource('team', 'b')}errors:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n`
    const unknownField = `${flowSource('team', 'c')}unknownProp: 1\n`
    const result = await validate([unknownType, duplicate, unknownField].join('\n---\n'))
    expect(result[0].constraints).toBe('Invalid type: io.kestra.plugin.core.debug.UnknownTask')
    expect(result[1].constraints).toBe(': Invalid Flow: Duplicate task id with name [hello]')
    expect(result[2].constraints).toMatch(/^Unrecognized field "unknownProp"/)
  })

  it('finds duplicate ids nested in flowable tasks and honours knownTypes', async () => {
    const nested = `id: a\nnamespace: team\ntasks:\n  - id: par\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n      - id: t3\n        type: acme.Task\n      - id: t3\n        type: acme.Task\n`
    const result = await validate(nested, {
      knownTypes: (t) => t.startsWith('io.kestra.') || t === 'acme.Task'
    })
    expect(result[0].constraints).toBe(': Invalid Flow: Duplicate task id with name [t3]')
  })

  it('flags outdated only when the source has a revision that is not last + 1', async () => {
    emulator = await startEmulator()
    emulator.seed({ flows: [{ namespace: 'team', id: 'a', source: flowSource('team', 'a') }] })
    const response = await postYaml(
      `${emulator.url}/api/v1/main/flows/validate`,
      [
        `revision: 1\n${flowSource('team', 'a')}`,
        `revision: 2\n${flowSource('team', 'a')}`,
        flowSource('team', 'a')
      ].join('\n---\n')
    )
    const result = await json<{ outdated: boolean }[]>(response)
    expect(result.map((r) => r.outdated)).toEqual([true, false, false])
  })

  it('reports deprecated aliases as infos and deprecation paths', async () => {
    const alias = flowSource('team', 'a').replace(
      'io.kestra.plugin.core.log.Log',
      'io.kestra.core.tasks.log.Log'
    )
    const [item] = await validate(alias)
    expect(item.deprecationPaths).toEqual(['tasks[0]'])
    expect(item.infos).toEqual([
      'io.kestra.core.tasks.log.Log is replaced by io.kestra.plugin.core.log.Log'
    ])
    expect(item.constraints).toBeUndefined()
  })

  it('answers as the released 2.0.0 does: the 1.x aliases, BOOLEAN and ENUM refused, the flow then unnamed', async () => {
    const log = flowSource('team', 'a')
    const sources = [
      log.replace('io.kestra.plugin.core.log.Log', 'io.kestra.core.tasks.log.Log'),
      log.replace('tasks:', 'inputs:\n  - id: x\n    type: BOOLEAN\ntasks:'),
      log.replace('tasks:', 'inputs:\n  - id: x\n    type: ENUM\ntasks:'),
      log.replace('tasks:', 'inputs:\n  - id: x\n    type: ION\ntasks:')
    ]
    const on = async (version: string) => {
      const result = await validate(sources.join('---\n'), { version })
      await emulator.close()
      return result
    }
    expect(await on('2.0.0')).toEqual([
      {
        index: 0,
        constraints: 'Validation error: Invalid type: io.kestra.core.tasks.log.Log',
        outdated: false
      },
      { index: 1, constraints: 'Validation error: Invalid type: BOOLEAN', outdated: false },
      { index: 2, constraints: 'Validation error: Invalid type: ENUM', outdated: false },
      expect.objectContaining({ index: 3, flow: 'a', deprecationPaths: [], infos: [] })
    ])
    const older = await on('1.3.25')
    expect(older.map((item) => item.constraints)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined
    ])
    expect(older[0]!.infos).toEqual([
      'io.kestra.core.tasks.log.Log is replaced by io.kestra.plugin.core.log.Log'
    ])
    emulator = await startEmulator()
  })

  it("reads a Pause's onResume as inputs, and a short type among a Parallel's tasks as a task", async () => {
    const head = 'id: a\nnamespace: team\ntasks:\n'
    const [pause, parallel] = await validate(
      `${head}  - id: p\n    type: io.kestra.plugin.core.flow.Pause\n    onResume:\n      - id: asked\n        type: STRING\n` +
        `---\n${head}  - id: par\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n      - id: l\n        type: Log\n`
    )
    expect(pause!.constraints).toBeUndefined()
    expect(parallel!.constraints).toMatch(/Invalid type: Log/)
  })

  it('answers 2.0-style errors lists in validateErrorsList mode', async () => {
    const invalid = flowSource('team', 'a').replace('id: hello', 'id: "bad id"')
    const [item] = await validate(invalid, { validateErrorsList: true })
    expect(item.constraints).toBeUndefined()
    expect(item.errors).toEqual([
      {
        detail: 'must match "^[a-zA-Z0-9][a-zA-Z0-9_-]*"',
        pointer: '/tasks/0/id',
        path: 'tasks[bad id].id'
      }
    ])
  })

  it('accepts multipart flows parts on 1.2.5+ and echoes the file names', async () => {
    emulator = await startEmulator({ version: '1.2.5' })
    const form = new FormData()
    form.append('flows', new Blob([flowSource('team', 'a')]), 'a.yaml')
    form.append('flows', new Blob(['id: b\nnamespace: team\n']), 'b.yaml')
    const response = await fetch(`${emulator.url}/api/v1/main/flows/validate`, {
      method: 'POST',
      body: form
    })
    const result = await json<Record<string, unknown>[]>(response)
    expect(result.map((r) => [r.index, r.filename, r.constraints])).toEqual([
      [0, 'a.yaml', undefined],
      [1, 'b.yaml', 'tasks: must not be empty']
    ])
  })

  it('accepts listeners and taskDefaults up to 1.3, deprecated, and refuses them on 2.0', async () => {
    const source = `${flowSource('team', 'a')}listeners:\n  - tasks:\n      - id: log\n        type: io.kestra.plugin.core.log.Log\ntaskDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    values: { level: INFO }\n`
    const verdicts: unknown[] = []
    for (const version of ['0.16.0', '0.20.7', '1.0.0', '1.3.25', '2.0.0-SNAPSHOT']) {
      const [item] = await validate(source, { version })
      verdicts.push([version, item!.constraints, item!.deprecationPaths])
      await emulator.close()
    }
    emulator = await startEmulator()
    expect(verdicts).toEqual([
      ['0.16.0', undefined, ['listeners']],
      ['0.20.7', undefined, ['listeners', 'taskDefaults']],
      ['1.0.0', undefined, ['listeners', 'taskDefaults']],
      ['1.3.25', undefined, ['listeners', 'taskDefaults']],
      // 2.0.0 answers a flow it could not bind with no deprecation paths (the released core, run).
      [
        '2.0.0-SNAPSHOT',
        expect.stringMatching(/^Validation error: Unrecognized field "listeners"/),
        undefined
      ]
    ])
  })

  it('answers as its new release once upgraded, and as the old one once downgraded, its data kept', async () => {
    const source = `${flowSource('team', 'a')}listeners:\n  - tasks:\n      - id: log\n        type: io.kestra.plugin.core.log.Log\n`
    emulator = await startEmulator({ version: '1.3.2' })
    const P = `${emulator.url}/api/v1/main`
    expect((await postYaml(`${P}/flows`, source)).status).toBe(200)
    const seen: unknown[] = []
    for (const version of ['1.3.2', '2.0.0', '1.3.2']) {
      emulator.upgrade(version)
      const [item] = await json<Record<string, unknown>[]>(
        await postYaml(`${P}/flows/validate`, source)
      )
      const configs = await json<{ version: string }>(await fetch(`${emulator.url}/api/v1/configs`))
      seen.push([configs.version, emulator.options.version, item!.constraints])
    }
    expect(seen).toEqual([
      ['1.3.2', '1.3.2', undefined],
      [
        '2.0.0',
        '2.0.0',
        expect.stringMatching(/^Validation error: Unrecognized field "listeners"/)
      ],
      ['1.3.2', '1.3.2', undefined]
    ])
    expect(emulator.snapshot().flows.map((flow) => [flow.id, flow.source])).toEqual([['a', source]])
  })

  it("refuses a Schedule cron Kestra's parser refuses, on every version", async () => {
    const schedule = (cron: string, extra = '') =>
      `${flowSource('team', 'a')}triggers:\n  - id: s\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "${cron}"\n${extra}`
    const result = await validate(
      [
        schedule('* * * * * * *'),
        schedule('0 9 * * *'),
        schedule('0 */5 9 * * *', '    withSeconds: true\n'),
        schedule('@reboot'),
        schedule('@daily'),
        schedule('0 24 * * *')
      ].join('---\n'),
      { version: '0.20.7' }
    )
    expect(result.map((item) => item.constraints)).toEqual([
      "triggers[0]: invalid cron expression '* * * * * * *': Cron expression contains 7 parts but we expect one of [5]",
      undefined,
      undefined,
      "triggers[0]: invalid cron expression '@reboot': Nickname @reboot not supported!",
      undefined,
      "triggers[0]: invalid cron expression '0 24 * * *': Failed to parse cron expression. Value 24 not in range [0, 23]"
    ])
  })

  it('checks dependsOn from 0.19, and on 2.0 the FORM rules with FORMs expanded to dotted paths', async () => {
    const inputs = (lines: string) => `${flowSource('team', 'a')}inputs:\n${lines}`
    const bareSibling = inputs(
      '  - id: env\n    type: FORM\n    inputs:\n      - { id: region, type: STRING }\n      - id: zone\n        type: STRING\n        dependsOn: { inputs: [region] }\n'
    )
    const dotted = bareSibling.replace('inputs: [region]', 'inputs: [env.region]')
    const cases = [
      inputs('  - id: a\n    type: STRING\n    dependsOn: { inputs: [b] }\n'),
      inputs('  - id: env\n    type: FORM\n    defaults: x\n    inputs: []\n'),
      inputs(
        '  - id: env\n    type: FORM\n    inputs:\n      - id: inner\n        type: FORM\n        inputs: []\n'
      ),
      inputs(
        '  - id: env\n    type: FORM\n    inputs: [{ id: a, type: STRING }]\n  - id: env.a\n    type: STRING\n'
      ),
      inputs(
        '  - id: env\n    type: FORM\n    inputs: [{ id: a, type: STRING }]\n  - id: env.a.b\n    type: STRING\n'
      ),
      bareSibling,
      dotted
    ].join('---\n')
    const constraints = async (version: string) => {
      const result = await validate(cases, { version })
      await emulator.close()
      return result.map((item) => item.constraints)
    }
    const graph = ": Invalid Flow: Input with id 'a' depends on a non-existent input 'b'."
    const accepted = Array.from({ length: 6 }, () => undefined)
    expect(await constraints('0.18.0')).toEqual([undefined, ...accepted])
    expect(await constraints('1.3.22')).toEqual([graph, ...accepted])
    // 2.0.0's text: "Validation error: " first, each constraint on a line of its own (the released core, run).
    const released = (line: string) => `Validation error: ${line.replace(/^:/, '')}\n`
    expect(await constraints('2.0.0')).toEqual([
      released(graph),
      released(
        'inputs[0]: A FORM input groups other inputs and cannot declare a default value or a prefill.'
      ),
      released(
        'inputs[0]: A FORM input cannot contain another FORM input; grouping is limited to a single level.'
      ),
      released(': Invalid Flow: Duplicate input path [env.a]'),
      released(
        ": Invalid Flow: Input path 'env.a' conflicts with 'env.a.b'; one cannot be nested under the other."
      ),
      released(
        ": Invalid Flow: Input with id 'env.zone' depends on a non-existent input 'region'."
      ),
      undefined
    ])
    emulator = await startEmulator()
  })

  it("refuses on 1.3.25 a pluginDefaultsRef that names no plugin default's ref; 2.0.0 has neither", async () => {
    const task = (ref: string) =>
      flowSource(
        'team',
        'a',
        `  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    pluginDefaultsRef: ${ref}\npluginDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    ref: quiet\n    values: { level: DEBUG }\n`
      )
    const [resolved, unresolved] = await validate(`${task('quiet')}---\n${task('loud')}`, {
      version: '1.3.25'
    })
    expect(resolved!.constraints).toBeUndefined()
    expect(unresolved!.constraints).toBe(
      ": Invalid Flow: No pluginDefaults bundle found for pluginDefaultsRef 'loud'."
    )
    const [two] = await validate(task('quiet'), { version: '2.0.0' })
    expect(two!.constraints).toMatch(/^Validation error: Unrecognized field "pluginDefaultsRef"/)
  })
})

describe('validate warnings (FlowService `warnings`)', () => {
  const parent = (target: string) =>
    flowSource(
      'team',
      'parent',
      `  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: team\n    flowId: ${target}\n`
    )
  const flowTrigger = 'triggers:\n  - id: on-any\n    type: io.kestra.plugin.core.trigger.Flow\n'

  it('1.x warns about a subflow the server lacks or has disabled, and about unconditioned Flow triggers', async () => {
    emulator = await startEmulator()
    const P = `${emulator.url}/api/v1/main`
    await postYaml(`${P}/flows`, flowSource('team', 'off', 'disabled: true\n'))
    const answer = async (body: string) =>
      json<{ warnings: string[] }[]>(await postYaml(`${P}/flows/validate`, body))
    expect((await answer(parent('absent')))[0].warnings).toEqual([
      "The subflow 'absent' not found in namespace 'team'."
    ])
    expect((await answer(parent('off')))[0].warnings).toEqual([
      "The subflow 'off' is disabled in namespace 'team'."
    ])
    expect((await answer(parent('{{ inputs.target }}')))[0].warnings).toEqual([])
    expect((await answer(flowSource('team', 't', flowTrigger)))[0].warnings).toEqual([
      "This flow will be triggered for EVERY execution of EVERY flow on your instance. We recommend adding the preconditions property to the Flow trigger 'on-any'."
    ])
    const timeout = flowSource(
      'team',
      'seq',
      '  - id: group\n    type: io.kestra.plugin.core.flow.Sequential\n    timeout: PT1M\n    tasks:\n      - id: inner\n        type: io.kestra.plugin.core.log.Log\n        message: x\n'
    )
    expect((await answer(timeout))[0].warnings).toEqual([
      "The task 'group' cannot use the 'timeout' property as it's only relevant for runnable tasks."
    ])
  })

  it('0.x servers word the trigger warning per era and never check subflows', async () => {
    const v20 = await validate(parent('absent') + flowTrigger, { version: '0.20.7' })
    expect(v20[0].warnings).toEqual([
      "This flow will be triggered for EVERY execution of EVERY flow on your instance. We recommend adding the preconditions property to the Flow trigger 'on-any'."
    ])
    await emulator.close()
    const v18 = await validate(flowSource('system', 't', flowTrigger), { version: '0.18.4' })
    expect(v18[0].warnings).toEqual([
      'The system namespace is reserved for background workflows intended to perform routine tasks such as sending alerts and purging logs. Please use another namespace name.',
      'This flow will be triggered for EVERY execution of EVERY flow on your instance. We recommend adding the conditions property to the Flow trigger.'
    ])
    await emulator.close()
    expect(
      (await validate(flowSource('team', 't', flowTrigger), { version: '0.16.0' }))[0].warnings
    ).toEqual([])
  })
})
