/**
 * The search for executions not finished (docs/kestra.md#search-executions): however many namespaces and
 * flows, of whatever name lengths, it finds exactly the executions of the flows named, in the states named,
 * each request line within the 4,096 bytes Micronaut accepts, in as few searches as the names allow; a
 * search of several namespaces that does not end is asked again per namespace.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  listingsApi,
  SEARCHED_NAMES_CHARS,
  type FlowGroup
} from '../../../src/adapters/kestra/listings.js'
import { ScopedHttp } from '../../../src/adapters/kestra/scoped-http.js'
import type {
  HttpRequest,
  HttpResponse,
  Transport
} from '../../../src/adapters/kestra/transport.js'
import { runs } from '../../../test-support/property-runs.js'

interface Row {
  id: string
  namespace: string
  flowId: string
  state: string
}

const STATES = ['RUNNING', 'PAUSED', 'QUEUED']
const encoder = new TextEncoder()

function answer(req: HttpRequest, body: unknown): HttpResponse {
  return {
    method: req.method,
    path: req.path,
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: encoder.encode(JSON.stringify(body)),
    attempts: 1,
    sentBytes: 0
  }
}

/** A Kestra 1.3.25 whose search applies `filters[namespace|flowId|state][IN]` as its JDBC repository does. */
function server(rows: readonly Row[]) {
  const lines: string[] = []
  const transport = {
    send: async (req: HttpRequest): Promise<HttpResponse> => {
      await Promise.resolve()
      const url = new URL(req.path, 'http://kestra')
      if (url.pathname === '/api/v1/configs') return answer(req, { version: '1.3.25' })
      expect(url.pathname).toBe('/api/v1/main/executions/search')
      lines.push(`${req.method} ${req.path} HTTP/1.1`)
      const inList = (field: string) => url.searchParams.get(`filters[${field}][IN]`)!.split(',')
      const [namespaces, flowIds, states] = ['namespace', 'flowId', 'state'].map(inList)
      const matching = rows.filter(
        (row) =>
          namespaces!.includes(row.namespace) &&
          flowIds!.includes(row.flowId) &&
          states!.includes(row.state)
      )
      const size = Number(url.searchParams.get('size'))
      const page = Number(url.searchParams.get('page'))
      const results = matching.slice((page - 1) * size, page * size).map((row) => ({
        id: row.id,
        namespace: row.namespace,
        flowId: row.flowId,
        state: { current: row.state }
      }))
      return answer(req, { results, total: matching.length })
    }
  }
  return {
    listings: listingsApi(new ScopedHttp(transport as unknown as Transport, 'main')),
    lines
  }
}

const nameChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789._-')
const name = (max: number) =>
  fc
    .tuple(
      fc.constantFrom(...'abcxyz09'),
      fc.array(nameChar, { maxLength: max - 1, size: 'medium' })
    )
    .map(([first, rest]) => first + rest.join(''))

/** Groups of distinct namespaces (up to Kestra's 150 characters) and flow ids (up to 100), some shared. */
const groupsArb = fc.uniqueArray(
  fc.record({
    namespace: name(150),
    flowIds: fc.uniqueArray(fc.oneof(name(100), fc.constantFrom('etl', 'load')), {
      minLength: 1,
      maxLength: 60,
      size: 'medium'
    })
  }),
  { selector: (group) => group.namespace, minLength: 1, maxLength: 40 }
)

/** Executions of the flows named, of the same ids in the other namespaces, and in other states. */
function rowsOf(groups: readonly FlowGroup[], picks: readonly number[]): Row[] {
  const namespaces = groups.map((group) => group.namespace)
  const ids = [...new Set(groups.flatMap((group) => group.flowIds))]
  return picks.map((pick, n) => ({
    id: `e${n}`,
    namespace: namespaces[pick % namespaces.length]!,
    flowId: ids[Math.floor(pick / namespaces.length) % ids.length]!,
    state: ['RUNNING', 'PAUSED', 'SUCCESS', 'QUEUED'][pick % 4]!
  }))
}

