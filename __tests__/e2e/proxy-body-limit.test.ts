/**
 * A plan behind a proxy that refuses bodies over 1 MiB (nginx's and ingress-nginx's default): large flows
 * are validated in requests it accepts, and a flow too large to pass at all is an error on its own file
 * (docs/kestra.md#validation-behind-a-proxy). The emulator's fault plays the proxy; when nginx is installed,
 * a real nginx in front of the emulator does too.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { comparableOutputs, runAction, type RunResult } from '../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, flow, pullRequestEvent } from '../../test-support/scenario.js'

const NS = 'company.team'
const MIB = 1024 * 1024
const NGINX_413 =
  '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'

/** A flow of about `bytes` bytes: its message holds the padding. */
function largeFlow(id: string, bytes: number): string {
  return flow(NS, id, ` ${'x'.repeat(bytes)}`)
}

let kestra: Emulator
let github: FakeGitHub
let repo: GitRepo
let base: string
let head: string

beforeAll(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
  repo = createGitRepo({ [`${NS}/flows/small.yml`]: flow(NS, 'small') })
  base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  const large = Object.fromEntries(
    Array.from({ length: 60 }, (_, i) => [
      `${NS}/flows/large${i}.yml`,
      largeFlow(`large${i}`, 20_000)
    ])
  )
  head = repo.commit({ ...large, [`${NS}/flows/huge.yml`]: largeFlow('huge', 1.2 * MIB) })
})

afterAll(async () => {
  await kestra?.close()
  await github?.close()
})

async function planThrough(server: string) {
  kestra.clearLog()
  const result = await runAction({
    ...pullRequestEvent(repo, base, head),
    githubApiUrl: github.url,
    inputs: { server, ...CREDENTIALS }
  })
  const validations = kestra.requests.filter(
    (r) => r.route === 'flows.validate' && r.status === 200
  )
  return { result, validations, comment: github.comments(7).at(-1)?.body ?? '' }
}

function expectPlanBehindLimit(outcome: Awaited<ReturnType<typeof planThrough>>): void {
  const { result, validations, comment } = outcome
  // The huge flow is an error, so the plan fails the step: but it is a plan, with every other flow in it.
  expect(result.exitCode, result.stdout).toBe(1)
  expect(result.stdout).not.toMatch(/Kestra answered 413/)
  const errors = result.annotations.filter((a) => a.severity === 'error' && a.file)
  expect(errors).toEqual([
    expect.objectContaining({
      file: `${NS}/flows/huge.yml`,
      title: 'kestra-gitops: server-refused',
      message: expect.stringMatching(/refused a body of 1,258,\d{3} bytes.*client_max_body_size/)
    })
  ])
  expect(comment).toContain('large59')
  expect(comment).toMatch(/huge.yml.*refused a body of 1,258,\d{3} bytes.*proxy-body-size/)
  // Every flow but the huge one reached the server, in bodies a 1 MiB proxy lets through.
  expect(validations.length).toBeGreaterThan(1)
  for (const request of validations) expect(request.bodyBytes).toBeLessThanOrEqual(MIB)
  const validated = validations.flatMap((r) =>
    [...(r.text ?? '').matchAll(/^id: (\S+)$/gm)].map((m) => m[1])
  )
  expect(validated.sort()).toEqual(
    [...Array.from({ length: 60 }, (_, i) => `large${i}`), 'small'].sort()
  )
}

describe('a plan behind a proxy with a 1 MiB body limit', () => {
  it('validates large flows in accepted requests and reports the one too large to pass', async () => {
    kestra.inject({
      route: 'flows.validate',
      where: (request) => request.bodyBytes > MIB,
      times: Infinity,
      status: 413,
      body: NGINX_413
    })
    expectPlanBehindLimit(await planThrough(kestra.url))
  })

  const nginx = spawnSync('nginx', ['-v']).status === 0
  it.skipIf(!nginx)('does the same behind a real nginx with its default limit', async () => {
    const proxy = await startNginx(kestra.url)
    try {
      const outcome = await planThrough(proxy.url)
      expectPlanBehindLimit(outcome)
    } finally {
      proxy.stop()
    }
  })
})

