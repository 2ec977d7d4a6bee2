/**
 * A tenant other than `main` whose server's version probe gives nothing usable (docs/kestra.md#tenant-prefix),
 * through the bundled action against an open-source emulator that would serve that tenant as `main`: on a pull
 * request and on push, for each kind of unusable answer (an error status, a page that is not JSON, no version, a
 * reset), the step fails naming the tenant; nothing is written to Kestra, no request but the probe leaves, and no
 * plan is shown (no comment, no plan file, no counts).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Fault } from '../../../test-support/kestra-emulator/index.js'
import { flow } from '../../../test-support/scenario.js'
import { failureText, startStage, type Stage } from '../reliability/stage.js'

const NS = 'company.team'

const PROBES: { name: string; fault: Omit<Fault, 'route' | 'times'> }[] = [
  { name: '500', fault: { status: 500 } },
  { name: '404', fault: { status: 404 } },
  { name: 'an HTML page', fault: { status: 200, body: '<html>proxy login</html>' } },
  { name: 'no version', fault: { status: 200, body: { edition: 'EE' } } },
  { name: 'a reset connection', fault: { reset: true } }
]

let stage: Stage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

describe.each(['plan', 'deploy'] as const)('tenant staging on %s', (mode) => {
  it.each(PROBES)(
    'a probe answering $name: refused, nothing read as the tenant or written',
    async ({ fault }) => {
      // The emulator is open-source 1.3: it would serve 'staging' as 'main'.
      const started = await startStage({
        base: { [`${NS}/flows/a.yml`]: flow(NS, 'a') },
        change: { [`${NS}/flows/a.yml`]: flow(NS, 'a', ' v2') }
      })
      stage = started
      const before = JSON.stringify(started.kestra.snapshot().flows)
      const mark = started.kestra.requests.length
      started.kestra.inject({ route: 'configs', times: 100, ...fault })
      const result = await started[mode]({ tenant: 'staging' })
      expect(result.exitCode).toBe(1)
      expect(failureText(result)).toMatch(
        /Input 'tenant': the server's version probe \(GET \/api\/v1\/configs\) .*'staging' could be written into 'main'\. Nothing was read or written as 'staging'/
      )
      expect(started.since(mark).filter((r) => r.route !== 'configs')).toEqual([])
      expect(JSON.stringify(started.kestra.snapshot().flows)).toBe(before)
      expect(started.github.comments(7)).toEqual([])
      expect(result.outputs['plan-file']).toBeUndefined()
      expect(result.outputs['has-changes']).toBeUndefined()
    }
  )
})
