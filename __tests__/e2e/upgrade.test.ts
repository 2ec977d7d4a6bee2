/**
 * Upgrade readiness end to end (docs/upgrade.md), the journey of a 1.3 repository with a ForEach, flow-level
 * plugin defaults and trigger conditions: its pull request against a 1.3 server gets the folded section in the
 * comment and the summary (the plan's fingerprint unchanged), `kestra-gitops upgrade-check --write` rewrites
 * the flow in place and the released 2.0.0 core loads the result, and `mode: upgrade` opens one pull request
 * from `kestra-gitops/upgrade-2.0` holding that rewrite, writing nothing to Kestra.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { coreRequired, coreUnavailable, releasedCores } from '../../test-support/kestra-core.js'
import {
  startEmulator,
  WRITE_ROUTES,
  type Emulator
} from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, flow, pullRequestEvent } from '../../test-support/scenario.js'
import { JOURNEY } from '../resources/flows/upgrade-journey.js'
import { runCli } from './cli/run-cli.js'
import { visibleLog } from './output-surfaces.js'

const NS = 'company.team'
const FILE = `${NS}/flows/nightly.yml`
const BRANCH = 'kestra-gitops/upgrade-2.0'

let kestra: Emulator
let target: Emulator
let github: FakeGitHub
let repo: GitRepo
let base: string
let head: string

beforeAll(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS, version: '1.3.31' })
  target = await startEmulator({ basicAuth: CREDENTIALS, version: '2.0.0' })
  github = await startFakeGitHub({ actionsCanCreatePullRequests: true })
  repo = createGitRepo({ [`${NS}/flows/upstream.yml`]: flow(NS, 'upstream') })
  base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  head = repo.commit({ [FILE]: JOURNEY })
})

afterAll(async () => {
  await kestra?.close()
  await target?.close()
  await github?.close()
})

const planRun = (inputs: Record<string, string> = {}) =>
  runAction({
    ...pullRequestEvent(repo, base, head),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS, ...inputs }
  })

describe('upgrade-server: a Kestra on the target decides (docs/upgrade.md#upgrade-server)', () => {
  const section = () => github.comments(7).at(-1)!.body

  it("the section lists the 2.0 server's verdicts, and nothing is written to it", async () => {
    target.clearLog()
    const result = await planRun({ 'upgrade-server': target.url })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    // The 2.0 emulator stops at the first binding problem, as Jackson does: one refusal, not the rules' six.
    expect(section()).toContain(
      '<details><summary>Ready for Kestra 2.0? 1 of 2 managed flow(s) would load; 1 would not</summary>'
    )
    expect(section()).toContain(
      `<code>${FILE}:7</code>: Kestra rejects this flow: Invalid type: BOOLEAN.`
    )
    expect(section()).toContain('1 refusal(s), 1 with a mechanical rewrite, 0 to rewrite by hand.')
    // Asked its version and its verdicts (both flows and the rewrite, one request), nothing else.
    const asked = target.requests.map((r) => `${r.method} ${r.route}`)
    expect(asked).toEqual(['GET configs', 'POST flows.validate'])
  }, 120_000)

  it('an upgrade server on another line is an error naming the input and the version it answered', async () => {
    target.clearLog()
    const result = await planRun({ 'upgrade-server': kestra.url })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain(
      `::error::Input 'upgrade-server': ${kestra.url} answers version "1.3.31", not one of the 2.0 line`
    )
  }, 120_000)

  it('an unreachable upgrade server is an error naming it, with no secret in any output', async () => {
    const result = await planRun({ 'upgrade-server': 'http://127.0.0.1:9' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain("Input 'upgrade-server': http://127.0.0.1:9 did not answer")
    const cli = await runCli(
      repo.dir,
      ['upgrade-check', '--upgrade-server', 'http://127.0.0.1:9'],
      {
        KESTRA_USERNAME: CREDENTIALS.username,
        KESTRA_PASSWORD: CREDENTIALS.password
      }
    )
    expect(cli.exitCode).toBe(1)
    expect(cli.stderr).toContain("upgrade-server': http://127.0.0.1:9 did not answer")
    const outputs = [
      visibleLog(result.stdout),
      result.stderr,
      result.summary,
      cli.stdout,
      cli.stderr
    ]
    for (const text of outputs) {
      expect(text).not.toContain(CREDENTIALS.password)
    }
  }, 120_000)

  it("upgrade-check --upgrade-server lists the 2.0 server's verdicts", async () => {
    target.clearLog()
    const check = await runCli(repo.dir, ['upgrade-check', '--upgrade-server', target.url], {
      KESTRA_USERNAME: CREDENTIALS.username,
      KESTRA_PASSWORD: CREDENTIALS.password
    })
    expect(check.exitCode, check.stderr).toBe(1)
    expect(check.stdout).toContain(
      `${FILE}:7: error: Kestra rejects this flow: Invalid type: BOOLEAN.`
    )
    expect(check.stdout).toContain('(1 mechanical, 0 manual refusal(s))')
    expect(target.requests.filter((r) => WRITE_ROUTES.includes(r.route))).toEqual([])
  }, 120_000)
})

describe('upgrade readiness, through the bundled action and CLI', () => {
  it('a pull request against a 1.3 server shows the folded section, as notices that change no fingerprint', async () => {
    const result = await planRun()
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    const body = github.comments(7).at(-1)!.body
    for (const text of [body, result.summary]) {
      expect(text).toContain(
        '<details><summary>Ready for Kestra 2.0? 1 of 2 managed flow(s) would load; 1 would not</summary>'
      )
      expect(text).toContain(`<code>${FILE}:17</code>`)
      expect(text).toContain('6 refusal(s), 6 with a mechanical rewrite, 0 to rewrite by hand.')
    }
    expect(result.outputs.errors).toBe('0')
    const off = await planRun({ 'upgrade-check': 'off' })
    expect(github.comments(7).at(-1)!.body).not.toContain('Ready for Kestra')
    expect(off.outputs['plan-fingerprint']).toBe(result.outputs['plan-fingerprint'])
  }, 120_000)

  it('upgrade-check lists the refusals and exits 1; --write rewrites the file, which the released 2.0.0 core loads', async () => {
    const check = await runCli(repo.dir, ['upgrade-check'])
    expect(check.exitCode, check.stderr).toBe(1)
    expect(check.stdout).toContain(`${FILE}:17: error: \`io.kestra.plugin.core.flow.ForEach\``)
    expect(check.stdout).toContain('Not ready for Kestra 2.0: 1 of 2 flow(s) would not load')
    const write = await runCli(repo.dir, ['upgrade-check', '--to', '2.0', '--write'])
    expect(write.exitCode, write.stderr).toBe(0)
    expect(write.stdout).toContain('1 file(s) rewritten.')
    const rewritten = readFileSync(join(repo.dir, FILE), 'utf8')
    expect(rewritten).toContain('type: io.kestra.plugin.core.flow.Loop')
    expect(rewritten).toContain('type: BOOL   # keep me')
    expect((await runCli(repo.dir, ['upgrade-check'])).exitCode).toBe(0)
    repo.git('checkout', '-q', '--', FILE)

    const unavailable = coreUnavailable()
    if (unavailable && !coreRequired()) return
    const core = releasedCores().get('2.0')!
    const [verdict] = await core.validate(rewritten)
    expect(verdict!.constraints).toBeUndefined()
    const [original] = await core.validate(JOURNEY)
    expect(original!.constraints).toBeDefined()
  }, 300_000)

  it("mode: upgrade opens one pull request with the rewrite, a second run updates it, a maintainer's amend is never force-pushed over; nothing is written to Kestra", async () => {
    repo.git('checkout', '-q', 'main')
    repo.git('merge', '-q', '--ff-only', 'feature')
    github.seedFromRepository(repo.dir)
    const dispatch = () => {
      kestra.clearLog()
      return runAction({
        ...dispatchEvent(repo, repo.head()),
        githubApiUrl: github.url,
        inputs: { server: kestra.url, ...CREDENTIALS, mode: 'upgrade' }
      })
    }
    const first = await dispatch()
    expect(first.exitCode, first.stdout + first.stderr).toBe(0)
    expect(kestra.requests.filter((r) => WRITE_ROUTES.includes(r.route))).toEqual([])
    const pulls = [...github.state.pulls.values()].filter((pull) => pull.state === 'open')
    expect(pulls).toHaveLength(1)
    expect(pulls[0]!.head.ref).toBe(BRANCH)
    expect(pulls[0]!.body).toContain('#### Rewritten')
    expect(pulls[0]!.body).toContain(
      'Nothing: once merged, every managed flow loads on the target.'
    )
    const { git } = github.state
    const files = git.objects.flatten(git.objects.readCommit(git.resolveCommit(BRANCH)!).tree)
    const blob = git.objects.get(files.get(FILE)!.sha)!.content.toString('utf8')
    expect(blob).toContain('type: io.kestra.plugin.core.flow.Loop')
    expect(blob).toContain('# a 1.3 flow')

    const second = await dispatch()
    expect(second.exitCode, second.stdout + second.stderr).toBe(0)
    expect([...github.state.pulls.values()].filter((pull) => pull.state === 'open')).toHaveLength(1)

    // A maintainer amends the action's commit (git keeps its message, trailer and author): the next run leaves it.
    const ref = `refs/heads/${BRANCH}`
    const ours = git.objects.readCommit(git.refs.get(ref)!)
    const fixed = git.objects.flatten(ours.tree)
    fixed.set(FILE, {
      mode: '100644',
      sha: git.objects.put('blob', Buffer.from(`${blob}# reviewed by hand\n`))
    })
    const amended = git.objects.writeCommit({
      ...ours,
      tree: git.objects.writeFlat(fixed),
      committer: { name: 'Ada', email: 'ada@example.com', date: '2026-01-02T00:00:00Z' }
    })
    git.refs.set(ref, amended)
    const mark = github.requests.length
    const third = await dispatch()
    expect(third.exitCode).toBe(1)
    expect(git.refs.get(ref)).toBe(amended)
    expect(visibleLog(third.stdout)).toContain(
      `The branch ${BRANCH} holds commit ${amended.slice(0, 12)}, which this action did not write as it is (someone pushed to the branch or amended its commit): it is left as it is, never force-pushed over.`
    )
    expect(
      github.requests.slice(mark).filter((r) => r.method !== 'GET' && r.path.includes('/git/'))
    ).toEqual([])
  }, 180_000)
})
