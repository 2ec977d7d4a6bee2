import { startEmulator } from '../../test-support/kestra-emulator/index.js'
import { startFakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { runAction } from '../../test-support/runner.js'
import { pullRequestEvent } from '../../test-support/scenario.js'
import { editFlows, generateRepo, repoTree } from './synthetic-repo.js'

const size = {
  flows: Number(process.argv[2] ?? 2000),
  files: Number(process.argv[3] ?? 10000),
  namespaces: 40
}
let t = performance.now()
const repo = generateRepo(size)
const pr = editFlows(repo, 200)
console.log('gen', performance.now() - t)
t = performance.now()
const git = createGitRepo()
const base = git.commit(repoTree(repo), 'main')
git.git('checkout', '-q', '-b', 'feature')
const head = git.commit(repoTree(pr), 'pr')
console.log('git', performance.now() - t)
t = performance.now()
let bytes = 0
for (const f of repo.files)
  bytes += typeof f.content === 'string' ? Buffer.byteLength(f.content) : f.content.length
let fb = 0
for (const f of repo.flows) fb += f.source.length
console.log('file bytes', bytes, 'flow bytes', fb)
console.log("REPO", git.dir, base, head)
const kestra = await startEmulator({ latencyMs: 50 })
const github = await startFakeGitHub()
kestra.seed({ flows: repo.flows, files: repo.files })
await new Promise((r) => setTimeout(r, 3000))
console.log('seed', performance.now() - t)
t = performance.now()
kestra.clearLog()
const result = await runAction({
  ...pullRequestEvent(git, base, head),
  githubApiUrl: github.url,
  inputs: { server: kestra.url, concurrency: process.env.CONC ?? '8' },
  env: process.env.PROF ? { NODE_OPTIONS: '--import /tmp/bench-proto/prof.mjs' } : {}
})
console.log('plan', performance.now() - t, result.exitCode)
console.log(
  result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::'))
    .slice(0, 20)
    .join('\n')
)
console.log(result.annotations.slice(0, 5))
const counts: Record<string, number> = {}
for (const r of kestra.requests)
  counts[`${r.method} ${r.route}`] = (counts[`${r.method} ${r.route}`] ?? 0) + 1
console.log(counts)
console.log(github.comments(7)[0]?.body.length)
await kestra.close()
await github.close()
