/**
 * Incremental planning (docs/performance.md#incremental-planning), through the bundled action: a deploy
 * stores each flow file's checks in its namespace's commit marker; the next plan reuses them for the files
 * whose bytes did not change and shows exactly what a full plan (`full-plan: true`) shows, the findings of
 * unchanged flows that the change touches (a caller of a subflow whose inputs change, a `read()` of a file
 * deleted) and the drift of a flow edited on the server included. Checks stored by another build (the bundle,
 * when the action runs from src/) are never reused. Markers whose stores a writer of KV without the job's
 * credentials forged, swapped between namespaces or truncated change nothing the pull request sees
 * (docs/performance.md#what-kv-can-do-to-it).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { comparableOutputs, runAction, type RunResult } from '../../test-support/runner.js'
import {
  CREDENTIALS,
  dispatchEvent,
  flow,
  pullRequestEvent,
  pushEvent
} from '../../test-support/scenario.js'
import { cli } from './incremental-history.js'

const NS = 'company.team'

const child = (inputs: string[]) =>
  `id: child\nnamespace: ${NS}\ninputs:\n${inputs.map((id) => `  - id: ${id}\n    type: STRING\n`).join('')}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ inputs.x }}"\n`
const parent = `id: parent\nnamespace: ${NS}\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: child\n    inputs:\n      x: one\n`
const reader = `id: reader\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ read('data.csv') }}"\n`

let kestra: Emulator
let github: FakeGitHub

afterEach(async () => {
  await kestra?.close()
  await github?.close()
})

/** What the user sees of a run: the comment, the summary, the annotations and the outputs. */
function seen(result: RunResult, comment: string) {
  return {
    exitCode: result.exitCode,
    comment,
    summary: result.summary,
    annotations: result.annotations,
    outputs: comparableOutputs(result.outputs)
  }
}

