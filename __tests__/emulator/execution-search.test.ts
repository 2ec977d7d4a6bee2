import { afterEach, describe, expect, it, vi } from 'vitest'
import { createKestraClient, type KestraClient } from '../../src/adapters/kestra/client.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { flowSource, json } from './http.js'

let emulator: Emulator
let client: KestraClient | undefined
afterEach(async () => {
  vi.useRealTimers()
  await client?.close()
  await emulator.close()
})

const NS = 'team'
const LABELLED = `${flowSource(NS, 'labelled')}labels:\n  owner: data\n  system.readOnly: "true"\n`

async function start(version = '1.3.2'): Promise<string> {
  emulator = await startEmulator({ version })
  emulator.seed({
    flows: [
      { namespace: NS, id: 'labelled', source: LABELLED },
      { namespace: NS, id: 'plain', source: flowSource(NS, 'plain') },
      { namespace: `${NS}.child`, id: 'plain', source: flowSource(`${NS}.child`, 'plain') },
      { namespace: 'system', id: 'cleanup', source: flowSource('system', 'cleanup') }
    ]
  })
  for (const [ns, id] of [
    [NS, 'labelled'],
    [NS, 'plain'],
    [`${NS}.child`, 'plain'],
    ['system', 'cleanup']
  ]) {
    emulator.scriptExecutions(ns!, id!, { recordDelayMs: 0, durationMs: 60_000 })
  }
  return `${emulator.url}/api/v1${emulator.options.version.startsWith('0.') ? '' : '/main'}/executions`
}

/** Starts an execution with `?labels=…` (and more query); answers status and body. */
async function run(base: string, flow: string, query = '') {
  const form = new FormData()
  form.append('unused', 'x')
  const response = await fetch(`${base}/${flow}${query ? `?${query}` : ''}`, {
    method: 'POST',
    body: form
  })
  return { status: response.status, body: await json<Record<string, unknown>>(response) }
}

async function search(base: string, query: string) {
  const response = await fetch(`${base}/search?${query}`)
  const body = await json<{ results?: { id: string }[]; total?: number; message?: string }>(
    response
  )
  return { status: response.status, ids: (body.results ?? []).map((r) => r.id), ...body }
}

const f = (field: string, op: string, value: string, key?: string) =>
  `filters[${field}][${op}]${key ? `[${key}]` : ''}=${encodeURIComponent(value)}`

describe('execution labels on start (docs/kestra.md#execution-labels)', () => {
  it('1.x: labels are the flow’s (no system. ones) then the start’s; each malformed item is a 422', async () => {
    const base = await start()
    const started = await run(base, `${NS}/labelled`, 'labels=a:1&labels=b: x:y ')
    expect(started.status).toBe(200)
    expect(started.body.labels).toEqual([
      { key: 'owner', value: 'data' },
      { key: 'a', value: '1' },
      { key: 'b', value: 'x:y' }
    ])
    const refused = async (query: string) => {
      const { status, body } = await run(base, `${NS}/plain`, query)
      return [status, body.message]
    }
    expect(await refused('labels=a:1&labels=a:2')).toEqual([
      422,
      'Unprocessable Entity: The queryString parameter keys contains duplicities: Duplicate key a (attempted merging values 1 and 2)'
    ])
    expect(await refused('labels=nocolon')).toEqual([
      422,
      "Unprocessable Entity: Can't split the queryString parameter by ':'"
    ])
    expect(await refused('labels=a:')).toEqual([
      422,
      "Unprocessable Entity: Can't have an empty part of queryString"
    ])
    expect((await refused('labels=a%20b:1'))[0]).toBe(422)
    expect(await refused('labels=system.restarted:true')).toEqual([
      422,
      'Illegal argument: System labels can only be set by Kestra itself, offending label: system.restarted=true'
    ])
    expect((await run(base, `${NS}/plain`, 'labels=system.correlationId:c1')).status).toBe(200)
    expect((await run(base, `${NS}/plain`, 'labels=system.from:ui')).status).toBe(200)
    expect(emulator.executions()).toHaveLength(3)
  })

  it('0.20: a repeated key is a 409, an item that does not split into two on [: ]+ a 422', async () => {
    const base = await start('0.20.7')
    expect((await run(base, `${NS}/plain`, 'labels=a:1&labels=a:2')).status).toBe(409)
    const colon = await run(base, `${NS}/plain`, 'labels=a:x:y')
    expect([colon.status, colon.body.message]).toEqual([
      422,
      'Unprocessable Entity: Invalid queryString parameter'
    ])
    expect((await run(base, `${NS}/plain`, 'labels=a:x%20y')).status).toBe(422)
    expect((await run(base, `${NS}/plain`, 'labels=system.from:ui')).status).toBe(422)
    expect((await run(base, `${NS}/plain`, 'labels=a:1')).body.labels).toEqual([
      { key: 'a', value: '1' }
    ])
  })
})

