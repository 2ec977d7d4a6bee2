/**
 * The fault matrix. For plan and for deploy, each fault runs `node dist/index.js` against its own
 * Kestra emulator and fake GitHub API, then checks the end state: either the run recovered (plan: the full plan
 * and nothing written; deploy: the server equals the repository), or the step failed naming what to check (and,
 * for a deploy, every resource applied and not applied, matching the server) and a re-run converges.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { EmulatorOptions } from '../../../test-support/kestra-emulator/index.js'
import type { RunResult } from '../../../test-support/runner.js'
import { BASE, CHANGE, DATA, PLAN_COUNTS, TEAM, WRITTEN_RESOURCES } from './scenario.js'
import { failureText, serverDiff, startStage, WRITE_ROUTES, writesIn, type Stage } from './stage.js'
import { matrixCell, printMatrix } from './matrix.js'

type Mode = 'plan' | 'deploy'

interface Cell {
  emulator?: EmulatorOptions
  /** Inputs of the faulty run (the re-run uses the defaults). */
  inputs?: Record<string, string>
  arrange?(stage: Stage): void
  /** `recovers`: the run succeeds despite the fault; `fails`: the step fails, then a re-run converges. */
  expect: 'recovers' | 'fails'
  /** Shows the fault happened: a retry line in the log, or the failure message. */
  evidence: RegExp
  /** What the matrix says when the cell passes. */
  outcome: string
}

interface FaultRow {
  fault: string
  plan: Cell
  deploy: Cell
}

const WRONG_PASSWORD = { password: 'not-the-password' }
const RESOURCE_WRITES = ['flows.create', 'flows.update', 'flows.delete', 'namespaces.files.upload']

