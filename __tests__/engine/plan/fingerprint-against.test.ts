/**
 * The plan fingerprint covers the server and tenant the plan was computed against (docs/plan.md#fingerprint):
 * over any plan and any pair of servers and tenants, a different server or tenant gives a different fingerprint,
 * the same inputs the same one, and a reviewed plan's record names what moved (`server`, `tenant`, reviewed → now)
 * in the refusal's lines. The bundled action's refusal is __tests__/e2e/security/fingerprint-server.test.ts.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../../src/engine/plan/build.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'
import { planRecord, recordDifferences } from '../../../src/model/plan-record.js'
import { desiredFlow, flowSource, planInput, remoteFlow } from './fixtures.js'
import { runs } from '../../../test-support/property-runs.js'

const servers = fc.constantFrom(
  'https://kestra.example.com',
  'https://kestra.example.com/kestra',
  'http://kestra.internal:8080',
  'https://staging.kestra.example.com',
  'http://127.0.0.1:8080',
  'http://localhost:8080'
)
const tenants = fc.constantFrom('main', 'staging', 'team-a', 'prod_1')

/** A plan of up to three flows, some created, some updated, some unchanged. */
const plans = fc
  .array(fc.record({ id: fc.constantFrom('a', 'b', 'c'), server: fc.nat({ max: 2 }) }), {
    minLength: 1,
    maxLength: 3
  })
  .map((flows) => {
    const unique = [...new Map(flows.map((f) => [f.id, f])).values()]
    return {
      deleteEnabled: false,
      flows: unique.map((f) => desiredFlow('company.team', f.id)),
      actual: {
        'company.team': {
          flows: unique
            .filter((f) => f.server > 0)
            .map((f) =>
              remoteFlow(
                'company.team',
                f.id,
                f.server === 1
                  ? flowSource('company.team', f.id, 'old')
                  : flowSource('company.team', f.id),
                3
              )
            )
        }
      }
    }
  })

const planned = (resources: Parameters<typeof planInput>[0], server: string, tenant: string) =>
  buildPlan({ ...planInput(resources), against: { server, tenant } }, DECIDE_KINDS)

/** The settings a plan records for its server and tenant (the defaults left out, as `Settings.recorded`). */
const recorded = (server: string, tenant: string) => ({
  server,
  ...(tenant !== 'main' && { tenant })
})

describe('the fingerprint and where the plan was computed', () => {
  it('differs for any other server or tenant, is equal for the same, and the refusal names what moved', () => {
    fc.assert(
      fc.property(plans, servers, tenants, servers, tenants, (resources, s1, t1, s2, t2) => {
        const reviewed = planned(resources, s1, t1)
        const now = planned(resources, s2, t2)
        expect(planned(resources, s1, t1).fingerprint).toBe(reviewed.fingerprint)
        if (s1 === s2 && t1 === t2) {
          expect(now.fingerprint).toBe(reviewed.fingerprint)
          return
        }
        expect(now.fingerprint).not.toBe(reviewed.fingerprint)
        const lines = recordDifferences(
          planRecord(reviewed, 'c1', recorded(s1, t1)),
          planRecord(now, 'c1', recorded(s2, t2))
        )
        const named = lines.filter((line) => /^ {2}(server|tenant):/.test(line))
        expect(named.map((line) => line.trim().split(':')[0]).sort()).toEqual(
          [...(s1 !== s2 ? ['server'] : []), ...(t1 !== t2 ? ['tenant'] : [])].sort()
        )
        if (s1 !== s2) {
          expect(lines).toContain(
            `  server: ${JSON.stringify(s1)} (reviewed) → ${JSON.stringify(s2)} (now)`
          )
        }
      }),
      { numRuns: runs(200, 50) }
    )
  })

  it('is the plan of no server when none is set (validate): as before', () => {
    const resources = {
      deleteEnabled: false,
      flows: [desiredFlow('company.team', 'a')],
      actual: {}
    }
    const without = buildPlan(planInput(resources), DECIDE_KINDS)
    expect(without.fingerprint).not.toBe(
      planned(resources, 'https://kestra.example.com', 'main').fingerprint
    )
  })
})
