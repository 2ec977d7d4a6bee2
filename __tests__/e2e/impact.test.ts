/**
 * Impact (docs/impact.md): `node dist/index.js` on a pull request against the Kestra
 * emulator; the comment lists callers (a server-only one included) and trigger changes, and a deleted flow
 * that is still called is an error on the caller.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent } from '../../test-support/scenario.js'

const NS = 'company.team'

function caller(id: string, target: string): string {
  return `id: ${id}\nnamespace: ${NS}\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: ${target}\n`
}

function scheduled(id: string, cron: string): string {
  return `${flow(NS, id)}triggers:\n  - id: daily\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "${cron}"\n`
}

let kestra: Emulator
let github: FakeGitHub

afterEach(async () => {
  await kestra?.close()
  await github?.close()
})

/** Seeds the server with `server`, commits `before` then `after` on a branch, and plans the PR. */
async function planPullRequest(
  before: Record<string, string>,
  after: Record<string, string | null>,
  server: { id: string; source: string }[],
  inputs: Record<string, string> = {}
) {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
  kestra.seed({ flows: server.map((f) => ({ namespace: NS, ...f })) })
  const repo = createGitRepo(before)
  const base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  const head = repo.commit(after)
  const result = await runAction({
    ...pullRequestEvent(repo, base, head),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS, ...inputs }
  })
  const comment = github.comments(7)[0]?.body ?? ''
  return { result, comment, repo }
}

describe('impact in the plan, end to end', () => {
  it('lists the callers of a changed subflow, a server-only caller included, and changes no request count per flow', async () => {
    const files = {
      [`${NS}/flows/child.yml`]: flow(NS, 'child'),
      [`${NS}/flows/parent.yml`]: caller('parent', 'child')
    }
    const { result, comment } = await planPullRequest(
      files,
      { [`${NS}/flows/child.yml`]: flow(NS, 'child', ' v2') },
      [
        { id: 'child', source: flow(NS, 'child') },
        { id: 'parent', source: caller('parent', 'child') },
        { id: 'legacy', source: caller('legacy', 'child') }
      ]
    )
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(comment).toMatch(/🟡 update flow <b>company\.team\.child<\/b>[^\n]*📞 called by 2 flows/)
    expect(comment).toContain(
      '**Called by:** company.team.legacy (Subflow, server only), company.team.parent (Subflow)'
    )
    expect(result.summary).toContain('company.team.legacy (Subflow, server only)')
    expect(kestra.requests.filter((r) => r.route === 'flows.get')).toEqual([])
  })

  it("lists a 2.0 Flow trigger's dependsOn as a caller of the flow it waits for", async () => {
    const waits = `${flow(NS, 'waits')}triggers:\n  - id: after\n    type: io.kestra.plugin.core.trigger.Flow\n    dependsOn:\n      - namespace: ${NS}\n        flowId: child\n`
    const files = { [`${NS}/flows/child.yml`]: flow(NS, 'child'), [`${NS}/flows/waits.yml`]: waits }
    const { result, comment } = await planPullRequest(
      files,
      { [`${NS}/flows/child.yml`]: flow(NS, 'child', ' v2') },
      [
        { id: 'child', source: flow(NS, 'child') },
        { id: 'waits', source: waits }
      ]
    )
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(comment).toContain('**Called by:** company.team.waits (Flow trigger)')
  })

  it('shows a cron change before → after with its next run, and marks the flow', async () => {
    const { result, comment, repo } = await planPullRequest(
      { [`${NS}/flows/nightly.yml`]: scheduled('nightly', '0 9 * * *') },
      { [`${NS}/flows/nightly.yml`]: scheduled('nightly', '0 8 * * *') },
      [{ id: 'nightly', source: scheduled('nightly', '0 9 * * *') }]
    )
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(comment).toMatch(/🟡 update flow <b>company\.team\.nightly<\/b>[^\n]*⏰ triggers change/)
    const committed = new Date(repo.git('show', '-s', '--format=%cI', 'HEAD'))
    const next = new Date(committed)
    next.setUTCHours(8, 0, 0, 0)
    if (next <= committed) next.setUTCDate(next.getUTCDate() + 1)
    const day = next.toISOString().slice(0, 10)
    expect(comment).toContain(
      `- trigger daily cron <code>0 9 &#42; &#42; &#42;</code> → <code>0 8 &#42; &#42; &#42;</code> (next run after the commit: ${day} 08:00 UTC)`
    )
  })

  it('deleting a flow that another flow still calls is an error on the caller', async () => {
    const { result, comment } = await planPullRequest(
      {
        [`${NS}/flows/child.yml`]: flow(NS, 'child'),
        [`${NS}/flows/parent.yml`]: caller('parent', 'child')
      },
      { [`${NS}/flows/child.yml`]: null },
      [
        { id: 'child', source: flow(NS, 'child') },
        { id: 'parent', source: caller('parent', 'child') }
      ],
      { delete: 'true' }
    )
    expect(result.exitCode, result.stdout + result.stderr).toBe(1)
    expect(result.outputs.errors).toBe('1')
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: `${NS}/flows/parent.yml`,
        line: 4,
        message: expect.stringContaining(
          'Subflow calls flow company.team.child, which this deploy deletes'
        )
      })
    )
    expect(comment).toContain('**Still called by:** company.team.parent (Subflow)')
    expect(comment).toContain('which this deploy deletes')
  })
})
