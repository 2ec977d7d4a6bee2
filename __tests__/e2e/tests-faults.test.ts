/**
 * Test suites under faults (docs/tests.md), on the fault loops every kind shares: over a push deploy that
 * updates, creates and deletes suites (and updates a flow), the k-th write fails, for every k; the k-th
 * write of its rollback fails, for every k; the runner is killed at the k-th write of its rollback, for
 * every k, and the step re-run. After each run, what the report says of each suite is compared with what
 * the server holds.
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

function suite(id: string, expected: string): string {
  return `id: ${id}
namespace: ${NS}
flowId: hello
testCases:
  - id: says_hello
    type: io.kestra.core.tests.flow.UnitTest
    assertions:
      - value: "{{ outputs.hello.value }}"
        equalTo: ${expected}
`
}

/** Each suite the deploy changes, as the server holds it before and after (undefined: absent). */
const CHANGED: Record<string, { before?: string; deployed?: string }> = {
  smoke: { before: suite('smoke', 'hi'), deployed: suite('smoke', 'hello') },
  fresh: { deployed: suite('fresh', 'hey') },
  gone: { before: suite('gone', 'old') }
}
const STAGE: DashStageOptions = {
  base: {
    [`${NS}/flows/hello.yml`]: HELLO,
    'tests/smoke.yml': CHANGED.smoke!.before!,
    'tests/gone.yml': CHANGED.gone!.before!
  },
  change: {
    [`${NS}/flows/hello.yml`]: HELLO_V2,
    'tests/smoke.yml': CHANGED.smoke!.deployed!,
    'tests/fresh.yml': CHANGED.fresh!.deployed!,
    'tests/gone.yml': null
  },
  seed: { tests: [{ source: CHANGED.smoke!.before! }, { source: CHANGED.gone!.before! }] },
  emulator: { edition: 'EE' }
}

function held(kestra: Emulator, id: string): Held {
  const now = kestra.testSuites().find((s) => s.namespace === NS && s.id === id)?.source
  if (now === CHANGED[id]!.before) return 'before'
  return now === CHANGED[id]!.deployed ? 'deployed' : 'other'
}

/** A suite's cell in the column `column` of a report table (Deployed's `Result`, the rollback's `Rollback`). */
function cell(markdown: string, id: string, column: string): string | undefined {
  let at = -1
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    if (!line.startsWith('|')) at = -1
    else if (cells.includes(column)) at = cells.indexOf(column)
    else if (at > 0 && cells[1] === `${NS}.${id}` && cells[2] === 'test') return cells[at]
  }
  return undefined
}

const TESTS: KindFaults = { stage: STAGE, ids: Object.keys(CHANGED), held, cell }

describe('test suites under faults', () => {
  it('fails the k-th write of the deploy, for every k: each result matches the server, and a re-run converges', async () => {
    const total = await countWrites(TESTS, false)
    expect(total).toBeGreaterThanOrEqual(4) // the flow, smoke, fresh, gone (and the marker)
    expect(await failEachDeployWrite(TESTS, total)).toEqual([])
  }, 300_000)

  it('fails the k-th write of the rollback, for every k: the rollback report matches the server', async () => {
    const total = await countWrites(TESTS, true)
    expect(total).toBeGreaterThanOrEqual(4)
    expect(await failEachRollbackWrite(TESTS, total)).toEqual([])
  }, 300_000)

  it('kills the runner at the k-th write of the rollback, for every k; the re-run puts every suite back', async () => {
    const total = await countWrites(TESTS, true)
    expect(await killAtEachRollbackWrite(TESTS, total)).toEqual([])
  }, 600_000)
})
