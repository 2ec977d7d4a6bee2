/**
 * Incremental planning loses nothing (docs/performance.md#incremental-planning): over random histories of
 * commits, deploys (which store the checks), server edits (drift), deletions, renames, a subflow whose inputs
 * change under an unchanged caller and a `read()` file that changes or goes under an unchanged reader, the plan
 * that reuses stored checks prints exactly what `--full` prints: the comment (`--format markdown`), the plan
 * and findings (`--format json`) and the exit status. The CLI runs in this process (from src/) so that a case
 * costs no bundle start; `incremental-plan.test.ts` runs the bundled action.
 *
 * Seeds: FIXED_SEEDS always run; one more run uses a fresh seed, printed in the test's name and on failure
 * (fast-check's message names it too), to be added to FIXED_SEEDS when it finds something.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/run.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { CREDENTIALS } from '../../test-support/scenario.js'

const NS = 'company.team'
const IDS = ['alpha', 'beta', 'gamma'] as const
const FIXED_SEEDS = [1, 38, 4242, 20261123, 987654321]
const RANDOM_SEED = Date.now() % 2 ** 31

let kestra: Emulator | undefined
afterEach(async () => {
  await kestra?.close()
  kestra = undefined
})

const flowPath = (name: string) => `${NS}/flows/${name}.yml`

/** A flow of `id`, in one of the shapes whose checks differ: clean, a warning, an error, a syntax error. */
function plainFlow(id: string, variant: number, message = 'hello'): string {
  const body = `id: ${id}\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: ${message}\n`
  switch (variant % 4) {
    case 1:
      return `${body}revision: 3\n` // a warning
    case 2:
      return body.replace(`namespace: ${NS}`, 'namespace: elsewhere') // an error on its line
    case 3:
      return `${body}  - id: [unclosed\n` // not YAML
    default:
      return body
  }
}

const child = (inputs: number) =>
  `id: child\nnamespace: ${NS}\ninputs:\n${Array.from({ length: inputs }, (_, i) => `  - id: in${i}\n    type: STRING\n`).join('')}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: child\n`
const parent = (passes: number) =>
  `id: parent\nnamespace: ${NS}\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: child\n    inputs:\n${Array.from({ length: passes }, (_, i) => `      in${i}: v\n`).join('')}`
const reader = `id: reader\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ read('data.csv') }}"\n`

type Step =
  | { kind: 'edit'; id: (typeof IDS)[number]; variant: number; message: string }
  | { kind: 'delete'; id: (typeof IDS)[number] }
  | { kind: 'rename'; id: (typeof IDS)[number] }
  | { kind: 'child-inputs'; inputs: number }
  | { kind: 'parent-passes'; passes: number }
  | { kind: 'data'; content: string | null }
  | { kind: 'server-edit'; id: (typeof IDS)[number] | 'child' | 'parent'; message: string }
  | { kind: 'deploy' }

const id = fc.constantFrom(...IDS)
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    id,
    variant: fc.nat(3),
    message: fc.constantFrom('hello', 'bye', 'again')
  }),
  fc.record({ kind: fc.constant('delete' as const), id }),
  fc.record({ kind: fc.constant('rename' as const), id }),
  fc.record({ kind: fc.constant('child-inputs' as const), inputs: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    kind: fc.constant('parent-passes' as const),
    passes: fc.integer({ min: 0, max: 3 })
  }),
  fc.record({
    kind: fc.constant('data' as const),
    content: fc.constantFrom<string | null>('a,b\n', 'c,d\n', null)
  }),
  fc.record({
    kind: fc.constant('server-edit' as const),
    id: fc.constantFrom(...IDS, 'child' as const, 'parent' as const),
    message: fc.constantFrom('edited', 'changed')
  }),
  fc.constant({ kind: 'deploy' as const })
)

const ENV = {
  KESTRA_USERNAME: CREDENTIALS.username,
  KESTRA_PASSWORD: CREDENTIALS.password,
  NO_COLOR: '1'
}

