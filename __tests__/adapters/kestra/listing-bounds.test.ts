/**
 * Every paged listing the action reads (docs/kestra.md#paged-listings) ends within its bound and never
 * hands back a part of the listing as if it were the whole: over servers whose pages are faithful, short
 * (a cap below the size asked for), repeated (a `page` that is ignored, or that sticks from some page on)
 * or endless (always full, always new ids), with a `total` that is absent, right or wrong.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dashboardsApi } from '../../../src/adapters/kestra/dashboards.js'
import { executionsApi } from '../../../src/adapters/kestra/executions.js'
import { filesApi } from '../../../src/adapters/kestra/files.js'
import { listingsApi } from '../../../src/adapters/kestra/listings.js'
import { ScopedHttp } from '../../../src/adapters/kestra/scoped-http.js'
import type {
  HttpRequest,
  HttpResponse,
  Transport
} from '../../../src/adapters/kestra/transport.js'
import { ActionError } from '../../../src/model/errors.js'
import { runs } from '../../../test-support/property-runs.js'

type Pages =
  | { kind: 'faithful' }
  | { kind: 'capped'; cap: number }
  | { kind: 'ignores-page' }
  | { kind: 'sticks-from'; page: number }
  | { kind: 'endless' }

type Total = { kind: 'absent' } | { kind: 'true' } | { kind: 'off-by'; delta: number }

interface Behaviour {
  /** How many items the server truly holds. */
  count: number
  pages: Pages
  total: Total
}

/** One listing as the action reads it: its route, a row of it, the client call and what it returns. */
interface Subject {
  name: RegExp
  path: string
  /** Its page size and bound, as the client sends and keeps them. */
  size: number
  maxPages: number
  row(id: string): unknown
  read(http: ScopedHttp): Promise<string[] | undefined>
}

const subjects: Subject[] = [
  {
    name: /secrets listing/,
    path: '/api/v1/main/secrets',
    size: 500,
    maxPages: 40,
    row: (id) => ({ key: id }),
    read: (http) => listingsApi(http).secretNames()
  },
  {
    name: /secrets listing of team/,
    path: '/api/v1/main/namespaces/team/secrets',
    size: 500,
    maxPages: 40,
    row: (id) => ({ key: id }),
    read: (http) => listingsApi(http).namespaceSecretNames('team')
  },
  {
    name: /KV listing/,
    path: '/api/v1/main/kv',
    size: 500,
    maxPages: 40,
    row: (id) => ({ namespace: 'team', key: id }),
    read: async (http) => (await listingsApi(http).kvKeys(['team'])).map((entry) => entry.key)
  },
  {
    name: /executions search of team/,
    path: '/api/v1/main/executions/search',
    size: 500,
    maxPages: 40,
    row: (id) => ({ id, namespace: 'team', flowId: 'etl', state: { current: 'RUNNING' } }),
    read: async (http) =>
      (
        await listingsApi(http).executionsOf(
          [{ namespace: 'team', flowIds: ['etl'] }],
          ['RUNNING'],
          false
        )
      ).map((e) => e.id)
  },
  {
    name: /executions search of team\.etl/,
    path: '/api/v1/main/executions/search',
    size: 25,
    maxPages: 20,
    row: (id) => ({
      id,
      namespace: 'team',
      flowId: 'etl',
      state: { current: 'RUNNING' },
      labels: [{ key: 'run', value: '1' }]
    }),
    read: async (http) =>
      (
        await executionsApi(http).findExecutions({
          namespace: 'team',
          flowId: 'etl',
          labels: [['run', '1']]
        })
      ).map((e) => e.id)
  },
  {
    name: /dashboards listing/,
    path: '/api/v1/main/dashboards',
    size: 100,
    maxPages: 100,
    row: (id) => ({ id, title: id, sourceCode: `id: ${id}\ntitle: ${id}\n` }),
    read: async (http) => (await dashboardsApi(http).listDashboards())?.map((d) => d.id)
  },
  {
    name: /namespaces search for pr-7/,
    path: '/api/v1/main/namespaces/search',
    size: 100,
    maxPages: 100,
    row: (id) => ({ id: `pr-7.${id}` }),
    read: async (http) =>
      (await listingsApi(http).namespacesStartingWith('pr-7')).map((id) => id.slice(5))
  }
]

const encoder = new TextEncoder()

