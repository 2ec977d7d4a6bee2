/**
 * Incremental planning loses nothing (docs/performance.md#incremental-planning): over random histories of
 * commits, deploys (which store the checks), server edits (drift), deletions and file rewrites on the server,
 * deletions, renames and moves in Git, a commit marker put back or written elsewhere, a subflow whose inputs
 * change under an unchanged caller, a `read()` file that changes or goes under an unchanged reader, the
 * server moved to another Kestra release under the stored checks, and a secret or KV key an unchanged flow
 * uses added to or removed from the server, a namespace file changed in the work tree only or converted on
 * checkout, the marker's stores forged, replayed from another namespace or beside another commit, truncated or
 * sealed by other credentials (the steps of `incremental-history.ts`), the plan that reuses
 * stored checks prints exactly what `--full` prints: the comment (`--format markdown`), the plan and findings
 * (`--format json`) and the exit status. Fixed cases: checks stored on 0.20.7 for a flow of each versioned
 * rule, planned unchanged on every release of the history; the stored names of a drifted flow checked against
 * each state of the server's secrets and KV. The CLI runs in this process (from src/) so that a case costs no
 * bundle start; `incremental-plan.test.ts` runs the bundled action.
 *
 * Seeds: FIXED_SEEDS always run; one more run uses a fresh seed, printed in the test's name and on failure
 * (fast-check's message names it too), to be added to FIXED_SEEDS when it finds something.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { COMMIT_MARKER_KEY } from '../../src/engine/record/marker.js'
import { markerSeal } from '../../src/engine/record/seal.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { CREDENTIALS } from '../../test-support/scenario.js'
import {
  cli,
  flowPath,
  forgeFacts,
  NS,
  historyRepo,
  LISTINGS,
  play,
  plainFlow,
  step,
  VERSIONS,
  versionedRepo,
  type Step
} from './incremental-history.js'

const FIXED_SEEDS = [1, 38, 4242, 20261123, 987654321]
const RANDOM_SEED = Date.now() % 2 ** 31

let kestra: Emulator | undefined
afterEach(async () => {
  await kestra?.close()
  kestra = undefined
})

/**
 * Deploys the starting repository (on `version`, the emulator's default release when none), plays the
 * steps, then compares the plans; returns what the last incremental plan said of its reuse.
 */
async function historyHolds(
  steps: Step[],
  start: { version?: string; repo?: () => GitRepo } = {}
): Promise<string> {
  kestra = await startEmulator({ basicAuth: CREDENTIALS, version: start.version })
  const server = kestra
  const repo = (start.repo ?? historyRepo)()
  const base = repo.head()
  const deploy = () =>
    cli(repo.dir, ['deploy', '--auto-approve', '--server', server.url, '--delete'])
  const first = await deploy()
  expect(first.exitCode, first.stderr).toBe(0)
  await play(repo, [server], steps, deploy)
  let said = ''
  for (const format of ['markdown', 'json']) {
    const args = [
      'plan',
      '-v',
      '--server',
      server.url,
      '--delete',
      '--base',
      base,
      '--format',
      format
    ]
    const incremental = await cli(repo.dir, args)
    const full = await cli(repo.dir, [...args, '--full'])
    expect(full.stderr).not.toMatch(/Reused the checks/)
    expect({ exitCode: incremental.exitCode, stdout: incremental.stdout }).toEqual({
      exitCode: full.exitCode,
      stdout: full.stdout
    })
    said = incremental.stderr
  }
  await kestra.close()
  kestra = undefined
  return said
}

