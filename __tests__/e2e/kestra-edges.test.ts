/**
 * What real Kestra does at the edges (docs/kestra.md: legacy file names, OSS tenants, the whole-request
 * export 404, subflow warnings), run through the bundled action against the emulator doing the same.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions
} from '../../test-support/kestra-emulator/index.js'
import { rewrittenAnswer } from '../../test-support/rewritten-answer.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, flow, pullRequestEvent } from '../../test-support/scenario.js'

const NS = 'company.team'
const WRITES = new Set([
  'flows.create',
  'flows.update',
  'flows.delete',
  'namespaces.files.upload',
  'namespaces.files.delete',
  'kv.put',
  'kv.delete'
])

let kestra: Emulator
let github: FakeGitHub
let repo: GitRepo

async function setup(
  files: Record<string, string>,
  options: EmulatorOptions = {}
): Promise<{ base: string; head: string }> {
  kestra = await startEmulator({ basicAuth: CREDENTIALS, ...options })
  github = await startFakeGitHub()
  repo = createGitRepo({ 'README.md': 'kestra\n' })
  const base = repo.head()
  return { base, head: repo.commit(files, 'add flows') }
}

afterEach(async () => {
  kestra?.onRequest(undefined)
  await kestra?.close()
  await github?.close()
})

function run(
  event: ReturnType<typeof dispatchEvent> | ReturnType<typeof pullRequestEvent>,
  inputs: Record<string, string> = {}
) {
  return runAction({
    ...event,
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS, ...inputs }
  })
}

const writes = () => kestra.requests.filter((r) => WRITES.has(r.route))

describe('Kestra 0.x stores a space in a namespace file name as "+"', () => {
  it('converges: the second deploy finds the file unchanged and writes nothing', async () => {
    const { head } = await setup(
      {
        [`${NS}/flows/hello.yml`]: flow(NS, 'hello'),
        [`${NS}/files/my scripts/a b.py`]: 'print("spaced")\n'
      },
      { version: '0.20.7' }
    )
    const first = await run(dispatchEvent(repo, head), { delete: 'true' })
    expect(first.exitCode, first.stdout + first.stderr).toBe(0)
    expect(kestra.snapshot().files.map((f) => f.path)).toEqual(['/my+scripts/a+b.py'])

    kestra.clearLog()
    const second = await run(dispatchEvent(repo, head), { delete: 'true' })
    expect(second.exitCode, second.stdout + second.stderr).toBe(0)
    expect(second.outputs).toMatchObject({
      'has-changes': 'false',
      created: '0',
      deleted: '0',
      unchanged: '2'
    })
    expect(writes().filter((r) => r.route.startsWith('namespaces.files'))).toEqual([])
    expect(kestra.snapshot().files.map((f) => f.path)).toEqual(['/my+scripts/a+b.py'])
  })

  it('refuses, before writing anything, a name the server cannot keep', async () => {
    const { head } = await setup(
      {
        [`${NS}/flows/hello.yml`]: flow(NS, 'hello'),
        [`${NS}/files/notes#1.txt`]: 'hash\n'
      },
      { version: '0.20.7' }
    )
    const result = await run(dispatchEvent(repo, head))
    expect(result.exitCode).toBe(1)
    expect(result.stdout + result.stderr).toMatch(
      /Namespace file company\.team\/files\/notes#1\.txt \('\/notes#1\.txt' in namespace 'company\.team'\) cannot be deployed to this Kestra server: .*"#"/
    )
    expect(writes()).toEqual([])
  })
})

describe('namespace files named as JavaScript object keys', () => {
  it('deploys __proto__ and constructor like any file, an empty __proto__ through a zip, and converges', async () => {
    const { head } = await setup(
      {
        [`${NS}/flows/hello.yml`]: flow(NS, 'hello'),
        [`${NS}/files/__proto__`]: '',
        [`${NS}/files/constructor`]: 'constructor\n',
        [`${NS}/files/d/__proto__`]: 'proto\n'
      },
      // A server that drops empty parts: the empty file goes as a one-entry zip (docs/kestra.md#empty-files).
      { dropEmptyFileParts: true }
    )
    const first = await run(dispatchEvent(repo, head))
    expect(first.exitCode, first.stdout + first.stderr).toBe(0)
    const stored = () =>
      kestra
        .snapshot()
        .files.map((f) => [f.path, f.bytes.toString()])
        .sort()
    expect(stored()).toEqual([
      ['/__proto__', ''],
      ['/constructor', 'constructor\n'],
      ['/d/__proto__', 'proto\n']
    ])

    kestra.clearLog()
    const second = await run(dispatchEvent(repo, head))
    expect(second.exitCode, second.stdout + second.stderr).toBe(0)
    expect(second.outputs).toMatchObject({ 'has-changes': 'false', created: '0', unchanged: '4' })
    expect(writes().filter((r) => r.route.startsWith('namespaces.files'))).toEqual([])
  })

  it('plans a namespace of 65,535 files (an export in zip64 form) with __proto__ among them as unchanged', async () => {
    const count = 65_535
    const files: Record<string, string> = { [`${NS}/flows/hello.yml`]: flow(NS, 'hello') }
    for (let i = 0; i < count - 1; i++) files[`${NS}/files/d${i % 50}/f${i}.txt`] = `${i}\n`
    files[`${NS}/files/__proto__`] = 'proto\n'
    const { base, head } = await setup(files)
    kestra.seed({
      flows: [{ namespace: NS, id: 'hello', source: flow(NS, 'hello') }],
      files: Object.entries(files)
        .filter(([path]) => path.startsWith(`${NS}/files/`))
        .map(([path, content]) => ({
          namespace: NS,
          path: path.slice(`${NS}/files`.length),
          content
        }))
    })
    const result = await run(pullRequestEvent(repo, base, head))
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    const exported = kestra.requests.find((r) => r.route === 'namespaces.files.export')
    expect(exported).toBeDefined()
    expect(result.outputs).toMatchObject({ 'has-changes': 'false', unchanged: String(count + 1) })
  }, 120_000)
})

describe('an OSS server maps every tenant to main', () => {
  it('fails naming the tenant input, and writes nothing', async () => {
    const { head } = await setup({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello') })
    const result = await run(dispatchEvent(repo, head), { tenant: 'staging' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout + result.stderr).toMatch(
      /Input 'tenant': the server is Kestra open-source 1\.3\.2, which has the single tenant 'main'.*'staging' would deploy into 'main'/
    )
    expect(writes()).toEqual([])
    expect(kestra.snapshot().flows).toEqual([])
  })

  it('deploys to an Enterprise 0.22 server under the default tenant main (tenant routes, no default tenant)', async () => {
    const { head } = await setup(
      { [`${NS}/flows/hello.yml`]: flow(NS, 'hello') },
      { version: '0.22.1', edition: 'EE' }
    )
    const result = await run(dispatchEvent(repo, head))
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(kestra.snapshot().flows.map((f) => [f.tenant, f.id])).toEqual([['main', 'hello']])
    expect(writes().map((r) => r.path)).toContain('/api/v1/main/flows')
  })
})

describe('a flow deleted between the listing and the export', () => {
  it('re-lists and re-exports that namespace: no per-flow reads, and the plan sees the deletion', async () => {
    const ids = ['a', 'b', 'c']
    const { base, head } = await setup(
      Object.fromEntries(ids.map((id) => [`${NS}/flows/${id}.yml`, flow(NS, id)]))
    )
    kestra.seed({ flows: ids.map((id) => ({ namespace: NS, id, source: flow(NS, id) })) })
    let deleted = false
    kestra.onRequest((request) => {
      if (request.route === 'flows.export.by-ids' && !deleted) {
        deleted = true
        kestra.seed({ flows: [{ namespace: NS, id: 'c', source: flow(NS, 'c'), deleted: true }] })
      }
    })
    kestra.clearLog()
    const result = await runAction({
      ...pullRequestEvent(repo, base, head),
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS }
    })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.outputs).toMatchObject({ created: '1', unchanged: '2' })
    const routes = kestra.requests.map((r) => r.route)
    expect(routes.filter((r) => r === 'flows.export.by-ids')).toHaveLength(2)
    expect(routes.filter((r) => r === 'flows.get')).toEqual([])
  })
})

describe("the server's warning about a subflow the repository holds", () => {
  const parent = `id: parent
namespace: ${NS}
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${NS}
    flowId: child
`
  it('is dropped: a PR adding a parent and its new subflow passes fail-on: warning', async () => {
    const { base, head } = await setup({
      [`${NS}/flows/parent.yml`]: parent,
      [`${NS}/flows/child.yml`]: flow(NS, 'child')
    })
    const result = await runAction({
      ...pullRequestEvent(repo, base, head),
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS, 'fail-on': 'warning' }
    })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.outputs.warnings).toBe('0')
    expect(kestra.requests.some((r) => r.route === 'flows.validate')).toBe(true)
    expect(github.comments(7)[0]!.body).not.toMatch(/not found in namespace/)
  })

  it('gives way to our own finding when neither the repository nor the server has the target: one finding for one fact', async () => {
    const { base, head } = await setup({ [`${NS}/flows/parent.yml`]: parent })
    const result = await runAction({
      ...pullRequestEvent(repo, base, head),
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS }
    })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.outputs.warnings).toBe('1')
    expect(result.summary).toMatch(
      /Subflow calls flow company\.team\.child, which is not in the repository nor on the server/
    )
    expect(result.summary).not.toMatch(/The subflow 'child' not found in namespace/)
  })
})

describe('an empty namespace file (empty __init__.py)', () => {
  it.each([false, true])(
    'deploys and then finds it unchanged (server drops empty parts: %s)',
    async (dropEmptyFileParts) => {
      const { head } = await setup(
        {
          [`${NS}/flows/hello.yml`]: flow(NS, 'hello'),
          [`${NS}/files/pkg/__init__.py`]: ''
        },
        { dropEmptyFileParts }
      )
      const first = await run(dispatchEvent(repo, head))
      expect(first.exitCode, first.stdout + first.stderr).toBe(0)
      expect(kestra.snapshot().files.map((f) => [f.path, f.bytes.length])).toEqual([
        ['/pkg/__init__.py', 0]
      ])
      const second = await run(dispatchEvent(repo, head))
      expect(second.outputs).toMatchObject({ 'has-changes': 'false', unchanged: '2' })
    }
  )
})

describe('what Kestra keeps of a flow write (docs/guarantees.md#what-kestra-keeps)', () => {
  it('an answer holding another source than was sent is a failed write, named; the others go on', async () => {
    const { head } = await setup({
      [`${NS}/flows/hello.yml`]: flow(NS, 'hello'),
      [`${NS}/flows/other.yml`]: flow(NS, 'other')
    })
    // Something between the action and Kestra rewrites the answer to the write of `hello`.
    kestra.inject(
      rewrittenAnswer(
        'flows.create',
        'source',
        (text) => `${text}description: rewritten\n`,
        ({ text }) => text?.includes('id: hello') === true
      )
    )
    const result = await run(dispatchEvent(repo, head))
    expect(result.exitCode).toBe(1)
    expect(result.summary).toMatch(
      /\| company\.team\.hello \| flow \| failed \| rev 1 \| Kestra took the write \(revision 1\) but answers with another source than was sent/
    )
    expect(result.summary).toContain(
      '**Not applied:** company.team.hello (failed: Kestra kept other than was sent).'
    )
    expect(result.summary).toMatch(/\| company\.team\.other \| flow \| created \| rev 1 \|/)
  })
})
