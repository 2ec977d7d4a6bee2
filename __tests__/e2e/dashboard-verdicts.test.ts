/**
 * Dashboard validate verdicts in 2.0's shape and in shapes the action cannot read, through the bundled
 * action (docs/dashboards.md#checks): 2.0's `errors` list lands on the lines it names; an answer that cannot
 * be read is an error naming the dashboard (or the flow, for flows' verdicts), and a deploy writes nothing at
 * all (no file, flow or marker).
 */
import { describe, expect, it } from 'vitest'
import {
  HELLO,
  HELLO_V2,
  liveDashboards,
  NS,
  onDashStage,
  OPS,
  planRun,
  pushRun,
  SALES,
  writes
} from './dashboards-stage.js'

const BASE = { [`${NS}/flows/hello.yml`]: HELLO, 'dashboards/sales.yml': SALES }
const WINDOW = `id: window
title: Window
timeWindow:
  default: P400D
  max: P500D
charts: []
`

describe("the dashboards validate endpoint's verdict", () => {
  it("2.0's errors list: each error on the line it names, and a deploy of them writes nothing", async () => {
    const change = { [`${NS}/flows/hello.yml`]: HELLO_V2, 'dashboards/window.yml': WINDOW }
    await onDashStage({ base: BASE, change, emulator: { validateErrorsList: true } }, async (s) => {
      const plan = await planRun(s)
      expect(plan.exitCode).toBe(1)
      const validate = s.kestra.requests.filter((r) => r.route === 'dashboards.validate')
      expect(validate.length).toBeGreaterThan(0)
      const at = (line: number) =>
        plan.annotations.find(
          (a) => a.severity === 'error' && a.file === 'dashboards/window.yml' && a.line === line
        )?.message
      expect(at(4)).toContain("Time window can't be more than 1 year (366 days).")
      expect(at(5)).toContain("Time window can't be more than 1 year (366 days).")
      s.kestra.clearLog()
      const deploy = await pushRun(s)
      expect(deploy.exitCode).toBe(1)
      expect(writes(s.kestra)).toEqual([])
    })
  })

  it("2.0's shape for a valid dashboard: deployed", async () => {
    await onDashStage(
      {
        base: BASE,
        change: { 'dashboards/ops.yml': OPS },
        emulator: { validateErrorsList: true }
      },
      async (s) => {
        const deploy = await pushRun(s)
        expect(deploy.exitCode, deploy.stdout).toBe(0)
        expect(liveDashboards(s.kestra).ops).toBe(OPS)
      }
    )
  })

  const UNREADABLE: [string, unknown][] = [
    ['constraints as an object', { index: 0, outdated: false, constraints: { title: 'bad' } }],
    ['constraints as a list', { index: 0, outdated: false, constraints: ['title: bad'] }],
    ['errors as an object', { index: 0, outdated: false, errors: { detail: 'bad' } }],
    ['an errors item without a detail', { index: 0, outdated: false, errors: [{ path: 'title' }] }],
    ['no outdated', { index: 0 }],
    ['a list', [{ index: 0, outdated: false }]],
    ['no JSON', '<html><body>502 Bad Gateway</body></html>']
  ]
  for (const [shape, answer] of UNREADABLE) {
    it(`an answer the action cannot read (${shape}) is an error naming the dashboard, and nothing is written`, async () => {
      const change = {
        [`${NS}/flows/hello.yml`]: HELLO_V2,
        [`${NS}/files/data.txt`]: 'data\n',
        'dashboards/ops.yml': OPS
      }
      await onDashStage({ base: BASE, change }, async (s) => {
        s.kestra.inject({
          route: 'dashboards.validate',
          status: 200,
          times: 100,
          body: typeof answer === 'string' ? answer : JSON.stringify(answer)
        })
        const deploy = await pushRun(s, { delete: 'true' })
        expect(deploy.exitCode).toBe(1)
        const error = deploy.annotations.find(
          (a) => a.severity === 'error' && a.file === 'dashboards/ops.yml'
        )
        expect(error?.message).toMatch(
          /dashboard "ops": the server's validation answer could not be read \(/
        )
        expect(writes(s.kestra)).toEqual([])
        expect(deploy.outputs.deployed).toBe('false')
      })
    })
  }

  it("a flow's verdict the action cannot read (constraints as an object) is an error on that flow, not blamed on it, and nothing is written", async () => {
    const change = { [`${NS}/flows/hello.yml`]: HELLO_V2, 'dashboards/ops.yml': OPS }
    await onDashStage({ base: BASE, change }, async (s) => {
      s.kestra.inject({
        route: 'flows.validate',
        status: 200,
        times: 100,
        body: JSON.stringify([{ index: 0, outdated: false, constraints: { tasks: 'bad' } }])
      })
      const deploy = await pushRun(s)
      expect(deploy.exitCode).toBe(1)
      const error = deploy.annotations.find(
        (a) => a.severity === 'error' && a.file === `${NS}/flows/hello.yml`
      )
      expect(error?.message).toContain(
        "Kestra could not validate this flow: the server's validation answer could not be read"
      )
      // The server's answer is at fault, not the flow.
      expect(error?.message).not.toMatch(/Fix the flow|rejects this flow/)
      expect(error?.line).toBe(1)
      expect(writes(s.kestra)).toEqual([])
    })
  })
})
