/**
 * The guard right before the first write (docs/caught-at-review.md#executions-not-finished), with every read
 * failing in turn: `fail` and `wait` never let a deploy go on unchecked.
 */
import { describe, expect, it } from 'vitest'
import { DeployError } from '../../../src/model/errors.js'
import { guardUnfinished, type UnfinishedGuard } from '../../../src/resources/flows/apply.js'
import { flowKey } from '../../../src/model/targets.js'
import type { UnfinishedExecution } from '../../../src/model/plan.js'

const ETL = { namespace: 'company.team', id: 'etl' }
const RUNNING: UnfinishedExecution = {
  id: 'e1',
  state: 'RUNNING',
  url: 'http://k/ui/main/executions/company.team/etl/e1'
}

/** A guard whose k-th read answers `answers[k]` (a list of executions of etl, or an error). */
function guard(
  policy: UnfinishedGuard['policy'],
  answers: (UnfinishedExecution[] | Error)[],
  timeoutSeconds = 60
) {
  let clock = 0
  let reads = 0
  const logs: string[] = []
  const g: UnfinishedGuard = {
    policy,
    timeoutSeconds,
    flows: [ETL],
    read: async () => {
      const answer = answers[Math.min(reads++, answers.length - 1)]!
      if (answer instanceof Error) throw answer
      return new Map([[flowKey(ETL.namespace, ETL.id), answer]])
    },
    log: (message) => logs.push(message),
    sleep: async (ms) => {
      clock += ms
    },
    now: () => clock
  }
  return { g, logs, reads: () => reads }
}

describe('the executions guard', () => {
  it('warn reads nothing and lets the deploy go on', async () => {
    const { g, reads } = guard('warn', [[RUNNING]])
    await guardUnfinished(g)
    expect(reads()).toBe(0)
  })

  it('fail refuses while one is not finished, naming it with its link', async () => {
    const { g } = guard('fail', [[RUNNING]])
    const refused = guardUnfinished(g)
    await expect(refused).rejects.toBeInstanceOf(DeployError)
    await expect(refused).rejects.toThrow(RUNNING.url)
  })

  it('wait writes once they have ended, and says so', async () => {
    const { g, logs, reads } = guard('wait', [[RUNNING], [RUNNING], []])
    await guardUnfinished(g)
    expect(reads()).toBe(3)
    expect(logs.join('\n')).toMatch(
      /Waiting for 1 execution not finished of company\.team\.etl[\s\S]*ended/
    )
  })

  it('wait refuses past the timeout, naming what still runs', async () => {
    const { g } = guard('wait', [[RUNNING]], 5)
    await expect(guardUnfinished(g)).rejects.toThrow(/after waiting 5 s[\s\S]*e1/)
  })

  for (const policy of ['fail', 'wait'] as const) {
    it(`${policy}: a read that fails at any position refuses, never passes`, async () => {
      for (let k = 0; k < 4; k++) {
        const answers: (UnfinishedExecution[] | Error)[] = [
          ...Array.from({ length: k }, () => [RUNNING]),
          new Error('connection reset'),
          []
        ]
        const { g } = guard(policy, answers)
        const outcome = guardUnfinished(g)
        if (policy === 'fail' && k > 0) {
          await expect(outcome).rejects.toThrow(/running-executions is fail/)
          continue
        }
        await expect(outcome).rejects.toThrow(/could not be read: connection reset/)
      }
    })
  }
})
