/**
 * The stage of the rollback fault-position tests: a push deploy of six resources of every kind (flow
 * created, updated, deleted; namespace file created, updated, deleted) whose smoke run fails, with
 * `rollback: true`; and the comparison of what a run reports with what the emulator holds, resource by
 * resource.
 */
import { startFakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction, type RunResult } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pushEvent } from '../../test-support/scenario.js'
import { WRITE_ROUTES, type Stage as ReliabilityStage } from './reliability/stage.js'

export const NS = 'company.team'
export const MARKER = 'kestra-gitops-commit'
const PR = 12

/** The updated flow calls the created one after the deploy: the rollback restores the caller first. */
const UPD_V2 = `${flow(NS, 'upd', ' v2')}  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${NS}
    flowId: fresh
`
/** Bytes no text decoding keeps: a restore must put back exactly these. */
const GONE_BYTES = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + 3) % 256)

type Content = string | Uint8Array

interface Resource {
  name: string
  kind: 'flow' | 'file'
  /** Repository path under the namespace folder. */
  at: string
  before?: Content
  deployed?: Content
}

/** The six resources the deploy changes, each with its content before and after the deploy. */
export const RESOURCES: Resource[] = [
  {
    name: `${NS}.upd`,
    kind: 'flow',
    at: 'flows/upd.yml',
    before: flow(NS, 'upd'),
    deployed: UPD_V2
  },
  { name: `${NS}.gone`, kind: 'flow', at: 'flows/gone.yml', before: flow(NS, 'gone') },
  { name: `${NS}.fresh`, kind: 'flow', at: 'flows/fresh.yml', deployed: flow(NS, 'fresh') },
  {
    name: `${NS}:/upd.txt`,
    kind: 'file',
    at: 'files/upd.txt',
    before: 'upd v1\n',
    deployed: 'upd v2\n'
  },
  { name: `${NS}:/gone.bin`, kind: 'file', at: 'files/gone.bin', before: GONE_BYTES },
  { name: `${NS}:/new.txt`, kind: 'file', at: 'files/new.txt', deployed: 'new\n' }
]

/** Kept by the deploy: the smoke flow, and a file, both never written by the rollback. */
const UNCHANGED = {
  [`${NS}/flows/same.yml`]: flow(NS, 'same'),
  [`${NS}/files/same.txt`]: 'same\n'
}

export type Stage = Pick<ReliabilityStage, 'kestra' | 'github' | 'repo' | 'base' | 'head'> & {
  close(): Promise<void>
}

/** One repository (base and head commits) for every run of a test file. */
export function createRepository(): { repo: GitRepo; base: string; head: string } {
  const at = (spec: Resource, content: Content | undefined) => ({
    [`${NS}/${spec.at}`]: content ?? null
  })
  const repo = createGitRepo({
    ...UNCHANGED,
    ...Object.assign({}, ...RESOURCES.filter((r) => r.before).map((r) => at(r, r.before)))
  })
  const base = repo.head()
  const head = repo.commit(Object.assign({}, ...RESOURCES.map((r) => at(r, r.deployed))))
  return { repo, base, head }
}

/** A fresh server holding the base commit (its marker included), and a merged pull request's comment. */
export async function stage(
  repository: { repo: GitRepo; base: string; head: string },
  version: string
): Promise<Stage> {
  const { base, head } = repository
  const kestra = await startEmulator({ basicAuth: CREDENTIALS, version })
  const github = await startFakeGitHub()
  kestra.seed({
    flows: [
      { namespace: NS, id: 'same', source: flow(NS, 'same') },
      ...RESOURCES.filter((r) => r.kind === 'flow' && r.before).map((r) => ({
        namespace: NS,
        id: r.name.slice(NS.length + 1),
        source: r.before as string,
        revisions: 2
      }))
    ],
    files: [
      { namespace: NS, path: '/same.txt', content: 'same\n' },
      ...RESOURCES.filter((r) => r.kind === 'file' && r.before).map((r) => ({
        namespace: NS,
        path: r.name.slice(NS.length + 1),
        content: r.before!
      }))
    ],
    kv: [{ namespace: NS, key: MARKER, value: { commit: base, repository: 'octo/kestra-repo' } }]
  })
  kestra.scriptExecutions(NS, 'same', { state: 'FAILED', durationMs: 30, recordDelayMs: 10 })
  github.setCommitPulls(head, [
    { number: PR, merged_at: '2026-11-22T10:00:00Z', merge_commit_sha: head }
  ])
  github.seedComments(PR, [
    { body: '<!-- kestra-gitops:default -->\n### Kestra plan: 6 changes\n' }
  ])
  return {
    kestra,
    github,
    ...repository,
    close: async () => {
      await kestra.close()
      await github.close()
    }
  }
}

/** Runs `body` on a fresh stage, closed whatever happens. */
export async function onStage(
  repository: { repo: GitRepo; base: string; head: string },
  version: string,
  body: (s: Stage) => Promise<void>
): Promise<void> {
  const s = await stage(repository, version)
  try {
    await body(s)
  } finally {
    await s.close()
  }
}

