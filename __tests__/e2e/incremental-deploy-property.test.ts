/**
 * A deploy that reuses stored checks loses nothing (docs/performance.md#a-deploy-confirms-before-it-writes).
 *
 * - Over random histories (the steps of `incremental-history.ts`: commits, server edits and deletions, files
 *   rewritten on the server, deletions, renames and moves in Git, a commit marker put back or written
 *   elsewhere, a subflow whose inputs change under an unchanged caller, a `read()` file that changes or goes,
 *   the server moved to another Kestra release, a secret or KV key an unchanged flow uses added or removed,
 *   a namespace file changed in the work tree only or converted on checkout, the marker's stores tampered with
 *   by a writer of KV without the job's credentials, and deploys): each deploy that reuses stored checks prints exactly what a deploy with `--full` prints,
 *   exits alike, and leaves the server in the same state, resource by resource (two servers play the same
 *   history, one with each kind of deploy). Fixed cases: checks stored on 0.20.7 for a flow of each versioned
 *   rule, then a deploy on every release; the stored names of a drifted flow, written back with the server
 *   holding each state of its secrets and KV.
 * - A stored check that says anything but what this build computes never lets a deploy write. Unsealed (a
 *   writer of KV without the job's credentials), it is not even read: the deploy checks the file as `--full`
 *   does. Sealed with the job's own key (a writer holding its credentials): one that hides an error, or invents
 *   one, stops the deploy with nothing written and names the file. A no-change re-deploy writes nothing and
 *   parses nothing.
 *
 * The CLI runs in this process (from src/), so the test computes the same build identity as the deploy and
 * can forge an entry under the very key the deploy looks up.
 *
 * Seeds: FIXED_SEEDS always run; one more run uses a fresh seed, printed in the test's name and on failure,
 * to be added to FIXED_SEEDS when it finds something.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { validatorIdentity } from '../../src/engine/record/build-identity.js'
import { sha256Hex } from '../../src/model/content.js'
import { markerSeal } from '../../src/engine/record/seal.js'
import { checkDigest, STORED_CHECKS_FIELD } from '../../src/resources/flows/decide-stored-checks.js'
import { CONTENT_FACTS_FIELD } from '../../src/resources/namespace-files/decide-content-facts.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { CREDENTIALS } from '../../test-support/scenario.js'
import {
  cli,
  flowPath,
  historyRepo,
  LISTINGS,
  NS,
  play,
  plainFlow,
  step,
  VERSIONS,
  versionedRepo,
  type Step
} from './incremental-history.js'

const FIXED_SEEDS = [1, 38, 4242, 20261124, 987654321, 437600085]
const RANDOM_SEED = Date.now() % 2 ** 31
const MARKER = 'kestra-gitops-commit'

const servers: Emulator[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function server(version?: string): Promise<Emulator> {
  const started = await startEmulator({ basicAuth: CREDENTIALS, version })
  servers.push(started)
  return started
}

/**
 * What a deploy shows, less the line that says how its checks were come by, the server's port, and the
 * fingerprint, which covers the server's URL (docs/plan.md#fingerprint): the two runs' emulators listen on
 * different ports. Everything the fingerprint hashes besides is compared line by line.
 */
function shown(run: { exitCode: number; stdout: string; stderr: string }, server: Emulator) {
  const lines = (text: string) =>
    text
      .split('\n')
      // What the run took from the markers, or did not: a full run reads nothing stored.
      .filter((line) => !/Reused the checks|Not used: what the commit marker/.test(line))
      .join('\n')
      .replaceAll(server.url, 'SERVER')
      .replace(/\b[0-9a-f]{64}\b/g, 'FINGERPRINT')
      .replace(/\(fingerprint [0-9a-f]{12}\)/g, '(fingerprint FINGERPRINT)')
  return { exitCode: run.exitCode, stdout: lines(run.stdout), stderr: lines(run.stderr) }
}

