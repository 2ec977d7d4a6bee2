/**
 * KV pairs under faults (docs/kv.md): over a push deploy that updates, creates and deletes KV pairs (and
 * updates a flow), the k-th write fails, for every k; the k-th write of its rollback fails, for every k; the
 * runner is killed at the k-th write of its rollback, for every k, and the step re-run. After each run, what
 * the report says of each key is compared with what the server holds.
 */
import { describe, expect, it } from 'vitest'
import { WRITE_ROUTES, type Emulator } from '../../test-support/kestra-emulator/index.js'
import type { RunResult } from '../../test-support/runner.js'
import {
  HELLO,
  HELLO_V2,
  NS,
  onDashStage,
  pushRun,
  writes,
  type DashStage,
  type DashStageOptions
} from './dashboards-stage.js'

const FILE = `kv/${NS}.yml`
const STAGE: DashStageOptions = {
  base: { [`${NS}/flows/hello.yml`]: HELLO, [FILE]: 'region: eu\napi_token: t-old\ngone: 1\n' },
  change: {
    [`${NS}/flows/hello.yml`]: HELLO_V2,
    [FILE]: 'region: us\napi_token: t-new\nfresh: true\n'
  },
  seed: {
    kv: [
      { namespace: NS, key: 'region', value: 'eu' },
      { namespace: NS, key: 'api_token', value: 't-old' },
      { namespace: NS, key: 'gone', value: 1 }
    ]
  }
}
/** Each key the deploy changes, as the server holds it before and after (undefined: absent). */
const CHANGED: Record<string, { before?: unknown; deployed?: unknown }> = {
  region: { before: 'eu', deployed: 'us' },
  api_token: { before: 't-old', deployed: 't-new' },
  fresh: { deployed: true },
  gone: { before: 1 }
}
const INPUTS = { delete: 'true' }
const ROLLBACK_INPUTS = { ...INPUTS, rollback: 'true', 'smoke-flows': `${NS}.hello` }

type Held = 'before' | 'deployed' | 'other'

function held(kestra: Emulator, key: string): Held {
  const entry = kestra.snapshot().kv.find((e) => e.namespace === NS && e.key === key)
  const now = entry === undefined ? undefined : JSON.stringify(entry.value)
  const as = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value))
  if (now === as(CHANGED[key]!.before)) return 'before'
  return now === as(CHANGED[key]!.deployed) ? 'deployed' : 'other'
}

/** A key's cell in the column `column` of a report table (Deployed's `Result`, the rollback's `Rollback`). */
function cell(markdown: string, key: string, column: string): string | undefined {
  const names = [`${NS}.${key}`, `${NS}:${key}`].map((n) => n.replace(/_/g, '&#95;'))
  let at = -1
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    if (!line.startsWith('|')) at = -1
    else if (cells.includes(column)) at = cells.indexOf(column)
    else if (at > 0 && names.includes(cells[1]!) && cells[2] === 'kv') return cells[at]
  }
  return undefined
}

function deployDisagreements(s: DashStage, result: RunResult): string[] {
  const problems: string[] = []
  for (const key of Object.keys(CHANGED)) {
    const now = held(s.kestra, key)
    const reported = cell(result.summary, key, 'Result')
    const applied = ['created', 'updated', 'deleted'].includes(reported ?? '')
    if (now === 'other' || (now === 'deployed') !== applied) {
      problems.push(`${key} is ${now} on the server, the summary says ${reported}`)
    }
  }
  const left = Object.keys(CHANGED).filter((key) => held(s.kestra, key) !== 'deployed')
  if (left.length > 0 && result.exitCode === 0) problems.push(`exit 0 with ${left} not deployed`)
  return problems
}

function rollbackDisagreements(s: DashStage, result: RunResult): string[] {
  const problems: string[] = []
  for (const key of Object.keys(CHANGED)) {
    const now = held(s.kestra, key)
    const reported = cell(result.summary, key, 'Rollback')
    if ((now === 'before') !== (reported === 'restored')) {
      problems.push(`${key} is ${now} on the server, the rollback table says ${reported}`)
    }
  }
  const back = Object.keys(CHANGED).every((key) => held(s.kestra, key) === 'before')
  if (result.outputs['rolled-back'] === 'true' && !back) {
    problems.push('rolled-back is true, yet a key is not back')
  }
  return problems
}