function answer(req: HttpRequest, status: number, body: unknown): HttpResponse {
  return {
    method: req.method,
    path: req.path,
    status,
    headers: { 'content-type': 'application/json' },
    body: encoder.encode(JSON.stringify(body)),
    attempts: 1,
    sentBytes: 0
  }
}

/** A Kestra 1.3.25 (its configs) whose other routes `route` answers. */
function kestra1325(route: (req: HttpRequest, url: URL) => HttpResponse): ScopedHttp {
  const transport = {
    send: async (req: HttpRequest): Promise<HttpResponse> => {
      await Promise.resolve()
      const url = new URL(req.path, 'http://kestra')
      if (url.pathname === '/api/v1/configs') {
        return answer(req, 200, { version: '1.3.25', edition: 'OSS' })
      }
      return route(req, url)
    }
  }
  return new ScopedHttp(transport as unknown as Transport, 'main')
}

/** A Kestra 1.3.25 whose listing at `subject.path` behaves as told; counts the listing's requests. */
function server(subject: Subject, behaviour: Behaviour) {
  const requests: string[] = []
  const id = (n: number) => `item-${String(n).padStart(6, '0')}`
  const http = kestra1325((req, url) => {
    if (url.pathname !== subject.path) return answer(req, 404, { message: 'Not Found' })
    requests.push(req.path)
    const size = Number(url.searchParams.get('size'))
    let page = Number(url.searchParams.get('page'))
    const { pages, count } = behaviour
    if (pages.kind === 'ignores-page') page = 1
    if (pages.kind === 'sticks-from') page = Math.min(page, pages.page)
    const per = pages.kind === 'capped' ? Math.min(size, pages.cap) : size
    const from = (page - 1) * per
    const ids =
      pages.kind === 'endless'
        ? Array.from({ length: size }, (_, i) => id(from + i))
        : Array.from({ length: Math.max(0, Math.min(per, count - from)) }, (_, i) => id(from + i))
    const total =
      behaviour.total.kind === 'true'
        ? count
        : behaviour.total.kind === 'off-by'
          ? Math.max(0, count + behaviour.total.delta)
          : undefined
    return answer(req, 200, {
      results: ids.map((n) => subject.row(n)),
      ...(total !== undefined && { total })
    })
  })
  return {
    http,
    requests,
    truth: Array.from({ length: behaviour.count }, (_, i) => id(i))
  }
}

/** Whether the client can know the whole listing: what it must then return rather than an error. */
function readable(subject: Subject, { count, pages, total }: Behaviour): boolean {
  const bound = subject.size * subject.maxPages
  if (total.kind === 'off-by' && total.delta > 0) return false
  switch (pages.kind) {
    case 'faithful':
      return count < bound
    case 'capped':
      return count < pages.cap
    case 'ignores-page':
      return count < subject.size
    case 'sticks-from':
      return count < pages.page * subject.size
    case 'endless':
      return false
  }
}

function behaviours(subject: Subject): fc.Arbitrary<Behaviour> {
  const bound = subject.size * subject.maxPages
  const count = fc.oneof(
    fc.nat(subject.size * 3),
    fc.integer({ min: bound - subject.size, max: bound + subject.size })
  )
  const pages: fc.Arbitrary<Pages> = fc.oneof(
    fc.constant({ kind: 'faithful' as const }),
    fc.record({
      kind: fc.constant('capped' as const),
      cap: fc.integer({ min: 1, max: subject.size - 1 })
    }),
    fc.constant({ kind: 'ignores-page' as const }),
    fc.record({ kind: fc.constant('sticks-from' as const), page: fc.integer({ min: 1, max: 5 }) }),
    fc.constant({ kind: 'endless' as const })
  )
  const total: fc.Arbitrary<Total> = fc.oneof(
    fc.constant({ kind: 'absent' as const }),
    fc.constant({ kind: 'true' as const }),
    fc.record({
      kind: fc.constant('off-by' as const),
      delta: fc.integer({ min: -subject.size * 2, max: subject.size * 2 }).filter((d) => d !== 0)
    })
  )
  return fc.record({ count, pages, total }).filter(
    // A page shorter than asked for ends a listing: only the server's total can tell it was capped.
    (b) => b.pages.kind !== 'capped' || b.total.kind === 'true'
  )
}

