/**
 * Executions not finished, caught at review and guarded at deploy (docs/caught-at-review.md): the plan
 * counts them for each flow it updates or deletes, and `running-executions` says what a deploy does about
 * them, right before its first write.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../test-support/scenario.js'
import {
  deployHead,
  NS,
  planPullRequest,
  reviewStage,
  writes,
  type ReviewStage
} from './review-stage.js'

let stage: ReviewStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

const DAY = 24 * 3600 * 1000
const ETL = `${NS}/flows/etl.yml`

/** `etl` is updated by the change; `quiet` is updated too but has nothing under way. */
async function etlStage(executions: Parameters<ReviewStage['kestra']['seed']>[0]['executions']) {
  stage = await reviewStage(
    { [ETL]: flow(NS, 'etl'), [`${NS}/flows/quiet.yml`]: flow(NS, 'quiet') },
    { [ETL]: flow(NS, 'etl', ' v2'), [`${NS}/flows/quiet.yml`]: flow(NS, 'quiet', ' v2') },
    {
      flows: [
        { namespace: NS, id: 'etl', source: flow(NS, 'etl') },
        { namespace: NS, id: 'quiet', source: flow(NS, 'quiet') }
      ],
      executions
    }
  )
  return stage
}

function liveSource(id: string): string | undefined {
  return stage!.kestra.snapshot().flows.find((f) => f.namespace === NS && f.id === id && !f.deleted)
    ?.source
}

describe('executions not finished, end to end', () => {
  it('the plan counts them per flow, a run paused for weeks included (past the search’s 8-day default), one search per namespace', async () => {
    await etlStage([
      { namespace: NS, flowId: 'etl', state: 'PAUSED', startedAt: Date.now() - 20 * DAY },
      { namespace: NS, flowId: 'etl', state: 'RUNNING' },
      { namespace: NS, flowId: 'etl', state: 'SUCCESS' },
      { namespace: NS, flowId: 'other', state: 'RUNNING' }
    ])
    const { result, comment } = await planPullRequest(stage!)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    const etlLine = comment.split('\n').find((line) => line.includes('company.team.etl'))
    expect(etlLine).toContain('⏳ 2 executions not finished')
    const quietLine = comment.split('\n').find((line) => line.includes('company.team.quiet'))
    expect(quietLine).not.toContain('⏳')
    expect(comment).toMatch(/1 PAUSED/)
    expect(result.summary).toContain('2 executions not finished')
    expect(stage!.kestra.requests.filter((r) => r.route === 'executions.search')).toHaveLength(1)
  })

  it('warn (the default): the deploy proceeds and reports them', async () => {
    await etlStage([{ namespace: NS, flowId: 'etl', state: 'RUNNING' }])
    const result = await deployHead(stage!)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(liveSource('etl')).toBe(flow(NS, 'etl', ' v2'))
    expect(result.outputs.deployed).toBe('true')
    expect(result.stdout).toMatch(/company\.team\.etl: 1 execution not finished \(RUNNING\)/)
    expect(result.summary).toContain('1 execution not finished')
  })

  it('wait: waits for them to end, says what it waited for and how it ended, then writes', async () => {
    await etlStage([
      { namespace: NS, flowId: 'etl', state: 'RUNNING', endsAfterMs: 50_000, endState: 'SUCCESS' }
    ])
    const [running] = stage!.kestra.executions()
    const end = running!.timeline!.at(-1)!
    // It ends 2 s after the deploy's first search, however long the action took to start (a loaded CI runner).
    stage!.kestra.onRequest(({ route }) => {
      if (route === 'executions.search') end.at = Math.min(end.at, Date.now() + 2000)
    })
    const result = await deployHead(stage!, {
      'running-executions': 'wait',
      'running-executions-timeout-seconds': '60'
    }).finally(() => stage!.kestra.onRequest(undefined))
    const ends = end.at
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toMatch(/Waiting for 1 execution not finished of company\.team\.etl/)
    expect(result.stdout).toMatch(/ended/)
    expect(liveSource('etl')).toBe(flow(NS, 'etl', ' v2'))
    const firstWrite = writes(stage!.kestra)[0]!
    expect(firstWrite.at).toBeGreaterThanOrEqual(ends)
  })

  it('wait: past the timeout nothing is written, and the step names what is still running', async () => {
    await etlStage([{ namespace: NS, flowId: 'etl', state: 'PAUSED' }])
    const [paused] = stage!.kestra.executions()
    const result = await deployHead(stage!, {
      'running-executions': 'wait',
      'running-executions-timeout-seconds': '2'
    })
    expect(result.exitCode).toBe(1)
    expect(writes(stage!.kestra)).toEqual([])
    expect(liveSource('etl')).toBe(flow(NS, 'etl'))
    expect(result.stdout + result.stderr).toContain(paused!.id)
    expect(result.outputs.deployed).toBe('false')
  })

  it('fail: refuses before the first write, naming each execution with its link in the Kestra UI', async () => {
    await etlStage([
      { namespace: NS, flowId: 'etl', state: 'QUEUED', startedAt: Date.now() - 10 * DAY }
    ])
    const [queued] = stage!.kestra.executions()
    const result = await deployHead(stage!, { 'running-executions': 'fail' })
    expect(result.exitCode).toBe(1)
    expect(writes(stage!.kestra)).toEqual([])
    const link = `${stage!.kestra.url}/ui/main/executions/${NS}/etl/${queued!.id}`
    expect(result.annotations).toContainEqual(
      expect.objectContaining({ severity: 'error', message: expect.stringContaining(link) })
    )
    expect(result.summary).toContain(link)
    expect(result.outputs.deployed).toBe('false')
  })

  it('fail: the guard reads again right before the writes, so a run started after the plan still stops them', async () => {
    await etlStage([])
    const { kestra } = stage!
    let planned = false
    let seeded = false
    kestra.onRequest((request) => {
      if (planned && !seeded) {
        seeded = true
        kestra.seed({ executions: [{ namespace: NS, flowId: 'etl', state: 'RUNNING' }] })
      }
      if (request.route === 'executions.search') planned = true
    })
    const result = await deployHead(stage!, { 'running-executions': 'fail' })
    expect(result.exitCode).toBe(1)
    expect(writes(kestra)).toEqual([])
    expect(kestra.requests.filter((r) => r.route === 'executions.search').length).toBeGreaterThan(1)
  })

  it('fail: a flow with nothing under way deploys as usual', async () => {
    await etlStage([
      { namespace: NS, flowId: 'etl', state: 'SUCCESS', startedAt: Date.now() - DAY }
    ])
    const result = await deployHead(stage!, { 'running-executions': 'fail' })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(liveSource('etl')).toBe(flow(NS, 'etl', ' v2'))
  })

  it('fail: when the executions cannot be read, the plan says so and the deploy writes nothing', async () => {
    stage = await reviewStage(
      { [ETL]: flow(NS, 'etl') },
      { [ETL]: flow(NS, 'etl', ' v2') },
      { flows: [{ namespace: NS, id: 'etl', source: flow(NS, 'etl') }] },
      { forbiddenRoutes: ['executions.search'] }
    )
    const result = await deployHead(stage, { 'running-executions': 'fail' })
    expect(result.exitCode).toBe(1)
    expect(writes(stage.kestra)).toEqual([])
    expect(liveSource('etl')).toBe(flow(NS, 'etl'))
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'notice',
        message: expect.stringContaining('Executions not finished were not counted')
      })
    )
    expect(result.stdout + result.stderr).toMatch(/could not be read/)
    expect(result.outputs.deployed).toBe('false')
  })
})