async function cli(dir: string, args: string[]) {
  let stdout = ''
  let stderr = ''
  const exitCode = await runCli(args, {
    env: { ...ENV, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    cwd: dir,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) }
  })
  return { exitCode, stdout, stderr }
}

/** Plays a history: the first deploy, then the steps; returns the base the plans compare with. */
async function play(repo: GitRepo, server: Emulator, steps: Step[]): Promise<string> {
  const deploy = () => cli(repo.dir, ['deploy', '--server', server.url, '--delete'])
  const files = new Map<string, string>()
  for (const name of IDS) files.set(name, flowPath(name))
  const first = await deploy()
  expect(first.exitCode, first.stderr).toBe(0)
  for (const s of steps) {
    switch (s.kind) {
      case 'edit':
        repo.commit({ [files.get(s.id)!]: plainFlow(s.id, s.variant, s.message) })
        break
      case 'delete':
        repo.commit({ [files.get(s.id)!]: null })
        break
      case 'rename': {
        const from = files.get(s.id)!
        const to = flowPath(`${s.id}-${files.size + steps.indexOf(s)}`)
        try {
          repo.git('mv', from, to)
          repo.git('commit', '-q', '-m', 'rename')
          files.set(s.id, to)
        } catch {
          // Deleted before: nothing to rename.
        }
        break
      }
      case 'child-inputs':
        repo.commit({ [flowPath('child')]: child(s.inputs) })
        break
      case 'parent-passes':
        repo.commit({ [flowPath('parent')]: parent(s.passes) })
        break
      case 'data':
        repo.commit({ [`${NS}/files/data.csv`]: s.content })
        break
      case 'server-edit':
        server.seed({
          flows: [
            {
              namespace: NS,
              id: s.id,
              source: plainFlow(s.id, 0, s.message)
            }
          ]
        })
        break
      case 'deploy':
        await deploy() // may refuse (an error in a file): then nothing is stored
        break
    }
  }
  return repo.head()
}

async function historyHolds(steps: Step[]): Promise<void> {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  const repo = createGitRepo({
    // alpha starts with a warning of its own, so that an unchanged flow has a finding to keep.
    ...Object.fromEntries(IDS.map((name, i) => [flowPath(name), plainFlow(name, i === 0 ? 1 : 0)])),
    [flowPath('child')]: child(1),
    [flowPath('parent')]: parent(1),
    [flowPath('reader')]: reader,
    [`${NS}/files/data.csv`]: 'a,b\n'
  })
  const base = repo.head()
  await play(repo, kestra, steps)
  for (const format of ['markdown', 'json']) {
    const args = ['plan', '--server', kestra.url, '--delete', '--base', base, '--format', format]
    const incremental = await cli(repo.dir, args)
    const full = await cli(repo.dir, [...args, '--full'])
    expect(full.stderr).not.toMatch(/Reused the checks/)
    expect({ exitCode: incremental.exitCode, stdout: incremental.stdout }).toEqual({
      exitCode: full.exitCode,
      stdout: full.stdout
    })
  }
  await kestra.close()
  kestra = undefined
}

describe('an incremental plan equals a full plan', () => {
  const property = fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), historyHolds)
  for (const seed of FIXED_SEEDS) {
    it(`over random histories (seed ${seed})`, async () => {
      await fc.assert(property, { seed, numRuns: 4 })
    }, 180_000)
  }
  it(`over random histories (fresh seed ${RANDOM_SEED})`, async () => {
    await fc.assert(property, { seed: RANDOM_SEED, numRuns: 4 })
  }, 180_000)

  it('reuses stored checks in such a history (the property compares two different computations)', async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    const repo = createGitRepo({ [flowPath('alpha')]: plainFlow('alpha', 1) })
    const base = repo.head()
    expect((await cli(repo.dir, ['deploy', '--server', kestra.url])).exitCode).toBe(0)
    repo.commit({ [flowPath('beta')]: plainFlow('beta', 0) })
    const plan = await cli(repo.dir, ['plan', '-v', '--server', kestra.url, '--base', base])
    expect(plan.stderr + plan.stdout).toMatch(/Reused the checks of 1 of 2 flow file\(s\)/)
  }, 60_000)
})