/** The push deploy with a failing smoke run and `rollback: true`. */
export function deploy(s: Stage, signal?: AbortSignal): Promise<RunResult> {
  return runAction({
    ...pushEvent(s.repo, s.base, s.head),
    githubApiUrl: s.github.url,
    signal,
    inputs: {
      server: s.kestra.url,
      ...CREDENTIALS,
      delete: 'true',
      rollback: 'true',
      'smoke-flows': `${NS}.same`
    }
  })
}

/** Calls `onWrite(n)` for the n-th write request the server receives after the smoke run started. */
export function countRollbackWrites(s: Stage, onWrite: (n: number) => void): void {
  let smokeStarted = false
  let writes = 0
  s.kestra.onRequest((request) => {
    if (request.route === 'executions.create') smokeStarted = true
    else if (smokeStarted && WRITE_ROUTES.includes(request.route)) onWrite(++writes)
  })
}

export type Held = 'before' | 'deployed' | 'other'

/** What the server holds of each resource: its pre-deploy content, the deployed one, or something else. */
export function serverHolds(kestra: Emulator): Map<string, Held> {
  const snapshot = kestra.snapshot()
  const held = new Map<string, Held>()
  for (const resource of RESOURCES) {
    const key = resource.name.slice(NS.length + 1)
    const now =
      resource.kind === 'flow'
        ? snapshot.flows.find((f) => f.namespace === NS && f.id === key && !f.deleted)?.source
        : snapshot.files.find((f) => f.namespace === NS && f.path === key)?.bytes
    held.set(
      resource.name,
      same(now, resource.before) ? 'before' : same(now, resource.deployed) ? 'deployed' : 'other'
    )
  }
  return held
}

/** The marker's commit, or undefined. */
export function markerCommit(kestra: Emulator): string | undefined {
  const entry = kestra.snapshot().kv.find((e) => e.namespace === NS && e.key === MARKER)
  return (entry?.value as { commit?: string } | undefined)?.commit
}

/** Keys of the namespace's KV store other than the marker (e.g. a rollback still in progress). */
export function otherKvKeys(kestra: Emulator): string[] {
  return kestra
    .snapshot()
    .kv.filter((e) => e.namespace === NS && e.key !== MARKER)
    .map((e) => e.key)
}

/**
 * Every way the run's report disagrees with the server: the `rolled-back` output, the headline, the step's
 * error, the job summary's and the comment's rollback table, and the marker. Empty when they agree.
 */
export function disagreements(s: Stage, result: RunResult): string[] {
  const held = serverHolds(s.kestra)
  const marker = markerCommit(s.kestra)
  const restored = [...held].filter(([, h]) => h === 'before').map(([name]) => name)
  const left = [...held].filter(([, h]) => h !== 'before').map(([name]) => name)
  const pristine = left.length === 0 && marker === s.base
  const problems: string[] = []
  const say = (problem: string) => problems.push(problem)
  const rolledBack = result.outputs['rolled-back']
  const expected = pristine
    ? 'true'
    : restored.length > 0 || marker === s.base
      ? 'partial'
      : 'false'
  if (rolledBack !== expected) {
    say(
      `rolled-back is ${rolledBack}, the server says ${expected} (left: ${left.join(', ') || 'none'}; marker ${marker === s.base ? 'base' : marker === s.head ? 'head' : marker})`
    )
  }
  const headline =
    result.summary.split('\n').find((line) => line.startsWith('### Kestra deploy')) ?? ''
  const honest = pristine
    ? headline.includes('↩️ rolled back')
    : headline.includes('⚠️ rollback incomplete') && !headline.includes('↩️')
  if (!honest) say(`headline "${headline}"`)
  if (!pristine && marker !== s.head) say(`the marker names ${marker}, not the deployed commit`)

  const error = result.annotations
    .filter((a) => a.severity === 'error' && !a.file)
    .map((a) => a.message)
    .join('\n')
  const comment = s.github.comments(PR)[0]?.body ?? ''
  for (const name of left) {
    if (!error.includes(name)) say(`the error does not name ${name}, left at the deployed version`)
    for (const [channel, text] of [
      ['summary', result.summary],
      ['comment', comment]
    ] as const) {
      const row = rollbackRow(text, name)
      if (row === 'restored' || row === undefined) say(`the ${channel} says ${name}: ${row}`)
    }
  }
  for (const name of restored) {
    for (const [channel, text] of [
      ['summary', result.summary],
      ['comment', comment]
    ] as const) {
      const row = rollbackRow(text, name)
      if (row !== 'restored')
        say(`the ${channel} says ${name}: ${row} (the server holds it as before)`)
    }
  }
  if (!pristine && !/still names|keeps naming/.test(error))
    say('the error does not say the marker stays')
  if (pristine && !/rolled back/.test(error)) say(`the error does not say rolled back: ${error}`)
  return problems
}

/** The Rollback cell of a resource's row in the rollback table, or undefined when it has none. */
export function rollbackRow(markdown: string, name: string): string | undefined {
  let column = -1
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim())
    if (!line.startsWith('|')) column = -1
    else if (cells.includes('Rollback')) column = cells.indexOf('Rollback')
    else if (column > 0 && cells[1] === name) return cells[column]
  }
  return undefined
}

function same(now: string | Uint8Array | undefined, content: Content | undefined): boolean {
  if (now === undefined || content === undefined) return now === content
  return Buffer.from(now).equals(Buffer.from(content))
}
