/**
 * The bundled CLI (`node dist/cli.js`) end to end against the Kestra emulator.
 */
import { cpSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { CREDENTIALS, flow } from '../../../test-support/scenario.js'
import { outputsOf, runCli, type CliResult } from './run-cli.js'

const NS = 'company.team'
const TOKEN = 'tok-cli-0123456789abcdef'
const BASIC = Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')
const SECRETS = [CREDENTIALS.password, BASIC, TOKEN]
const READ_ROUTES = new Set([
  'configs',
  'flows.list',
  'flows.export.by-ids',
  'namespaces.files.export',
  'flows.validate',
  'flows.get',
  'namespaces.files.get',
  'kv.get',
  // What the review reads (docs/caught-at-review.md#requests): names and executions, never a value.
  'executions.search',
  'secrets.list',
  'namespaces.secrets.list',
  'namespaces.secrets.inherited',
  'kv.search',
  'kv.list',
  'kv.inheritance'
])

let kestra: Emulator
let env: Record<string, string>

// A fresh server per test: no test sees another's deploys.
beforeEach(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS, tokens: [TOKEN] })
  env = {
    KESTRA_URL: kestra.url,
    KESTRA_USERNAME: CREDENTIALS.username,
    KESTRA_PASSWORD: CREDENTIALS.password
  }
})

afterEach(async () => {
  await kestra?.close()
})

function expectNoSecret(...results: CliResult[]): void {
  for (const result of results) {
    for (const secret of SECRETS) {
      expect(result.stdout).not.toContain(secret)
      expect(result.stderr).not.toContain(secret)
    }
  }
}

function writes() {
  return kestra.requests.filter((r) => !READ_ROUTES.has(r.route))
}

function serverState() {
  const { flows, files } = kestra.snapshot()
  return {
    flows: flows
      .filter((f) => f.namespace === NS && !f.deleted)
      .map((f) => ({ id: f.id, source: f.source })),
    files: files
      .filter((f) => f.namespace === NS)
      .map((f) => ({ path: f.path, text: f.bytes.toString('utf8') }))
  }
}

