/**
 * A data team's repository, replayed: 19 flows in three namespaces under `kestra/flows/<namespace>/`, six namespace
 * files under `kestra/files/<namespace>/`, one subflow call and one secret. With no configuration at all the
 * files are found (docs/layouts.md#files-folders-found-by-auto), and a typo'd `namespace-files` line is an
 * error that plans no deletion (docs/layouts.md#a-folder-that-does-not-exist), through the bundled action
 * and the CLI. Then the README's quick start on it: its settings file, the pull request's comment and the CLI's
 * `plan --json` agreeing, the deletion of a flow made in the UI called out, and `deploy` asking on a terminal
 * (docs/cli.md#deploy-asks-first) and refusing without one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent } from '../../test-support/scenario.js'
import { outputsOf, runCli, runCliOnTerminal } from './cli/run-cli.js'
import { readmeBlock } from './environments/workflow-runner.js'

const FINANCE = 'company.data.finance'
const MARKETING = 'company.data.marketing'
const OPS = 'company.data.ops'

/** The team's repository: 7 + 6 + 6 flows, 2 files per namespace, and a dbt project mapped by a line. */
function teamFiles(): Record<string, string> {
  const files: Record<string, string> = {
    [`kestra/flows/${FINANCE}/invoices.yml`]: `id: invoices\nnamespace: ${FINANCE}\ntasks:\n  - id: query\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ read('/sql/invoices.sql') }}"\n  - id: notify\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${OPS}\n    flowId: notify\n`,
    [`kestra/flows/${OPS}/notify.yml`]: `id: notify\nnamespace: ${OPS}\ntasks:\n  - id: post\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ secret('SLACK_WEBHOOK_URL') }}"\n`,
    [`kestra/files/${FINANCE}/sql/invoices.sql`]: 'select * from invoices\n',
    [`kestra/files/${FINANCE}/sql/payments.sql`]: 'select * from payments\n',
    [`kestra/files/${MARKETING}/dbt/model.sql`]: 'select 1\n',
    [`kestra/files/${MARKETING}/dbt/schema.yml`]: 'version: 2\nmodels:\n  - name: model\n',
    [`kestra/files/${OPS}/scripts/cleanup.py`]: 'print("cleanup")\n',
    [`kestra/files/${OPS}/scripts/report.py`]: 'print("report")\n',
    // The dbt project, kept apart: read only through its line `kestra/dbt -> company.data.marketing:/dbt`.
    'kestra/dbt/models/orders.sql': 'select * from orders\n',
    'README.md': '# Data team flows\n'
  }
  for (let i = 1; i <= 6; i++)
    files[`kestra/flows/${FINANCE}/report-${i}.yml`] = flow(FINANCE, `report-${i}`)
  for (let i = 1; i <= 6; i++)
    files[`kestra/flows/${MARKETING}/campaign-${i}.yml`] = flow(MARKETING, `campaign-${i}`)
  for (let i = 1; i <= 5; i++) files[`kestra/flows/${OPS}/job-${i}.yml`] = flow(OPS, `job-${i}`)
  return files
}

let kestra: Emulator
let github: FakeGitHub
let repo: GitRepo
let base: string
let head: string

beforeAll(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
  repo = createGitRepo({ LICENSE: 'MIT\n' })
  base = repo.head()
  head = repo.commit(teamFiles())
})

afterAll(async () => {
  await kestra?.close()
  await github?.close()
})

