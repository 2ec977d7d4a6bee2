/**
 * Dashboard ids that no request path can address exactly (docs/kestra.md#path-segments), through the
 * bundled action: a server dashboard with id `..` is never reported deleted while the server holds it, and
 * a repository dashboard with such an id is an error on its line before any write.
 */
import { describe, expect, it } from 'vitest'
import {
  dashboard,
  deployed,
  failureText,
  HELLO,
  liveDashboards,
  NS,
  onDashStage,
  OPS,
  planRun,
  PR,
  pushRun,
  SALES,
  SALES_V2,
  writes
} from './dashboards-stage.js'

const BASE = { [`${NS}/flows/hello.yml`]: HELLO, 'dashboards/sales.yml': SALES }

describe('a dashboard whose id is a dot segment', () => {
  for (const id of ['..', '.', 'a/b']) {
    it(`on the server (${JSON.stringify(id)}), with delete: true: kept, named, never reported deleted`, async () => {
      const odd = dashboard(JSON.stringify(id), 'Odd')
      await onDashStage(
        {
          base: BASE,
          change: { 'dashboards/sales.yml': SALES_V2 },
          seed: { dashboards: [{ source: odd }] }
        },
        async (s) => {
          const result = await pushRun(s, { delete: 'true' })
          expect(result.exitCode, result.stdout + result.stderr).toBe(0)
          expect(liveDashboards(s.kestra)[id]).toBe(odd)
          expect(liveDashboards(s.kestra).sales).toBe(SALES_V2)
          expect(deployed(result.summary, id)).not.toBe('deleted')
          expect(result.summary).not.toMatch(/\| deleted \|/)
          const warning = result.annotations.find(
            (a) => a.severity === 'warning' && a.message.includes('cannot be addressed')
          )
          expect(warning?.message).toContain(`dashboard ${JSON.stringify(id)}`)
          expect(writes(s.kestra).map((r) => r.route)).not.toContain('dashboards.delete')
          // No request went to a route other than the one it names.
          expect(s.kestra.requests.filter((r) => r.route === 'unmatched')).toEqual([])
        }
      )
    })
  }

  it('in the repository: an error on its id line, on the pull request and on push, and nothing written', async () => {
    const odd = dashboard("'..'", 'Odd')
    await onDashStage(
      { base: BASE, change: { 'dashboards/odd.yml': odd, 'dashboards/ops.yml': OPS } },
      async (s) => {
        const plan = await planRun(s)
        expect(plan.exitCode).toBe(1)
        const onLine = plan.annotations.find((a) => a.file === 'dashboards/odd.yml')
        expect(onLine).toMatchObject({ severity: 'error', line: 1 })
        expect(onLine!.message).toContain(`dashboard id ".." cannot be addressed`)
        expect(s.github.comments(PR)[0]!.body).toContain('cannot be addressed')
        const before = s.kestra.requests.length
        const push = await pushRun(s, { delete: 'true' })
        expect(push.exitCode).toBe(1)
        expect(failureText(push)).toMatch(/dashboards\/odd\.yml/)
        expect(writes(s.kestra)).toEqual([])
        expect(s.kestra.requests.slice(before).filter((r) => r.route === 'unmatched')).toEqual([])
        expect(Object.keys(liveDashboards(s.kestra)).sort()).toEqual(['sales'])
      }
    )
  })
})
