import { describe, expect, it } from 'vitest'
import { writeLog } from '../../src/commands/deploy-report.js'
import { countPlan, type Plan, type ResourceChange } from '../../src/model/plan.js'
import type { Reporter } from '../../src/report/reporter.js'

const created = (id: string): ResourceChange =>
  ({ kind: 'flow', namespace: 'company.team', id, action: 'create' }) as ResourceChange

function logged(order: readonly string[], finished: readonly string[]): string[] {
  const resources = order.map(created)
  const plan: Plan = {
    resources,
    namespaces: ['company.team'],
    counts: countPlan(resources),
    fingerprint: 'f'
  }
  const lines: string[] = []
  const reporter = {
    info: (line: string) => lines.push(line),
    group: () => undefined,
    endGroup: () => undefined,
    progress: () => undefined
  } as unknown as Reporter
  const log = writeLog(plan, reporter)
  for (const id of finished) {
    log({ change: resources[order.indexOf(id)]!, result: 'created', revision: 1 })
  }
  return lines
}

describe("the deploy's log", () => {
  // Found by __tests__/e2e/incremental-deploy-property.test.ts (seed 4242, [deploy, attributes]): two deploys of
  // the same plan logged a namespace's writes in the order they ended, which a loaded machine reorders.
  it("lists a namespace's writes in the plan's order, whichever write ended first", () => {
    const order = ['alpha', 'beta', 'child', 'gamma']
    expect(logged(order, ['gamma', 'alpha', 'child', 'beta'])).toEqual(
      logged(order, ['alpha', 'beta', 'child', 'gamma'])
    )
    expect(logged(order, ['gamma', 'alpha', 'child', 'beta'])[0]).toBe(
      'flow company.team.alpha: created (revision 1)'
    )
  })
})
