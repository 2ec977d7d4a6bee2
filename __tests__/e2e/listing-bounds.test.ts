/**
 * Every listing ends (docs/kestra.md#paged-listings): a dashboards listing whose pages are always full, with
 * new ids and no `total`, or that answers the same page whatever `page` asks, stops at its bound (or at
 * the first page that brings nothing new) with an error naming the listing and what to do, before any
 * write; a listing within its bound is read whole.
 */
import { describe, expect, it } from 'vitest'
import type { Fault } from '../../test-support/kestra-emulator/index.js'
import {
  dashboardRequests,
  failureText,
  HELLO,
  HELLO_V2,
  NS,
  onDashStage,
  OPS,
  planRun,
  pushRun,
  SALES,
  SALES_V2,
  writes,
  type DashStageOptions
} from './dashboards-stage.js'

const STAGE: DashStageOptions = {
  base: { [`${NS}/flows/hello.yml`]: HELLO, 'dashboards/sales.yml': SALES },
  change: {
    [`${NS}/flows/hello.yml`]: HELLO_V2,
    'dashboards/sales.yml': SALES_V2,
    'dashboards/ops.yml': OPS
  }
}

/** Every listing request answered by `page(n)`, n counting from 1. */
function listingFault(page: (n: number) => unknown): Fault {
  let n = 0
  return { route: 'dashboards.list', times: 1_000_000, status: 200, bodyFrom: () => page(++n) }
}

const fullPage = (from: number) =>
  Array.from({ length: 100 }, (_, i) => ({ id: `d${from + i}`, title: 'x', charts: [] }))

describe('a dashboards listing that never ends', () => {
  it('always full, always new ids, no total: stops at 100 pages with an error naming it, before any write', async () => {
    await onDashStage(STAGE, async (s) => {
      s.kestra.inject(listingFault((n) => ({ results: fullPage(n * 100) })))
      const planned = await planRun(s)
      expect(planned.exitCode).toBe(1)
      expect(failureText(planned)).toMatch(
        /dashboards listing did not end: 100 full pages of 100 were read \(10000 items\)/
      )
      expect(failureText(planned)).toMatch(/delete the ones no one uses|honours the page and size/)
      const listed = dashboardRequests(s.kestra).filter((r) => r.route === 'dashboards.list')
      expect(listed.length).toBeLessThanOrEqual(100)

      s.kestra.clearLog()
      const pushed = await pushRun(s)
      expect(pushed.exitCode).toBe(1)
      expect(pushed.outputs.deployed).not.toBe('true')
      expect(writes(s.kestra)).toEqual([])
      expect(failureText(pushed)).toMatch(/dashboards listing did not end/)
    })
  })

  it('the same full page whatever page is asked (a proxy that drops the query): stops at the second page', async () => {
    await onDashStage(STAGE, async (s) => {
      s.kestra.inject(listingFault(() => ({ results: fullPage(0), total: 5000 })))
      const pushed = await pushRun(s)
      expect(pushed.exitCode).toBe(1)
      expect(writes(s.kestra)).toEqual([])
      expect(failureText(pushed)).toMatch(
        /dashboards listing \(GET \/api\/v1\/main\/dashboards\) answered page 2 with nothing it had not already sent/
      )
      expect(dashboardRequests(s.kestra).filter((r) => r.route === 'dashboards.list')).toHaveLength(
        2
      )
    })
  })

  it('a total larger than the pages hold: an error, not a part of the listing taken as the whole', async () => {
    await onDashStage(STAGE, async (s) => {
      s.kestra.inject(
        listingFault((n) => ({
          results: n === 1 ? [{ id: 'sales', title: 'Sales', charts: [] }] : [],
          total: 250
        }))
      )
      const pushed = await pushRun(s)
      expect(pushed.exitCode).toBe(1)
      expect(writes(s.kestra)).toEqual([])
      expect(failureText(pushed)).toMatch(
        /dashboards listing .* announced 250 but its pages held 1/
      )
    })
  })
})