describe('an incremental plan equals a full plan', () => {
  const property = fc.asyncProperty(
    fc.array(step, { minLength: 1, maxLength: 6 }),
    async (steps) => {
      await historyHolds(steps)
    }
  )
  for (const seed of FIXED_SEEDS) {
    it(`over random histories (seed ${seed})`, async () => {
      await fc.assert(property, { seed, numRuns: 4 })
    }, 180_000)
  }
  it(`over random histories (fresh seed ${RANDOM_SEED})`, async () => {
    await fc.assert(property, { seed: RANDOM_SEED, numRuns: 4 })
  }, 180_000)

  it.each(VERSIONS)(
    'on %s, plans flows whose checks were stored on 0.20.7 as a full plan does (each side of every rule release)',
    async (version) => {
      // Unchanged since, every check is reused, and each finding takes `version`'s severity. Random
      // histories seldom store such checks (a move to an old release, such an edit, then a deploy).
      const said = await historyHolds([{ kind: 'version', version }], {
        version: '0.20.7',
        repo: versionedRepo
      })
      expect(said).toMatch(/Reused the checks of 3 of 3 flow file\(s\)/)
    },
    60_000
  )

  it.each(LISTINGS)(
    'plans a drifted flow whose secret and KV names were stored, the server holding %s, as a full plan does',
    async (_, listing, missing) => {
      // Gamma is unchanged in Git, so its checks and names are reused; the server's copy drifted, so the
      // plan writes it back and checks its names against the listings read now. Random histories reach this
      // only through a server edit or deletion of gamma before the plan.
      const said = await historyHolds([
        ...listing,
        { kind: 'server-edit', id: 'gamma', message: 'edited' }
      ])
      expect(said).toMatch(/Reused the checks of 6 of 6 flow file\(s\)/)
      expect(said).toContain(
        `2 secret and KV reference(s) checked: ${missing} not defined on the server.`
      )
    },
    60_000
  )

  it('takes namespace files from the content facts its job sealed, and from no others (the property compares two different computations)', async () => {
    // Facts that claim other contents for the data file's blob and its export entry, sealed with the job's
    // own key (what only a holder of its credentials can do), make the plan show a change that is not there:
    // proof that the plan takes the facts. The same facts under the seal they came with are not used.
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    const server = kestra
    const repo = historyRepo()
    expect(
      (await cli(repo.dir, ['deploy', '--auto-approve', '--server', server.url])).exitCode
    ).toBe(0)
    const args = ['plan', '--server', server.url, '--format', 'json']
    const unchanged = JSON.parse((await cli(repo.dir, args)).stdout) as { plan: unknown }
    expect(JSON.parse((await cli(repo.dir, [...args, '--full'])).stdout)).toEqual(unchanged)
    type Shown = { outputs: Record<string, string> }
    const marker = () =>
      structuredClone(
        server.snapshot().kv.find((e) => e.namespace === NS && e.key === COMMIT_MARKER_KEY)!.value
      ) as Record<string, unknown>
    const genuine = marker()
    const forged = marker()
    forgeFacts(forged)
    server.seed({ kv: [{ namespace: NS, key: COMMIT_MARKER_KEY, value: forged }] })
    const unsealed = await cli(repo.dir, ['plan', '-v', '--server', server.url, '--format', 'json'])
    expect(JSON.parse(unsealed.stdout)).toEqual(unchanged)
    expect(unsealed.stderr).toContain(
      `Not used: what the commit marker of ${NS} keeps besides its commit`
    )
    expect((JSON.parse(unsealed.stdout) as Shown).outputs).toMatchObject({
      updated: '0',
      unchanged: '7'
    })
    const jobSeal = await markerSeal({
      auth: { kind: 'basic', ...CREDENTIALS },
      server: server.url,
      tenant: 'main'
    })
    const resealed = jobSeal!.sealed(NS, forged)
    server.seed({ kv: [{ namespace: NS, key: COMMIT_MARKER_KEY, value: resealed }] })
    const taken = JSON.parse((await cli(repo.dir, args)).stdout) as Shown
    expect(taken.outputs).toMatchObject({ updated: '1', unchanged: '6' })
    expect(JSON.parse((await cli(repo.dir, [...args, '--full'])).stdout)).toEqual(unchanged)
    // The genuine marker back: its facts are taken again, and the plan is the full one.
    server.seed({ kv: [{ namespace: NS, key: COMMIT_MARKER_KEY, value: genuine }] })
    const again = await cli(repo.dir, ['plan', '-v', '--server', server.url, '--format', 'json'])
    expect(JSON.parse(again.stdout)).toEqual(unchanged)
    expect(again.stderr).not.toContain('Not used')
  }, 60_000)

  it('without credentials nothing stored is used, and a deploy stores nothing', async () => {
    // A server that asks for none: the plan runs, but holds no key to tell a sealed marker from a forged one.
    kestra = await startEmulator()
    const server = kestra
    const repo = historyRepo()
    expect(
      (await cli(repo.dir, ['deploy', '--auto-approve', '--server', server.url])).exitCode
    ).toBe(0)
    const args = ['plan', '-v', '--server', server.url, '--format', 'json']
    const withKey = await cli(repo.dir, args)
    expect(withKey.stderr).toMatch(/Reused the checks of 6 of 6 flow file\(s\)/)
    const keyless = await cli(repo.dir, args, false)
    expect(keyless.stderr).not.toMatch(/Reused the checks/)
    expect(keyless.stderr).toContain('Not used: what the commit marker of')
    expect(JSON.parse(keyless.stdout)).toEqual(JSON.parse(withKey.stdout))
    repo.commit({ [flowPath('alpha')]: plainFlow('alpha', 0, 'changed') })
    expect(
      (await cli(repo.dir, ['deploy', '--auto-approve', '--server', server.url], false)).exitCode
    ).toBe(0)
    const stored = server
      .snapshot()
      .kv.find((e) => e.namespace === NS && e.key === COMMIT_MARKER_KEY)!.value
    expect(Object.keys(stored as object).sort()).toEqual(['commit', 'repository'])
  }, 60_000)

  it('reuses stored checks in such a history (the property compares two different computations)', async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    const repo = createGitRepo({ [flowPath('alpha')]: plainFlow('alpha', 1) })
    const base = repo.head()
    expect(
      (await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url])).exitCode
    ).toBe(0)
    repo.commit({ [flowPath('beta')]: plainFlow('beta', 0) })
    const plan = await cli(repo.dir, ['plan', '-v', '--server', kestra.url, '--base', base])
    expect(plan.stderr + plan.stdout).toMatch(/Reused the checks of 1 of 2 flow file\(s\)/)
  }, 60_000)
})
