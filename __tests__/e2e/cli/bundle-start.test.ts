/**
 * What every start of the bundle loads (docs/performance.md#the-bundle): `node:http` is required, never imported
 * as a module (on Node 24 its module facade loads Node's own undici), the libraries' chunk is the minified one,
 * of Ajv it holds only the helpers of the validators made when the bundle is built, and of undici only the parts
 * the bundle uses, through which the action still reaches Kestra and GitHub behind a proxy.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createConnection, createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startFakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { startEmulator } from '../../../test-support/kestra-emulator/index.js'
import { PROJECT_ROOT, runAction } from '../../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent } from '../../../test-support/scenario.js'

const dist = process.env.KGA_DIST_DIR ?? join(PROJECT_ROOT, 'dist')
const chunks = [
  'index.js',
  'cli.js',
  ...readdirSync(join(dist, 'chunks')).map((name) => `chunks/${name}`)
]
  .filter((name) => name.endsWith('.js'))
  .map((name) => ({ name, code: readFileSync(join(dist, name), 'utf8') }))

describe('the bundle as it starts', () => {
  it('imports node:http as a module nowhere, and requires it once', () => {
    for (const { name, code } of chunks) {
      expect(code, name).not.toMatch(/(?:from|import)\s*["'](?:node:)?http["']/)
    }
    const required = chunks.flatMap(({ code }) => code.match(/\(["']node:http["']\)/g) ?? [])
    expect(required).toHaveLength(1)
  })

  it('carries its libraries minified, their license comments kept', () => {
    const vendor = chunks.find(({ name }) => name === 'chunks/vendor.js')!.code
    expect(vendor.length).toBeLessThan(1_500_000)
    expect(vendor).toContain('MIT License')
  })

  it("carries the flow schemas' validators Ajv made when it was built, not Ajv's compiler", () => {
    const map = JSON.parse(readFileSync(join(dist, 'chunks', 'vendor.js.map'), 'utf8')) as {
      sources: string[]
    }
    const ajv = map.sources.filter((source) => source.includes('node_modules/ajv/'))
    expect(ajv.some((source) => source.endsWith('ajv/dist/runtime/ucs2length.js'))).toBe(true)
    expect(ajv.filter((source) => !source.includes('ajv/dist/runtime/'))).toEqual([])
  })

  it("loads neither Node's own undici nor the undici parts it does not use", () => {
    const engine = pathToFileURL(join(dist, 'chunks', 'engine.js')).href
    const loaded = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(engine)}); console.log(JSON.stringify(process.moduleLoadList))`
      ],
      { encoding: 'utf8' }
    )
    expect(loaded.status, loaded.stderr).toBe(0)
    expect(JSON.parse(loaded.stdout)).not.toContainEqual(expect.stringMatching(/undici/))
    const vendor = chunks.find(({ name }) => name === 'chunks/vendor.js')!.code
    const unused = ['MockAgent', 'CacheStorage', 'WebSocketStream', 'getSetCookies']
    expect(unused.filter((name) => vendor.includes(name))).toEqual([])
  })
})

/**
 * A CONNECT proxy for names only it knows: each `<name>:<port>` asked is tunnelled to `routes[name]`'s port on this
 * machine. It says what it was asked.
 */
async function startTunnel(
  routes: Record<string, string>
): Promise<{ url: string; asked: string[]; server: Server }> {
  const asked: string[] = []
  const server = createServer((client) => {
    client.once('data', (head) => {
      const line = head.toString('latin1').split('\r\n')[0] ?? ''
      asked.push(line)
      const name = /^CONNECT ([^:\s]+):\d+ /.exec(line)?.[1] ?? ''
      const target = routes[name]
      if (!target) return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
      const upstream = createConnection(
        { host: '127.0.0.1', port: Number(new URL(target).port) },
        () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
          client.pipe(upstream).pipe(client)
        }
      )
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return { url: `http://127.0.0.1:${address.port}`, asked, server }
}

describe('the bundle behind a proxy', () => {
  it('reaches Kestra and GitHub through HTTP_PROXY alone, and comments on the pull request', async () => {
    const kestra = await startEmulator({ basicAuth: CREDENTIALS })
    const github = await startFakeGitHub()
    // Names only the proxy knows: the run reaches either server through it alone.
    const tunnel = await startTunnel({
      'kestra.proxied.test': kestra.url,
      'github.proxied.test': github.url
    })
    try {
      const repo = createGitRepo({ 'company.team/flows/a.yml': flow('company.team', 'a') })
      const base = repo.head()
      repo.git('checkout', '-q', '-b', 'feature')
      const head = repo.commit({ 'company.team/flows/b.yml': flow('company.team', 'b') })
      const result = await runAction({
        ...pullRequestEvent(repo, base, head),
        githubApiUrl: `http://github.proxied.test:${new URL(github.url).port}`,
        inputs: {
          server: `http://kestra.proxied.test:${new URL(kestra.url).port}`,
          ...CREDENTIALS
        },
        env: { HTTP_PROXY: tunnel.url }
      })
      expect(result.exitCode, result.stdout).toBe(0)
      const asked = tunnel.asked.map((line) =>
        line.split(' ').slice(0, 2).join(' ').replace(/:\d+$/, '')
      )
      expect(new Set(asked)).toEqual(
        new Set(['CONNECT kestra.proxied.test', 'CONNECT github.proxied.test'])
      )
      expect(kestra.requests.some((r) => r.route === 'flows.validate')).toBe(true)
      expect(github.comments(7).at(-1)?.body).toContain('company.team.b')
    } finally {
      tunnel.server.close()
      await kestra.close()
      await github.close()
    }
  })
})