describe('kestra-gitops validate', () => {
  it('passes a valid tree without a server', async () => {
    const repo = createGitRepo({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello') })
    const result = await runCli(repo.dir, ['validate', '--verbose'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('Validation passed: 0 errors, 0 warnings')
    expect(outputsOf(result.stdout)).toMatchObject({
      mode: 'validate',
      errors: '0',
      warnings: '0',
      deployed: 'false'
    })
  })

  it('fails with one `file:line:col severity message [rule]` line per finding', async () => {
    const repo = createGitRepo({
      [`${NS}/flows/hello.yml`]: flow(NS, 'hello'),
      [`${NS}/flows/broken.yml`]:
        'id: broken\nnamespace: company.team\ntasks:\n  - id: greet\n    type: io.kestra.plugin.core.log.Log\n    message: [unclosed\n'
    })
    const result = await runCli(repo.dir, ['validate', '--verbose'])
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /^company\.team\/flows\/broken\.yml:\d+(:\d+)? error \S.* \[[a-z-]+\]$/m
    )
    expect(result.stdout).toContain('Validation failed: 1 error, 0 warnings')
    expect(outputsOf(result.stdout).errors).toBe('1')
    expect(result.stderr).toContain(
      'error Validation found 1 error, 0 warnings: fix the errors and run again.'
    )
  })

  it('checks flows with the server when one is given, with credentials from the environment', async () => {
    const repo = createGitRepo({
      [`${NS}/flows/odd.yml`]: flow(NS, 'odd').replace(
        'io.kestra.plugin.core.log.Log',
        'io.kestra.plugin.core.log.UnknownThing'
      )
    })
    kestra.clearLog()
    const result = await runCli(repo.dir, ['validate'], env)
    expect(kestra.requests.some((r) => r.route === 'flows.validate')).toBe(true)
    expect(kestra.requests.every((r) => r.authorization === 'basic')).toBe(true)
    expect(result.stdout).toMatch(/^company\.team\/flows\/odd\.yml:\d+(:\d+)? error /m)
    expect(result.exitCode).toBe(1)
    expectNoSecret(result)
  })
})

describe('kestra-gitops plan and deploy', () => {
  let repo: GitRepo

  beforeEach(() => {
    kestra.seed({
      flows: [
        { namespace: NS, id: 'keep', source: flow(NS, 'keep') },
        { namespace: NS, id: 'change', source: flow(NS, 'change'), revisions: 3 },
        { namespace: NS, id: 'gone', source: flow(NS, 'gone') }
      ],
      files: [{ namespace: NS, path: '/scripts/a.py', content: 'print("a")\n' }]
    })
    repo = createGitRepo({
      [`${NS}/flows/keep.yml`]: flow(NS, 'keep'),
      [`${NS}/flows/change.yml`]: flow(NS, 'change', ' (now better)'),
      [`${NS}/flows/new.yml`]: flow(NS, 'new'),
      [`${NS}/files/scripts/a.py`]: 'print("a")\n',
      [`${NS}/files/scripts/b.py`]: 'print("b")\n'
    })
    kestra.clearLog()
  })

  it('plan prints the changes as a diff and writes nothing', async () => {
    const result = await runCli(repo.dir, ['plan', '--verbose'], env)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(writes()).toEqual([])
    const out = result.stdout
    expect(out).toContain(
      'Kestra plan: 2 to create, 1 to update, 0 to delete, 2 unchanged, 1 orphaned'
    )
    expect(out).toContain('Namespace company.team')
    expect(out).toContain('+ create flow company.team.new')
    expect(out).toContain('+ create file company.team:/scripts/b.py')
    expect(out).toMatch(/~ update flow company\.team\.change · \+1 -1 · rev 3 → 4/)
    expect(out).toContain('! orphaned flow company.team.gone')
    expect(out).toContain('      -    message: hello from change\n')
    expect(out).toContain('      +    message: hello from change (now better)\n')
    expect(out).not.toContain('\u001b[') // not a terminal: no colours
    expect(outputsOf(out)).toMatchObject({
      mode: 'plan',
      'has-changes': 'true',
      created: '2',
      updated: '1',
      unchanged: '2',
      orphaned: '1',
      deployed: 'false'
    })
    expect(outputsOf(out)['plan-fingerprint']).toMatch(/^[0-9a-f]{64}$/)
    expect(result.stderr).toContain('kestra-gitops: plan')
    expectNoSecret(result)
  })

  it('plan --format markdown prints exactly the PR comment', async () => {
    const result = await runCli(
      repo.dir,
      ['plan', '--format', 'markdown', '--comment-key', 'staging'],
      env
    )
    expect(result.exitCode, result.stderr).toBe(0)
    expect(writes()).toEqual([])
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe('<!-- kestra-gitops:staging -->')
    expect(lines[1]).toBe(
      '### Kestra plan · staging: 2 to create, 1 to update, 0 to delete, 2 unchanged, 1 orphaned'
    )
    expect(result.stdout).toContain('```diff')
    expect(result.stdout).toMatch(
      /<!-- kestra-gitops-plan: \{"fingerprint":"[0-9a-f]{64}","commit":"[0-9a-f]{40}"(,"settings":\{.*\},"changes":\[.*\])?\} -->/
    )
    expect(result.stdout).not.toContain('kestra-gitops: plan') // progress stays on stderr
    expect(result.stdout).not.toContain('plan-fingerprint:')
  })

  it('plan --json prints the outputs and findings as JSON', async () => {
    const result = await runCli(repo.dir, ['plan', '--json'], env)
    expect(result.exitCode, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout) as {
      outputs: Record<string, string>
      findings: unknown[]
    }
    expect(json.outputs).toMatchObject({ mode: 'plan', created: '2', updated: '1' })
    expect(json.findings).toEqual([])
  })

  it('plan --json gives marks in plain words, the text plan with their signs', async () => {
    repo.commit({
      [`${NS}/flows/caller.yml`]: `id: caller\nnamespace: ${NS}\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: change\n`
    })
    const result = await runCli(repo.dir, ['plan', '--json'], env)
    expect(result.exitCode, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout) as { resources: { name: string; marks: string[] }[] }
    const change = json.resources.find((r) => r.name === `${NS}.change`)
    expect(change?.marks).toEqual(['rev 3 → 4', 'called by 1 flow'])
    expect(result.stdout).not.toMatch(/\p{Extended_Pictographic}/u)
    const text = await runCli(repo.dir, ['plan'], env)
    expect(text.stdout).toMatch(/~ update flow company\.team\.change · .* · 📞 called by 1 flow/)
  })

  it('deploy makes the server hold the repository; a second deploy writes nothing', async () => {
    const first = await runCli(repo.dir, ['deploy', '--auto-approve', '--verbose'], env)
    expect(first.exitCode, first.stderr).toBe(0)
    expect(outputsOf(first.stdout)).toMatchObject({ mode: 'deploy', deployed: 'true' })
    expect(first.stderr).toContain('Deployed: 3 resource(s) written.')
    expect(serverState()).toEqual({
      flows: [
        { id: 'change', source: flow(NS, 'change', ' (now better)') },
        { id: 'gone', source: flow(NS, 'gone') }, // orphaned: --delete is off
        { id: 'keep', source: flow(NS, 'keep') },
        { id: 'new', source: flow(NS, 'new') }
      ],
      files: [
        { path: '/scripts/a.py', text: 'print("a")\n' },
        { path: '/scripts/b.py', text: 'print("b")\n' }
      ]
    })

    kestra.clearLog()
    const second = await runCli(repo.dir, ['deploy', '--auto-approve', '--verbose'], env)
    expect(second.exitCode, second.stderr).toBe(0)
    expect(writes()).toEqual([])
    expect(second.stdout).not.toMatch(/^ {2}[+~-] /m)
    expect(second.stdout).toContain('! orphaned flow company.team.gone')
    expect(outputsOf(second.stdout)).toMatchObject({
      'has-changes': 'false',
      deployed: 'false',
      unchanged: '5'
    })

    const deleting = await runCli(repo.dir, ['deploy', '--auto-approve', '--delete'], env)
    expect(deleting.exitCode, deleting.stderr).toBe(0)
    expect(serverState().flows.map((f) => f.id)).toEqual(['change', 'keep', 'new'])
    expect(deleting.stdout).toContain('- delete flow company.team.gone')
    expectNoSecret(first, second, deleting)
  })

  it('logs one summary line per phase, the detail only with --verbose, and removes its temp folder', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'kga-cli-tmp-'))
    const quiet = await runCli(repo.dir, ['deploy', '--auto-approve'], { ...env, TMPDIR: temp })
    expect(quiet.exitCode, quiet.stderr).toBe(0)
    expect(quiet.stderr.split('\n')).toEqual([
      `kestra-gitops: deploy (server ${kestra.url})`,
      'Layout: tenant (the top-level folders company.team are namespaces that their flows declare)',
      // The repository line and the verdict are the result's (stdout), said once.
      'Read 1 namespace(s) from the server: 3 flow(s), 1 file(s).',
      expect.stringMatching(
        /^Plan: 2 to create, 1 to update, 0 to delete, 2 unchanged, 1 orphaned \(fingerprint [0-9a-f]{12}\)\.$/
      ),
      'company.team: 2 created, 1 updated',
      'Deployed: 3 resource(s) written.',
      ''
    ])
    expect(quiet.stdout).toContain(
      'Checked 3 flow(s) and 2 namespace file(s) in 1 namespace(s): company.team.'
    )
    expect(quiet.stdout).toContain('Validation passed: 0 errors, 0 warnings')
    expect(quiet.stderr).not.toContain('workflow_dispatch')
    expect(quiet.stdout).not.toMatch(/^(mode|plan-fingerprint|deployed):/m) // outputs only with --verbose
    expect(readdirSync(temp)).toEqual([])

    kestra.clearLog()
    repo.commit({ [`${NS}/flows/new.yml`]: flow(NS, 'new', ' again') })
    const verbose = await runCli(repo.dir, ['deploy', '--auto-approve', '--verbose'], env)
    expect(verbose.exitCode, verbose.stderr).toBe(0)
    expect(verbose.stderr).toContain('  company.team: 3 flow(s), 2 file(s)\n')
    expect(verbose.stderr).toContain('  flow company.team.new: updated (revision 2)\n')
    expect(verbose.stderr).toContain('company.team: 1 updated\n')
    expect(outputsOf(verbose.stdout)).toMatchObject({ mode: 'deploy', updated: '1' })
    expect(outputsOf(verbose.stdout)['plan-file']).toBeUndefined() // removed with the temp folder
  })

  it('deploy warns that uncommitted changes are deployed under the HEAD commit', async () => {
    repo.write({ [`${NS}/flows/new.yml`]: flow(NS, 'new', ' (edited)') })
    const result = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain(
      `warning 1 uncommitted change(s) under .: the working tree is deployed, recorded as commit ${repo.head().slice(0, 12)}.`
    )
    expect(serverState().flows).toContainEqual({ id: 'new', source: flow(NS, 'new', ' (edited)') })
  })

  it('deploy needs a git commit to record', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'kga-cli-nogit-'))
    cpSync(repo.dir, plain, { recursive: true, filter: (path) => !path.endsWith('.git') })
    const result = await runCli(plain, ['deploy', '--auto-approve'], env)
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('deploy records the deployed commit in Kestra')
    expect(writes()).toEqual([])
  })

  it('deploy --dry-run only plans', async () => {
    const result = await runCli(
      repo.dir,
      ['deploy', '--auto-approve', '--dry-run', '--verbose'],
      env
    )
    expect(result.exitCode, result.stderr).toBe(0)
    expect(writes()).toEqual([])
    expect(outputsOf(result.stdout)).toMatchObject({ mode: 'plan', deployed: 'false' })
  })

  it('deploy stops before the first write when a flow is broken', async () => {
    repo.commit({ [`${NS}/flows/new.yml`]: 'id: new\nnamespace: company.team\ntasks: [\n' })
    const result = await runCli(repo.dir, ['deploy', '--auto-approve'], env)
    expect(result.exitCode).toBe(1)
    expect(writes()).toEqual([])
    expect(result.stdout).toMatch(/^company\.team\/flows\/new\.yml:\d+(:\d+)? error /m)
  })

  it('takes a bearer token from KESTRA_API_TOKEN', async () => {
    const result = await runCli(repo.dir, ['plan'], {
      KESTRA_URL: kestra.url,
      KESTRA_API_TOKEN: TOKEN
    })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(kestra.requests.every((r) => r.authorization === 'bearer')).toBe(true)
    expectNoSecret(result)
  })

  it('fails on wrong credentials without printing them', async () => {
    const result = await runCli(repo.dir, ['plan'], {
      ...env,
      KESTRA_PASSWORD: 'Wrong-Password-42'
    })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/error .*401/)
    // CLI words: the environment variables, not the action's inputs.
    expect(result.stderr).toContain('check KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN')
    expect(result.stderr).not.toMatch(/\binputs?\b/)
    expect(result.stdout + result.stderr).not.toContain('Wrong-Password-42')
    expect(result.stdout + result.stderr).not.toContain(
      Buffer.from(`${CREDENTIALS.username}:Wrong-Password-42`).toString('base64')
    )
  })

  it('masks every form of the credentials when the server echoes them in an error', async () => {
    kestra.inject({ route: 'flows.list', status: 403, echoCredentials: true })
    const result = await runCli(repo.dir, ['plan'], env)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('***')
    expectNoSecret(result)
    for (const form of [encodeURIComponent(CREDENTIALS.password), BASIC.replace(/=+$/, '')]) {
      expect(result.stdout + result.stderr).not.toContain(form)
    }
  })

  it('masks a secret even when repository content holds it', async () => {
    repo.commit({
      [`${NS}/flows/new.yml`]: flow(NS, 'new', ` ${CREDENTIALS.password}`)
    })
    const result = await runCli(repo.dir, ['plan'], env)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('+    message: hello from new ***')
    expectNoSecret(result)
  })
})

