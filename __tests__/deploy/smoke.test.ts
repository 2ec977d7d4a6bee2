import { describe, expect, it } from 'vitest'
import type { Execution, ExecutionsApi } from '../../src/kestra/api.js'
import { parseSmokeLine } from '../../src/inputs/smoke-lines.js'
import { NOT_RECORDED_GRACE_MS, runSmoke } from '../../src/deploy/smoke.js'
import { ConfigError } from '../../src/errors.js'
import { parseSettings } from '../../src/settings.js'

describe('smoke-flows lines', () => {
  it('reads NAMESPACE.ID (id after the last dot) and key=value inputs, quoted values included', () => {
    expect(parseSmokeLine('company.team.hello')).toEqual({
      namespace: 'company.team',
      id: 'hello',
      inputs: []
    })
    expect(parseSmokeLine('a.b.c-d  x=1 msg="hello \\"you\\"" k.sub= ')).toEqual({
      namespace: 'a.b',
      id: 'c-d',
      inputs: [
        ['x', '1'],
        ['msg', 'hello "you"'],
        ['k.sub', '']
      ]
    })
  })

  it('says what is wrong with a line', () => {
    expect(parseSmokeLine('hello')).toMatch(/is not NAMESPACE\.ID/)
    expect(parseSmokeLine('Company.hello')).toMatch(/is not NAMESPACE\.ID/)
    expect(parseSmokeLine('a.b word')).toBe("'word' is not an input as key=value")
    expect(parseSmokeLine('a.b x=1 x=2')).toBe("input 'x' is given twice")
    expect(parseSmokeLine('a.b x="open')).toBe("the value of 'x' opens a quote it does not close")
  })

  it('is an input error naming the line; comments and blank lines are skipped', () => {
    const settings = (value: string) =>
      parseSettings((name) => (name === 'smoke-flows' ? value : ''))
    expect(settings('# smoke\n\na.b.c x=1\n').smokeFlows).toEqual([
      { namespace: 'a.b', id: 'c', inputs: [['x', '1']] }
    ])
    expect(() => settings('a.b.c\nbroken')).toThrow(ConfigError)
    expect(() => settings('a.b.c\nbroken')).toThrow(/smoke-flows.*line 2 'broken'/)
    expect(settings('').smokeTimeoutSeconds).toBe(600)
    expect(settings('').rollback).toBe(false)
  })
})

/** A scripted server on a fake clock: each execution reads as `states` over successive polls. */
function fakeServer(plan: Record<string, (string | undefined)[]>) {
  let clock = 0
  const polls = new Map<string, number>()
  const api: ExecutionsApi = {
    async startExecution(namespace, id) {
      if (!(id in plan)) throw new Error(`Kestra answered 404: ${id}`)
      return { id: `run-${id}`, namespace, flowId: id, state: 'CREATED' }
    },
    async getExecution(executionId): Promise<Execution | undefined> {
      const id = executionId.slice('run-'.length)
      const n = polls.get(id) ?? 0
      polls.set(id, n + 1)
      const states = plan[id]!
      const state = states[Math.min(n, states.length - 1)]
      return state === undefined
        ? undefined
        : {
            id: executionId,
            namespace: 'ns',
            flowId: id,
            state,
            startDate: '2025-01-01T00:00:00Z',
            endDate: '2025-01-01T00:00:02.500Z'
          }
    }
  }
  const deps = {
    api,
    link: (e: Execution) => `https://kestra/ui/main/executions/${e.namespace}/${e.flowId}/${e.id}`,
    now: () => clock,
    sleep: async (ms: number) => void (clock += ms),
    log: () => undefined
  }
  return { deps, polls }
}

const flow = (id: string) => ({ namespace: 'ns', id, inputs: [] })

describe('runSmoke', () => {
  it('SUCCESS and WARNING pass; other terminal states fail; an early 404 is "not recorded yet"', async () => {
    const { deps } = fakeServer({
      ok: [undefined, 'RUNNING', 'SUCCESS'],
      warn: ['WARNING'],
      bad: ['RUNNING', 'KILLED']
    })
    const report = await runSmoke([flow('ok'), flow('warn'), flow('bad')], {
      ...deps,
      timeoutMs: 60_000
    })
    expect(report.passed).toBe(false)
    expect(report.runs.map((r) => [r.flow.id, r.state, r.verdict, r.durationMs])).toEqual([
      ['ok', 'SUCCESS', 'passed', 2500],
      ['warn', 'WARNING', 'passed', 2500],
      ['bad', 'KILLED', 'failed', 2500]
    ])
    expect(report.runs[0]!.url).toBe('https://kestra/ui/main/executions/ns/ok/run-ok')
  })

  it('names an execution still running at the shared deadline and stops polling it', async () => {
    const { deps, polls } = fakeServer({ slow: ['RUNNING'], quick: ['SUCCESS'] })
    const report = await runSmoke([flow('slow'), flow('quick')], { ...deps, timeoutMs: 10_000 })
    expect(report.runs[0]).toMatchObject({
      executionId: 'run-slow',
      state: 'RUNNING',
      verdict: 'timed-out',
      durationMs: 10_000
    })
    expect(report.runs[1]!.verdict).toBe('passed')
    expect(deps.now()).toBe(10_000)
    expect(polls.get('slow')).toBeLessThan(20)
  })

  it('a 404 long after the start, or a flow that cannot start, fails', async () => {
    const { deps } = fakeServer({ gone: [undefined] })
    const report = await runSmoke([flow('gone'), flow('missing')], {
      ...deps,
      timeoutMs: NOT_RECORDED_GRACE_MS * 2
    })
    expect(report.runs[0]).toMatchObject({
      verdict: 'failed',
      message: 'the server no longer knows this execution (404)'
    })
    expect(deps.now()).toBeLessThan(NOT_RECORDED_GRACE_MS * 2)
    expect(report.runs[1]).toMatchObject({
      verdict: 'failed',
      message: 'Kestra answered 404: missing'
    })
    expect(report.runs[1]!.executionId).toBeUndefined()
  })
})
