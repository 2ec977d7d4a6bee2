/**
 * Rollback fault positions: over a deploy of six resources of every kind whose smoke run fails, the k-th
 * write of the rollback fails, for every k; then the runner is killed at the k-th write and the step re-run.
 * After each run, the report (outputs, headline, error, summary, comment) is compared with the server,
 * resource by resource: `rolled-back` is `true` only when the server is back as it was, marker included.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { flow } from '../../test-support/scenario.js'
import {
  countRollbackWrites,
  createRepository,
  deploy,
  disagreements,
  markerCommit,
  NS,
  otherKvKeys,
  serverHolds,
  onStage,
  type Stage
} from './rollback-stage.js'
import { WRITE_ROUTES } from './reliability/stage.js'

let repository: ReturnType<typeof createRepository>
let writes: number

beforeAll(() => {
  repository = createRepository()
})

/** A deploy whose smoke run fails, killed at its rollback's second write: the record stays. */
async function killRollbackAtSecondWrite(s: Stage): Promise<void> {
  const kill = new AbortController()
  countRollbackWrites(s, (n) => n === 2 && kill.abort())
  await deploy(s, kill.signal)
  s.kestra.onRequest(undefined)
}

describe('a rollback tells the truth whichever write fails', () => {
  it('without faults: every resource and the marker are back, reported true, no record left', async () => {
    await onStage(repository, '1.3.2', async (s) => {
      let seen = 0
      countRollbackWrites(s, (n) => (seen = n))
      const result = await deploy(s)
      writes = seen
      expect(result.exitCode).toBe(1)
      expect(result.outputs['rolled-back']).toBe('true')
      expect([...serverHolds(s.kestra).values()]).toEqual(Array(6).fill('before'))
      expect(markerCommit(s.kestra)).toBe(s.base)
      expect(otherKvKeys(s.kestra)).toEqual([])
      expect(disagreements(s, result)).toEqual([])
    })
  })

  it('restores in the reverse of the deploy order, callers first, the marker after every resource, the record around them', async () => {
    await onStage(repository, '1.3.2', async (s) => {
      const writes: string[] = []
      countRollbackWrites(s, () => {
        const { method, route, query } = s.kestra.requests.at(-1)!
        writes.push(`${method} ${route} ${String(query.path ?? '')}`.trim())
      })
      const result = await deploy(s)
      expect(result.outputs['rolled-back']).toBe('true')
      const at = (write: string) => writes.indexOf(write)
      expect(writes[0]).toBe('PUT kv.put') // the record, before the first restore
      expect(at('POST namespaces.files.upload /gone.bin')).toBe(1)
      expect(at('POST flows.create')).toBe(2)
      expect(at('PUT flows.update')).toBeLessThan(at('DELETE flows.delete')) // upd calls fresh
      expect(at('DELETE flows.delete')).toBeLessThan(at('POST namespaces.files.upload /upd.txt'))
      expect(at('DELETE flows.delete')).toBeLessThan(at('DELETE namespaces.files.delete /new.txt'))
      expect(writes.slice(-2)).toEqual(['PUT kv.put', 'DELETE kv.delete']) // marker, then record
      expect(writes).toHaveLength(9) // record, six restores, marker, record
      expect(writes.join('\n')).not.toMatch(/same/)
    })
  })

  it('a flow edited in the UI after the deploy is kept and named; the marker keeps naming the deployed commit', async () => {
    await onStage(repository, '1.3.2', async (s) => {
      const edited = `${flow(NS, 'upd', ' edited in the UI')}`
      s.kestra.onRequest((request) => {
        if (request.route === 'executions.create') {
          s.kestra.seed({ flows: [{ namespace: NS, id: 'upd', source: edited }] })
        }
      })
      const result = await deploy(s)
      expect(result.outputs['rolled-back']).toBe('partial')
      expect(serverHolds(s.kestra).get(`${NS}.upd`)).toBe('other')
      expect(s.kestra.snapshot().flows.find((f) => f.id === 'upd')!.source).toBe(edited)
      expect(markerCommit(s.kestra)).toBe(s.head)
      expect(otherKvKeys(s.kestra)).toEqual([]) // nothing a re-run could still put back
      const error = result.annotations.find((a) => a.severity === 'error')!.message
      expect(error).toMatch(
        /company\.team\.upd: kept as the server holds it, not rolled back \(changed on the server after the deploy of [0-9a-f]{12} \(revision 3 → 4\)\)/
      )
      expect(error).toContain(
        `The deployed-commit marker of ${NS} still names ${s.head.slice(0, 12)}`
      )
      expect(result.summary).toMatch(
        /^### Kestra deploy: ⚠️ rollback incomplete, a smoke run failed/m
      )
      expect(disagreements(s, result)).toEqual([])
    })
  })

  it('a finished rollback whose record could not be removed does not stop the next deploy', async () => {
    await onStage(repository, '1.3.2', async (s) => {
      s.kestra.onRequest((request) => {
        if (request.route !== 'executions.create') return
        s.kestra.inject({ route: 'kv.delete', status: 403 }) // the record's removal, the last write
      })
      const first = await deploy(s)
      expect(first.outputs['rolled-back']).toBe('true')
      expect(first.annotations.some((a) => /could not be removed/.test(a.message))).toBe(true)
      expect(otherKvKeys(s.kestra)).toEqual(['kestra-gitops-rollback'])
      s.kestra.onRequest(undefined)
      const next = await deploy(s)
      expect(next.stdout).toContain('records removed, deploying')
      expect(next.stdout).toContain('::group::Smoke runs')
      expect(next.outputs['rolled-back']).toBe('true')
      expect(otherKvKeys(s.kestra)).toEqual([])
      expect(disagreements(s, next)).toEqual([])
    })
  })

  it('a run that cannot finish a recorded rollback names what remains, keeps the record, and the next one finishes it', async () => {
    await onStage(repository, '0.20.7', async (s) => {
      await killRollbackAtSecondWrite(s)
      s.kestra.inject({ route: 'flows.update', status: 403 })
      const stuck = await deploy(s)
      expect(stuck.outputs).toMatchObject({ 'rolled-back': 'partial', deployed: 'false' })
      expect(serverHolds(s.kestra).get(`${NS}.upd`)).toBe('deployed')
      expect(otherKvKeys(s.kestra)).toEqual(['kestra-gitops-rollback'])
      const error = stuck.annotations.find((a) => a.severity === 'error')!.message
      expect(error).toMatch(
        /company\.team\.upd: left at the deployed version \(restore failed: Kestra answered 403/
      )
      expect(error).toContain('Re-run the workflow to finish the rollback')
      expect(disagreements(s, stuck)).toEqual([])
      const finished = await deploy(s)
      expect(finished.outputs).toMatchObject({ 'rolled-back': 'true', deployed: 'false' })
      expect(otherKvKeys(s.kestra)).toEqual([])
      expect(disagreements(s, finished)).toEqual([])
    })
  })

  it('a recorded rollback is found when the listing of KV keys fails: each record is read instead', async () => {
    await onStage(repository, '1.3.2', async (s) => {
      await killRollbackAtSecondWrite(s)
      expect(otherKvKeys(s.kestra)).toEqual(['kestra-gitops-rollback'])
      s.kestra.inject({ route: 'kv.search', status: 500, times: 100 })
      const finished = await deploy(s)
      expect(finished.stdout).toMatch(
        /A rollback of the deploy of commit \w+ is recorded as unfinished/
      )
      expect(finished.outputs).toMatchObject({ 'rolled-back': 'true', deployed: 'false' })
      expect(otherKvKeys(s.kestra)).toEqual([])
      expect(disagreements(s, finished)).toEqual([])
    })
  })

  it('fails the k-th rollback write, for every k: the report matches the server', async () => {
    expect(writes).toBeGreaterThanOrEqual(7)
    const problems: string[] = []
    for (let k = 1; k <= writes; k++) {
      await onStage(repository, '1.3.2', async (s) => {
        s.kestra.onRequest((request) => {
          if (request.route !== 'executions.create') return
          s.kestra.inject({ route: WRITE_ROUTES, skip: k - 1, status: 403 })
        })
        const result = await deploy(s)
        problems.push(...disagreements(s, result).map((p) => `k=${k}: ${p}`))
      })
    }
    expect(problems).toEqual([])
  }, 300_000)

  for (const version of ['1.3.2', '0.20.7']) {
    it(`kills the runner at the k-th rollback write, for every k, then re-runs (Kestra ${version})`, async () => {
      expect(writes).toBeGreaterThanOrEqual(7)
      const problems: string[] = []
      for (let k = 1; k <= writes; k++) {
        await onStage(repository, version, async (s) => {
          const kill = new AbortController()
          countRollbackWrites(s, (n) => n === k && kill.abort())
          const killed = await deploy(s, kill.signal)
          expect(kill.signal.aborted, `k=${k}`).toBe(true)
          expect(killed.exitCode).not.toBe(0)
          s.kestra.onRequest(undefined)
          // Killed at the marker or the record's removal, everything is already back: the re-run deploys.
          const back =
            [...serverHolds(s.kestra).values()].every((held) => held === 'before') &&
            markerCommit(s.kestra) === s.base
          const recorded = otherKvKeys(s.kestra).length > 0
          const rerun = await deploy(s)
          problems.push(...disagreements(s, rerun).map((p) => `k=${k}: ${p}`))
          const found = /A rollback of the deploy of commit \w+ is recorded as unfinished/
          if (recorded !== found.test(rerun.stdout)) {
            problems.push(
              `k=${k}: a record was ${recorded ? '' : 'not '}left; the re-run says otherwise`
            )
          }
          if (!back && rerun.outputs.deployed !== 'false') {
            problems.push(`k=${k}: the re-run deployed over a half rolled-back server`)
          }
          if (rerun.outputs['rolled-back'] === 'true' && otherKvKeys(s.kestra).length > 0) {
            problems.push(
              `k=${k}: records left after a complete rollback: ${otherKvKeys(s.kestra)}`
            )
          }
        })
      }
      expect(problems).toEqual([])
    }, 600_000)
  }
})
