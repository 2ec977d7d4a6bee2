/**
 * The bundled CLI reads the repository's settings file as the action does (docs/inputs.md#settings-file):
 * a local plan and the CI one use the same settings, a flag overrides the file with a line saying so, and a
 * bad file is a usage error naming its file and line before any request.
 */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { CREDENTIALS, flow } from '../../../test-support/scenario.js'
import { readmeBlock } from '../environments/workflow-runner.js'
import { outputsOf, runCli } from './run-cli.js'

const NS = 'company.team'

let kestra: Emulator
let env: Record<string, string>

beforeEach(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  kestra.seed({ flows: [{ namespace: NS, id: 'old', source: flow(NS, 'old') }] })
  env = {
    KESTRA_URL: kestra.url,
    KESTRA_USERNAME: CREDENTIALS.username,
    KESTRA_PASSWORD: CREDENTIALS.password
  }
})

afterEach(async () => {
  await kestra?.close()
})

describe('the CLI and the settings file', () => {
  it('plans with the settings of .github/kestra-gitops.yml, and a flag wins over them', async () => {
    const repo = createGitRepo({
      '.github/kestra-gitops.yml': '# shared with CI\ndelete: true\n',
      [`${NS}/flows/keep.yml`]: flow(NS, 'keep')
    })
    const fromFile = await runCli(repo.dir, ['plan', '--verbose'], env)
    expect(fromFile.exitCode, fromFile.stderr).toBe(0)
    expect(fromFile.stderr).toContain('Settings from .github/kestra-gitops.yml: delete.')
    expect(outputsOf(fromFile.stdout)).toMatchObject({ deleted: '1', orphaned: '0' })

    const overridden = await runCli(repo.dir, ['plan', '--verbose', '--no-delete'], env)
    expect(overridden.exitCode, overridden.stderr).toBe(0)
    expect(overridden.stderr).toContain(
      "Input 'delete' from the command line overrides .github/kestra-gitops.yml line 2."
    )
    expect(outputsOf(overridden.stdout)).toMatchObject({ deleted: '0', orphaned: '1' })
  })

  it("the README's settings file: no notice on validate or plan, one line on the deploy it concerns", async () => {
    const repo = createGitRepo({
      'kestra-gitops.yml': readmeBlock('kestra-gitops.yml'),
      [`${NS}/flows/keep.yml`]: flow(NS, 'keep')
    })
    for (const command of [['validate'], ['plan'], ['plan', '--json'], ['deploy', '--dry-run']]) {
      const result = await runCli(repo.dir, command, env)
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).not.toContain('require-reviewed-plan')
      expect(result.stderr).not.toMatch(/^notice /m)
    }
    const deployed = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    expect(deployed.stderr.split('\n').filter((line) => line.startsWith('notice '))).toEqual([
      'notice kestra-gitops.yml: require-reviewed-plan (line 5) applies in GitHub Actions only: this deploy writes the plan it makes (--auto-approve), not one reviewed in a pull request (docs/cli.md#settings-the-cli-does-not-use).'
    ])

    // Several settings a deploy in GitHub Actions acts on: one line for them all.
    const more = createGitRepo({
      'kestra-gitops.yml':
        'require-reviewed-plan: true\nrollback: true\nsmoke-flows: company.team.keep\n',
      [`${NS}/flows/keep.yml`]: flow(NS, 'keep')
    })
    const result = await runCli(more.dir, ['deploy', '--auto-approve'], env)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr.split('\n').filter((line) => line.startsWith('notice '))).toEqual([
      'notice kestra-gitops.yml: require-reviewed-plan (line 1), rollback (line 2), smoke-flows (line 3) apply in GitHub Actions only: this deploy writes the plan it makes (--auto-approve), not one reviewed in a pull request, rolls nothing back, runs no smoke execution (docs/cli.md#settings-the-cli-does-not-use).'
    ])
  })

  it('refuses a key the file may not set, naming the file and line, before any request', async () => {
    const repo = createGitRepo({
      'kestra-gitops.yml': 'delete: true\npassword: hunter2-hunter2\n',
      [`${NS}/flows/keep.yml`]: flow(NS, 'keep')
    })
    kestra.clearLog()
    const result = await runCli(repo.dir, ['plan'], env)
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(
      "kestra-gitops.yml:2: 'password' cannot be set here (credentials belong in secrets"
    )
    expect(kestra.requests).toEqual([])
  })

  it("run from a subfolder, reads the Git root's settings file, says which, and reads the repository from there", async () => {
    const repo = createGitRepo({
      'kestra-gitops.yaml': 'delete: true\n',
      [`kestra/${NS}/flows/keep.yml`]: flow(NS, 'keep')
    })
    const result = await runCli(join(repo.dir, 'kestra'), ['plan', '--verbose'], env)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain(
      `Settings file: ../kestra-gitops.yaml, at the Git root ${repo.dir}: the repository is read from there, with root kestra`
    )
    expect(outputsOf(result.stdout)).toMatchObject({ created: '1', deleted: '1' })
  })

  it('reports every bad key and value in one run, each on its line, a near-miss with the key meant and a credential the CLI way', async () => {
    const repo = createGitRepo({
      'kestra-gitops.yml': 'delet: true\npassword: hunter2-hunter2\nmax-deletions: many\n',
      [`${NS}/flows/keep.yml`]: flow(NS, 'keep')
    })
    kestra.clearLog()
    const result = await runCli(repo.dir, ['plan'], env)
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(
      "kestra-gitops.yml:1: 'delet' is not an input this file may set; did you mean 'delete'?\n"
    )
    expect(result.stderr).toContain(
      "kestra-gitops.yml:2: 'password' cannot be set here (credentials belong in secrets, passed by the workflow): give it to the CLI in the environment variable KESTRA_PASSWORD\n"
    )
    expect(result.stderr).toMatch(/kestra-gitops\.yml:3: .*max-deletions/)
    expect(result.stderr).not.toContain('with:')
    expect(result.stderr).not.toContain('hunter2')
    expect(kestra.requests).toEqual([])
  })

  it('says credentials are missing when none were given, unlike a wrong password, with no retry line after the error', async () => {
    const repo = createGitRepo({ [`${NS}/flows/keep.yml`]: flow(NS, 'keep') })
    const missing = await runCli(repo.dir, ['plan'], { KESTRA_URL: kestra.url })
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain('the server asks for credentials and none were given')
    const wrong = await runCli(repo.dir, ['plan'], { ...env, KESTRA_PASSWORD: 'not-the-password' })
    expect(wrong.exitCode).toBe(1)
    expect(wrong.stderr).not.toContain('none were given')
    expect(wrong.stderr).toContain('check KESTRA_USERNAME/KESTRA_PASSWORD')
    for (const run of [missing, wrong]) {
      const after = run.stderr.slice(run.stderr.lastIndexOf('error'))
      expect(after).not.toContain('retrying')
    }
  })
})