function countRollbackWrites(s: DashStage, onWrite: (n: number) => void): void {
  let smokeStarted = false
  let n = 0
  s.kestra.onRequest((request) => {
    if (request.route === 'executions.create') smokeStarted = true
    else if (smokeStarted && WRITE_ROUTES.includes(request.route)) onWrite(++n)
  })
}

async function count(inputs: Record<string, string>, rollback: boolean): Promise<number> {
  let total = 0
  await onDashStage(STAGE, async (s) => {
    s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
    countRollbackWrites(s, (n) => (total = rollback ? n : total))
    const result = await pushRun(s, inputs)
    if (!rollback) total = writes(s.kestra).length
    expect(result.outputs['rolled-back']).toBe(rollback ? 'true' : 'false')
  })
  return total
}

describe('KV pairs under faults', () => {
  it('fails the k-th write of the deploy, for every k: each result matches the server, and a re-run converges', async () => {
    const total = await count(INPUTS, false)
    expect(total).toBeGreaterThanOrEqual(5) // the flow, region, api_token, fresh, gone (and the marker)
    const problems: string[] = []
    for (let k = 1; k <= total; k++) {
      await onDashStage(STAGE, async (s) => {
        s.kestra.inject({ route: WRITE_ROUTES, skip: k - 1, status: 403 })
        const result = await pushRun(s, INPUTS)
        problems.push(...deployDisagreements(s, result).map((p) => `k=${k}: ${p}`))
        const rerun = await pushRun(s, INPUTS)
        const converged = Object.keys(CHANGED).every((key) => held(s.kestra, key) === 'deployed')
        if (rerun.exitCode !== 0 || !converged) problems.push(`k=${k}: the re-run did not converge`)
      })
    }
    expect(problems).toEqual([])
  }, 300_000)

  it('fails the k-th write of the rollback, for every k: the rollback report matches the server', async () => {
    const total = await count(ROLLBACK_INPUTS, true)
    expect(total).toBeGreaterThanOrEqual(5)
    const problems: string[] = []
    for (let k = 1; k <= total; k++) {
      await onDashStage(STAGE, async (s) => {
        s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
        s.kestra.onRequest((request) => {
          if (request.route !== 'executions.create') return
          s.kestra.inject({ route: WRITE_ROUTES, skip: k - 1, status: 403 })
        })
        const result = await pushRun(s, ROLLBACK_INPUTS)
        problems.push(...rollbackDisagreements(s, result).map((p) => `k=${k}: ${p}`))
      })
    }
    expect(problems).toEqual([])
  }, 300_000)

  it('kills the runner at the k-th write of the rollback, for every k; the re-run puts every key back', async () => {
    const total = await count(ROLLBACK_INPUTS, true)
    const problems: string[] = []
    for (let k = 1; k <= total; k++) {
      await onDashStage(STAGE, async (s) => {
        s.kestra.scriptExecutions(NS, 'hello', { state: 'FAILED', durationMs: 20 })
        const kill = new AbortController()
        countRollbackWrites(s, (n) => n === k && kill.abort())
        const killed = await pushRun(s, ROLLBACK_INPUTS, kill.signal)
        expect(kill.signal.aborted, `k=${k}`).toBe(true)
        expect(killed.exitCode).not.toBe(0)
        s.kestra.onRequest(undefined)
        const rerun = await pushRun(s, ROLLBACK_INPUTS)
        const left = Object.keys(CHANGED).filter((key) => held(s.kestra, key) !== 'before')
        if (left.length > 0) problems.push(`k=${k}: not back after the re-run: ${left}`)
        if (rerun.outputs['rolled-back'] !== 'true') {
          problems.push(`k=${k}: the re-run says rolled-back ${rerun.outputs['rolled-back']}`)
        }
        problems.push(...rollbackDisagreements(s, rerun).map((p) => `k=${k}: ${p}`))
      })
    }
    expect(problems).toEqual([])
  }, 600_000)
})
