import { afterEach, describe, expect, it } from 'vitest'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions
} from '../../test-support/kestra-emulator/index.js'
import { json, postYaml } from './http.js'

let emulator: Emulator
afterEach(() => emulator.close())

type Body = Record<string, unknown>

const CHART = `  - id: executions_timeseries
    type: io.kestra.plugin.core.dashboard.chart.TimeSeries
    data:
      type: io.kestra.plugin.core.dashboard.data.Executions
      columns:
        date:
          field: START_DATE
`

function dashboard(id: string | undefined, title = 'Overview', extra = ''): string {
  return `${id === undefined ? '' : `id: ${id}\n`}title: ${title}\n${extra}charts:\n${CHART}`
}

async function start(options: EmulatorOptions = {}): Promise<string> {
  emulator = await startEmulator({ version: '1.3.25', ...options })
  return `${emulator.url}/api/v1/main/dashboards`
}

async function error(response: Response): Promise<{ status: number; message: string }> {
  return { status: response.status, message: (await json<{ message: string }>(response)).message }
}

describe('dashboards: create and read (1.3)', () => {
  it('creates with 200 (not 201) and answers DashboardResponse, sourceCode as sent', async () => {
    const P = await start()
    const source = dashboard('ops', 'Ops', 'description: Team view\n')
    const created = await postYaml(P, source)
    expect(created.status).toBe(200)
    const body = await json<Body>(created)
    expect(body).toMatchObject({
      tenantId: 'main',
      id: 'ops',
      title: 'Ops',
      description: 'Team view',
      timeWindow: { default: 'PT720H', max: 'PT8784H' },
      deleted: false,
      sourceCode: source
    })
    expect(body.created).toBe(body.updated)
    expect((body.charts as Body[])[0]).toMatchObject({ id: 'executions_timeseries' })
    expect(await json(await fetch(`${P}/ops`))).toEqual(body)
    expect(emulator.snapshot().dashboards).toEqual([
      { tenant: 'main', id: 'ops', source, deleted: false }
    ])
  })

  it('refuses an id that exists with 422 "Dashboard id already exists", never 409', async () => {
    const P = await start()
    await postYaml(P, dashboard('ops'))
    const again = await postYaml(P, dashboard('ops', 'Other'))
    expect(again.status).toBe(422)
    const body = await json<Body>(again)
    expect(body.message).toBe('Invalid entity: dashboard.id: Dashboard id already exists')
    expect(body._embedded).toEqual({
      errors: [{ message: 'Dashboard id already exists', path: 'dashboard.id' }]
    })
  })

  it('refuses a YAML without id with 422 "Dashboard id is mandatory"', async () => {
    const P = await start()
    expect(await error(await postYaml(P, dashboard(undefined)))).toEqual({
      status: 422,
      message: 'Illegal argument: Dashboard id is mandatory'
    })
    expect(emulator.snapshot().dashboards).toEqual([])
  })

  it('answers bean violations with 422 "Invalid entity" naming each path', async () => {
    const P = await start()
    const source = `id: ops\ntimeWindow:\n  default: P400D\n  max: P10D\ncharts:\n  - id: _bad\n    type: io.kestra.plugin.core.dashboard.chart.Table\n`
    const refused = await postYaml(P, source)
    expect(refused.status).toBe(422)
    const body = await json<{ message: string; _embedded: { errors: Body[] } }>(refused)
    expect(body._embedded.errors).toEqual([
      { path: 'title', message: 'must not be null' },
      { path: 'title', message: 'must not be blank' },
      {
        path: 'timeWindow.defaultDuration',
        message: "Time window can't be more than 1 year (366 days)."
      },
      {
        path: 'timeWindow',
        message: "Invalid data chart: Default duration can't exceed max duration"
      },
      { path: 'charts[0].id', message: 'must match "^[a-zA-Z0-9][a-zA-Z0-9_-]*"' }
    ])
    expect(body.message).toMatch(/^Invalid entity: title: must not be null, title: must not be/)
  })

  it('refuses an unknown field, an unknown chart type and a non-Java duration while binding', async () => {
    const P = await start()
    const cases: [string, string][] = [
      [
        dashboard('a', 'A', 'layout: grid\n'),
        'Invalid entity: Unrecognized field "layout" (class io.kestra.core.models.dashboards.Dashboard), not marked as ignorable'
      ],
      [
        'id: a\ntitle: A\ncharts:\n  - id: c\n    type: io.kestra.plugin.core.dashboard.chart.UnknownChart\n',
        'Invalid entity: Invalid type: io.kestra.plugin.core.dashboard.chart.UnknownChart'
      ],
      [
        'id: a\ntitle: A\ncharts:\n  - id: c\n    type: not a class\n',
        'Invalid entity: Invalid type: not a class'
      ],
      [
        'id: a\ntitle: A\ntimeWindow:\n  max: P1M\n',
        'Invalid entity: Illegal dashboard source: YAML parsing error: Cannot deserialize value of type `java.time.Duration` from "P1M"'
      ],
      [
        'id: a\ntitle: A\ntitle: B\n',
        'Invalid entity: Illegal dashboard source: YAML parsing error: Map keys must be unique (at line 3)'
      ]
    ]
    for (const [source, message] of cases) {
      expect(await error(await postYaml(P, source))).toEqual({ status: 422, message })
    }
  })

  it('matches a chart id as written (Jackson hands a number its text), refuses sequences and mappings for text and a non-sequence charts', async () => {
    const P = await start()
    const chart = (id: string) =>
      `id: a\ntitle: A\ncharts:\n  - id: ${id}\n    type: io.kestra.plugin.core.dashboard.chart.Table\n`
    for (const id of ['+5', '1.50', '-1', '.5']) {
      const body = await json<{ _embedded: { errors: Body[] } }>(await postYaml(P, chart(id)))
      expect(body._embedded.errors, id).toEqual([
        { path: 'charts[0].id', message: 'must match "^[a-zA-Z0-9][a-zA-Z0-9_-]*"' }
      ])
    }
    expect((await postYaml(P, chart('007'))).status).toBe(200)
    const refused: [string, string][] = [
      ['id: [a]\ntitle: A\n', 'java.lang.String` from Array value'],
      ['id: a\ntitle: {text: A}\n', 'java.lang.String` from Object value'],
      [chart('[x]'), 'java.lang.String` from Array value'],
      [
        'id: a\ntitle: A\ncharts:\n  id: c\n',
        'java.util.List<io.kestra.core.models.dashboards.charts.Chart<?>>` from Object value'
      ]
    ]
    for (const [source, end] of refused) {
      const { status, message } = await error(await postYaml(P, source))
      expect(status).toBe(422)
      expect(message).toMatch(
        /^Invalid entity: Illegal dashboard source: YAML parsing error: Cannot deserialize value of type `/
      )
      expect(message.endsWith(end), message).toBe(true)
    }
    expect(emulator.snapshot().dashboards.map((d) => d.id)).toEqual(['a'])
  })

  it('answers 415 for a body that is not application/x-yaml', async () => {
    const P = await start()
    const response = await fetch(P, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"id":"a"}'
    })
    expect(response.status).toBe(415)
  })

  it('hides deleted dashboards from GET (404) and prepends the id line to a stored YAML without one', async () => {
    const P = await start()
    emulator.seed({
      dashboards: [
        { id: 'legacy', source: 'title: Legacy\n' },
        { source: dashboard('gone'), deleted: true }
      ]
    })
    const legacy = await json<Body>(await fetch(`${P}/legacy`))
    expect(legacy.sourceCode).toBe('id: legacy\ntitle: Legacy\n')
    const listed = await json<{ results: Body[] }>(await fetch(P))
    expect(listed.results[0].sourceCode).toBe('title: Legacy\n')
    expect((await fetch(`${P}/gone`)).status).toBe(404)
    expect((await fetch(`${P}/nope`)).status).toBe(404)
  })
})

describe('dashboards: validate', () => {
  it('answers one object, never an array and never a 422, with constraints only when invalid', async () => {
    const P = await start()
    const valid = await postYaml(`${P}/validate`, dashboard('ops'))
    expect(valid.status).toBe(200)
    expect(await json(valid)).toEqual({ index: 0, outdated: false })
    const invalid = await postYaml(`${P}/validate`, dashboard('ops', '""'))
    expect(invalid.status).toBe(200)
    expect(await json(invalid)).toEqual({
      index: 0,
      outdated: false,
      constraints: 'title: must not be blank'
    })
    expect(await json(await postYaml(`${P}/validate`, 'title: x\n'))).toEqual({
      index: 0,
      outdated: false,
      constraints: 'id: must not be null, id: must not be blank'
    })
    expect(emulator.snapshot().dashboards).toEqual([])
  })
})

describe('dashboards: update', () => {
  it('answers 404 with an empty body for an unknown or deleted id', async () => {
    const P = await start()
    emulator.seed({ dashboards: [{ source: dashboard('gone'), deleted: true }] })
    for (const id of ['nope', 'gone']) {
      const response = await postYaml(`${P}/${id}`, dashboard(id), 'PUT')
      expect(response.status).toBe(404)
      expect(await response.text()).toBe('')
    }
  })

  it('refuses another id with 422 and a YAML without id with a 500 NullPointerException', async () => {
    const P = await start()
    await postYaml(P, dashboard('ops'))
    const other = await postYaml(`${P}/ops`, dashboard('other'), 'PUT')
    expect(await error(other)).toEqual({
      status: 422,
      message: 'Invalid entity: dashboard.id: Illegal dashboard id update'
    })
    const noId = await error(await postYaml(`${P}/ops`, dashboard(undefined), 'PUT'))
    expect(noId.status).toBe(500)
    expect(noId.message).toMatch(/^Internal server error: Cannot invoke "String\.equals\(Object\)"/)
  })

  it('keeps identical bytes unchanged and bumps updated (created kept) on any other text', async () => {
    const P = await start()
    const source = dashboard('ops')
    const created = await json<Body>(await postYaml(P, source))
    await new Promise((resolve) => setTimeout(resolve, 5))
    const same = await json<Body>(await postYaml(`${P}/ops`, source, 'PUT'))
    expect(same.updated).toBe(created.updated)
    const spaced = await json<Body>(await postYaml(`${P}/ops`, `${source}\n`, 'PUT'))
    expect(spaced.created).toBe(created.created)
    expect(Date.parse(String(spaced.updated))).toBeGreaterThan(Date.parse(String(created.updated)))
    expect(spaced.sourceCode).toBe(`${source}\n`)
  })
})

describe('dashboards: delete', () => {
  it('answers 204, keeps the row soft-deleted, and 409 "doesn\'t exists" for a missing id', async () => {
    const P = await start()
    await postYaml(P, dashboard('ops'))
    const deleted = await fetch(`${P}/ops`, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect(emulator.snapshot().dashboards).toMatchObject([{ id: 'ops', deleted: true }])
    for (const id of ['ops', 'nope']) {
      expect(await error(await fetch(`${P}/${id}`, { method: 'DELETE' }))).toEqual({
        status: 409,
        message: `Illegal state: Dashboard ${id} doesn't exists`
      })
    }
    expect((await postYaml(P, dashboard('ops'))).status).toBe(200)
  })
})

