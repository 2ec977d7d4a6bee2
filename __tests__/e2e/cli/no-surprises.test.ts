/**
 * The bundled CLI does only what it is asked (docs in README.md, "Local runs and other CI systems"): a flag
 * that needs GitHub is refused before anything is read, a preview never lands in the real namespaces,
 * `--version`, an absolute `--root`, a deploy reported as a deploy, and `plan --detailed-exitcode`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GITHUB_ONLY } from '../../../src/cli/flags.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { PROJECT_ROOT } from '../../../test-support/runner.js'
import { CREDENTIALS, flow } from '../../../test-support/scenario.js'
import { runCli } from './run-cli.js'

const NS = 'company.team'
const SCHEDULED = `${flow(NS, 'hello')}triggers:\n  - id: nightly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 2 * * *"\n`

let kestra: Emulator
let env: Record<string, string>
let repo: GitRepo

beforeEach(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  env = {
    KESTRA_URL: kestra.url,
    KESTRA_USERNAME: CREDENTIALS.username,
    KESTRA_PASSWORD: CREDENTIALS.password
  }
  // The server holds hello at revision 2; the repository changes it.
  kestra.seed({ flows: [{ namespace: NS, id: 'hello', source: flow(NS, 'hello'), revisions: 2 }] })
  repo = createGitRepo({
    [`${NS}/flows/hello.yml`]: SCHEDULED.replace('hello from hello', 'hello again'),
    [`${NS}/files/sql/orders.sql`]: 'select 1;\n'
  })
  kestra.clearLog()
})

afterEach(async () => {
  await kestra?.close()
})

/** Everything the server holds outside the `pr-*` namespaces: what a preview must never touch. */
function realNamespaces() {
  const { flows, files, kv } = kestra.snapshot()
  const real = (r: { namespace: string }) => !r.namespace.startsWith('pr-')
  return {
    flows: flows.filter(real).map((f) => [f.namespace, f.id, f.revision, f.deleted, f.source]),
    files: files.filter(real).map((f) => [f.namespace, f.path, f.revision]),
    kv: kv.filter(real).map((k) => [k.namespace, k.key, JSON.stringify(k.value)])
  }
}

describe('flags that need GitHub', () => {
  const forms = (name: string) => [[`--${name}`, 'x'], [`--${name}=true`], [`--no-${name}`]]
  const cases = Object.keys(GITHUB_ONLY).flatMap((name) =>
    forms(name).map((form) => ({ name, argv: ['deploy', ...form, '--auto-approve'] }))
  )

  it.each(cases)(
    '$argv is refused before anything is read, saying why and what to use',
    async ({ name, argv }) => {
      const before = realNamespaces()
      const result = await runCli(repo.dir, argv, env)
      expect(result.exitCode).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain(
        `--${argv[1]!.slice(2).split('=')[0]} works only in GitHub Actions: `
      )
      expect(result.stderr).toContain(GITHUB_ONLY[name as keyof typeof GITHUB_ONLY])
      expect(kestra.requests).toEqual([]) // not even a read
      expect(realNamespaces()).toEqual(before)
    }
  )

  it('deploy --preview names the command that deploys into prefixed namespaces, which writes only there', async () => {
    const before = realNamespaces()
    const refused = await runCli(repo.dir, ['deploy', '--auto-approve', '--preview'], env)
    expect(refused.exitCode).toBe(2)
    expect(refused.stderr).toContain(
      "run 'kestra-gitops deploy --namespace-prefix pr-<number> --disable-triggers'"
    )
    expect(kestra.requests).toEqual([])

    const prefixed = await runCli(
      repo.dir,
      ['deploy', '--auto-approve', '--namespace-prefix', 'pr-7', '--disable-triggers'],
      env
    )
    expect(prefixed.exitCode, prefixed.stderr).toBe(0)
    expect(realNamespaces()).toEqual(before) // hello stays at revision 2, untouched
    const preview = kestra.snapshot()
    expect(preview.flows.filter((f) => f.namespace === `pr-7.${NS}`)).toEqual([
      expect.objectContaining({ id: 'hello', revision: 1, deleted: false })
    ])
    const sent = preview.flows.find((f) => f.namespace === `pr-7.${NS}`)!.source
    expect(sent).toContain(`namespace: pr-7.${NS}`)
    expect(sent).toMatch(/disabled: true/)
    expect(preview.files.map((f) => [f.namespace, f.path])).toEqual([
      [`pr-7.${NS}`, '/sql/orders.sql']
    ])
    // Every write request went to a pr-7 namespace.
    const written = kestra.requests.filter((r) => r.method !== 'GET' && r.params.namespace)
    expect(written.length).toBeGreaterThan(0)
    for (const request of written) expect(request.params.namespace).toMatch(/^pr-7\./)
  })
})

describe('--version', () => {
  it("prints package.json's version and reads nothing", async () => {
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string
    }
    for (const argv of [['--version'], ['plan', '--version']]) {
      const result = await runCli(repo.dir, argv, env)
      expect(result.exitCode).toBe(0)
      expect(result.stdout).toBe(`kestra-gitops ${version}\n`)
      expect(result.stderr).toBe('')
    }
    expect(kestra.requests).toEqual([])
  })
})

