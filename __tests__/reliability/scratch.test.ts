import { it } from 'vitest'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, pullRequestEvent } from '../../test-support/scenario.js'
import { startStage, flow } from './stage.js'
const NS = 'company.team'
it('scratch', async () => {
  let t = Date.now()
  const many: Record<string, string> = {}
  for (let i = 0; i < 5000; i++) many[`${NS}/files/many/f${i}.txt`] = `file ${i}\n`
  const big = ('x'.repeat(99) + '\n').repeat(500_000)
  const s = await startStage({ base: { [`${NS}/flows/a.yml`]: flow(NS, 'a') }, change: { ...many, [`${NS}/files/big.txt`]: big } })
  console.log('stage', Date.now() - t); t = Date.now()
  const p = await s.plan()
  console.log('plan', Date.now() - t, p.exitCode, p.stdout.slice(0, 3000), p.stderr)
  console.log(s.github.comments(7)[0]?.body.length, s.github.comments(7)[0]?.body.slice(0, 1500))
  t = Date.now()
  const api = await runAction({ ...pullRequestEvent(s.repo, 'a'.repeat(40), s.head), githubApiUrl: s.github.url, inputs: { server: s.kestra.url, ...CREDENTIALS } })
  console.log('api', Date.now() - t, api.exitCode, api.stdout.slice(0, 3000), api.summary.slice(0, 2000))
  t = Date.now()
  const r = await runAction({ ...pullRequestEvent(s.repo, s.base, s.head), githubApiUrl: s.github.url, inputs: { server: s.kestra.url, ...CREDENTIALS, root: '../..', 'namespace-files': '../../etc -> company.team' } })
  console.log('root', Date.now() - t, r.exitCode, r.stdout.slice(0, 3000))
  t = Date.now()
  const d = await s.deploy()
  console.log('deploy', Date.now() - t, d.exitCode, d.stdout.slice(0, 1500))
  await s.close()
}, 200000)