/** The server's flows, files and KV pairs, resource by resource. */
function stateOf(emulator: Emulator) {
  const { flows, files, kv } = emulator.snapshot()
  return {
    flows: flows.map((f) => ({ namespace: f.namespace, id: f.id, source: f.source })),
    files: files.map((f) => ({
      namespace: f.namespace,
      path: f.path,
      sha256: sha256Hex(Buffer.from(f.bytes))
    })),
    kv: kv.map((entry) => ({ namespace: entry.namespace, key: entry.key, value: entry.value }))
  }
}

/**
 * `stateOf`, each marker's seal named (the job's on that server, or not): the seal's key is salted with the
 * server's address, so two servers hold different seals of the same marker.
 */
async function sealsNamed(emulator: Emulator) {
  const state = stateOf(emulator)
  const seal = await jobSeal(emulator)
  for (const entry of state.kv.filter((kv) => kv.key === MARKER)) {
    const value = (
      typeof entry.value === 'string' ? JSON.parse(entry.value) : entry.value
    ) as Record<string, unknown>
    if (typeof value.seal !== 'string') continue
    // Another seal (a marker replaced or tampered with) differs from server to server all the same.
    const whose = seal.holds(entry.namespace, value)
      ? "the job's seal"
      : 'a seal the job did not make'
    entry.value = { ...value, seal: `${whose} on this server` }
  }
  return state
}

/**
 * Deploys the starting repository on both servers (on `version`, the emulator's default release when none),
 * then plays the steps, each deploy compared.
 */
async function historyHolds(
  steps: Step[],
  start: { version?: string; repo?: () => GitRepo } = {}
): Promise<{ exitCode: number; stdout: string; stderr: string }[]> {
  const [incremental, full] = [await server(start.version), await server(start.version)]
  const repo = (start.repo ?? historyRepo)()
  const runs: { exitCode: number; stdout: string; stderr: string }[] = []
  const deployBoth = async () => {
    const reusing = await cli(repo.dir, [
      'deploy',
      '--auto-approve',
      '-v',
      '--server',
      incremental.url,
      '--delete'
    ])
    const checking = await cli(repo.dir, [
      'deploy',
      '--auto-approve',
      '-v',
      '--server',
      full.url,
      '--delete',
      '--full'
    ])
    expect(`${checking.stdout}${checking.stderr}`).not.toMatch(/Reused the checks/)
    expect(shown(reusing, incremental)).toEqual(shown(checking, full))
    expect(await sealsNamed(incremental)).toEqual(await sealsNamed(full))
    runs.push(reusing)
    return reusing
  }
  await deployBoth()
  await play(repo, [incremental, full], steps, deployBoth)
  // The same commit again: a re-deploy of what the last deploy left reuses every check it stored, in a layout
  // that names a file's namespace by its place (docs/performance.md#incremental-planning): a flow moved into
  // another namespace's folder makes the layout `anywhere`, which looks nothing up.
  const last = await deployBoth()
  const again = await deployBoth()
  if (last.exitCode === 0 && !/^Layout: anywhere /m.test(again.stdout + again.stderr)) {
    expect(again.stdout + again.stderr).toMatch(/Reused the checks of (\d+) of \1 flow file/)
  }
  return runs
}

/** The requests that change the server (some reads are POSTs). */
function writes(emulator: Emulator): string[] {
  const reads = /^(flows\.validate|flows\.export\..*|dashboards\.validate)$/
  return emulator.requests
    .filter((r) => r.method !== 'GET' && !reads.test(r.route))
    .map((r) => `${r.method} ${r.route}`)
}

/** The stored checks of the namespace's marker, as the server holds them. */
function storedChecks(emulator: Emulator): Record<string, Record<string, unknown>> {
  const marker = emulator.snapshot().kv.find((entry) => entry.key === MARKER)
  return (marker?.value as Record<string, Record<string, Record<string, unknown>>>)[
    STORED_CHECKS_FIELD
  ]!
}

/** The job's own credentials, whose seal the CLI's deploy computes (with its server and tenant `main`). */
const JOB_AUTH = { kind: 'basic', ...CREDENTIALS } as const

/**
 * Writes the namespace's marker back with its stored checks changed by `change`, sealed anew with the job's
 * key (`sealed`: a writer who holds its credentials) or with its old seal kept (a writer of KV who does not).
 */