describe('--root', () => {
  it('takes an absolute folder inside the current one as the same root given relative', async () => {
    const nested = createGitRepo({
      [`kestra/${NS}/flows/hello.yml`]: flow(NS, 'hello'),
      [`kestra/${NS}/files/a.txt`]: 'a\n'
    })
    const relative = await runCli(nested.dir, ['validate', '--root', 'kestra'])
    const absolute = await runCli(nested.dir, ['validate', '--root', join(nested.dir, 'kestra')])
    expect(relative.exitCode, relative.stderr).toBe(0)
    expect(absolute.exitCode, absolute.stderr).toBe(0)
    expect(absolute.stdout).toBe(relative.stdout)
    expect(absolute.stdout).toContain('Checked 1 flow(s) and 1 namespace file(s)')
    const whole = await runCli(nested.dir, ['validate', `--root=${nested.dir}`])
    expect(whole.exitCode, whole.stderr).toBe(0)
    expect(whole.stdout).toContain('Checked 1 flow(s)')
  })

  it('refuses an absolute folder outside the current one, saying what to do', async () => {
    const result = await runCli(repo.dir, ['plan', '--root', '/etc'], env)
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(
      `--root: '/etc' is not inside the current folder ${repo.dir}; run kestra-gitops from the repository that holds it`
    )
    expect(kestra.requests).toEqual([])
  })
})

describe('deploy reports a deploy', () => {
  it('heads stdout with the outcome and ends it with the Deployed line', async () => {
    const first = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stdout.split('\n')[0]).toBe('Kestra deploy: applied, 1 created, 1 updated')
    expect(first.stdout).not.toContain('Kestra plan')
    expect(first.stdout.trimEnd().split('\n').pop()).toBe('Deployed: 2 resource(s) written.')
    expect(kestra.snapshot().flows.find((f) => f.id === 'hello')?.revision).toBe(3)

    const again = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stdout.split('\n')[0]).toBe('Kestra deploy: up to date, 2 unchanged')
    expect(again.stdout).toContain(
      'Deployed: nothing to write, the server already holds this commit.'
    )

    // A commit that changes nothing Kestra holds writes no resource, but its markers now name it: the line says so.
    repo.commit({ 'README.md': 'Our flows.\n' })
    const recorded = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(recorded.exitCode, recorded.stderr).toBe(0)
    expect(recorded.stdout.split('\n')[0]).toBe('Kestra deploy: up to date, 2 unchanged')
    expect(recorded.stdout.trimEnd().split('\n').pop()).toBe(
      'Deployed: no resource to write. The commit marker of 1 namespace now names this commit.'
    )

    const plan = await runCli(repo.dir, ['plan'], env)
    expect(plan.stdout.split('\n')[0]).toMatch(/^Kestra plan: /)
    expect(plan.stdout).not.toContain('Deployed')

    // --format markdown: the comment as the merged pull request shows it, headed by the outcome.
    repo.commit({ [`${NS}/flows/more.yml`]: flow(NS, 'more') })
    const markdown = await runCli(
      repo.dir,
      ['deploy', '--auto-approve', '--format', 'markdown'],
      env
    )
    expect(markdown.exitCode, markdown.stderr).toBe(0)
    const lines = markdown.stdout.split('\n')
    expect(lines[1]).toBe('### Kestra deploy: ✅ applied, 1 created, 2 unchanged')
    expect(markdown.stdout).toContain('\n#### Deployed\n')
    expect(markdown.stdout).toMatch(/Deployed: commit `[0-9a-f]{12}` to /)
  })
})

describe('plan --detailed-exitcode', () => {
  it('exits 2 with changes, 0 without, 1 on any error, and writes nothing', async () => {
    const before = kestra.snapshot()
    const changes = await runCli(repo.dir, ['plan', '--detailed-exitcode'], env)
    expect(changes.exitCode, changes.stderr).toBe(2)
    expect(changes.stdout).toContain('Kestra plan: 1 to create, 1 to update')
    expect(kestra.snapshot()).toEqual(before)

    expect((await runCli(repo.dir, ['deploy', '--auto-approve'], env)).exitCode).toBe(0)
    const none = await runCli(repo.dir, ['plan', '--detailed-exitcode'], env)
    expect(none.exitCode, none.stderr).toBe(0)
    expect(none.stdout).toContain('No changes')
    // Without the flag, changes exit 0 as before.
    repo.commit({ [`${NS}/flows/other.yml`]: flow(NS, 'other') })
    expect((await runCli(repo.dir, ['plan'], env)).exitCode).toBe(0)
    expect((await runCli(repo.dir, ['plan', '--detailed-exitcode=true'], env)).exitCode).toBe(2)
    expect((await runCli(repo.dir, ['plan', '--detailed-exitcode=false'], env)).exitCode).toBe(0)

    repo.commit({ [`${NS}/flows/broken.yml`]: 'id: broken\nnamespace: company.team\ntasks: [\n' })
    const invalid = await runCli(repo.dir, ['plan', '--detailed-exitcode'], env)
    expect(invalid.exitCode).toBe(1)

    const denied = await runCli(repo.dir, ['plan', '--detailed-exitcode'], {
      ...env,
      KESTRA_PASSWORD: 'Wrong-Password-42'
    })
    expect(denied.exitCode).toBe(1)
  })

  it.each([
    [['plan', '--detailed-exitcode', '--bogus'], "unknown option '--bogus'"],
    [
      ['plan', '--detailed-exitcode', '--environment', 'prod'],
      '--environment works only in GitHub Actions'
    ],
    [['deploy', '--auto-approve', '--detailed-exitcode'], '--detailed-exitcode goes with plan'],
    [['validate', '--detailed-exitcode'], '--detailed-exitcode goes with plan']
  ])('%j is a usage error that exits 1, so 2 means only "changes"', async (argv, message) => {
    const result = await runCli(repo.dir, argv, env)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(message)
    expect(kestra.requests).toEqual([])
  })
})
