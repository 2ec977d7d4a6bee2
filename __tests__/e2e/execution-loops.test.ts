/**
 * Execution loops caught at review (docs/caught-at-review.md#execution-loops): flows that would start each other
 * without end. Kestra 2.0 refuses each save that closes one, judging it against the flows it holds, so a loop two
 * flows of one change close together is the plan's to find: on a 2.0 server an error on each written flow's line
 * that starts it, and nothing written; on 1.3, which has no such check, a warning.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  deployHead,
  NS,
  planPullRequest,
  reviewStage,
  type ReviewStage,
  writes
} from './review-stage.js'

let stage: ReviewStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

/** A flow calling `calls` (its `call` task on line 4) and triggered after `after` (its `flowId` on line 12). */
function flow(id: string, { calls, after }: { calls?: string; after?: string }): string {
  const task = calls
    ? `  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: ${calls}\n`
    : '  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n'
  const trigger = after
    ? `triggers:\n  - id: after\n    type: io.kestra.plugin.core.trigger.Flow\n    dependsOn:\n      - namespace: ${NS}\n        flowId: ${after}\n`
    : ''
  return `id: ${id}\nnamespace: ${NS}\ntasks:\n${task}${trigger}`
}

const path = (id: string) => `${NS}/flows/${id}.yml`
const LOAD = flow('load', {})
const HELLO = flow('hello', {})
const BEFORE = { [path('load')]: LOAD, [path('hello')]: HELLO }
const SERVER = {
  flows: [
    { namespace: NS, id: 'load', source: LOAD },
    { namespace: NS, id: 'hello', source: HELLO }
  ]
}
/** Each now runs after each run of the other: each run starts the next. */
const LOOP = {
  [path('load')]: flow('load', { after: 'hello' }),
  [path('hello')]: flow('hello', { after: 'load' })
}

describe('execution loops, end to end', () => {
  it('on 2.0, a loop two flows of a pull request close together is an error on each, and its deploy writes nothing', async () => {
    stage = await reviewStage(BEFORE, LOOP, SERVER, { version: '2.0.0' })
    const { result, comment } = await planPullRequest(stage)
    expect(result.exitCode).toBe(1)
    const loops = result.annotations.filter((a) => a.message.includes('execution loop'))
    expect(loops).toEqual([
      expect.objectContaining({ severity: 'error', file: path('hello'), line: 12 }),
      expect.objectContaining({ severity: 'error', file: path('load'), line: 12 })
    ])
    expect(loops[1]!.message).toMatch(
      /^company\.team\.load → company\.team\.hello → company\.team\.load is an execution loop: .*Kestra 2\.0 refuses/
    )
    expect(comment).toContain('company.team.load → company.team.hello → company.team.load')

    const deploy = await deployHead(stage)
    expect(deploy.exitCode).toBe(1)
    expect(deploy.stdout + deploy.stderr).toContain('Nothing was deployed')
    expect(writes(stage.kestra)).toEqual([])
  })

  it('on 2.0, a loop one flow closes with what the server holds is the server’s refusal, on the same line in the same words', async () => {
    const waiting = LOOP[path('load')]!
    stage = await reviewStage(
      { ...BEFORE, [path('load')]: waiting },
      { [path('hello')]: LOOP[path('hello')]! },
      { flows: [{ namespace: NS, id: 'load', source: waiting }, SERVER.flows[1]!] },
      { version: '2.0.0' }
    )
    const { result } = await planPullRequest(stage)
    expect(result.exitCode).toBe(1)
    expect(result.annotations.filter((a) => a.message.includes('execution loop'))).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: path('hello'),
        line: 12,
        message: expect.stringMatching(
          /^company\.team\.hello → company\.team\.load → company\.team\.hello is an execution loop/
        )
      })
    ])
  })

  it('with disable-triggers, which sends every trigger disabled, a loop of Flow triggers is none: Kestra 2.0 saves it', async () => {
    stage = await reviewStage(BEFORE, LOOP, SERVER, { version: '2.0.0' })
    const inputs = { 'disable-triggers': 'true' }
    const { result } = await planPullRequest(stage, inputs)
    expect(result.annotations.filter((a) => a.message.includes('execution loop'))).toEqual([])
    const deploy = await deployHead(stage, inputs)
    expect(deploy.exitCode).toBe(0)
    expect(writes(stage.kestra).map((w) => w.route)).toContain('flows.update')
  })

  it('on 1.3, which saves such a loop, a warning that Kestra 2.0 refuses it', async () => {
    const on13 = {
      [path('load')]: flow('load', { calls: 'hello' }),
      [path('hello')]: flow('hello', { calls: 'load' })
    }
    stage = await reviewStage(BEFORE, on13, SERVER, { version: '1.3.31' })
    const { result } = await planPullRequest(stage)
    expect(result.annotations.filter((a) => a.message.includes('execution loop'))).toEqual([
      expect.objectContaining({ severity: 'warning', file: path('hello'), line: 4 }),
      expect.objectContaining({ severity: 'warning', file: path('load'), line: 4 })
    ])
  })
})