describe('a deploy of a namespace file larger than the proxy lets through', () => {
  const files = {
    [`${NS}/flows/a.yml`]: flow(NS, 'a'),
    [`${NS}/files/big.csv`]: 'x,'.repeat(700_000),
    [`${NS}/files/small.csv`]: 'a,b'
  }
  const deployThrough = (repo: GitRepo, server: string) =>
    runAction({
      ...dispatchEvent(repo, repo.head()),
      githubApiUrl: github.url,
      inputs: { server, ...CREDENTIALS, mode: 'deploy' }
    })

  const filesOn = (server: Emulator) =>
    server
      .snapshot()
      .files.map((file) => file.path)
      .sort()

  /** What the user reads of the refused file: which body, how large, which limit to raise, what was applied. */
  function expectRefusedFile(result: RunResult, bytes: RegExp): void {
    expect(result.exitCode, result.stdout).toBe(1)
    const refused = new RegExp(
      `refused a body of ${bytes.source} bytes as too large: raise the proxy's request body limit ` +
        '\\(nginx: `client_max_body_size`; ingress-nginx: the `nginx\\.ingress\\.kubernetes\\.io/proxy-body-size` annotation\\), then re-run'
    )
    const error = result.annotations.find((a) => a.severity === 'error')
    expect(error?.message).toMatch(/Deploy incomplete: 1 resource\(s\) not applied, 2 applied/)
    expect(error?.message).toMatch(/failed: file:company\.team:\/big\.csv/)
    expect(error?.message).toMatch(refused)
    expect(result.summary).toMatch(/\| company\.team:\/big\.csv \| file \| failed \|/)
    // As a reader sees it: the summary writes Markdown's punctuation as numeric references.
    const shown = result.summary
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(+code))
      .replace(/<\/?code>/g, '`')
    expect(shown).toMatch(refused)
    expect(result.summary).toContain('**Applied:** company.team:/small.csv, company.team.a.')
    // A re-run alone would be refused again: the closing words say to raise the limit first.
    const first =
      "company.team:/big.csv was refused as too large, and a re-run is refused again until the limit is raised: raise the proxy's request body limit"
    expect(shown).toContain(first)
    expect(shown.indexOf(first)).toBeLessThan(
      shown.indexOf('Then re-running the deploy finishes the job')
    )
    expect(error?.message).toMatch(
      /big\.csv was refused as too large, .*\. Then re-run the workflow to finish/
    )
  }

  it('fails that file alone, naming its size and the limit to raise, and finishes once the limit is raised', async () => {
    let limit = MIB
    const server = await behindLimit(() => limit)
    try {
      const repo = createGitRepo(files)
      const first = await deployThrough(repo, server.url)
      const [refused] = server.requests.filter((r) => r.status === 413)
      expect(refused).toMatchObject({ route: 'namespaces.files.upload', partFilename: 'big.csv' })
      expectRefusedFile(first, new RegExp(refused!.bodyBytes.toLocaleString('en-US')))
      expect(filesOn(server)).toEqual(['/small.csv'])

      limit = Infinity
      server.clearLog()
      const again = await deployThrough(repo, server.url)
      expect(again.exitCode, again.stdout).toBe(0)
      const reads = new Set(['flows.validate', 'flows.export.by-ids']) // POSTs that write nothing
      const writes = server.requests.filter((r) => r.method !== 'GET' && !reads.has(r.route))
      expect(writes.map((r) => [r.route, r.partFilename ?? r.params.key])).toEqual([
        ['namespaces.files.upload', 'big.csv'],
        ['kv.put', 'kestra-gitops-commit']
      ])
      expect(filesOn(server)).toEqual(['/big.csv', '/small.csv'])
    } finally {
      await server.close()
    }
  })

  const nginx = spawnSync('nginx', ['-v']).status === 0
  it.skipIf(!nginx)('says the same behind a real nginx with its default limit', async () => {
    const server = await startEmulator({ basicAuth: CREDENTIALS })
    const proxy = await startNginx(server.url)
    try {
      const result = await deployThrough(createGitRepo(files), proxy.url)
      expectRefusedFile(result, /1,4\d\d,\d{3}/)
      expect(server.requests.filter((r) => r.partFilename === 'big.csv')).toEqual([])
      expect(filesOn(server)).toEqual(['/small.csv'])
    } finally {
      proxy.stop()
      await server.close()
    }
  })
})

