import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { executionLoop } from '../../test-support/kestra-emulator/flow-loops.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { json, postYaml } from './http.js'

/** A flow of `ns` whose `call` task calls `calls` (with `call` fields) and whose Flow trigger follows `after`. */
function flow(
  id: string,
  { calls, after, call = '', trigger = '', dependency = '' }: Record<string, string> = {}
): string {
  const task = calls
    ? `  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ns\n    flowId: ${calls}\n${call}`
    : '  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n'
  const triggers = after
    ? `triggers:\n  - id: after\n    type: io.kestra.plugin.core.trigger.Flow\n${trigger}    dependsOn:\n      - namespace: ns\n        flowId: ${after}\n${dependency}`
    : ''
  return `id: ${id}\nnamespace: ns\ntasks:\n${task}${triggers}`
}

const loop = (saved: string, ...others: string[]) =>
  executionLoop(
    parse(saved) as Record<string, unknown>,
    others.map((other) => parse(other) as Record<string, unknown>)
  )

describe('the 2.0 execution-loop refusal (engine 2.0.0: FlowService.checkCyclicDependency)', () => {
  it('follows calls downstream and Flow triggers from upstream, through the other flows, back to the saved one', () => {
    expect(loop(flow('a', { calls: 'b' }), flow('b', { calls: 'c' }), flow('c'))).toBeUndefined()
    expect(
      loop(flow('a', { calls: 'b' }), flow('b', { calls: 'c' }), flow('c', { after: 'b' }))
    ).toBeUndefined()
    expect(loop(flow('a', { calls: 'b', after: 'c' }), flow('b', { calls: 'c' }), flow('c'))).toBe(
      'Cyclic flow dependency detected: ns.a → ns.b → ns.c → ns.a. Saving this flow would create an execution loop.'
    )
    expect(loop(flow('w', { after: 'w' }))).toMatch(/detected: ns\.w → ns\.w\./)
  })

  it('replaces the saved flow in the graph by its new source', () => {
    expect(loop(flow('a'), flow('b', { calls: 'a' }), flow('a', { after: 'b' }))).toBeUndefined()
  })

  it('leaves out a disabled or conditional call, a templated one, a disabled or conditional trigger or dependency', () => {
    const closing = (fields: Record<string, string>) =>
      loop(flow('a', { calls: 'b', after: 'b', ...fields }))
    expect(closing({})).toBeDefined()
    expect(closing({ call: '    runIf: true\n' })).toBeDefined()
    expect(closing({ dependency: '        when: "true"\n' })).toBeDefined()
    const conditions: Record<string, string>[] = [
      { call: '    disabled: true\n' },
      { call: '    runIf: "{{ false }}"\n' },
      { trigger: '    disabled: true\n' },
      { trigger: '    when: "{{ true }}"\n' },
      { dependency: '        when: "{{ true }}"\n' }
    ]
    for (const condition of conditions) {
      expect(closing(condition), JSON.stringify(condition)).toBeUndefined()
    }
    const templated = flow('a', { calls: '"{{ \'b\' }}"', after: 'b' })
    expect(loop(templated)).toBeUndefined()
  })
})

describe('flows closing an execution loop, through the routes', () => {
  let emulator: Emulator
  afterEach(() => emulator.close())

  it('on 2.0 validate names the loop and a save answers 422 on `flow`; drafts are no part of it; 1.3 saves it', async () => {
    emulator = await startEmulator({ version: '2.0.0', problemJson: true })
    const prefix = `${emulator.url}/api/v1/main`
    expect((await postYaml(`${prefix}/flows`, flow('b', { calls: 'a' }))).status).toBe(200)
    const [answer] = await json<Record<string, unknown>[]>(
      await postYaml(`${prefix}/flows/validate`, flow('a', { calls: 'b' }))
    )
    expect(answer!.constraints).toBe(
      'Validation error: flow: Cyclic flow dependency detected: ns.a → ns.b → ns.a. Saving this flow would create an execution loop.'
    )
    const refused = await postYaml(`${prefix}/flows`, flow('a', { calls: 'b' }))
    expect(refused.status).toBe(422)
    expect(await json(refused)).toMatchObject({
      detail:
        'flow: Cyclic flow dependency detected: ns.a → ns.b → ns.a. Saving this flow would create an execution loop.',
      errors: [expect.objectContaining({ path: 'flow' })]
    })
    expect(emulator.snapshot().flows.map((f) => f.id)).toEqual(['b'])

    emulator.saveDraft('ns', 'b', flow('b', { calls: 'a' }))
    expect((await postYaml(`${prefix}/flows`, flow('a', { calls: 'b' }))).status).toBe(200)
    await emulator.close()

    emulator = await startEmulator({ version: '1.3.31' })
    const old = `${emulator.url}/api/v1/main`
    expect((await postYaml(`${old}/flows`, flow('b', { calls: 'a' }))).status).toBe(200)
    expect((await postYaml(`${old}/flows`, flow('a', { calls: 'b' }))).status).toBe(200)
  })
})
