/**
 * A mapped namespace Kestra would refuse (docs/environments.md#namespace-mapping): `pr-4242.` before a
 * 148-character namespace gives 156 characters, past Kestra's 150. The preview, and a deploy with
 * `namespace-prefix`, refuse before any write, naming the namespace and the limit; at exactly 150 the deploy
 * goes through.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { runAction } from '../../../test-support/runner.js'
import {
  CREDENTIALS,
  dispatchEvent,
  flow,
  pullRequestEvent
} from '../../../test-support/scenario.js'
import {
  deployments,
  kestraWrites,
  openPullRequest,
  publish,
  startServers,
  stopServers,
  type Servers
} from './stage.js'

let servers: Servers | undefined
afterEach(async () => {
  await stopServers(servers)
  servers = undefined
})

/** A valid namespace of `length` characters. */
const namespaceOf = (length: number) => `company.${'x'.repeat(length - 'company.'.length)}`

async function stage(namespace: string) {
  servers = await startServers()
  const repo = createGitRepo({ 'README.md': 'kestra\n' })
  const base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  const head = repo.commit({
    [`${namespace}/flows/hello.yml`]: flow(namespace, 'hello'),
    [`${namespace}/files/q.sql`]: 'select 1\n'
  })
  publish(servers.github, repo)
  return { repo, base, head }
}

describe('a prefixed namespace longer than Kestra allows', () => {
  it('the preview of PR 4242 with a 148-character namespace: refused, nothing written, the namespace and 150 named', async () => {
    const namespace = namespaceOf(148)
    const { repo, base, head } = await stage(namespace)
    openPullRequest(servers!.github, base, head, 4242)
    const result = await runAction({
      ...pullRequestEvent(repo, base, head, { number: 4242 }),
      githubApiUrl: servers!.github.url,
      inputs: { server: servers!.kestra.url, ...CREDENTIALS, preview: 'true' }
    })
    expect(kestraWrites(servers!.kestra)).toEqual([])
    expect(deployments(servers!.github).filter((d) => d.environment.startsWith('pr-'))).toEqual([])
    const comment = servers!.github.comments(4242)[0]?.body ?? ''
    const said = `${result.stdout}\n${comment}`
    expect(said).toContain(`pr-4242.${namespace}`)
    expect(said).toMatch(/156 characters/)
    expect(said).toMatch(/at most 150 characters/)
    expect(said).not.toMatch(/re-run/i)
  })

  it('namespace-prefix on a deploy: refused before any write; at exactly 150 characters it deploys', async () => {
    const tooLong = namespaceOf(148)
    const first = await stage(tooLong)
    const refused = await runAction({
      ...dispatchEvent(first.repo, first.head, { ref: 'refs/heads/feature' }),
      githubApiUrl: servers!.github.url,
      inputs: { server: servers!.kestra.url, ...CREDENTIALS, 'namespace-prefix': 'pr-4242' }
    })
    expect(refused.exitCode).toBe(1)
    expect(refused.outputs.deployed).toBe('false')
    expect(kestraWrites(servers!.kestra)).toEqual([])
    const error = refused.annotations.find((a) => a.severity === 'error')!.message
    expect(error).toContain(tooLong)
    expect(error).toContain(`pr-4242.${tooLong}`)
    expect(error).toMatch(/at most 150 characters/)
    expect(error).toMatch(/at most 142 characters/)
    await stopServers(servers)

    const fits = namespaceOf(142)
    const second = await stage(fits)
    const deployed = await runAction({
      ...dispatchEvent(second.repo, second.head, { ref: 'refs/heads/feature' }),
      githubApiUrl: servers!.github.url,
      inputs: { server: servers!.kestra.url, ...CREDENTIALS, 'namespace-prefix': 'pr-4242' }
    })
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0)
    expect(servers!.kestra.snapshot().flows.map((f) => [f.namespace.length, f.namespace])).toEqual([
      [150, `pr-4242.${fits}`]
    ])
  })
})
