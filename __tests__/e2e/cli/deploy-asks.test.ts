/**
 * `kestra-gitops deploy` is Terraform's apply habit (docs/cli.md#deploy-asks-first): on a terminal it shows
 * the plan and writes only after `yes`, naming the deletions in the question; `--auto-approve` skips the
 * question; with no terminal and no `--auto-approve` it refuses before any read. Driven on a pseudo-terminal
 * (util-linux's `script`) and without one, against the emulator, asserting what the person sees and what
 * the server holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { CREDENTIALS, flow } from '../../../test-support/scenario.js'
import { runCli, runCliOnTerminal } from './run-cli.js'

const NS = 'company.team'

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
  // A flow made in the UI: the quick start's `delete: true` plans its deletion.
  kestra.seed({
    flows: [
      { namespace: NS, id: 'made-in-ui', source: flow(NS, 'made-in-ui') },
      { namespace: NS, id: 'hello', source: flow(NS, 'hello') }
    ]
  })
  repo = createGitRepo({
    'kestra-gitops.yml': 'delete: true\nrequire-reviewed-plan: true\n',
    [`${NS}/flows/hello.yml`]: flow(NS, 'hello', ' again'),
    [`${NS}/flows/new.yml`]: flow(NS, 'new')
  })
  kestra.clearLog()
})

afterEach(async () => {
  await kestra?.close()
})

function serverFlows() {
  return kestra
    .snapshot()
    .flows.filter((f) => f.namespace === NS && !f.deleted)
    .map((f) => `${f.id}@${f.revision}`)
    .sort()
}

const BEFORE = ['hello@1', 'made-in-ui@1']

/** Requests that write: the reads a plan makes with POST (validation, exports) left out. */
function writes() {
  const reads = new Set(['flows.validate', 'flows.export.by-ids', 'namespaces.files.export'])
  return kestra.requests.filter((r) => r.method !== 'GET' && !reads.has(r.route))
}

describe('deploy asks first', () => {
  it("on a terminal, shows the plan, names the deletion in the question, and writes after 'yes'", async () => {
    const { exitCode, output } = await runCliOnTerminal(repo.dir, ['deploy'], env, 'yes')
    expect(exitCode, output).toBe(0)
    const question = output.indexOf('Deploy this plan')
    expect(question).toBeGreaterThan(0)
    const plan = output.slice(0, question)
    expect(plan).toContain('Kestra plan: 1 to create, 1 to update, 1 to delete, 0 unchanged')
    expect(plan).toContain('- delete flow company.team.made-in-ui')
    expect(plan).toContain('+    message: hello from hello again')
    expect(output.slice(question)).toContain(
      `Deploy this plan (1 to create, 1 to update, 1 to delete, 0 unchanged) to ${kestra.url}, tenant main?\nIt deletes 1 resource(s): flow company.team.made-in-ui.\nOnly 'yes' deploys. Enter a value: yes\n`
    )
    const after = output.slice(question)
    expect(after).toContain('Kestra deploy: applied, 1 created, 1 updated, 1 deleted')
    expect(after).toContain('The plan has the approved fingerprint')
    expect(after).not.toContain('+    message: hello from hello again') // the diff is shown once
    expect(serverFlows()).toEqual(['hello@2', 'new@1'])
    // The settings file's require-reviewed-plan is named, in one line, with what this deploy does instead.
    expect(output).toContain(
      "notice kestra-gitops.yml: require-reviewed-plan (line 2) applies in GitHub Actions only: this deploy shows the plan and asks for 'yes', rather than read the merged pull request's (docs/cli.md#settings-the-cli-does-not-use)."
    )
  })

  it("a flow edited on the server while the plan waits for 'yes': refused, naming it and the CLI's next step", async () => {
    const edit = flow(NS, 'hello', ' (edited in the UI meanwhile)')
    const { exitCode, output } = await runCliOnTerminal(
      repo.dir,
      ['deploy'],
      env,
      'yes',
      async () => {
        const saved = await fetch(`${kestra.url}/api/v1/main/flows/${NS}/hello`, {
          method: 'PUT',
          headers: {
            'content-type': 'application/x-yaml',
            authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`
          },
          body: edit
        })
        expect(saved.status).toBe(200)
      }
    )
    expect(exitCode, output).not.toBe(0)
    const refusal = output.slice(output.indexOf('reviewed-plan: the plan computed now'))
    expect(refusal).toContain('The server or the repository changed after the plan was shown.')
    expect(refusal).toContain(
      `update flow ${NS}.hello: what it writes or expects on the server changed since it was shown`
    )
    expect(refusal).not.toContain(`flow ${NS}.new`)
    expect(refusal).toContain(
      'Run the deploy again (kestra-gitops deploy) to see the current plan and approve it.'
    )
    expect(output).not.toMatch(/plan job|the workflow/)
    expect(serverFlows()).toEqual(['hello@2', 'made-in-ui@1'])
  })

  it('a deploy that fails part-way says to run the deploy again, not to re-run a workflow', async () => {
    kestra.inject({ route: 'flows.create', status: 422, times: 1 })
    const result = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(result.exitCode, result.stderr).toBe(1)
    const said = result.stdout + result.stderr
    expect(said).toContain('Kestra deploy: failed')
    expect(said).toContain(
      'Run the deploy again (kestra-gitops deploy) to finish (applied resources are not written again).'
    )
    expect(said).not.toMatch(/workflow/i)
  })

  it.each(['no', '', 'y', 'YES please'])(
    "writes nothing when the answer is not 'yes' (%j)",
    async (answer) => {
      const { exitCode, output } = await runCliOnTerminal(repo.dir, ['deploy'], env, answer)
      expect(exitCode, output).toBe(1)
      expect(output).toContain("Deploy cancelled: nothing was written (only 'yes' deploys).")
      expect(serverFlows()).toEqual(BEFORE)
      expect(writes()).toEqual([])
    }
  )

  it('without a terminal and without --auto-approve, refuses before any read', async () => {
    const result = await runCli(repo.dir, ['deploy'], env)
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(
      "kestra-gitops: deploy asks for 'yes' on a terminal before it writes, and stdin is not a terminal. Pass --auto-approve to deploy without the question (as in CI)"
    )
    expect(result.stdout).toBe('')
    expect(kestra.requests).toEqual([])
    expect(serverFlows()).toEqual(BEFORE)
  })

  it('--auto-approve deploys without a question, on a terminal or not', async () => {
    const result = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).not.toContain('Enter a value')
    expect(result.stdout.split('\n')[0]).toBe(
      'Kestra deploy: applied, 1 created, 1 updated, 1 deleted'
    )
    expect(serverFlows()).toEqual(['hello@2', 'new@1'])

    repo.commit({ [`${NS}/flows/new.yml`]: flow(NS, 'new', ' again') })
    const terminal = await runCliOnTerminal(repo.dir, ['deploy', '--auto-approve'], env, 'no')
    expect(terminal.exitCode, terminal.output).toBe(0)
    expect(terminal.output).not.toContain('Enter a value')
    expect(serverFlows()).toEqual(['hello@2', 'new@2'])
  })

  it('deploy --dry-run writes nothing, so it neither asks nor needs --auto-approve', async () => {
    const result = await runCli(repo.dir, ['deploy', '--dry-run'], env)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('- delete flow company.team.made-in-ui')
    expect(serverFlows()).toEqual(BEFORE)
  })

  it('--auto-approve goes with deploy only', async () => {
    const result = await runCli(repo.dir, ['plan', '--auto-approve'], env)
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('--auto-approve goes with deploy')
  })
})