describe('kestra-gitops plan --base', () => {
  it('measures drift and the changed files against the base ref', async () => {
    const ns = 'base.team'
    const repo = createGitRepo({
      [`${ns}/flows/edited.yml`]: flow(ns, 'edited'),
      [`${ns}/flows/other.yml`]: flow(ns, 'other')
    })
    repo.git('tag', 'v1')
    repo.commit({
      [`${ns}/flows/edited.yml`]: flow(ns, 'edited', ' (pr)'),
      [`${ns}/flows/added.yml`]: flow(ns, 'added')
    })
    kestra.seed({
      flows: [
        { namespace: ns, id: 'edited', source: flow(ns, 'edited', ' (hotfix)') },
        { namespace: ns, id: 'other', source: flow(ns, 'other', ' (hotfix)') }
      ]
    })

    const all = await runCli(repo.dir, ['plan', '--base', 'v1', '--verbose'], env)
    expect(all.exitCode, all.stderr).toBe(0)
    expect(all.stdout).toMatch(/~ update flow base\.team\.edited .*· drifted/)
    expect(all.stdout).toContain('Drift:')
    expect(outputsOf(all.stdout)).toMatchObject({ created: '1', updated: '2', drifted: '2' })

    const changed = await runCli(repo.dir, ['plan', '--base', 'v1', '--scope', 'changed'], env)
    expect(changed.exitCode, changed.stderr).toBe(0)
    expect(changed.stdout).toContain('+ create flow base.team.added')
    expect(changed.stdout).toContain('~ update flow base.team.edited')
    expect(changed.stdout).not.toContain('base.team.other')
  })

  it('refuses a ref that names no commit', async () => {
    const repo = createGitRepo({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello') })
    const result = await runCli(repo.dir, ['plan', '--base', 'no-such-ref'], env)
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain("--base 'no-such-ref' names no commit of this repository")
  })
})

describe('kestra-gitops usage', () => {
  let dir: string
  beforeAll(() => {
    dir = createGitRepo({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello') }).dir
  })

  it('--help prints the usage and exits 0', async () => {
    const result = await runCli(dir, ['--help'])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(
      /^Usage: kestra-gitops <validate\|plan\|deploy\|upgrade-check> \[options\]/
    )
    expect(result.stdout).toContain('KESTRA_API_TOKEN')
  })

  it.each([
    [['validate', '--bogus'], "unknown option '--bogus'"],
    [['plan', '--sever', 'x'], "unknown option '--sever'; did you mean '--server'?"],
    [['validate', '--no-server-validate'], "did you mean '--no-server-validation'?"],
    [['deplyo'], "unknown command 'deplyo'; did you mean 'deploy'?"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [[], 'name a command'],
    [['validate', 'extra'], "unexpected argument 'extra'"],
    [['validate', '--max-deletions', 'many'], "--max-deletions: 'many' is not accepted"],
    [['validate', '--layout'], "option '--layout' needs a value"],
    [['validate', '--delete=maybe'], "option '--delete' takes no value, or true/false"],
    [['plan'], 'plan needs the Kestra server: --server URL or KESTRA_URL'],
    [['validate', '--format', 'html'], "--format 'html' is not accepted"]
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const result = await runCli(dir, args)
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr).toContain("Run 'kestra-gitops --help' for usage.")
    expect(result.stdout).toBe('')
  })

  it('refuses credentials as flags without echoing them', async () => {
    const result = await runCli(dir, ['validate', '--password', 'Flag-Secret-99'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('credentials are read from the environment only')
    expect(result.stderr).not.toContain('Flag-Secret-99')
  })

  it('names the environment variable when a credential-bearing URL comes from KESTRA_URL', async () => {
    const result = await runCli(dir, ['validate'], {
      KESTRA_URL: 'https://u:Url-Secret-7@kestra.test'
    })
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('KESTRA_URL: do not put credentials in the URL')
    expect(result.stderr).not.toContain('Url-Secret-7')
  })
})

describe('kestra-gitops terminal output', () => {
  it('colours with --color, and never passes control characters from the repository through', async () => {
    const repo = createGitRepo({
      [`${NS}/flows/broken.yml`]: 'id: broken\nnamespace: company.team\ntasks: [\n',
      [`${NS}/files/evil.txt`]: 'title \u001b]0;pwned\u0007 done\n'
    })
    const coloured = await runCli(repo.dir, ['validate', '--color'])
    expect(coloured.stdout).toContain('\u001b[31merror\u001b[39m')

    const plain = await runCli(repo.dir, ['plan', '--no-color', '--no-server-validation'], env)
    expect(plain.stdout).toContain('\\x1b]0;pwned\\x07')
    expect(plain.stdout + plain.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/)
  })

  it('follows NO_COLOR unless colour is forced', async () => {
    const repo = createGitRepo({ [`${NS}/flows/broken.yml`]: 'id: broken\ntasks: [\n' })
    const result = await runCli(repo.dir, ['validate'], { NO_COLOR: '1' })
    expect(result.stdout).not.toContain('\u001b[')
    const forced = await runCli(repo.dir, ['validate', '--color'], { NO_COLOR: '1' })
    expect(forced.stdout).toContain('\u001b[')
  })
})