describe('every paged listing ends within its bound, whole or with an error naming it', () => {
  for (const subject of subjects) {
    it(`${subject.name.source}: whole when the server lets it be read whole, else an error; never more than ${subject.maxPages} pages`, async () => {
      await fc.assert(
        fc.asyncProperty(behaviours(subject), async (behaviour) => {
          const { http, requests, truth } = server(subject, behaviour)
          let result: string[] | undefined
          let failure: unknown
          try {
            result = await subject.read(http)
          } catch (error) {
            failure = error
          }
          expect(requests.length).toBeLessThanOrEqual(subject.maxPages)
          if (failure === undefined) {
            // Never a part as if it were the whole.
            expect([...result!].sort()).toEqual(truth)
          } else {
            expect(failure).toBeInstanceOf(ActionError)
            expect((failure as Error).message).toMatch(subject.name)
            expect((failure as Error).message).toMatch(/Nothing was decided on a part of it/)
          }
          if (readable(subject, behaviour)) expect(failure).toBeUndefined()
          if (behaviour.pages.kind === 'endless') expect(failure).toBeDefined()
        }),
        { numRuns: runs(60, 4) }
      )
    }, 120_000)
  }
})

describe('the namespace files walk (servers without the export) ends within its bound', () => {
  /** A tree: each directory's entries; `loops` makes `/d` hold itself again and again. */
  function walkServer(files: string[], loops: boolean) {
    let requests = 0
    const http = kestra1325((req, url) => {
      requests++
      const path = url.searchParams.get('path') ?? '/'
      if (url.pathname.endsWith('/files/directory')) {
        const dir = path === '/' ? '' : path
        const below = files
          .filter((f) => f.startsWith(`${dir}/`))
          .map((f) => f.slice(dir.length + 1))
        const names = [...new Set(below.map((rest) => rest.split('/')[0]!))]
        const entries = names.map((name) => ({
          fileName: name,
          type: below.includes(name) ? 'File' : 'Directory'
        }))
        if (loops && (path === '/' || path.startsWith('/d')))
          entries.push({ fileName: 'd', type: 'Directory' })
        // A listing may name an entry twice.
        return answer(req, 200, [...entries, ...entries.slice(0, 1)])
      }
      if (url.pathname.endsWith('/files')) {
        return { ...answer(req, 200, ''), body: encoder.encode(path) }
      }
      return answer(req, 404, { message: 'Not Found' })
    })
    return { endpoint: filesApi(http), requests: () => requests }
  }

  it('a tree of more entries than the bound (folders of new folders, each wide): an error, never a part of it', async () => {
    let requests = 0
    const http = kestra1325((req, url) => {
      requests++
      const path = url.searchParams.get('path') ?? '/'
      // Ten wide, four deep: 11,110 folders, past the 10,000 entries the walk reads; a request each, whatever the
      // width, so a wider tree only makes each answer longer.
      const entries = Array.from({ length: 10 }, (_, i) => ({
        fileName: `n${i}`,
        type: 'Directory'
      }))
      return url.pathname.endsWith('/files/directory')
        ? answer(req, 200, path.split('/').length > 4 ? [] : entries)
        : answer(req, 404, { message: 'Not Found' })
    })
    await expect(filesApi(http).listFiles('team')).rejects.toThrow(
      /namespace files of team did not end/
    )
    expect(requests).toBeLessThan(10_100)
  })

  it('a finite tree is read whole, each file once; a directory that holds itself is an error naming the namespace', async () => {
    const segment = fc.constantFrom('a', 'b', 'c', 'd', 'e.txt')
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}.f`),
          { maxLength: 30 }
        ),
        fc.boolean(),
        async (raw, loops) => {
          // A path is a file or a directory, never both.
          const files = raw.filter((f) => !raw.some((g) => g.startsWith(`${f}/`)))
          const { endpoint, requests } = walkServer(files, loops)
          if (loops) {
            await expect(endpoint.listFiles('team')).rejects.toThrow(
              /namespace files of team did not end: .*10000 entries or 64 folders deep/
            )
            expect(requests()).toBeLessThan(10_100)
          } else {
            const listed = await endpoint.listFiles('team')
            expect(listed.map((f) => f.path)).toEqual([...files].sort())
            expect(listed.map((f) => new TextDecoder().decode(f.bytes()))).toEqual(
              [...files].sort()
            )
          }
        }
      ),
      { numRuns: runs(40, 3) }
    )
  }, 120_000)
})