describe('the search for executions not finished', () => {
  it('finds exactly the executions of the flows named, within the request line, in as few searches as the names allow', async () => {
    await fc.assert(
      fc.asyncProperty(
        groupsArb,
        fc.array(fc.nat({ max: 100_000 }), { maxLength: 300 }),
        async (groups, picks) => {
          const rows = rowsOf(groups, picks)
          const { listings, lines } = server(rows)
          const found = await listings.executionsOf(groups, STATES, false)
          const named = new Set(
            groups.flatMap((g) => g.flowIds.map((id) => `${g.namespace} ${id}`))
          )
          const expected = rows
            .filter(
              (row) => named.has(`${row.namespace} ${row.flowId}`) && STATES.includes(row.state)
            )
            .map((row) => row.id)
            .sort()
          expect(found.map((execution) => execution.id).sort()).toEqual(expected)
          for (const line of lines) expect(encoder.encode(line).length).toBeLessThanOrEqual(4096)
          // Each search but the last is filled past 2,500 − 262 characters of names (a comma sent as %2C
          // counts 3; a pair is at most 256), less a namespace named again where its flows were split.
          const chars = groups.reduce(
            (sum, g) =>
              sum + g.namespace.length + 3 + g.flowIds.reduce((s, id) => s + id.length + 3, 0),
            0
          )
          expect(lines.length).toBeLessThanOrEqual(
            Math.ceil(chars / (SEARCHED_NAMES_CHARS - 262 - 153)) + 1
          )
        }
      ),
      { numRuns: runs(150, 40) }
    )
  })

  it('the bench’s change, 200 flows over 40 namespaces, is 2 searches', async () => {
    const groups = Array.from({ length: 40 }, (_, n) => ({
      namespace: `company.team${n}`,
      flowIds: Array.from({ length: 5 }, (_, i) => `flow${n * 5 + i}`)
    }))
    const { listings, lines } = server([])
    await listings.executionsOf(groups, STATES, false)
    expect(lines).toHaveLength(2)
  })

  it('a namespace with 300 flows of long ids is split, each request line within 4,096 bytes', async () => {
    const flowIds = Array.from({ length: 300 }, (_, n) => `${'daily_ingest_'.repeat(4)}${n}`)
    const rows = flowIds.map((flowId, n) => ({
      id: `e${n}`,
      namespace: 'company.team',
      flowId,
      state: 'RUNNING'
    }))
    const { listings, lines } = server(rows)
    const found = await listings.executionsOf(
      [{ namespace: 'company.team', flowIds }],
      STATES,
      false
    )
    expect(found).toHaveLength(300)
    expect(lines.length).toBeGreaterThan(1)
    for (const line of lines) expect(encoder.encode(line).length).toBeLessThanOrEqual(4096)
  })

  it('a shared search that does not end is asked again per namespace: runs of a flow not named do not count against the bound', async () => {
    // 20,001 runs of `load` in `a`, which only `b` names: the shared search crosses them, b's own does not.
    const crowd = runningCrowd('load')
    const wanted = [
      { id: 'x1', namespace: 'a', flowId: 'etl', state: 'PAUSED' },
      { id: 'x2', namespace: 'b', flowId: 'load', state: 'QUEUED' }
    ]
    const { listings, lines } = server([...crowd, ...wanted])
    const groups = [
      { namespace: 'a', flowIds: ['etl'] },
      { namespace: 'b', flowIds: ['load'] }
    ]
    const found = await listings.executionsOf(groups, STATES, false)
    expect(found.map((execution) => execution.id).sort()).toEqual(['x1', 'x2'])
    expect(lines.at(-1)).toMatch(/namespace%5D%5BIN%5D=(a|b)&/)
  })

  it('runs of the flows named past the bound in one namespace are still an error naming it', async () => {
    const crowd = runningCrowd('etl')
    const { listings } = server(crowd)
    const groups = [
      { namespace: 'a', flowIds: ['etl'] },
      { namespace: 'b', flowIds: ['load'] }
    ]
    await expect(listings.executionsOf(groups, STATES, false)).rejects.toThrow(
      /executions search of a did not end: 40 full pages of 500/
    )
  })
})

/** 20,001 runs of one flow of namespace `a`: one more than the 40 pages of 500 a search reads. */
function runningCrowd(flowId: string) {
  return Array.from({ length: 20_001 }, (_, n) => ({
    id: `crowd${n}`,
    namespace: 'a',
    flowId,
    state: 'RUNNING'
  }))
}