describe('GET …/executions/search (docs/kestra.md#search-executions)', () => {
  it('filters by namespace, flowId, state and labels (EQUALS all, IN any, NOT_EQUALS none); pages with a total', async () => {
    const base = await start()
    const a = (await run(base, `${NS}/plain`, 'labels=run:r1&labels=try:1')).body.id as string
    const b = (await run(base, `${NS}/plain`, 'labels=run:r1&labels=try:2')).body.id as string
    const c = (await run(base, `${NS}.child/plain`, 'labels=run:r1')).body.id as string
    const d = (await run(base, `${NS}/labelled`, 'labels=run:r2')).body.id as string
    const ns = f('namespace', 'EQUALS', NS)
    expect((await search(base, `${ns}&${f('flowId', 'EQUALS', 'plain')}`)).ids).toEqual([a, b])
    expect((await search(base, f('namespace', 'PREFIX', NS))).ids).toEqual([a, b, c, d])
    expect((await search(base, f('namespace', 'STARTS_WITH', `${NS}.`))).ids).toEqual([c])
    expect((await search(base, f('labels', 'EQUALS', 'r1', 'run'))).ids).toEqual([a, b, c])
    const both = `${f('labels', 'EQUALS', 'r1', 'run')}&${f('labels', 'EQUALS', '2', 'try')}`
    expect((await search(base, both)).ids).toEqual([b])
    const any = `${f('labels', 'IN', '2', 'try')}&${f('labels', 'IN', 'r2', 'run')}`
    expect((await search(base, any)).ids).toEqual([b, d])
    expect((await search(base, `${ns}&${f('labels', 'NOT_EQUALS', '1', 'try')}`)).ids).toEqual([
      b,
      d
    ])
    expect((await search(base, f('labels', 'CONTAINS', 'DAT'))).ids).toEqual([d]) // owner: data
    expect((await search(base, f('state', 'IN', 'CREATED,RUNNING'))).total).toBe(4)
    expect((await search(base, f('state', 'EQUALS', 'SUCCESS'))).total).toBe(0)
    expect((await search(base, f('q', 'EQUALS', 'CHILD'))).ids).toEqual([c])
    expect((await search(base, f('scope', 'EQUALS', 'USER'))).total).toBe(4)

    const sorted = [a, b, d].sort()
    const page = await search(base, `${ns}&size=2&page=2&sort=id:asc`)
    expect([page.ids, page.total]).toEqual([[sorted[2]], 3])
    expect((await search(base, `${ns}&sort=id:desc`)).ids).toEqual([...sorted].reverse())
  })

  it('refuses an unknown filter field or operation (400), size or page below 1 (422), an unknown sort field or state (422)', async () => {
    const base = await start()
    const status = async (query: string) => (await search(base, query)).status
    expect(await status(f('bogus', 'EQUALS', 'x'))).toBe(400)
    expect(await status(f('updated', 'EQUALS', '2025-01-01T00:00:00Z'))).toBe(400)
    expect(await status(f('state', 'CONTAINS', 'RUN'))).toBe(400)
    expect(await status(f('namespace', 'SOMEWHERE', 'x'))).toBe(400)
    const invalid = await search(base, f('state', 'CONTAINS', 'RUN'))
    expect(invalid.message).toMatch(
      /^Invalid query filters: .*Operation CONTAINS is not supported for field state/
    )
    expect(await status('size=0')).toBe(422)
    expect(await status('page=0')).toBe(422)
    expect(await status('size=ten')).toBe(400)
    expect(await status('sort=duration:asc')).toBe(422)
    expect(await status(f('state', 'IN', 'RUNNING,NAPPING'))).toBe(422)
    expect(await status(f('labels', 'EQUALS', 'k:v'))).toBe(500) // a flat labels value: CONTAINS only
  })

  it('without a startDate or timeRange filter only the last 8 days count; TEST runs are hidden unless asked for', async () => {
    const base = await start()
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 9 * 24 * 3600 * 1000 })
    const old = (await run(base, `${NS}/plain`, 'labels=run:old')).body.id as string
    vi.useRealTimers()
    const recent = (await run(base, `${NS}/plain`, 'labels=run:new')).body.id as string
    const test = (await run(base, `${NS}/plain`, 'kind=TEST')).body.id as string
    const ns = f('namespace', 'EQUALS', NS)
    expect((await search(base, ns)).ids).toEqual([recent])
    const since2000 = f('startDate', 'GREATER_THAN_OR_EQUAL_TO', '2000-01-01T00:00:00Z')
    expect((await search(base, `${ns}&${since2000}`)).ids).toEqual([old, recent])
    expect((await search(base, `${ns}&${f('timeRange', 'EQUALS', 'P10D')}`)).ids).toEqual([
      old,
      recent
    ])
    expect((await search(base, `${ns}&${f('kind', 'EQUALS', 'TEST')}`)).ids).toEqual([test])
    expect((await search(base, 'namespace=team')).ids).toEqual([recent]) // legacy params: same window
  })

  it('legacy flat parameters count only when no filters[…] is sent; their labels parse like a start’s', async () => {
    const base = await start()
    const a = (await run(base, `${NS}/plain`, 'labels=run:r1')).body.id as string
    const c = (await run(base, `${NS}.child/plain`, 'labels=run:r1')).body.id as string
    const b = (await run(base, `${NS}/labelled`, 'labels=run:r2')).body.id as string
    expect((await search(base, 'namespace=team&labels=run:r1')).ids).toEqual([a, c])
    expect((await search(base, 'namespace=team&flowId=labelled')).ids).toEqual([b])
    expect((await search(base, 'namespace=team.child&state=CREATED&state=RUNNING')).ids).toEqual([
      c
    ])
    const mixed = `labels=run:r2&${f('flowId', 'EQUALS', 'plain')}`
    expect((await search(base, mixed)).ids).toEqual([a, c]) // labels=… silently dropped
    expect((await search(base, 'labels=run:r1&labels=run:r2')).status).toBe(422)
  })

  it('finds only executions already recorded, as reads do', async () => {
    const base = await start()
    emulator.scriptExecutions(NS, 'plain', { recordDelayMs: 300 })
    const id = (await run(base, `${NS}/plain`, 'labels=run:slow')).body.id as string
    expect((await search(base, f('labels', 'EQUALS', 'slow', 'run'))).ids).toEqual([])
    // The emulator's clock (Date) moved on instead of waited for.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 350)
    expect((await search(base, f('labels', 'EQUALS', 'slow', 'run'))).ids).toEqual([id])
  })

  it('0.x: the legacy parameters only (filters[…] ignored), no date window, no kind', async () => {
    const base = await start('0.20.7')
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 30 * 24 * 3600 * 1000 })
    const old = (await run(base, `${NS}/plain`, 'labels=run:r1')).body.id as string
    vi.useRealTimers()
    const other = (await run(base, `${NS}/labelled`, 'labels=run:r2')).body.id as string
    expect((await search(base, f('labels', 'EQUALS', 'r2', 'run'))).ids).toEqual([old, other])
    expect((await search(base, 'labels=run:r1')).ids).toEqual([old])
    expect((await search(base, f('bogus', 'EQUALS', 'x'))).status).toBe(200)
  })
})