describe("the data team's repository", () => {
  it('finds the six namespace files with no configuration, says where, and warns of no missing file', async () => {
    const result = await runAction({
      ...pullRequestEvent(repo, base, head, { number: 72 }),
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS }
    })
    const log = result.stdout + result.stderr
    expect(result.exitCode, log).toBe(0)
    const lines = result.stdout.split('\n').filter((line) => !line.startsWith('::'))
    expect(lines.slice(1, 5)).toEqual([
      expect.stringMatching(/^Layout: anywhere \(/),
      ...[FINANCE, MARKETING, OPS].map((namespace) =>
        expect.stringContaining(
          `Namespace files: 'kestra/files/${namespace}/' under root holds the files of ${namespace}`
        )
      )
    ])
    expect(result.outputs, log).toMatchObject({ errors: '0', created: String(19 + 6) })
    expect(result.annotations.map((a) => a.message).join('\n')).not.toContain('/sql/invoices.sql')
    const body = github.comments(72)[0]!.body
    for (const path of [
      '/sql/invoices.sql',
      '/sql/payments.sql',
      '/dbt/model.sql',
      '/scripts/report.py'
    ]) {
      expect(body).toContain(path)
    }
  })

  it('refuses a typo in a namespace-files line, naming the folder and the one meant, and plans no deletion', async () => {
    // Deployed before with the right line: the server holds the dbt project's file.
    kestra.seed({
      files: [{ namespace: MARKETING, path: '/dbt/models/orders.sql', content: 'select 1\n' }]
    })
    const result = await runAction({
      ...pullRequestEvent(repo, base, head, { number: 73 }),
      githubApiUrl: github.url,
      inputs: {
        server: kestra.url,
        ...CREDENTIALS,
        delete: 'true',
        'namespace-files': `kestra/dbtt -> ${MARKETING}:/dbt`
      }
    })
    const log = result.stdout + result.stderr
    expect(result.exitCode, log).toBe(1)
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: 'kestra/dbtt',
        message: expect.stringContaining(
          `The namespace-files line 'kestra/dbtt -> ${MARKETING}:/dbt' names 'kestra/dbtt', which does not exist under root '.' (did you mean 'kestra/dbt'?)`
        )
      })
    )
    const body = github.comments(73)[0]!.body
    expect(body).toContain(
      `orphaned file <b>${MARKETING}:/dbt/models/orders.sql</b> · kept: an input names a folder that does not exist`
    )
    expect(result.outputs.deleted, log).toBe('0')
  })

  it('the CLI finds the same files with zero configuration, and refuses the typo the same way', async () => {
    const env = {
      KESTRA_URL: kestra.url,
      KESTRA_USERNAME: CREDENTIALS.username,
      KESTRA_PASSWORD: CREDENTIALS.password
    }
    const plain = await runCli(repo.dir, ['validate'], env)
    expect(plain.exitCode, plain.stderr).toBe(0)
    expect(plain.stderr).toContain(`Namespace files: 'kestra/files/${OPS}/' under root`)
    expect(plain.stdout).toContain('Checked 19 flow(s) and 6 namespace file(s)')

    const typo = await runCli(
      repo.dir,
      ['plan', '--delete', '--namespace-files', `kestra/file/${MARKETING} -> ${MARKETING}`],
      env
    )
    expect(typo.exitCode).toBe(1)
    expect(typo.stdout + typo.stderr).toContain(`(did you mean 'kestra/files/${MARKETING}'?)`)
    expect(outputsOf(typo.stdout).deleted ?? '0').toBe('0')
  })

  it("the README's quick start: the comment and plan --json agree, the deletion is called out, deploy asks", async () => {
    const server = await startEmulator({ basicAuth: CREDENTIALS })
    const hub = await startFakeGitHub()
    try {
      server.seed({
        flows: [{ namespace: OPS, id: 'made-in-ui', source: flow(OPS, 'made-in-ui') }]
      })
      const team = createGitRepo({ 'kestra-gitops.yml': readmeBlock('kestra-gitops.yml') })
      const start = team.head()
      const tip = team.commit(teamFiles())
      const env = {
        KESTRA_URL: server.url,
        KESTRA_USERNAME: CREDENTIALS.username,
        KESTRA_PASSWORD: CREDENTIALS.password
      }
      const planned = await runAction({
        ...pullRequestEvent(team, start, tip),
        githubApiUrl: hub.url,
        inputs: { server: server.url, ...CREDENTIALS }
      })
      expect(planned.exitCode, planned.stdout).toBe(0)
      const comment = hub.comments(7)[0]?.body ?? ''
      const headline = comment.split('\n').find((line) => line.startsWith('### Kestra plan'))
      // The base commit never held made-in-ui: created in Kestra's UI (docs/drift.md#the-uis-work-named).
      expect(headline).toBe(
        '### Kestra plan: 25 to create, 0 to update, 1 to delete, 0 unchanged, 1 drifted'
      )
      expect(comment).toContain(
        `- flow <b>${OPS}.made-in-ui</b>: created in Kestra's UI; deploying deletes it`
      )
      // The deletion, called out under the headline (docs/comment.md#deletions).
      expect(comment).toMatch(
        /^> \[!CAUTION\]\n> 🔴 \*\*Deletes 1 flow:\*\* flow company\.data\.ops\.made/m
      )

      const json = await runCli(team.dir, ['plan', '--json'], env)
      expect(json.exitCode, json.stderr).toBe(0)
      const document = JSON.parse(json.stdout) as {
        counts: Record<string, number>
        deletions: string[]
        fingerprint: string
      }
      expect(document.counts).toMatchObject({ create: 25, update: 0, delete: 1, unchanged: 0 })
      expect(document.deletions).toEqual([`flow ${OPS}.made-in-ui`])
      expect(comment).toContain(document.fingerprint)

      const refused = await runCli(team.dir, ['deploy'], env)
      expect(refused.exitCode).toBe(2)
      expect(refused.stderr).toContain('--auto-approve')
      expect(server.snapshot().flows.map((f) => f.id)).toEqual(['made-in-ui'])

      const { exitCode, output } = await runCliOnTerminal(team.dir, ['deploy'], env, 'yes')
      expect(exitCode, output).toBe(0)
      expect(output).toContain(`It deletes 1 resource(s): flow ${OPS}.made-in-ui.`)
      const live = server.snapshot().flows.filter((f) => !f.deleted)
      expect(live).toHaveLength(19)
      expect(live.map((f) => f.id)).not.toContain('made-in-ui')
    } finally {
      await server.close()
      await hub.close()
    }
  })
})
