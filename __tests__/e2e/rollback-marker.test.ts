/**
 * The deployed-commit marker after a rollback (docs/rollback.md#what-is-restored-and-in-which-order): the marker
 * the deploy found held more than its commit (the stored checks and content facts a deploy records, and any
 * field besides). For every position of a failed write, the deploy's own and the rollback's, a complete
 * rollback leaves the marker exactly as it was before the deploy, every field in its order; and what the log
 * says of the marker is what the server holds. A run killed during the rollback is finished by the next one
 * from its record, which puts the whole marker back too.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../test-support/kestra-emulator/index.js'
import type { RunResult } from '../../test-support/runner.js'
import {
  countRollbackWrites,
  createRepository,
  deploy,
  disagreements,
  MARKER,
  NS,
  onStage,
  otherKvKeys,
  type Stage
} from './rollback-stage.js'
import { WRITE_ROUTES } from './reliability/stage.js'

let repository: ReturnType<typeof createRepository>
let writes: number

beforeAll(() => {
  repository = createRepository()
})

/**
 * What a marker a deploy wrote holds besides its commit: stored checks (under a digest no file of this
 * repository has, so nothing reuses them) and content facts, in a field order no sorting gives.
 */
function richMarker(base: string): Record<string, unknown> {
  return {
    repository: 'octo/kestra-repo',
    commit: base,
    checks: {
      ['ab'.repeat(32)]: {
        notAFlow: false,
        wellFormed: true,
        findings: [],
        versioned: [],
        references: [],
        id: 'elsewhere',
        namespace: NS
      }
    },
    contents: { zipped: {}, blobs: { ['cd'.repeat(20)]: `${'ef'.repeat(32)},3,0` } },
    note: 'ünïcode ✓'
  }
}

/** The marker's value as the server holds it, as JSON text: equal texts are the same bytes on the wire. */
function markerText(kestra: Emulator): string | undefined {
  const entry = kestra.snapshot().kv.find((e) => e.namespace === NS && e.key === MARKER)
  return entry && JSON.stringify(entry.value)
}

/** The stage, its marker replaced by a rich one: returns that marker's text. */
function withRichMarker(s: Stage): string {
  s.kestra.seed({ kv: [{ namespace: NS, key: MARKER, value: richMarker(s.base) }] })
  return markerText(s.kestra)!
}

/** What the log says of the marker, and whether the server holds what it says. */
function markerTruth(s: Stage, result: RunResult, before: string): string[] {
  const problems: string[] = []
  const said = result.stdout.match(/Rollback of the deployed-commit marker of [^:]+: (.*)/)?.[1]
  const now = markerText(s.kestra)
  const commit = (JSON.parse(now ?? '{}') as { commit?: string }).commit
  if (result.outputs['rolled-back'] === 'true' && now !== before) {
    problems.push(`rolled back, but the marker is ${now}`)
  }
  if (said?.includes('exactly as it was') && now !== before) {
    problems.push(`the log says "${said}", but the marker is ${now}`)
  }
  if (said?.startsWith('still names') && commit !== s.head) {
    problems.push(`the log says "${said}", but the marker names ${commit}`)
  }
  if (said !== undefined && !/exactly as it was|still names/.test(said)) {
    problems.push(`the log says "${said}"`)
  }
  // Nothing logged: the deploy wrote no marker (the one before it is untouched), or the rollback never
  // started (the deploy's marker stands, and the run does not say it rolled back).
  const stands = result.outputs['rolled-back'] !== 'true' && commit === s.head
  if (said === undefined && now !== before && !stands) {
    problems.push(`no rollback of the marker is logged, but it is ${now}`)
  }
  return problems
}

describe('a rollback puts the deployed-commit marker back exactly', () => {
  it('without faults: the whole marker is back, and the log says so', async () => {
    await onStage(repository, '1.3.2', async (s) => {
      const before = withRichMarker(s)
      let seen = 0
      s.kestra.onRequest((request) => {
        if (WRITE_ROUTES.includes(request.route)) seen += 1
      })
      const result = await deploy(s)
      writes = seen
      expect(result.outputs['rolled-back']).toBe('true')
      expect(markerText(s.kestra)).toBe(before)
      expect(result.stdout).toContain(
        `Rollback of the deployed-commit marker of ${NS}: deployed-commit marker put back to ${s.base.slice(0, 12)}, exactly as it was`
      )
      expect(otherKvKeys(s.kestra)).toEqual([])
      expect(disagreements(s, result)).toEqual([])
    })
  })

  it('fails the k-th write of the deploy and its rollback, for every k: a complete rollback leaves the marker as it was, and the log tells the truth', async () => {
    // The deploy's six resources, its marker, the rollback's record, six restores, the marker, the record.
    expect(writes).toBeGreaterThanOrEqual(16)
    const problems: string[] = []
    let complete = 0
    for (let k = 1; k <= writes; k++) {
      await onStage(repository, '1.3.2', async (s) => {
        const before = withRichMarker(s)
        s.kestra.inject({ route: WRITE_ROUTES, skip: k - 1, status: 403 })
        const result = await deploy(s)
        if (result.outputs['rolled-back'] === 'true') complete += 1
        problems.push(...markerTruth(s, result, before).map((p) => `k=${k}: ${p}`))
      })
    }
    expect(problems).toEqual([])
    // Most positions end in a complete rollback: the property is not vacuous.
    expect(complete).toBeGreaterThanOrEqual(writes / 2)
  }, 600_000)

  it('a run killed during the rollback is finished by the next, which puts the whole marker back from its record', async () => {
    await onStage(repository, '1.3.2', async (s) => {
      const before = withRichMarker(s)
      const kill = new AbortController()
      countRollbackWrites(s, (n) => n === 2 && kill.abort())
      await deploy(s, kill.signal)
      s.kestra.onRequest(undefined)
      expect(otherKvKeys(s.kestra)).toEqual(['kestra-gitops-rollback'])
      const finished = await deploy(s)
      expect(finished.outputs).toMatchObject({ 'rolled-back': 'true', deployed: 'false' })
      expect(markerText(s.kestra)).toBe(before)
      expect(finished.stdout).toContain('exactly as it was')
      expect(otherKvKeys(s.kestra)).toEqual([])
    })
  })
})
