/**
 * A preview that fails (docs/environments.md#previews): its smoke run fails in `pr-7.*`, so the step fails,
 * the Preview section says which run failed, the GitHub deployment records `failure`, and the pull request's
 * own plan is still in the comment. Also `namespace-prefix` on a deploy runs smoke flows where they went.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { runAction } from '../../../test-support/runner.js'
import {
  CREDENTIALS,
  dispatchEvent,
  flow,
  pullRequestEvent
} from '../../../test-support/scenario.js'
import {
  deployments,
  openPullRequest,
  publish,
  startServers,
  stopServers,
  type Servers
} from './stage.js'

const NS = 'company.team'

let servers: Servers | undefined
let repo: GitRepo

afterEach(() => stopServers(servers))

describe('a failing preview', () => {
  it('fails the step, says why in the Preview section, and records failure on GitHub', async () => {
    servers = await startServers()
    repo = createGitRepo({ [`${NS}/flows/check.yml`]: flow(NS, 'check') })
    const base = repo.head()
    repo.git('checkout', '-q', '-b', 'feature')
    const head = repo.commit({ [`${NS}/flows/check.yml`]: flow(NS, 'check', ' v2') })
    publish(servers.github, repo)
    openPullRequest(servers.github, base, head)
    servers.kestra.scriptExecutions(`pr-7.${NS}`, 'check', { state: 'FAILED', durationMs: 20 })
    const event = pullRequestEvent(repo, base, head)
    const result = await runAction({
      ...event,
      payload: { ...event.payload, action: 'opened' },
      githubApiUrl: servers.github.url,
      inputs: {
        server: servers.kestra.url,
        ...CREDENTIALS,
        preview: 'true',
        'smoke-flows': `${NS}.check`
      }
    })
    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ mode: 'plan', smoke: 'failed' })
    const error = result.annotations.find((a) => a.severity === 'error')!.message
    expect(error).toContain(`pr-7.${NS}.check`)
    const [comment] = servers.github.comments(7)
    const section = comment!.body.slice(comment!.body.indexOf('### Preview'))
    expect(section).toContain('❌')
    expect(section).toContain(`pr-7.${NS}`)
    expect(comment!.body.slice(0, comment!.body.indexOf('### Preview'))).toMatch(/1 to create/)
    const [recorded] = deployments(servers.github)
    expect(recorded!.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure'])
  })

  it('namespace-prefix: smoke flows run in the prefixed namespace, never in the original', async () => {
    servers = await startServers()
    repo = createGitRepo({ [`${NS}/flows/check.yml`]: flow(NS, 'check') })
    servers.kestra.seed({ flows: [{ namespace: NS, id: 'check', source: flow(NS, 'check') }] })
    const result = await runAction({
      ...dispatchEvent(repo, repo.head()),
      githubApiUrl: servers.github.url,
      inputs: {
        server: servers.kestra.url,
        ...CREDENTIALS,
        'namespace-prefix': 'qa',
        'smoke-flows': `${NS}.check`
      }
    })
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.outputs.smoke).toBe('passed')
    expect(servers.kestra.executions().map((e) => `${e.namespace}.${e.flowId}`)).toEqual([
      `qa.${NS}.check`
    ])
  })
})