describe('incremental planning, end to end', () => {
  it('reuses the checks a deploy stored and plans exactly what a full plan plans', async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    github = await startFakeGitHub()
    const repo = createGitRepo({
      [`${NS}/flows/child.yml`]: child(['x']),
      [`${NS}/flows/parent.yml`]: parent,
      [`${NS}/flows/reader.yml`]: reader,
      [`${NS}/flows/warned.yml`]: `${flow(NS, 'warned')}revision: 3\n`,
      [`${NS}/flows/drifted.yml`]: flow(NS, 'drifted'),
      [`${NS}/flows/renamed.yml`]: flow(NS, 'renamed'),
      [`${NS}/flows/gone.yml`]: flow(NS, 'gone'),
      [`${NS}/files/data.csv`]: 'a,b\n'
    })
    const base = repo.head()
    const inputs = { server: kestra.url, ...CREDENTIALS }
    const deploy = await runAction({
      ...dispatchEvent(repo, base),
      githubApiUrl: github.url,
      inputs: { ...inputs, mode: 'deploy', delete: 'true' }
    })
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    const marker = kestra.snapshot().kv.find((e) => e.namespace === NS)?.value as {
      checks?: Record<string, unknown>
    }
    expect(Object.keys(marker.checks ?? {})).toHaveLength(7)

    // The server's copy of one flow is edited there (drift); the pull request changes the subflow's
    // inputs (its unchanged caller misses one), deletes the file an unchanged flow reads, deletes a flow
    // and renames another's file.
    kestra.seed({
      flows: [{ namespace: NS, id: 'drifted', source: flow(NS, 'drifted', ' edited') }]
    })
    repo.git('checkout', '-q', '-b', 'feature')
    const head = repo.commit({
      [`${NS}/flows/child.yml`]: child(['x', 'y']).replace('type: STRING\n', 'type: STRING\n'),
      [`${NS}/files/data.csv`]: null,
      [`${NS}/flows/gone.yml`]: null,
      [`${NS}/flows/renamed.yml`]: null,
      [`${NS}/flows/moved.yml`]: flow(NS, 'renamed')
    })
    const plan = async (extra: Record<string, string>) => {
      const result = await runAction({
        ...pullRequestEvent(repo, base, head),
        githubApiUrl: github.url,
        inputs: { ...inputs, delete: 'true', ...extra }
      })
      return { result, seen: seen(result, github.comments(7).at(-1)?.body ?? '') }
    }
    kestra.requests.length = 0
    const incremental = await plan({})
    // The marker, which the reuse of the namespace's flows waits on, is asked for before its bulk reads.
    const routes = kestra.requests.map((r) =>
      r.route === 'kv.get' && r.params.key === 'kestra-gitops-commit' ? 'marker' : r.route
    )
    const bulk = ['flows.list', 'flows.export.by-ids', 'namespaces.files.export']
    expect(routes).toContain('marker')
    expect(routes.indexOf('marker')).toBeLessThan(routes.findIndex((r) => bulk.includes(r)))
    const full = await plan({ 'full-plan': 'true' })
    expect(incremental.result.stdout).toMatch(/Reused the checks of 4 of 6 flow file\(s\)/)
    // The base versions of the files the change alters or removes are not parsed either: they are what
    // the deploy stored (child, gone and renamed).
    expect(incremental.result.stdout).toMatch(
      /Reused the checks of 3 flow file\(s\) of the base commit that the change alters or removes/
    )
    expect(full.result.stdout).not.toMatch(/Reused the checks/)
    expect(incremental.seen).toEqual(full.seen)
    // The findings a full plan shows on unchanged flows are there.
    const annotated = incremental.result.annotations.map((a) => `${a.file}:${a.message}`)
    expect(annotated.some((a) => a.startsWith(`${NS}/flows/warned.yml:`))).toBe(true)
    expect(annotated.some((a) => a.startsWith(`${NS}/flows/reader.yml:`))).toBe(true)
    expect(incremental.seen.comment).toContain('drifted')

    // A deploy reuses them too, and confirms each one before its first write: what it writes rests on no
    // KV value (docs/performance.md#a-deploy-confirms-before-it-writes).
    repo.git('checkout', '-q', 'main')
    const again = await runAction({
      ...dispatchEvent(repo, base),
      githubApiUrl: github.url,
      inputs: { ...inputs, mode: 'deploy', delete: 'true' }
    })
    expect(again.exitCode, again.stdout).toBe(0)
    expect(again.stdout).toMatch(/Reused the checks/)

    // A deploy of the push parses the base commit's versions: no identity it acts on comes from KV.
    repo.git('checkout', '-q', 'feature')
    const pushed = await runAction({
      ...pushEvent(repo, base, head),
      githubApiUrl: github.url,
      inputs: { ...inputs, mode: 'deploy', delete: 'true' }
    })
    expect(pushed.stdout).toMatch(/Reading the server/)
    expect(pushed.stdout).not.toMatch(/of the base commit/)
  })

  it('stores and reuses the checks in the namespaces a prefix sends to (a preview), not in the unprefixed ones', async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    github = await startFakeGitHub()
    const repo = createGitRepo({
      [`${NS}/flows/kept.yml`]: flow(NS, 'kept'),
      [`${NS}/flows/edited.yml`]: flow(NS, 'edited')
    })
    const base = repo.head()
    const inputs = { server: kestra.url, ...CREDENTIALS, 'namespace-prefix': 'pr-7' }
    const deploy = await runAction({
      ...dispatchEvent(repo, base),
      githubApiUrl: github.url,
      inputs: { ...inputs, mode: 'deploy' }
    })
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    const markers = new Map(kestra.snapshot().kv.map((e) => [e.namespace, e.value]))
    expect([...markers.keys()]).toEqual([`pr-7.${NS}`])
    const marker = markers.get(`pr-7.${NS}`) as { checks?: Record<string, unknown> }
    expect(Object.keys(marker.checks ?? {})).toHaveLength(2)

    repo.git('checkout', '-q', '-b', 'feature')
    const head = repo.commit({ [`${NS}/flows/edited.yml`]: flow(NS, 'edited', ' again') })
    const plan = await runAction({
      ...pullRequestEvent(repo, base, head),
      githubApiUrl: github.url,
      inputs
    })
    expect(plan.exitCode, plan.stdout).toBe(0)
    expect(plan.stdout).toMatch(/Reused the checks of 1 of 2 flow file\(s\)/)
  })

  it('reuses no check another build stored, and stores its own at its next deploy', async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    github = await startFakeGitHub()
    const repo = createGitRepo({
      [`${NS}/flows/warned.yml`]: `${flow(NS, 'warned')}revision: 3\n`,
      [`${NS}/flows/plain.yml`]: flow(NS, 'plain')
    })
    const head = repo.head()
    const deploy = await runAction({
      ...dispatchEvent(repo, head),
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS, mode: 'deploy' }
    })
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    expect(deploy.stdout).not.toMatch(/Reused the checks/)
    // The bundle stored the checks; this process runs the action from src/, another build whose rules
    // may differ (docs/performance.md#incremental-planning): it checks every file again.
    const plan = (...extra: string[]) =>
      cli(repo.dir, ['plan', '-v', '--server', kestra.url, '--base', head, ...extra])
    const fromSource = await plan()
    expect(fromSource.stderr).not.toMatch(/Reused the checks/)
    const full = await plan('--full')
    expect({ exitCode: fromSource.exitCode, stdout: fromSource.stdout }).toEqual({
      exitCode: full.exitCode,
      stdout: full.stdout
    })
    expect(fromSource.stdout).toMatch(/warned\.yml:7:1 warning .*\[server-owned-key\]/)
    expect(
      (await cli(repo.dir, ['deploy', '--auto-approve', '--server', kestra.url])).exitCode
    ).toBe(0)
    expect((await plan()).stderr).toMatch(/Reused the checks of 2 of 2 flow file\(s\)/)
  })

  it('plans exactly what a full plan plans whatever a writer of KV without the credentials did to the markers', async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    github = await startFakeGitHub()
    const OTHER = 'company.other'
    const repo = createGitRepo({
      [`${NS}/flows/warned.yml`]: `${flow(NS, 'warned')}revision: 3\n`,
      [`${NS}/flows/plain.yml`]: flow(NS, 'plain'),
      [`${NS}/files/data.csv`]: 'a,b\n',
      [`${OTHER}/flows/other.yml`]: `${flow(OTHER, 'other')}revision: 2\n`,
      [`${OTHER}/files/other.csv`]: 'c,d\n'
    })
    const base = repo.head()
    const inputs = { server: kestra.url, ...CREDENTIALS }
    const deploy = await runAction({
      ...dispatchEvent(repo, base),
      githubApiUrl: github.url,
      inputs: { ...inputs, mode: 'deploy' }
    })
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    repo.git('checkout', '-q', '-b', 'feature')
    const head = repo.commit({ [`${NS}/flows/plain.yml`]: flow(NS, 'plain', ' changed') })
    const plan = async (extra: Record<string, string>) => {
      const result = await runAction({
        ...pullRequestEvent(repo, base, head),
        githubApiUrl: github.url,
        inputs: { ...inputs, ...extra }
      })
      return { result, seen: seen(result, github.comments(7).at(-1)?.body ?? '') }
    }
    type Marker = Record<string, Record<string, unknown>>
    const markers = () =>
      new Map(
        kestra
          .snapshot()
          .kv.filter((e) => e.key === 'kestra-gitops-commit')
          .map((e) => [e.namespace, structuredClone(e.value) as Marker])
      )
    const genuine = markers()
    expect([...genuine.keys()].sort()).toEqual([OTHER, NS])
    const put = (values: Map<string, Marker>) =>
      kestra.seed({
        kv: [...values].map(([namespace, value]) => ({
          namespace,
          key: 'kestra-gitops-commit',
          value
        }))
      })
    const full = await plan({ 'full-plan': 'true' })
    const reused = await plan({})
    expect(reused.result.stdout).toMatch(/Reused the checks of 2 of 3 flow file\(s\)/)
    expect(reused.seen).toEqual(full.seen)
    expect(full.seen.annotations.map((a) => a.file)).toEqual(
      expect.arrayContaining([`${NS}/flows/warned.yml`, `${OTHER}/flows/other.yml`])
    )
    const tamperings: [string, (held: Map<string, Marker>) => void][] = [
      [
        'facts and checks forged',
        (held) => {
          const own = held.get(NS)!
          for (const side of Object.values(own.contents as Marker)) {
            for (const key of Object.keys(side)) side[key] = `${'0'.repeat(64)},3,0`
          }
          for (const check of Object.values(own.checks as Marker)) {
            check.findings = []
            check.versioned = []
          }
        }
      ],
      [
        'stores swapped between namespaces',
        (held) => {
          const own = held.get(NS)!
          const other = held.get(OTHER)!
          for (const field of ['checks', 'contents', 'seal']) {
            ;[own[field], other[field]] = [other[field], own[field]]
          }
        }
      ],
      [
        'a field added beside the stores, the seal kept (one a later version might keep)',
        (held) => {
          held.get(NS)!.later = { [`${'0'.repeat(64)}`]: { findings: [] } }
        }
      ],
      [
        'stores truncated',
        (held) => {
          for (const marker of held.values()) {
            const checks = marker.checks as Marker
            delete checks[Object.keys(checks)[0]!]
            const blobs = (marker.contents as Marker).blobs!
            delete blobs[Object.keys(blobs)[0]!]
          }
        }
      ]
    ]
    for (const [how, tamper] of tamperings) {
      const held = markers()
      tamper(held)
      put(held)
      const tampered = await plan({})
      expect(tampered.seen, how).toEqual(full.seen)
      expect(tampered.result.stdout, how).toContain('Not used: what the commit marker of')
      put(genuine)
    }
  })
})