describe('dashboards: list', () => {
  it('pages live dashboards with a total, filters on q, and refuses page or size below 1', async () => {
    const P = await start()
    for (const id of ['a', 'b', 'c']) await postYaml(P, dashboard(id, `Title ${id}`))
    await fetch(`${P}/b`, { method: 'DELETE' })
    const page = await json<{ results: Body[]; total: number }>(await fetch(`${P}?page=2&size=1`))
    expect(page.total).toBe(2)
    expect(page.results.map((d) => d.id)).toEqual(['c'])
    const found = await json<{ results: Body[] }>(await fetch(`${P}?q=TITLE%20A`))
    expect(found.results.map((d) => d.id)).toEqual(['a'])
    const sorted = await json<{ results: Body[] }>(await fetch(`${P}?sort=id:desc`))
    expect(sorted.results.map((d) => d.id)).toEqual(['c', 'a'])
    for (const query of ['page=0', 'size=0']) {
      expect((await fetch(`${P}?${query}`)).status).toBe(422)
    }
  })
})

describe('dashboards: versions', () => {
  it('is a 404 route miss on OSS before 1.3 and on 0.19', async () => {
    for (const [version, prefix] of [
      ['1.2.5', '/api/v1/main'],
      ['0.20.7', '/api/v1']
    ]) {
      emulator = await startEmulator({ version })
      expect((await fetch(`${emulator.url}${prefix}/dashboards`)).status).toBe(404)
      await emulator.close()
    }
    emulator = await startEmulator({ version: '0.19.0', edition: 'EE' })
    expect((await fetch(`${emulator.url}/api/v1/dashboards`)).status).toBe(404)
  })

  it('assigns its own ids on EE 0.20 → 0.24 and refuses one in the YAML', async () => {
    emulator = await startEmulator({ version: '0.24.5', edition: 'EE' })
    const P = `${emulator.url}/api/v1/main/dashboards`
    expect(await error(await postYaml(P, dashboard('ops')))).toEqual({
      status: 422,
      message: 'Illegal argument: Dashboard id is not editable'
    })
    const created = await json<Body>(await postYaml(P, dashboard(undefined)))
    expect(created.id).toMatch(/^[0-9A-Za-z]{22}$/)
    expect(created).not.toHaveProperty('sourceCode')
    expect((await fetch(`${P}/nope`, { method: 'DELETE' })).status).toBe(404)
  })

  it('serves sourceCode only from the configured boundary, and OSS dashboards from another one', async () => {
    const P = await start({ version: '1.3.2' })
    const plain = await json<Body>(await postYaml(P, dashboard('ops')))
    expect(plain).not.toHaveProperty('sourceCode')
    await emulator.close()
    const early = await start({ version: '1.3.2', boundaries: { dashboardSourceCode: '1.3.0' } })
    expect(await json<Body>(await postYaml(early, dashboard('ops')))).toHaveProperty('sourceCode')
    await emulator.close()
    const older = await start({ version: '0.24.5', boundaries: { ossDashboards: '0.24.0' } })
    expect((await postYaml(older, dashboard(undefined))).status).toBe(200)
  })

  it('takes ids from the YAML from 1.0 (mandatory there), on EE and on an OSS boundary set that early', async () => {
    for (const options of [
      { version: '1.0.0', edition: 'EE' as const },
      { version: '1.2.0', edition: 'EE' as const },
      { version: '1.0.5', boundaries: { ossDashboards: '1.0.0' } }
    ]) {
      const P = await start(options)
      expect(await error(await postYaml(P, dashboard(undefined)))).toEqual({
        status: 422,
        message: 'Illegal argument: Dashboard id is mandatory'
      })
      expect((await json<Body>(await postYaml(P, dashboard('ops')))).id).toBe('ops')
      await emulator.close()
    }
  })
})