describe('runs already under way (seeded) and the states each version knows', () => {
  const NOT_TERMINATED =
    'CREATED,SUBMITTED,RUNNING,PAUSED,RESTARTED,KILLING,QUEUED,RETRYING,BREAKPOINT'
  const DAY = 24 * 3600 * 1000

  it('a run paused a month ago is found only with an older start-date bound; it ends or is killed on its clock', async () => {
    const base = await start()
    emulator.seed({
      executions: [
        { namespace: NS, flowId: 'plain', state: 'PAUSED', startedAt: Date.now() - 30 * DAY },
        { namespace: NS, flowId: 'plain', state: 'QUEUED', endsAfterMs: 150, endState: 'FAILED' },
        { namespace: NS, flowId: 'labelled', state: 'RUNNING' }
      ]
    })
    const [paused, queued, running] = emulator.executions()
    const busy = `${f('namespace', 'EQUALS', NS)}&${f('state', 'IN', NOT_TERMINATED)}`
    const since2000 = f('startDate', 'GREATER_THAN_OR_EQUAL_TO', '2000-01-01T00:00:00Z')
    expect((await search(base, busy)).ids.sort()).toEqual([queued!.id, running!.id].sort())
    expect((await search(base, `${busy}&${since2000}`)).total).toBe(3)
    const read = await fetch(`${base}/${paused!.id}`).then((r) =>
      json<{ state: Record<string, string> }>(r)
    )
    expect(read.state.current).toBe('PAUSED')
    expect(read.state.endDate).toBeDefined() // State.getEndDate(): a paused run has one
    expect(read.state.startDate).toBe(new Date(paused!.createdAt).toISOString())

    // The emulator's clock (Date) moved on instead of waited for: 200 ms, then 50 ms after the kill.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 200)
    const ended = await fetch(`${base}/${queued!.id}`).then((r) =>
      json<{ state: Record<string, string> }>(r)
    )
    expect(ended.state.current).toBe('FAILED')
    const kill = await fetch(`${base}/${running!.id}/kill`, { method: 'DELETE' })
    expect(kill.status).toBe(202)
    vi.setSystemTime(Date.now() + 50)
    expect((await search(base, `${busy}&${since2000}`)).ids).toEqual([paused!.id])
  })

  it('0.20: flat parameters only; a state its enum lacks fails the binding (400); no date window', async () => {
    const base = await start('0.20.7')
    emulator.seed({
      executions: [
        { namespace: NS, flowId: 'plain', state: 'PAUSED', startedAt: Date.now() - 30 * DAY }
      ]
    })
    expect((await search(base, 'state=BREAKPOINT')).status).toBe(400)
    expect((await search(base, 'state=SUBMITTED')).status).toBe(400)
    expect((await search(base, 'state=PAUSED&state=SKIPPED')).total).toBe(1)
    expect((await search(base, 'namespace=team&state=RUNNING&state=PAUSED')).total).toBe(1)
  })

  it('the 8-day default window: on the flat parameters from 0.22 (and on filters[…]), none on 0.20.7; an explicit startDate lifts it', async () => {
    for (const [version, windowed] of [
      ['0.20.7', false],
      ['0.22.0', true],
      ['1.0.8', true],
      ['1.3.25', true]
    ] as const) {
      const base = await start(version)
      emulator.seed({
        executions: [
          { namespace: NS, flowId: 'plain', state: 'PAUSED', startedAt: Date.now() - 9 * DAY },
          { namespace: NS, flowId: 'plain', state: 'PAUSED', startedAt: Date.now() - 7 * DAY }
        ]
      })
      const flat = `namespace=${NS}&flowId=plain&state=PAUSED`
      expect((await search(base, flat)).total, version).toBe(windowed ? 1 : 2)
      expect((await search(base, `${flat}&startDate=1970-01-01T00:00:00Z`)).total, version).toBe(2)
      if (version === '1.3.25') {
        const filters = `${f('namespace', 'EQUALS', NS)}&${f('flowId', 'IN', 'plain,other')}&${f('state', 'IN', 'PAUSED')}`
        expect((await search(base, filters)).total, version).toBe(1)
        const since = f('startDate', 'GREATER_THAN_OR_EQUAL_TO', '1970-01-01T00:00:00Z')
        expect((await search(base, `${filters}&${since}`)).total, version).toBe(2)
      }
      await emulator.close()
    }
    await start()
  })

  it('each release knows its own states: RETRYING from 0.17, SKIPPED from 0.20, BREAKPOINT from 1.1.4', async () => {
    for (const [version, known, unknown] of [
      ['0.16.0', 'PAUSED', 'RETRYING'],
      ['0.19.0', 'RETRYING', 'SKIPPED'],
      ['0.20.7', 'SKIPPED', 'BREAKPOINT']
    ] as const) {
      const base = await start(version)
      expect((await search(base, `state=${known}`)).status).toBe(200)
      expect((await search(base, `state=${unknown}`)).status).toBe(400)
      await emulator.close()
    }
    const base = await start('1.1.0')
    expect((await search(base, f('state', 'IN', 'RUNNING,BREAKPOINT'))).status).toBe(422)
    expect((await search(base, f('state', 'IN', 'RETRYING,SKIPPED'))).status).toBe(200)
    await emulator.close()
    const current = await start('1.1.4')
    expect((await search(current, f('state', 'IN', NOT_TERMINATED))).status).toBe(200)
  })

  it('search and read answer on 0.13, before the start route (0.15)', async () => {
    const base = await start('0.13.0')
    emulator.seed({ executions: [{ namespace: NS, flowId: 'plain' }] })
    const found = await search(base, 'namespace=team&state=RUNNING')
    expect([found.status, found.total]).toEqual([200, 1])
    expect((await run(base, `${NS}/plain`)).status).toBe(404)
  })
})

