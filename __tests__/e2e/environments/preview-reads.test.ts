/**
 * A pull request's plan with `preview` reads the repository and the server once (docs/environments.md#previews):
 * beside the same plan without a preview, it makes the same repository reads (files opened under the
 * workspace, folders listed, git processes, counted at Node's built-ins inside the bundled action) and the
 * same requests to Kestra outside the preview's `pr-7.*`; what it adds is the preview's own: reads and
 * writes inside `pr-7.*` and the listing of that prefix. `node dist/index.js` against the emulator.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import type { LoggedRequest } from '../../../test-support/kestra-emulator/types.js'
import { runAction } from '../../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent } from '../../../test-support/scenario.js'
import { openPullRequest, publish, startServers, stopServers, type Servers } from './stage.js'

const NS = 'company.team'
const OPS = 'company.ops'
const PREFIX = 'pr-7'
const COUNTER = resolve(__dirname, '../../../test-support/read-counter.mjs')

interface Reads {
  files: string[]
  listings: string[]
  git: string[]
}

let servers: Servers
let repo: GitRepo
let base: string
let head: string

beforeAll(async () => {
  servers = await startServers()
  repo = createGitRepo({
    [`${NS}/flows/child.yml`]: flow(NS, 'child'),
    [`${NS}/flows/caller.yml`]: `id: caller
namespace: ${NS}
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${NS}
    flowId: child
  - id: secret
    type: io.kestra.plugin.core.log.Log
    message: "{{ secret('TOKEN') }} {{ kv('setting') }}"
`,
    [`${NS}/files/scripts/q.sql`]: 'select 1\n',
    [`${OPS}/flows/cleanup.yml`]: flow(OPS, 'cleanup')
  })
  base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  head = repo.commit({
    [`${NS}/flows/child.yml`]: flow(NS, 'child', ' (in review)'),
    [`${NS}/files/scripts/r.sql`]: 'select 2\n'
  })
  publish(servers.github, repo)
  openPullRequest(servers.github, base, head)
  servers.kestra.seed({
    flows: [
      { namespace: NS, id: 'child', source: flow(NS, 'child'), revisions: 2 },
      { namespace: NS, id: 'server-only', source: flow(NS, 'server-only') },
      { namespace: OPS, id: 'cleanup', source: flow(OPS, 'cleanup') }
    ],
    files: [{ namespace: NS, path: '/scripts/q.sql', content: 'select 1\n' }]
  })
})

afterAll(() => stopServers(servers))

/** One pull request plan, with or without its preview: what it read, and what it asked Kestra. */
async function planOnce(preview: boolean, more: Record<string, string> = {}) {
  const log = join(mkdtempSync(join(tmpdir(), 'kga-reads-')), 'reads.json')
  servers.kestra.requests.length = 0
  const result = await runAction({
    ...pullRequestEvent(repo, base, head),
    githubApiUrl: servers.github.url,
    env: { NODE_OPTIONS: `--import ${COUNTER}`, KGA_READ_LOG: log },
    inputs: { server: servers.kestra.url, ...CREDENTIALS, preview: String(preview), ...more }
  })
  expect(result.exitCode, result.everything).toBe(0)
  const reads = JSON.parse(readFileSync(log, 'utf8')) as Reads
  return { result, reads, requests: servers.kestra.requests.flatMap(described) }
}

/**
 * A request as `METHOD route namespace id query`, and whether it is the preview's own. An export of flows is
 * one entry per flow it asks for: which flows the namespaces listed at the same time export together depends
 * on when their listings end (docs/kestra.md#export-flows), what is exported does not.
 */
