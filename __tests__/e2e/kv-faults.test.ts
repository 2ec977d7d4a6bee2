/**
 * KV pairs under faults (docs/kv.md): over a push deploy that updates, creates and deletes KV pairs (and
 * updates a flow), the k-th write fails, for every k; the k-th write of its rollback fails, for every k; the
 * runner is killed at the k-th write of its rollback, for every k, and the step re-run. After each run, what
 * the report says of each key is compared with what the server holds.
 */
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../test-support/kestra-emulator/index.js'
import { HELLO, HELLO_V2, NS, type DashStageOptions, type Held } from './dashboards-stage.js'
import {
  countWrites,
  failEachDeployWrite,
  failEachRollbackWrite,
  killAtEachRollbackWrite,
  type KindFaults
} from './kind-faults.js'

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

const KV: KindFaults = { stage: STAGE, ids: Object.keys(CHANGED), held, cell }

describe('KV pairs under faults', () => {
  it('fails the k-th write of the deploy, for every k: each result matches the server, and a re-run converges', async () => {
    const total = await countWrites(KV, false)
    expect(total).toBeGreaterThanOrEqual(5) // the flow, region, api_token, fresh, gone (and the marker)
    expect(await failEachDeployWrite(KV, total)).toEqual([])
  }, 300_000)

  it('fails the k-th write of the rollback, for every k: the rollback report matches the server', async () => {
    const total = await countWrites(KV, true)
    expect(total).toBeGreaterThanOrEqual(5)
    expect(await failEachRollbackWrite(KV, total)).toEqual([])
  }, 300_000)

  it('kills the runner at the k-th write of the rollback, for every k; the re-run puts every key back', async () => {
    const total = await countWrites(KV, true)
    expect(await killAtEachRollbackWrite(KV, total)).toEqual([])
  }, 600_000)
})