describe('the client’s findExecutions', () => {
  for (const version of ['1.3.2', '1.0.8', '0.20.7']) {
    it(`finds the executions of one flow carrying every label, oldest first (Kestra ${version})`, async () => {
      const base = await start(version)
      client = createKestraClient({
        server: emulator.url,
        tenant: 'main',
        auth: { kind: 'none' },
        timeoutSeconds: 5,
        concurrency: 2
      })
      const first = (await run(base, `${NS}/plain`, 'labels=run:r1&labels=line:1')).body.id
      await run(base, `${NS}.child/plain`, 'labels=run:r1&labels=line:1') // a child namespace
      await run(base, `${NS}/plain`, 'labels=run:r1&labels=line:2')
      await run(base, `${NS}/labelled`, 'labels=run:r1&labels=line:1')
      const found = await client.findExecutions({
        namespace: NS,
        flowId: 'plain',
        labels: [
          ['run', 'r1'],
          ['line', '1']
        ]
      })
      expect(found.map((e) => e.id)).toEqual([first])
      expect(found[0]!.labels).toEqual([
        ['run', 'r1'],
        ['line', '1']
      ])
      const legacy = version !== '1.3.2'
      const sent = emulator.requests.find((r) => r.route === 'executions.search')!.query
      expect(Object.keys(sent).some((k) => k.startsWith('filters['))).toBe(!legacy)
    })
  }
})