function described(request: LoggedRequest): { text: string; preview: boolean }[] {
  if (request.route === 'flows.export.by-ids') {
    const asked = JSON.parse(request.text ?? '[]') as { namespace: string; id: string }[]
    return asked.map(({ namespace, id }) => ({
      text: `${request.method} ${request.route} ${namespace} ${id}`,
      preview: namespace.startsWith(`${PREFIX}.`)
    }))
  }
  // A validation batch names the namespaces of its flows, in the order they were parsed: all of them, sorted.
  const named = [...(request.text ?? '').matchAll(/^namespace:\s*["']?([^"'\s]+)/gm)].map(
    (m) => m[1]!
  )
  const namespace = request.params.namespace ?? [...new Set(named)].sort().join(',')
  const query = JSON.stringify(request.query)
  return [
    {
      text: `${request.method} ${request.route} ${namespace} ${request.params.id ?? ''} ${request.params.key ?? ''} ${query}`,
      preview:
        namespace.split(',').some((one) => one.startsWith(`${PREFIX}.`)) || query.includes(PREFIX)
    }
  ]
}

const sorted = (list: readonly string[]) => [...list].sort()

/** `list` less one of each entry of `less`, as multisets. */
function without(list: readonly string[], less: readonly string[]): string[] {
  const left = [...less]
  return list.filter((entry) => {
    const at = left.indexOf(entry)
    if (at === -1) return true
    left.splice(at, 1)
    return false
  })
}

describe('a pull request plan with preview', () => {
  // Checked in full on both sides (full-plan): a plan alone reads the commit markers to reuse stored
  // checks; with a preview, the repository is read once, first by the preview's deploy, which reuses no
  // stored check, and the plan checks the flows of that one reading, so it reads no marker for reuse.
  it('reads the repository and the server once: only the preview own requests are added', async () => {
    const plain = await planOnce(false, { 'full-plan': 'true' })
    const previewed = await planOnce(true, { 'full-plan': 'true' })
    expect(previewed.result.summary).toContain('Preview')
    // The repository: every file, folder and git process of the plan alone, and no more.
    // What it adds is the bytes of the namespace files the preview writes: read for its plan and its upload.
    const added = without(previewed.reads.files, plain.reads.files)
    const written = servers.kestra.requests
      .filter(
        (r) => r.route === 'namespaces.files.upload' && r.params.namespace?.startsWith(`${PREFIX}.`)
      )
      .map((r) => `readFile /${r.params.namespace!.slice(PREFIX.length + 1)}/files${r.query.path}`)
    expect(written.length).toBeGreaterThan(0)
    expect(sorted(added)).toEqual(sorted([...written, ...written]))
    expect(without(plain.reads.files, previewed.reads.files)).toEqual([])
    expect(sorted(previewed.reads.listings)).toEqual(sorted(plain.reads.listings))
    expect(sorted(previewed.reads.git)).toEqual(sorted(plain.reads.git))
    expect(plain.reads.git.length).toBeGreaterThan(0)
    expect(plain.reads.files.length).toBeGreaterThan(0)
    // The server: the plan's requests outside the preview, each once; the rest is inside pr-7.*.
    expect(plain.requests.filter((r) => r.preview)).toEqual([])
    const outside = previewed.requests.filter((r) => !r.preview).map((r) => r.text)
    expect(sorted(outside)).toEqual(sorted(plain.requests.map((r) => r.text)))
    expect(previewed.requests.some((r) => r.preview && r.text.startsWith('POST'))).toBe(true)
    console.log(
      JSON.stringify({
        plain: { ...count(plain.reads), kestra: plain.requests.length },
        preview: {
          ...count(previewed.reads),
          kestra: previewed.requests.length,
          kestraOwn: previewed.requests.filter((r) => r.preview).length
        }
      })
    )
  })
})

describe('a preview whose branch removed every flow and file', () => {
  it('still plans its own namespaces from the reads it shares, and removes what they hold', async () => {
    // The first test deployed the preview of `head` into pr-7.*; the branch now removes everything.
    const emptied = repo.commit({
      [`${NS}/flows/child.yml`]: null,
      [`${NS}/flows/caller.yml`]: null,
      [`${NS}/files/scripts/q.sql`]: null,
      [`${NS}/files/scripts/r.sql`]: null,
      [`${OPS}/flows/cleanup.yml`]: null
    })
    publish(servers.github, repo)
    openPullRequest(servers.github, base, emptied)
    servers.kestra.requests.length = 0
    const result = await runAction({
      ...pullRequestEvent(repo, base, emptied),
      githubApiUrl: servers.github.url,
      inputs: { server: servers.kestra.url, ...CREDENTIALS, preview: 'true' }
    })
    // The pull request's own plan says the repository holds nothing; the preview empties its namespaces.
    expect(result.everything).toContain('No flow or namespace file found')
    const deletes = servers.kestra.requests
      .filter((r) => r.method === 'DELETE' && r.route !== 'kv.delete')
      .map((r) => r.params.namespace)
    expect(deletes.length).toBeGreaterThan(0)
    expect(deletes.every((namespace) => namespace?.startsWith(`${PREFIX}.`))).toBe(true)
  })
})

function count(reads: Reads) {
  return { files: reads.files.length, listings: reads.listings.length, git: reads.git.length }
}