/** The emulator behind a proxy that refuses a body over `limit()` bytes as nginx does. */
async function behindLimit(limit: () => number): Promise<Emulator> {
  const server = await startEmulator({ basicAuth: CREDENTIALS })
  server.inject({
    where: (request) => request.bodyBytes > limit(),
    times: Infinity,
    status: 413,
    body: NGINX_413
  })
  return server
}

/** nginx 1.22 (Debian) on loopback, its own prefix and no limit set: `client_max_body_size` is 1m. */
async function startNginx(upstream: string): Promise<{ url: string; stop(): void }> {
  const prefix = mkdtempSync(join(tmpdir(), 'nginx-'))
  chmodSync(prefix, 0o755) // run as root, nginx's workers are another user: they buffer bodies in here
  mkdirSync(join(prefix, 'logs'))
  const port = await freePort()
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `worker_processes 1;
error_log ${prefix}/logs/error.log;
pid ${prefix}/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass ${upstream}; }
  }
}
`
  )
  const started = spawnSync('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')], {
    encoding: 'utf8'
  })
  if (started.status !== 0) throw new Error(`nginx did not start: ${started.stderr}`)
  return {
    url: `http://127.0.0.1:${port}`,
    stop() {
      spawnSync('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-s', 'stop'])
      rmSync(prefix, { recursive: true, force: true })
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe('a deploy of a namespace of many flows behind a proxy', () => {
  // Lower than nginx's default, so that the checks of 2,500 flows (about 780 kB) would not pass it unbounded.
  const limit = 600 * 1024
  it("keeps each commit marker's write within the limit, writes nothing again, and plans as a full plan does", async () => {
    const server = await behindLimit(() => limit)
    try {
      const flows = Object.fromEntries(
        Array.from({ length: 2500 }, (_, i) => [`${NS}/flows/f${i}.yml`, flow(NS, `f${i}`)])
      )
      const many = createGitRepo(flows)
      const deploy = () =>
        runAction({
          ...dispatchEvent(many, many.head()),
          githubApiUrl: github.url,
          inputs: { server: server.url, ...CREDENTIALS, mode: 'deploy' }
        })
      const first = await deploy()
      expect(first.exitCode, first.stdout).toBe(0)
      const markers = server.requests.filter((r) => r.method === 'PUT' && r.route === 'kv.put')
      expect(markers).toHaveLength(1)
      expect(markers[0]!.status).toBe(200)
      expect(markers[0]!.bodyBytes).toBeLessThanOrEqual(limit)
      expect(first.stdout).not.toMatch(/answered 413/)

      server.clearLog()
      const again = await deploy()
      expect(again.exitCode, again.stdout).toBe(0)
      const reads = new Set(['flows.validate', 'flows.export.by-ids']) // POSTs that write nothing
      expect(server.requests.filter((r) => r.method !== 'GET' && !reads.has(r.route))).toEqual([])

      const deployed = many.head()
      many.git('checkout', '-q', '-b', 'feature')
      const head = many.commit({ [`${NS}/flows/f7.yml`]: flow(NS, 'f7', ' (changed)') })
      const plan = async (inputs: Record<string, string>) => {
        const result = await runAction({
          ...pullRequestEvent(many, deployed, head),
          githubApiUrl: github.url,
          inputs: { server: server.url, ...CREDENTIALS, ...inputs }
        })
        expect(result.exitCode, result.stdout).toBe(0)
        return {
          outputs: comparableOutputs(result.outputs),
          comment: github.comments(7).at(-1)?.body
        }
      }
      expect(await plan({})).toEqual(await plan({ 'full-plan': 'true' }))
    } finally {
      await server.close()
    }
  }, 240_000) // a namespace of 2,500 flows deployed, then planned twice
})
