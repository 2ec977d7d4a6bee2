import { describe, expect, it } from 'vitest'
import type { ExecutionsApi } from '../../../src/adapters/kestra/api.js'
import type { Execution, Label } from '../../../src/model/kestra.js'
import { ApiError } from '../../../src/adapters/kestra/errors.js'
import { parseSmokeLine } from '../../../src/model/inputs/declared.js'
import { NOT_RECORDED_GRACE_MS, runSmoke } from '../../../src/engine/apply/smoke.js'
import { ConfigError } from '../../../src/model/errors.js'
import { parseSettings } from '../../../src/config/settings.js'

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
  const started: { id: string; labels: Label[] }[] = []
  const execution = (id: string, state: string): Execution => ({
    id: `run-${id}`,
    namespace: 'ns',
    flowId: id,
    state,
    startDate: '2025-01-01T00:00:00Z',
    endDate: '2025-01-01T00:00:02.500Z',
    labels: started.find((s) => s.id === id)?.labels ?? []
  })
  const api: ExecutionsApi = {
    async startExecution(namespace, id, _inputs, { labels }) {
      if (!(id in plan)) throw new Error(`Kestra answered 404: ${id}`)
      started.push({ id, labels })
      return { ...execution(id, 'CREATED'), namespace }
    },
    async getExecution(executionId): Promise<Execution | undefined> {
      const id = executionId.slice('run-'.length)
      const n = polls.get(id) ?? 0
      polls.set(id, n + 1)
      const states = plan[id]!
      const state = states[Math.min(n, states.length - 1)]
      return state === undefined ? undefined : execution(id, state)
    },
    async findExecutions() {
      return []
    }
  }
  const deps = {
    api,
    runId: '4242-cafe',
    link: (e: Execution) => `https://kestra/ui/main/executions/${e.namespace}/${e.flowId}/${e.id}`,
    now: () => clock,
    sleep: async (ms: number) => void (clock += ms),
    log: () => undefined,
    tick: (ms: number) => void (clock += ms)
  }
  return { deps, polls, started }
}

const flow = (id: string) => ({ namespace: 'ns', id, inputs: [] as [string, string][] })
const lost = () =>
  new ApiError({ status: undefined, method: 'POST', path: '/x', serverMessage: 'socket hang up' })

describe('runSmoke', () => {
  it('SUCCESS and WARNING pass; other terminal states fail; an early 404 is "not recorded yet"', async () => {
    const { deps, started } = fakeServer({
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
    expect(started.map((s) => s.labels)).toEqual(
      [1, 2, 3].map((line) => [
        ['kestra-gitops.run', '4242-cafe'],
        ['kestra-gitops.smoke', String(line)],
        ['kestra-gitops.attempt', '1']
      ])
    )
  })

  it('labels are valid Kestra execution labels: key pattern, no system. key, no colon or blank in values', async () => {
    const { deps, started } = fakeServer({ ok: ['SUCCESS'] })
    await runSmoke([flow('ok')], { ...deps, timeoutMs: 1_000 })
    for (const [key, value] of started[0]!.labels) {
      expect(key).toMatch(/^\p{Ll}[\p{L}0-9._-]*$/u) // Label.java's key pattern (docs/kestra.md#execution-labels)
      expect(key.startsWith('system.')).toBe(false)
      expect(value).toMatch(/^[^:\s]+$/)
    }
    expect(new Set(started[0]!.labels.map(([key]) => key)).size).toBe(3)
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
    expect(report.elapsedMs).toBe(10_000)
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

  it('a lost start answer is looked up by label until recorded, never sent again when found', async () => {
    const { deps, started } = fakeServer({ ok: ['SUCCESS'] })
    const start = deps.api.startExecution
    let searches = 0
    deps.api.startExecution = async (...args) => {
      await start(...args) // the server took it
      throw lost()
    }
    deps.api.findExecutions = async ({ labels }) => {
      searches++
      expect(labels).toEqual([
        ['kestra-gitops.run', '4242-cafe'],
        ['kestra-gitops.smoke', '1']
      ])
      // Recorded asynchronously: the third search finds it.
      return searches < 3 ? [] : [{ ...(await deps.api.getExecution('run-ok'))! }]
    }
    const report = await runSmoke([flow('ok')], { ...deps, timeoutMs: 60_000 })
    expect(started).toHaveLength(1)
    expect(report.runs[0]).toMatchObject({ executionId: 'run-ok', verdict: 'passed' })
  })

  it('a start the server never took is sent again after the grace, with the next attempt label', async () => {
    const { deps, started } = fakeServer({ ok: ['SUCCESS'] })
    const start = deps.api.startExecution
    let calls = 0
    deps.api.startExecution = async (...args) => {
      if (++calls === 1) throw lost() // lost before reaching the server
      return start(...args)
    }
    const report = await runSmoke([flow('ok')], { ...deps, timeoutMs: 60_000 })
    expect(started.map((s) => s.labels[2])).toEqual([['kestra-gitops.attempt', '2']])
    expect(deps.now()).toBeGreaterThanOrEqual(NOT_RECORDED_GRACE_MS)
    expect(report.runs[0]!.verdict).toBe('passed')
  })

  it('a lost answer that cannot be looked up is not sent again; a deadline during the lookup times out', async () => {
    const failing = fakeServer({ ok: ['SUCCESS'] })
    failing.deps.api.startExecution = async () => Promise.reject(lost())
    failing.deps.api.findExecutions = async () => Promise.reject(new Error('HTTP 404'))
    const refused = await runSmoke([flow('ok')], { ...failing.deps, timeoutMs: 60_000 })
    expect(refused.runs[0]!.verdict).toBe('failed')
    expect(refused.runs[0]!.message).toMatch(
      /not started again, so that the flow does not run twice/
    )

    const slow = fakeServer({ ok: ['SUCCESS'] })
    slow.deps.api.startExecution = async () => Promise.reject(lost())
    const timedOut = await runSmoke([flow('ok')], { ...slow.deps, timeoutMs: 3_000 })
    expect(timedOut.runs[0]).toMatchObject({ verdict: 'timed-out' })
    expect(timedOut.runs[0]!.message).toContain('kestra-gitops.run:4242-cafe kestra-gitops.smoke:1')
    expect(slow.deps.now()).toBe(3_000)
  })

  it('every request gets the phase deadline; a poll cut by it ends the run as timed out, at the deadline', async () => {
    const { deps } = fakeServer({ stuck: ['RUNNING'] })
    const deadlines: (number | undefined)[] = []
    deps.api.getExecution = async (_id, options) => {
      deadlines.push(options?.deadline)
      deps.tick(options!.deadline! - deps.now()) // hangs until its deadline cuts it
      throw new ApiError({
        status: undefined,
        method: 'GET',
        path: '/x',
        serverMessage: 'timed out'
      })
    }
    const report = await runSmoke([flow('stuck')], { ...deps, timeoutMs: 3_000 })
    expect(report.runs[0]).toMatchObject({ verdict: 'timed-out', state: 'CREATED' })
    expect(new Set(deadlines)).toEqual(new Set([3_000]))
    expect(report.elapsedMs).toBe(3_000)
  })
})