/** The job's seal against `emulator`, as the CLI derives it. */
async function jobSeal(emulator: Emulator) {
  return (await markerSeal({ auth: JOB_AUTH, server: emulator.url, tenant: 'main' }))!
}

async function forge(
  emulator: Emulator,
  change: (checks: Record<string, Record<string, unknown>>) => void,
  sealed = true
): Promise<void> {
  await forgeMarker(
    emulator,
    (value) => change(value[STORED_CHECKS_FIELD] as Record<string, Record<string, unknown>>),
    sealed
  )
}

async function forgeMarker(
  emulator: Emulator,
  change: (value: Record<string, unknown>) => void,
  sealed = true
): Promise<void> {
  const marker = emulator.snapshot().kv.find((entry) => entry.key === MARKER)!
  const value = structuredClone(marker.value) as Record<string, unknown>
  change(value)
  emulator.seed({
    kv: [
      {
        namespace: NS,
        key: MARKER,
        value: sealed ? (await jobSeal(emulator)).sealed(NS, value) : value
      }
    ]
  })
}

/** A repository of a flow and a namespace file (`data.csv`), deployed once to a server of its own. */
async function deployedWithData() {
  const kestra = await server()
  const data = `${NS}/files/data.csv`
  const repo = createGitRepo({ [flowPath('alpha')]: plainFlow('alpha', 0), [data]: 'a,b\n' })
  const deploy = (...more: string[]) =>
    cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url, ...more])
  expect((await deploy()).exitCode).toBe(0)
  return { kestra, repo, deploy }
}

/** The marker's one content fact of this part said to be of other bytes, sealed with the job's own key. */
async function forgeFacts(kestra: Emulator, part: 'blobs' | 'zipped'): Promise<void> {
  await forgeMarker(kestra, (value) => {
    const facts = (value[CONTENT_FACTS_FIELD] as Record<typeof part, Record<string, string>>)[part]
    expect(Object.keys(facts)).toHaveLength(1)
    for (const key of Object.keys(facts)) facts[key] = `${'0'.repeat(64)},4,0`
  })
}

/** The key a deploy of this build looks a flow file up by (tenant layout). */
async function keyOf(file: string, bytes: string): Promise<string> {
  const validator = await validatorIdentity()
  return checkDigest({
    validator: validator!,
    file,
    rel: file,
    expectedNamespace: NS,
    layout: 'tenant',
    sha256: sha256Hex(Buffer.from(bytes))
  })
}

describe('a deploy that reuses stored checks equals a deploy that checks every file', () => {
  // Deploys weigh more than in the plan's histories: each one is a comparison.
  const steps = fc.oneof(step, fc.constant<Step>({ kind: 'deploy' }))
  // Returns nothing: fast-check fails a run whose callback returns anything but true or undefined.
  const property = fc.asyncProperty(
    fc.array(steps, { minLength: 1, maxLength: 6 }),
    async (drawn) => {
      await historyHolds(drawn)
    }
  )
  for (const seed of FIXED_SEEDS) {
    it(`over random histories (seed ${seed})`, async () => {
      await fc.assert(property, { seed, numRuns: 3 })
    }, 240_000)
  }
  it(`over random histories (fresh seed ${RANDOM_SEED})`, async () => {
    await fc.assert(property, { seed: RANDOM_SEED, numRuns: 3 })
  }, 240_000)

  it.each(VERSIONS)(
    'on %s, deploys beside flows whose checks were stored on 0.20.7 as a full deploy does (each side of every rule release)',
    async (version) => {
      // A new flow to write, the stored findings at `version`'s severity: both deploys refuse or write
      // alike. Random histories seldom store such checks (a move to an old release, such an edit, a deploy).
      await historyHolds(
        [
          { kind: 'version', version },
          { kind: 'child-inputs', inputs: 1 }
        ],
        {
          version: '0.20.7',
          repo: versionedRepo
        }
      )
    },
    60_000
  )

  it.each(LISTINGS)(
    'deploys a drifted flow whose secret and KV names were stored, the server holding %s, as a full deploy does',
    async (_, listing, missing) => {
      // Gamma is unchanged in Git: its checks and names are reused, and the deploy writes its drifted copy
      // back, warning of each name the server lacks now. Random histories reach this only through a server
      // edit or deletion of gamma before a deploy.
      const runs = await historyHolds([
        ...listing,
        { kind: 'server-edit', id: 'gamma', message: 'edited' },
        { kind: 'deploy' }
      ])
      const writesBack = runs[1]!
      expect(writesBack.stderr).toMatch(/Reused the checks of 6 of 6 flow file\(s\)/)
      expect(writesBack.stderr).toContain(
        `2 secret and KV reference(s) checked: ${missing} not defined on the server.`
      )
    },
    60_000
  )
})

