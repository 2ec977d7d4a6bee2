/**
 * A rollback after a write whose answer was lost (docs/rollback.md#writes-whose-answer-was-lost): at every
 * position of a deploy (each write of namespace files, flows, dashboards, deletions and the commit marker),
 * the write is applied and its answer replaced by a proxy's 502, or not applied and answered 502, or applied
 * and its connection reset; on every attempt (the action never learns the outcome) or on the first one only
 * (its retry goes through). A rollback follows (the write failed, or the smoke run fails). The report
 * (`rolled-back`, headline, the step's error, each resource's row in the rollback tables of the summary and
 * the comment) is then compared with what the server holds, resource by resource.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  WRITE_ROUTES,
  type Emulator,
  type Fault
} from '../../test-support/kestra-emulator/index.js'
import { LOST_ANSWERS, lostAnswer, type LostAnswer } from '../../test-support/lost-answers.js'
import type { RunResult } from '../../test-support/runner.js'
import {
  cell,
  FAULT_CHANGED,
  FAULT_STAGE,
  heldDashboard,
  onDashStage,
  pushRun
} from './dashboards-stage.js'
import {
  countRollbackWrites,
  createRepository,
  deploy,
  disagreements as stageDisagreements,
  markerCommit,
  NS,
  onStage,
  otherKvKeys,
  rollbackRow,
  serverHolds,
  type Held
} from './rollback-stage.js'

/** Each fault: how the answer is lost, and on how many attempts (4: every one the action makes). */
const FAULTS: { how: LostAnswer; attempts: number }[] = [
  ...LOST_ANSWERS.map((how) => ({ how, attempts: 4 })),
  { how: 'applied, then 502', attempts: 1 }
]

interface Observed {
  /** Every resource the deploy meant to change: what the server holds of it now. */
  held: Map<string, Held>
  /** The rollback table's Rollback cell of a resource in a report, undefined without a row. */
  row: (markdown: string, name: string) => string | undefined
  markerBack: boolean
  comment: string
}

/** Every way the report disagrees with the server; empty when they agree. */
function disagreements(result: RunResult, seen: Observed): string[] {
  const problems: string[] = []
  const left = [...seen.held].filter(([, held]) => held !== 'before').map(([name]) => name)
  const pristine = left.length === 0 && seen.markerBack
  const rolledBack = result.outputs['rolled-back']
  if ((rolledBack === 'true') !== pristine) {
    problems.push(
      `rolled-back is ${rolledBack}; left at another version: ${left.join(', ') || 'none'}; marker ${seen.markerBack ? 'back' : 'not back'}`
    )
  }
  const headline = result.summary.split('\n').find((l) => l.startsWith('### Kestra deploy')) ?? ''
  const honest = pristine
    ? headline.includes('↩️ rolled back')
    : headline.includes('⚠️ rollback incomplete') && !headline.includes('↩️')
  if (!honest) problems.push(`headline "${headline}"`)
  const error = result.annotations
    .filter((a) => a.severity === 'error' && !a.file)
    .map((a) => a.message)
    .join('\n')
  for (const [name, held] of seen.held) {
    for (const [channel, text] of [
      ['summary', result.summary],
      ['comment', seen.comment]
    ] as const) {
      const row = seen.row(text, name)
      // A resource the deploy never wrote has no row; one it may have written is in the table.
      if (held === 'before' && row !== undefined && row !== 'restored') {
        problems.push(`the ${channel} says ${name}: ${row}, the server holds it as before`)
      }
      if (held !== 'before' && (row === undefined || row === 'restored')) {
        problems.push(`the ${channel} says ${name}: ${row}, the server holds it ${held}`)
      }
    }
    if (held !== 'before' && !error.includes(name)) {
      problems.push(`the error does not name ${name}, left ${held}`)
    }
  }
  return problems
}

/** Calls `onWrite(n)` for the n-th write request before the smoke run starts, and counts them. */
function deployWrites(kestra: Emulator): () => number {
  let smokeStarted = false
  let writes = 0
  kestra.onRequest((request) => {
    if (request.route === 'executions.create') smokeStarted = true
    else if (!smokeStarted && WRITE_ROUTES.includes(request.route)) writes++
  })
  return () => writes
}

/**
 * For each fault and each of the `total` deploy writes, runs `onePosition(fault, k)` and collects the
 * disagreements it returns, labelled.
 */
