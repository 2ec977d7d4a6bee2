import { expect, it } from 'vitest'
import { historyOf, type StoredExecution } from '../../test-support/kestra-emulator/executions.js'

it('a kill keeps RUNNING in the history once the run was RUNNING, from the millisecond it became so', () => {
  const createdAt = 1_000_000
  const run = (killedAt: number): StoredExecution => ({
    id: 'e',
    tenant: 'main',
    namespace: 'team',
    flowId: 'greeter',
    flowRevision: 1,
    inputs: {},
    labels: [],
    createdAt,
    script: { durationMs: 60_000, state: 'SUCCESS', recordDelayMs: 0 },
    killedAt
  })
  const states = (killedAt: number) => historyOf(run(killedAt), killedAt + 100).map((h) => h.state)
  // RUNNING from 10 ms after its creation on (the emulator's RUNNING_AFTER_MS).
  for (const offset of [0, 9, 10, 11, 500]) {
    const expected =
      offset >= 10 ? ['CREATED', 'RUNNING', 'KILLING', 'KILLED'] : ['CREATED', 'KILLING', 'KILLED']
    expect(states(createdAt + offset), `killed ${offset} ms after its creation`).toEqual(expected)
  }
})