const ROWS: FaultRow[] = [
  {
    fault: '503 burst',
    plan: {
      arrange: (s) => s.kestra.inject({ route: 'flows.list', status: 503, times: 2 }),
      expect: 'recovers',
      evidence: /retrying GET \/api\/v1\/main\/flows\/company\.\w+ \(HTTP 503\)/,
      outcome: 'retried, full plan'
    },
    deploy: {
      arrange: (s) => {
        s.kestra.inject({ route: 'namespaces.files.upload', status: 503, times: 2 })
        s.kestra.inject({ route: 'flows.update', status: 503, times: 1 })
      },
      expect: 'recovers',
      evidence:
        /retrying POST \/api\/v1\/main\/namespaces\/company\.\w+\/files\?path=\S+ \(HTTP 503\)/,
      outcome: 'retried, server = repo'
    }
  },
  {
    fault: '429 + Retry-After',
    plan: {
      arrange: (s) => s.kestra.inject({ route: 'flows.export.by-ids', status: 429, retryAfter: 1 }),
      expect: 'recovers',
      evidence: /retrying POST \/api\/v1\/main\/flows\/export\/by-ids \(HTTP 429\) in 1000 ms/,
      outcome: 'waited 1 s, full plan'
    },
    deploy: {
      arrange: (s) => s.kestra.inject({ route: 'flows.create', status: 429, retryAfter: 1 }),
      expect: 'recovers',
      evidence: /retrying POST \/api\/v1\/main\/flows \(HTTP 429\) in 1000 ms/,
      outcome: 'waited 1 s, server = repo'
    }
  },
  {
    fault: 'connection reset',
    plan: {
      arrange: (s) => s.kestra.inject({ route: 'flows.validate', reset: true }),
      expect: 'recovers',
      evidence:
        /retrying POST \/api\/v1\/main\/flows\/validate \((ECONNRESET|UND_ERR_SOCKET|socket hang up)\)/,
      outcome: 'retried, full plan'
    },
    deploy: {
      arrange: (s) => {
        // The create reaches the server but its answer is lost: the retry meets "already exists".
        s.kestra.inject({ route: 'flows.create', reset: true, afterHandling: true })
        s.kestra.inject({ route: 'namespaces.files.upload', reset: true })
      },
      expect: 'recovers',
      evidence:
        /retrying POST \/api\/v1\/main\/flows \((ECONNRESET|UND_ERR_SOCKET|socket hang up)\)/,
      outcome: 'lost answer re-read, server = repo'
    }
  },
  {
    fault: 'hang past timeout-seconds',
    plan: {
      inputs: { 'timeout-seconds': '1' },
      arrange: (s) => s.kestra.inject({ route: 'flows.list', hangMs: 3000 }),
      expect: 'recovers',
      evidence:
        /retrying GET \/api\/v1\/main\/flows\/company\.\w+ \((UND_ERR_HEADERS_TIMEOUT|timeout)\)/,
      outcome: 'timed out, retried'
    },
    deploy: {
      inputs: { 'timeout-seconds': '1' },
      // The update is applied, then its answer hangs: the retry sends the same source again.
      arrange: (s) => s.kestra.inject({ route: 'flows.update', hangMs: 3000, afterHandling: true }),
      expect: 'recovers',
      evidence:
        /retrying PUT \/api\/v1\/main\/flows\/company\.\w+\/\w+ \((UND_ERR_HEADERS_TIMEOUT|timeout)\)/,
      outcome: 'timed out, retried, server = repo'
    }
  },
  {
    fault: '401',
    plan: {
      inputs: WRONG_PASSWORD,
      expect: 'fails',
      evidence:
        /Kestra answered 401 to GET \/api\/v1\/configs: HTTP 401; check the username\/password or api-token inputs/,
      outcome: 'fails: check credentials; re-run ok'
    },
    deploy: {
      inputs: WRONG_PASSWORD,
      expect: 'fails',
      evidence:
        /Kestra answered 401 to GET \/api\/v1\/configs: HTTP 401; check the username\/password or api-token inputs/,
      outcome: 'fails before any write; re-run converges'
    }
  },
  {
    fault: '403',
    plan: {
      arrange: (s) =>
        s.kestra.inject({ path: `/api/v1/main/flows/${DATA}`, method: 'GET', status: 403 }),
      expect: 'fails',
      evidence:
        /Kestra answered 403 to GET \/api\/v1\/main\/flows\/company\.data: Forbidden; the credentials lack permission/,
      outcome: 'fails: names namespace; re-run ok'
    },
    deploy: {
      // Both creates are refused (403 is not retried).
      arrange: (s) => s.kestra.inject({ route: 'flows.create', status: 403, times: 2 }),
      expect: 'fails',
      evidence:
        /failed: flow:company\.\w+\/\w+ — Kestra answered 403 to POST \/api\/v1\/main\/flows/,
      outcome: 'fails naming all 8; re-run converges'
    }
  },
  {
    fault: '404: endpoint an old server lacks',
    plan: {
      emulator: { missingEndpoints: ['flows.export.by-ids', 'namespaces.files.export'] },
      expect: 'recovers',
      evidence: /Plan: 4 to create, 3 to update, 1 to delete/,
      outcome: 'falls back to per-item reads'
    },
    deploy: {
      emulator: {
        missingEndpoints: ['flows.export.by-ids', 'namespaces.files.export', 'kv.get', 'kv.put']
      },
      expect: 'recovers',
      evidence:
        /Could not record the deployed commit in namespace company\.\w+ \(KV kestra-gitops-commit\)/,
      outcome: 'falls back, server = repo'
    }
  },
  {
    fault: 'failure on the k-th write (plan: a read failing every attempt)',
    plan: {
      arrange: (s) =>
        s.kestra.inject({
          path: `/api/v1/main/flows/${TEAM}`,
          method: 'GET',
          status: 500,
          times: 4
        }),
      expect: 'fails',
      evidence: /Kestra answered 500 to GET \/api\/v1\/main\/flows\/company\.team/,
      outcome: 'fails after 4 attempts; re-run ok'
    },
    deploy: {
      inputs: { concurrency: '1' },
      // Writes 1-3 go through, the 4th fails on every attempt.
      arrange: (s) => s.kestra.inject({ route: RESOURCE_WRITES, skip: 3, times: 4, status: 500 }),
      expect: 'fails',
      evidence: /Deploy incomplete: 2 resource\(s\) not applied, 6 applied/,
      outcome: '4th write fails, names all 8; re-run converges'
    }
  }
]

const DEFAULT_INPUTS = { delete: 'true' }

afterAll(() => {
  console.log(
    printMatrix(
      'Fault matrix: plan and deploy, end to end',
      'fault',
      ROWS.map((row) => row.fault),
      ['plan', 'deploy']
    )
  )
})

describe.concurrent('fault matrix', () => {
  for (const row of ROWS) {
    for (const mode of ['plan', 'deploy'] as const) {
      it(`${mode} × ${row.fault}`, async () => {
        const cell = row[mode]
        const stage = await startStage({ base: BASE, change: CHANGE, emulator: cell.emulator })
        try {
          await matrixCell(row.fault, mode, cell.outcome, () => runCell(stage, mode, cell))
        } finally {
          await stage.close()
        }
      })
    }
  }
})