describe('a stored check that is not what this build computes never lets a deploy write', () => {
  it('a no-change re-deploy reuses every check and writes nothing', async () => {
    const kestra = await server()
    const repo = createGitRepo({
      [flowPath('alpha')]: plainFlow('alpha', 1),
      [flowPath('beta')]: plainFlow('beta', 0)
    })
    expect(
      (await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url])).exitCode
    ).toBe(0)
    kestra.clearLog()
    const again = await cli(repo.dir, ['deploy', '--auto-approve', '-v', '--server', kestra.url])
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stdout + again.stderr).toMatch(/Reused the checks of 2 of 2 flow file\(s\)/)
    expect(writes(kestra)).toEqual([])
    // Each marker read once: its stored checks come with it.
    expect(kestra.requests.filter((r) => r.route === 'kv.get')).toHaveLength(1)
  }, 60_000)

  it('an entry that hides an error in an unchanged file: nothing written, the file named', async () => {
    const kestra = await server()
    const broken = plainFlow('beta', 2) // its namespace is not its folder's: an error on its line
    const repo = createGitRepo({ [flowPath('alpha')]: plainFlow('alpha', 0) })
    expect(
      (await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url])).exitCode
    ).toBe(0)
    // The file the forger wants through, on the server already, and claimed clean under its own key.
    repo.commit({ [flowPath('beta')]: broken })
    const clean = Object.values(storedChecks(kestra))[0]!
    const key = await keyOf(flowPath('beta'), broken)
    await forge(kestra, (checks) => (checks[key] = { ...clean, id: 'beta' }))
    repo.commit({ [flowPath('alpha')]: plainFlow('alpha', 0, 'changed') })
    const before = stateOf(kestra)
    kestra.clearLog()
    const run = await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url])
    expect(run.exitCode).not.toBe(0)
    expect(run.stdout + run.stderr).toMatch(
      /Nothing was deployed: the checks stored .* for 1 flow file\(s\): company\.team\/flows\/beta\.yml/
    )
    expect(writes(kestra)).toEqual([])
    expect(stateOf(kestra)).toEqual(before)
    // The same repository with every file checked up front refuses on the error itself.
    const full = await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url, '--full'])
    expect(full.exitCode).not.toBe(0)
    expect(full.stdout + full.stderr).toMatch(/company\.team\/flows\/beta\.yml/)
    expect(stateOf(kestra)).toEqual(before)
  }, 60_000)

  it('content facts that say a namespace file holds other bytes: the deploy names the file and writes nothing', async () => {
    const { kestra, deploy } = await deployedWithData()
    // The file's blob said to be other bytes, sealed with the job's own key (a writer holding its credentials).
    await forgeFacts(kestra, 'blobs')
    // The same commit deployed again (a deploy of another takes no facts): it writes back a flow edited on the server.
    kestra.seed({
      flows: [{ namespace: NS, id: 'alpha', source: plainFlow('alpha', 0, 'edited') }]
    })
    const before = stateOf(kestra)
    const run = await deploy()
    expect(run.exitCode).not.toBe(0)
    expect(run.stdout + run.stderr).toMatch(
      /Nothing was deployed: the content facts stored with the commit marker .* are not what 1 namespace file\(s\) hold: company\.team\/files\/data\.csv\./
    )
    expect(stateOf(kestra)).toEqual(before)
    // With every file read up front it deploys.
    const full = await deploy('--full')
    expect(full.exitCode, full.stderr).toBe(0)
    expect(full.stdout).toContain('Deployed: 1 resource(s) written.')
  }, 60_000)

  it("content facts that say the server's copy of a namespace file holds other bytes: the deploy names it and writes nothing", async () => {
    const { kestra, repo, deploy } = await deployedWithData()
    // A deploy of the next commit records what the export of the file it found holds.
    repo.commit({ [flowPath('alpha')]: plainFlow('alpha', 1) })
    expect((await deploy()).exitCode).toBe(0)
    // The export entry's digest said to inflate to other bytes, sealed with the job's own key.
    await forgeFacts(kestra, 'zipped')
    const before = stateOf(kestra)
    const run = await deploy()
    expect(run.exitCode).not.toBe(0)
    expect(run.stdout + run.stderr).toMatch(
      /Nothing was deployed: the content facts stored with the commit marker .* are not what 1 namespace file\(s\) hold: company\.team:\/data\.csv \(the server's copy\)\./
    )
    expect(stateOf(kestra)).toEqual(before)
    const full = await deploy('--full')
    expect(full.exitCode, full.stderr).toBe(0)
    expect(full.stdout).toContain(
      'Deployed: nothing to write, the server already holds this commit.'
    )
  }, 60_000)

  it('an unsealed entry that hides an error is not read: the deploy refuses on the error itself, as --full does', async () => {
    const kestra = await server()
    const broken = plainFlow('beta', 2)
    const repo = createGitRepo({ [flowPath('alpha')]: plainFlow('alpha', 0) })
    expect(
      (await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url])).exitCode
    ).toBe(0)
    repo.commit({ [flowPath('beta')]: broken })
    const clean = Object.values(storedChecks(kestra))[0]!
    const key = await keyOf(flowPath('beta'), broken)
    await forge(kestra, (checks) => (checks[key] = { ...clean, id: 'beta' }), false)
    const before = stateOf(kestra)
    const run = await cli(repo.dir, ['deploy', '--auto-approve', '-v', '--server', kestra.url])
    const full = await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url, '--full'])
    expect(run.stderr).toContain(
      `Not used: what the commit marker of ${NS} keeps besides its commit`
    )
    expect(run.stderr).not.toMatch(/Reused the checks/)
    expect({ exitCode: run.exitCode, stdout: run.stdout }).toEqual({
      exitCode: full.exitCode,
      stdout: full.stdout
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.stdout + run.stderr).toMatch(/company\.team\/flows\/beta\.yml/)
    expect(stateOf(kestra)).toEqual(before)
  }, 60_000)

  it('an entry that invents an error: the deploy names the file and writes nothing', async () => {
    const kestra = await server()
    const repo = createGitRepo({
      [flowPath('alpha')]: plainFlow('alpha', 0),
      [flowPath('beta')]: plainFlow('beta', 0)
    })
    expect(
      (await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url])).exitCode
    ).toBe(0)
    const key = await keyOf(flowPath('beta'), plainFlow('beta', 0))
    await forge(kestra, (checks) => {
      const finding = { file: flowPath('beta'), line: 1, rule: 'forged', message: 'forged' }
      checks[key] = { ...checks[key], findings: [{ ...finding, severity: 'error' }] }
    })
    repo.commit({ [flowPath('alpha')]: plainFlow('alpha', 0, 'changed') })
    const before = stateOf(kestra)
    const run = await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url])
    expect(run.exitCode).not.toBe(0)
    expect(run.stdout + run.stderr).toMatch(
      /checks stored with the commit marker .* are not what this build computes for 1 flow file\(s\): company\.team\/flows\/beta\.yml/
    )
    expect(stateOf(kestra)).toEqual(before)
    // With every file checked up front it deploys, and stores this build's checks again.
    const full = await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url, '--full'])
    expect(full.exitCode, full.stderr).toBe(0)
    expect(JSON.stringify(storedChecks(kestra))).not.toContain('forged')
  }, 60_000)
})
