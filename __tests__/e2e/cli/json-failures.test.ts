/**
 * docs/cli.md#the-json-document: `--json` always prints one JSON document, a failed run included (a `failure`
 * field with the message; exit codes unchanged). Every way a run of `validate`, `plan` or `deploy` can end
 * early, through the bundled CLI.
 */
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planDocumentSchema } from '../../../src/report/render/plan-document.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { CREDENTIALS, flow } from '../../../test-support/scenario.js'
import { runCli, runCliOnTerminal, type CliResult } from './run-cli.js'

const NS = 'company.team'

let kestra: Emulator
let repo: GitRepo
let env: Record<string, string>
/** A port nothing listens on: every request is refused. */
let closedPort: number

beforeAll(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  env = {
    KESTRA_URL: kestra.url,
    KESTRA_USERNAME: CREDENTIALS.username,
    KESTRA_PASSWORD: CREDENTIALS.password
  }
  repo = createGitRepo({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello') })
  const server = createServer()
  closedPort = await new Promise<number>((done) =>
    server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port))
  )
  await new Promise((done) => server.close(done))
})

afterAll(async () => {
  await kestra?.close()
})

/** stdout is exactly one document of the published schema, saying the failure. */
function failureOf(result: CliResult, command: string): string {
  const document = planDocumentSchema.parse(JSON.parse(result.stdout))
  expect(document.command).toBe(command)
  expect(document.verdict.passed).toBe(false)
  expect(document.failure, result.stderr).toEqual(expect.any(String))
  expect(result.stdout).not.toContain(CREDENTIALS.password)
  return document.failure!
}

describe('--json prints one document when the run fails', () => {
  it('against a server that does not answer: plan, deploy and validate, exit 1', async () => {
    const server = `http://127.0.0.1:${closedPort}`
    for (const args of [
      ['plan', '--json'],
      ['deploy', '--json', '--auto-approve'],
      ['validate', '--json'],
      ['plan', '--format', 'json'],
      ['plan', '--format=json', '--detailed-exitcode']
    ]) {
      const result = await runCli(repo.dir, [...args, '--server', server], env)
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(1)
      expect(failureOf(result, args[0]!)).toContain('Kestra did not answer')
      const document = planDocumentSchema.parse(JSON.parse(result.stdout))
      expect(document.server).toBe(server)
      expect(document.commit).toBe(repo.head())
      expect(result.stderr).toContain('Kestra did not answer')
    }
  })

  it('with a bad settings file: the file and line, exit 2', async () => {
    const bad = createGitRepo({
      [`${NS}/flows/hello.yml`]: flow(NS, 'hello'),
      'kestra-gitops.yml': 'delete: maybe\n'
    })
    for (const command of ['plan', 'deploy', 'validate']) {
      const result = await runCli(bad.dir, [command, '--json'], env)
      expect(result.exitCode, result.stderr).toBe(2)
      expect(failureOf(result, command)).toContain('kestra-gitops.yml:1')
    }
  })

  it('with a bad flag value, an unknown flag or a usage error: exit 2 (1 with --detailed-exitcode)', async () => {
    const cases: [string[], number, string][] = [
      [['plan', '--json', '--max-deletions', 'abc'], 2, '--max-deletions'],
      [['plan', '--json', '--delet'], 2, "unknown option '--delet'; did you mean '--delete'?"],
      [['deploy', '--json', '--detailed-exitcode'], 1, '--detailed-exitcode goes with plan'],
      [['plan', '--json', '--detailed-exitcode', '--layout', 'flat'], 1, '--layout'],
      [['validate', '--json', '--base', 'no-such-ref'], 2, "--base 'no-such-ref' names no commit"],
      // Without a terminal and without --auto-approve, deploy refuses before any read.
      [['deploy', '--json'], 2, '--auto-approve']
    ]
    for (const [args, exitCode, said] of cases) {
      const result = await runCli(repo.dir, args, env)
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(exitCode)
      expect(failureOf(result, args[0]!)).toContain(said)
    }
    // Without a server at all.
    const alone = await runCli(repo.dir, ['plan', '--json'], {})
    expect(alone.exitCode).toBe(2)
    expect(failureOf(alone, 'plan')).toContain('plan needs the Kestra server')
  })

  it('when a read fails during the gather: the reason, exit 1', async () => {
    const proxied = await startEmulator({ basicAuth: CREDENTIALS })
    try {
      // A proxy in front of Kestra answers the flows' listing with its own page.
      proxied.inject({ route: 'flows.list', status: 200, body: '<html>a proxy</html>', times: 50 })
      for (const args of [
        ['plan', '--json'],
        ['deploy', '--json', '--auto-approve']
      ]) {
        const result = await runCli(repo.dir, args, { ...env, KESTRA_URL: proxied.url })
        expect(result.exitCode, result.stderr).toBe(1)
        expect(failureOf(result, args[0]!)).toContain('the answer is not JSON')
      }
    } finally {
      await proxied.close()
    }
  })

  it('when deploy is cancelled at the question: the plan shown, and why nothing was written', async () => {
    const { exitCode, output } = await runCliOnTerminal(repo.dir, ['deploy', '--json'], env, 'no')
    expect(exitCode, output).toBe(1)
    const start = output.indexOf('{\n  "format_version"')
    const document = planDocumentSchema.parse(
      JSON.parse(output.slice(start, output.lastIndexOf('}') + 1))
    )
    expect(document.command).toBe('deploy')
    expect(document.failure).toBe("Deploy cancelled: nothing was written (only 'yes' deploys).")
    expect(document.counts).toMatchObject({ create: 1 })
  })

  it('a command it does not know is a usage error in words: there is no command to document', async () => {
    const result = await runCli(repo.dir, ['plna', '--json'], env)
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain("unknown command 'plna'")
  })
})