async function runCell(stage: Stage, mode: Mode, cell: Cell): Promise<void> {
  cell.arrange?.(stage)
  const inputs = { ...DEFAULT_INPUTS, ...cell.inputs }
  const run = () => (mode === 'plan' ? stage.plan(inputs) : stage.deploy(inputs))
  const result = await run()
  const log = `${result.stdout}\n${result.stderr}`
  expect(log, 'the fault must have happened').toMatch(cell.evidence)
  expect(result.stderr, 'no crash').not.toMatch(/TypeError|ReferenceError|\n\s+at /)

  if (cell.expect === 'recovers') {
    expect(result.exitCode, log).toBe(0)
    if (mode === 'plan') expectPlanned(stage, result)
    else expectDeployed(stage, result)
    return
  }

  expect(result.exitCode, log).toBe(1)
  const failure = failureText(result)
  expect(failure).toMatch(cell.evidence)
  const mark = stage.kestra.requests.length
  if (mode === 'plan') {
    expect(writesIn(stage.kestra.requests, WRITE_ROUTES), 'plan writes nothing').toEqual([])
    expect(serverDiff(stage.kestra, BASE)).toEqual([])
    const rerun = await stage.plan(DEFAULT_INPUTS)
    expect(rerun.exitCode, rerun.stdout).toBe(0)
    expectPlanned(stage, rerun)
    return
  }
  const notApplied = failure.includes('Deploy incomplete')
    ? expectFailureAccountsForEveryResource(stage, failure)
    : expectNothingWritten(stage)
  const rerun = await stage.deploy(DEFAULT_INPUTS)
  expect(rerun.exitCode, rerun.stdout).toBe(0)
  expectDeployed(stage, rerun)
  // Applied resources are not written again.
  expect(writesIn(stage.since(mark))).toHaveLength(notApplied.length)
}

/** A deploy that failed before its first write (e.g. the server refused the credentials). */
function expectNothingWritten(stage: Stage): string[] {
  expect(writesIn(stage.kestra.requests, WRITE_ROUTES)).toEqual([])
  expect(serverDiff(stage.kestra, BASE)).toEqual([])
  return WRITTEN_RESOURCES
}

function expectPlanned(stage: Stage, result: RunResult): void {
  expect(result.outputs).toMatchObject({ mode: 'plan', 'has-changes': 'true', ...PLAN_COUNTS })
  expect(writesIn(stage.kestra.requests, WRITE_ROUTES), 'plan writes nothing').toEqual([])
  expect(serverDiff(stage.kestra, BASE), 'the server still holds the base').toEqual([])
  const comments = stage.github.comments(7)
  expect(comments).toHaveLength(1)
  expect(comments[0]!.body.split('\n')[0]).toBe('<!-- kestra-gitops:default -->')
  expect(comments[0]!.body).toContain('4 to create')
}

function expectDeployed(stage: Stage, result: RunResult): void {
  expect(result.outputs).toMatchObject({ mode: 'deploy', deployed: 'true' })
  expect(serverDiff(stage.kestra, stage.tree), 'the server equals the repository').toEqual([])
  expect(stage.kestra.snapshot().flows.filter((f) => f.id === 'gone')[0]?.deleted).toBe(true)
}

/**
 * The failure names every resource of the plan as applied or not applied, and the server agrees:
 * applied resources hold the repository's content, the others still the base's. Returns those not applied.
 */
function expectFailureAccountsForEveryResource(stage: Stage, failure: string): string[] {
  const named = (key: string) => new RegExp(`^  \\w+: ${escape(key)}(?: — |$)`, 'm')
  const [notAppliedPart, appliedPart = ''] = failure.split('\nApplied:\n')
  const applied = WRITTEN_RESOURCES.filter((key) => named(key).test(appliedPart))
  const notApplied = WRITTEN_RESOURCES.filter((key) => named(key).test(notAppliedPart!))
  expect([...applied, ...notApplied].sort(), failure).toEqual([...WRITTEN_RESOURCES].sort())
  if (applied.length === 0) expect(serverDiff(stage.kestra, BASE)).toEqual([])
  const diffs = serverDiff(stage.kestra, stage.tree)
  for (const key of applied) expect(diffs.filter((d) => d.includes(label(key)))).toEqual([])
  for (const key of notApplied)
    expect(
      diffs.some((d) => d.includes(label(key))),
      key
    ).toBe(true)
  return notApplied
}

/** `flow:ns/id` → `flow ns.id`, `file:ns:/p` → `file ns:/p`, as serverDiff words them. */
function label(key: string): string {
  return key.startsWith('flow:')
    ? `flow ${key.slice(5).replace('/', '.')} `
    : `file ${key.slice(5)} `
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