describe('the search asks for exactly the flows concerned, whatever their age, and reads it to its end', () => {
  it('namespaces share one search; a run of a flow the change leaves alone is not counted, though the search crosses it', async () => {
    const QUIET = 'company.quiet'
    const at = (ns: string, id: string) => `${ns}/flows/${id}.yml`
    stage = await reviewStage(
      {
        [ETL]: flow(NS, 'etl'),
        [at(QUIET, 'etl')]: flow(QUIET, 'etl'),
        [at(QUIET, 'load')]: flow(QUIET, 'load')
      },
      {
        [ETL]: flow(NS, 'etl', ' v2'),
        [at(QUIET, 'etl')]: flow(QUIET, 'etl'),
        [at(QUIET, 'load')]: flow(QUIET, 'load', ' v2')
      },
      {
        flows: [
          { namespace: NS, id: 'etl', source: flow(NS, 'etl') },
          { namespace: QUIET, id: 'etl', source: flow(QUIET, 'etl') },
          { namespace: QUIET, id: 'load', source: flow(QUIET, 'load') }
        ],
        executions: [
          { namespace: NS, flowId: 'etl', state: 'RUNNING' },
          { namespace: QUIET, flowId: 'etl', state: 'RUNNING' },
          { namespace: QUIET, flowId: 'etl', state: 'PAUSED' },
          { namespace: QUIET, flowId: 'load', state: 'QUEUED', startedAt: Date.now() - 30 * DAY }
        ]
      }
    )
    const { result, comment } = await planPullRequest(stage)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    const line = (name: string) => comment.split('\n').find((l) => l.includes(name)) ?? ''
    expect(line('company.team.etl')).toContain('⏳ 1 execution not finished')
    expect(line('company.quiet.load')).toContain('⏳ 1 execution not finished')
    expect(result.stdout).toMatch(/company\.team\.etl: 1 execution not finished \(RUNNING\)/)
    expect(result.stdout).toMatch(/company\.quiet\.load: 1 execution not finished \(QUEUED\)/)
    expect(result.stdout).not.toMatch(/company\.quiet\.etl: \d+ execution/)
    const searches = stage.kestra.requests.filter((r) => r.route === 'executions.search')
    expect(searches).toHaveLength(1)
    expect(searches[0]!.query['filters[namespace][IN]']).toBe(`${QUIET},${NS}`)
    expect(searches[0]!.query['filters[flowId][IN]']).toBe('load,etl')
  })

  it('300 flows of long ids in one namespace: every request line within the 4,096 bytes Micronaut accepts, every run counted', async () => {
    const ids = Array.from(
      { length: 300 },
      (_, n) => `${'nightly_warehouse_refresh_'.repeat(3)}${n}`
    )
    const before = Object.fromEntries(ids.map((id) => [`${NS}/flows/${id}.yml`, flow(NS, id)]))
    const after = Object.fromEntries(
      ids.map((id) => [`${NS}/flows/${id}.yml`, flow(NS, id, ' v2')])
    )
    stage = await reviewStage(before, after, {
      flows: ids.map((id) => ({ namespace: NS, id, source: flow(NS, id) })),
      executions: ids.map((flowId) => ({ namespace: NS, flowId, state: 'RUNNING' as const }))
    })
    const { result } = await planPullRequest(stage)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.stdout.match(/: 1 execution not finished \(RUNNING\)/g)).toHaveLength(300)
    const searches = stage.kestra.requests.filter((r) => r.route === 'executions.search')
    expect(searches.length).toBeGreaterThan(1)
    for (const request of stage.kestra.requests) {
      expect(request.requestLineBytes, `${request.method} ${request.path}`).toBeLessThanOrEqual(
        4096
      )
    }
  }, 60_000)

  /** More runs than any page bound: 20,001 of a flow the change does not touch, all under way. */
  const crowd = (flowId: string) =>
    Array.from({ length: 20_001 }, () => ({ namespace: NS, flowId, state: 'RUNNING' as const }))

  it('fail: a paused run of the updated flow behind 20,001 runs of another flow still stops the deploy', async () => {
    await etlStage([
      ...crowd('other'),
      { namespace: NS, flowId: 'etl', state: 'PAUSED', startedAt: Date.now() - 20 * DAY }
    ])
    const paused = stage!.kestra.executions().at(-1)!
    const result = await deployHead(stage!, { 'running-executions': 'fail' })
    expect(result.exitCode).toBe(1)
    expect(writes(stage!.kestra)).toEqual([])
    expect(liveSource('etl')).toBe(flow(NS, 'etl'))
    expect(result.stdout + result.stderr).toContain(paused.id)
    expect(result.outputs.deployed).toBe('false')
    const searches = stage!.kestra.requests.filter((r) => r.route === 'executions.search')
    expect(searches.length).toBeLessThanOrEqual(2) // the plan's and the guard's, one page each
    for (const search of searches) {
      expect(search.query['filters[flowId][IN]']).toBe('etl,quiet')
      expect(search.query['filters[startDate][GREATER_THAN_OR_EQUAL_TO]']).toBeDefined()
    }
  }, 60_000)

  it('more runs of the updated flow than the bound: fail refuses naming the search, warn deploys and says they were not counted', async () => {
    await etlStage(crowd('etl'))
    const refused = await deployHead(stage!, { 'running-executions': 'fail' })
    expect(refused.exitCode).toBe(1)
    expect(writes(stage!.kestra)).toEqual([])
    expect(refused.stdout + refused.stderr).toMatch(
      /executions search of company\.team did not end: 40 full pages of 500/
    )
    expect(refused.outputs.deployed).toBe('false')

    const warned = await deployHead(stage!, { 'running-executions': 'warn' })
    expect(warned.exitCode, warned.stdout + warned.stderr).toBe(0)
    expect(warned.annotations).toContainEqual(
      expect.objectContaining({
        message: expect.stringContaining('Executions not finished were not counted')
      })
    )
    expect(liveSource('etl')).toBe(flow(NS, 'etl', ' v2'))
  }, 120_000)

  for (const version of ['0.24.0', '1.0.8']) {
    it(`fail: a run paused for weeks stops the deploy on Kestra ${version} too (flat parameters, 8-day default)`, async () => {
      stage = await reviewStage(
        { [ETL]: flow(NS, 'etl') },
        { [ETL]: flow(NS, 'etl', ' v2') },
        {
          flows: [{ namespace: NS, id: 'etl', source: flow(NS, 'etl') }],
          executions: [
            { namespace: NS, flowId: 'etl', state: 'PAUSED', startedAt: Date.now() - 20 * DAY }
          ]
        },
        { version }
      )
      const result = await deployHead(stage, { 'running-executions': 'fail' })
      expect(result.exitCode).toBe(1)
      expect(writes(stage.kestra)).toEqual([])
      expect(result.stdout + result.stderr).toContain(stage.kestra.executions()[0]!.id)
    })
  }
})