async function everyPosition(
  total: number,
  onePosition: (fault: Fault, k: number) => Promise<string[]>
): Promise<string[]> {
  const problems: string[] = []
  for (const { how, attempts } of FAULTS) {
    for (let k = 1; k <= total; k++) {
      const found = await onePosition(lostAnswer(k, how, attempts), k)
      problems.push(...found.map((p) => `${how} ×${attempts}, write ${k}: ${p}`))
    }
  }
  return problems
}

function disagreementsOf(result: RunResult, seen: Observed): string[] {
  const missing = result.outputs['rolled-back'] === undefined ? ['no rollback output'] : []
  return [...missing, ...disagreements(result, seen)]
}

describe('a write whose answer was lost, at every position of a deploy, then a rollback', () => {
  let repository: ReturnType<typeof createRepository>
  beforeAll(() => {
    repository = createRepository()
  })

  it('flows, namespace files, deletions and the marker: the report matches the server', async () => {
    let total = 0
    await onStage(repository, '1.3.2', async (s) => {
      const count = deployWrites(s.kestra)
      const result = await deploy(s)
      total = count()
      expect(result.outputs['rolled-back']).toBe('true')
    })
    expect(total).toBe(7) // two uploads, a create, an update, a flow and a file deleted, the marker
    const problems = await everyPosition(total, async (fault) => {
      let found: string[] = []
      await onStage(repository, '1.3.2', async (s) => {
        s.kestra.inject(fault)
        const result = await deploy(s)
        found = disagreementsOf(result, {
          held: serverHolds(s.kestra),
          row: rollbackRow,
          markerBack: markerCommit(s.kestra) === s.base,
          comment: s.github.comments(12)[0]?.body ?? ''
        })
      })
      return found
    })
    expect(problems).toEqual([])
  }, 900_000)

  it('the k-th write of the rollback itself loses its answer, for every k: the report matches the server', async () => {
    let total = 0
    await onStage(repository, '1.3.2', async (s) => {
      countRollbackWrites(s, (n) => (total = n))
      await deploy(s)
    })
    expect(total).toBe(9) // the record, six restores, the marker, the record's removal
    const problems: string[] = []
    for (const how of ['applied, then 502', 'applied, then reset'] as const) {
      for (let k = 1; k <= total; k++) {
        await onStage(repository, '1.3.2', async (s) => {
          s.kestra.onRequest((request) => {
            if (request.route === 'executions.create') s.kestra.inject(lostAnswer(k, how))
          })
          const result = await deploy(s)
          const found = stageDisagreements(s, result)
          // A rollback that did not start leaves no record behind for a later run to act on.
          if (
            result.summary.includes('the rollback did not start') &&
            otherKvKeys(s.kestra).length
          ) {
            found.push(`records left by a rollback that did not start: ${otherKvKeys(s.kestra)}`)
          }
          problems.push(...found.map((p) => `${how}, rollback write ${k}: ${p}`))
        })
      }
    }
    expect(problems).toEqual([])
  }, 900_000)

  it('dashboards: the report matches the server', async () => {
    const held = (kestra: Emulator) =>
      new Map(Object.keys(FAULT_CHANGED).map((id) => [id, heldDashboard(kestra, id)]))
    const inputs = { delete: 'true', rollback: 'true', 'smoke-flows': `${NS}.hello` }
    let total = 0
    await onDashStage(FAULT_STAGE, async (s) => {
      s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
      const count = deployWrites(s.kestra)
      const result = await pushRun(s, inputs)
      total = count()
      expect(result.outputs['rolled-back']).toBe('true')
    })
    expect(total).toBe(5) // the flow, three dashboards, the marker
    const problems = await everyPosition(total, async (fault) => {
      let found: string[] = []
      await onDashStage(FAULT_STAGE, async (s) => {
        s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
        const markerBefore = markerCommit(s.kestra)
        s.kestra.inject(fault)
        const result = await pushRun(s, inputs)
        found = disagreementsOf(result, {
          held: held(s.kestra),
          row: (markdown, id) => cell(markdown, id, 'Rollback'),
          markerBack: markerCommit(s.kestra) === markerBefore,
          comment: s.github.comments(7)[0]?.body ?? ''
        })
      })
      return found
    })
    expect(problems).toEqual([])
  }, 900_000)
})
