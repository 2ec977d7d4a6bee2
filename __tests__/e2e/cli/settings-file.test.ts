/**
 * The bundled CLI reads the repository's settings file as the action does (docs/inputs.md#settings-file):
 * a local plan and the CI one use the same settings, a flag overrides the file with a line saying so, and a
 * bad file is a usage error naming its file and line before any request.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { CREDENTIALS, flow } from '../../../test-support/scenario.js'
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
})
