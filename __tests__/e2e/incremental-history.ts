/**
 * The random histories the incremental plan and deploy properties play (docs/performance.md#incremental-planning):
 * commits of flows in the shapes whose checks differ, deletions, renames, moves to another namespace's folder, a
 * subflow whose inputs change under an unchanged caller, a `read()` file that changes or goes, server edits
 * (drift), flows deleted and files rewritten on the server, the commit marker put back as the first deploy left
 * it or replaced by one written elsewhere, the server moved to another Kestra release (0.20, 1.0, 1.3, 2.0: each
 * side of the releases that made a rule an error, under flows whose finding's severity follows them), the
 * secret and KV key a flow uses added to or removed from the server (the review's listings), a namespace file
 * changed in the work tree only (its timestamps kept or not) or given an attribute that converts it on checkout
 * (git vouches for neither: docs/performance.md#what-a-plan-knows-without-reading), the marker's stores
 * tampered with by a writer of KV who does not hold the job's credentials (docs/performance.md#what-kv-can-do-to-it:
 * facts and checks forged, a marker's stores replayed from another namespace or beside another commit, entries
 * left out, a field added beside them (one a later version might keep), a seal of other credentials), and deploys.
 * The CLI runs in this process (from src/), so that a step costs no bundle start.
 */
import fc from 'fast-check'
import { existsSync, mkdirSync, statSync, utimesSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { runCli } from '../../src/cli/run.js'
import { COMMIT_MARKER_KEY } from '../../src/engine/record/marker.js'
import { CONTENT_FACTS_FIELD } from '../../src/resources/namespace-files/decide-content-facts.js'
import { STORED_CHECKS_FIELD } from '../../src/resources/flows/decide-stored-checks.js'
import { markerSeal } from '../../src/engine/record/seal.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import type { Emulator, SeedState } from '../../test-support/kestra-emulator/index.js'
import { CREDENTIALS } from '../../test-support/scenario.js'

export const NS = 'company.team'
const IDS = ['alpha', 'beta', 'gamma'] as const

export const flowPath = (name: string) => `${NS}/flows/${name}.yml`

/** The secret and KV key `plainFlow`'s variant 7 uses: the server has neither until a step adds it. */
const SECRET = 'API_TOKEN'
const KV_KEY = 'threshold'

/**
 * A flow of `id`, in one of the shapes whose checks differ: clean, a warning, an error, a syntax error,
 * three findings whose severity follows the server's release, one per kind of versioned rule: `listeners` (a
 * key 2.0 removed), a dashed input reference (a rule of 0.23, `rule-releases.ts`) and an optional input with
 * a default (an input rule of 1.1), each a warning before its release and an error from it on; and one whose
 * findings follow the server's listings: a secret and a KV key, each warned of while the server lacks it; one
 * that 2.0 refuses and a rewrite fixes (a `BOOLEAN` input: the upgrade readiness a 1.x server's plan reports),
 * and one that the released schema refuses (a property the Log task lacks).
 */
export function plainFlow(id: string, variant: number, message = 'hello'): string {
  const body = `id: ${id}\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: ${message}\n`
  switch (variant % 10) {
    case 1:
      return `${body}revision: 3\n` // a warning
    case 2:
      return body.replace(`namespace: ${NS}`, 'namespace: elsewhere') // an error on its line
    case 3:
      return `${body}  - id: [unclosed\n` // not YAML
    case 4:
      return `${body}listeners:\n  - tasks:\n      - id: heard\n        type: io.kestra.plugin.core.log.Log\n        message: heard\n`
    case 5:
      return `${body}inputs:\n  - id: the-key\n    type: STRING\n    defaults: v\n  - id: said\n    type: STRING\n    defaults: "{{ inputs.the-key }}"\n`
    case 6:
      return `${body}inputs:\n  - id: optional\n    type: STRING\n    defaults: v\n    required: false\n`
    case 7:
      return `${body}  - id: use\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ secret('${SECRET}') }} {{ kv('${KV_KEY}') }}"\n`
    case 8:
      return `${body}inputs:\n  - id: refresh\n    type: BOOLEAN\n    defaults: false\n`
    case 9:
      return body.replace('    message:', '    colour: red\n    message:')
    default:
      return body
  }
}

const child = (inputs: number) =>
  `id: child\nnamespace: ${NS}\ninputs:\n${Array.from({ length: inputs }, (_, i) => `  - id: in${i}\n    type: STRING\n`).join('')}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: child\n`
const parent = (passes: number) =>
  `id: parent\nnamespace: ${NS}\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: child\n    inputs:\n${Array.from({ length: passes }, (_, i) => `      in${i}: v\n`).join('')}`
const reader = `id: reader\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ read('data.csv') }}"\n`

/** The Kestra versions a history's servers move between: the stored checks were made under another one. */
export const VERSIONS = ['0.20.7', '1.0.0', '1.3.2', '2.0.0'] as const

export type Step =
  | { kind: 'edit'; id: (typeof IDS)[number]; variant: number; message: string }
  | { kind: 'delete'; id: (typeof IDS)[number] }
  | { kind: 'rename'; id: (typeof IDS)[number] }
  | { kind: 'child-inputs'; inputs: number }
  | { kind: 'parent-passes'; passes: number }
  | { kind: 'data'; content: string | null }
  | { kind: 'worktree'; content: string; keepTime: boolean }
  | { kind: 'attributes' }
  | { kind: 'tamper'; how: Tampering }
  | { kind: 'server-edit'; id: (typeof IDS)[number] | 'child' | 'parent'; message: string }
  | { kind: 'server-delete'; id: (typeof IDS)[number] | 'child' | 'parent' }
  | { kind: 'server-file'; content: string }
  | { kind: 'marker'; value: 'first' | 'foreign' }
  | { kind: 'move'; id: (typeof IDS)[number] }
  | { kind: 'version'; version: (typeof VERSIONS)[number] }
  | { kind: 'server-secret'; present: boolean }
  | { kind: 'server-kv'; present: boolean }
  | { kind: 'deploy' }

/** What a writer of KV who lacks the job's credentials can do to a marker (docs/performance.md#what-kv-can-do-to-it). */
const TAMPERINGS = [
  'forge-facts',
  'forge-checks',
  'replay-namespace',
  'replay-commit',
  'truncate',
  'add-field',
  'foreign-seal'
] as const
type Tampering = (typeof TAMPERINGS)[number]

/** A seal of credentials other than the job's: what a deploy by another identity writes. */
const FOREIGN = (await markerSeal({
  auth: { kind: 'basic', username: 'someone', password: 'else' },
  sealKey: 'another job of another identity, its own key'
}))!

/** Entries claimed other contents: each fact says three bytes of zeros' hash. */
export function forgeFacts(value: Record<string, unknown>): void {
  const facts = value[CONTENT_FACTS_FIELD] as Record<string, Record<string, string>> | undefined
  for (const side of Object.values(facts ?? {})) {
    for (const key of Object.keys(side)) side[key] = `${'0'.repeat(64)},3,0`
  }
}

const OTHER_NS = 'company.other'
const STORES = [STORED_CHECKS_FIELD, CONTENT_FACTS_FIELD, 'seal'] as const

function tamper(
  how: Tampering,
  markers: Map<string, Record<string, unknown>>,
  first: Record<string, unknown> | undefined
): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>()
  const own = markers.get(NS)
  if (!own) return out
  const value = structuredClone(own)
  const storesOf = (marker: Record<string, unknown>) =>
    Object.fromEntries(STORES.filter((field) => field in marker).map((f) => [f, marker[f]]))
  switch (how) {
    case 'forge-facts':
      forgeFacts(value)
      break
    case 'forge-checks':
      // Every stored check claims its file clean.
      for (const check of Object.values(
        (value[STORED_CHECKS_FIELD] ?? {}) as Record<string, Record<string, unknown>>
      )) {
        check.findings = []
        check.versioned = []
      }
      break
    case 'replay-namespace': {
      // The stores (and seal) of the other namespace's marker in this one's, and this one's there.
      const other = markers.get(OTHER_NS)
      out.set(OTHER_NS, { ...(other ?? own), ...storesOf(own) })
      for (const field of STORES) delete value[field]
      Object.assign(value, other ? storesOf(other) : {})
      break
    }
    case 'replay-commit':
      // The first deploy's stores and seal beside the commit the marker names now.
      if (first) {
        for (const field of STORES) delete value[field]
        Object.assign(value, storesOf(first))
      }
      break
    case 'truncate':
      // The first entry of each store left out, the seal kept.
      for (const store of [
        value[STORED_CHECKS_FIELD],
        ...Object.values((value[CONTENT_FACTS_FIELD] ?? {}) as Record<string, unknown>)
      ]) {
        const held = (store ?? {}) as Record<string, unknown>
        delete held[Object.keys(held).sort()[0]!]
      }
      break
    case 'add-field':
      // A field no kind of this version keeps, beside the stores; the seal kept.
      value.later = { [`${'0'.repeat(64)}`]: { findings: [] } }
      break
    case 'foreign-seal':
      out.set(NS, FOREIGN.sealed(NS, own))
      return out
  }
  out.set(NS, value)
  return out
}

const id = fc.constantFrom(...IDS)
export const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    id,
    variant: fc.nat(9),
    message: fc.constantFrom('hello', 'bye', 'again')
  }),
  fc.record({ kind: fc.constant('delete' as const), id }),
  fc.record({ kind: fc.constant('rename' as const), id }),
  fc.record({ kind: fc.constant('child-inputs' as const), inputs: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    kind: fc.constant('parent-passes' as const),
    passes: fc.integer({ min: 0, max: 3 })
  }),
  fc.record({
    kind: fc.constant('data' as const),
    content: fc.constantFrom<string | null>('a,b\n', 'c,d\n', null)
  }),
  fc.record({
    kind: fc.constant('worktree' as const),
    content: fc.constantFrom('a,b\n', 'c,d\n', 'x,y\n'),
    keepTime: fc.boolean()
  }),
  fc.constant({ kind: 'attributes' as const }),
  fc.record({
    kind: fc.constant('server-edit' as const),
    id: fc.constantFrom(...IDS, 'child' as const, 'parent' as const),
    message: fc.constantFrom('edited', 'changed')
  }),
  fc.record({
    kind: fc.constant('server-delete' as const),
    id: fc.constantFrom(...IDS, 'child' as const, 'parent' as const)
  }),
  fc.record({
    kind: fc.constant('server-file' as const),
    content: fc.constantFrom('a,b\n', 'e,f\n')
  }),
  fc.record({
    kind: fc.constant('marker' as const),
    value: fc.constantFrom('first' as const, 'foreign' as const)
  }),
  fc.record({ kind: fc.constant('move' as const), id }),
  fc.record({ kind: fc.constant('version' as const), version: fc.constantFrom(...VERSIONS) }),
  fc.record({ kind: fc.constant('server-secret' as const), present: fc.boolean() }),
  fc.record({ kind: fc.constant('server-kv' as const), present: fc.boolean() }),
  fc.record({ kind: fc.constant('tamper' as const), how: fc.constantFrom(...TAMPERINGS) }),
  fc.constant({ kind: 'deploy' as const })
)

/** What the server holds of the secret and KV key gamma uses, and how many of the two it then lacks. */
export const LISTINGS: [string, Step[], number][] = [
  ['neither', [], 2],
  ['only the secret', [{ kind: 'server-secret', present: true }], 1],
  ['only the KV key', [{ kind: 'server-kv', present: true }], 1],
  [
    'both',
    [
      { kind: 'server-secret', present: true },
      { kind: 'server-kv', present: true }
    ],
    0
  ],
  [
    'neither again',
    [
      { kind: 'server-secret', present: true },
      { kind: 'server-kv', present: true },
      { kind: 'server-secret', present: false },
      { kind: 'server-kv', present: false }
    ],
    2
  ]
]

const ENV = {
  KESTRA_USERNAME: CREDENTIALS.username,
  KESTRA_PASSWORD: CREDENTIALS.password,
  NO_COLOR: '1'
}

/** Runs the CLI in this process; `credentials: false` runs it with none. */
export async function cli(dir: string, args: string[], credentials = true) {
  let stdout = ''
  let stderr = ''
  const env = credentials ? ENV : { NO_COLOR: '1' }
  const exitCode = await runCli(args, {
    env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    cwd: dir,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) }
  })
  return { exitCode, stdout, stderr }
}

/**
 * The repository every history starts from, each finding kept while its flow is unchanged: alpha has a
 * warning of its own, beta one whose severity follows the server's release, and gamma uses a secret and a
 * KV key the server lacks until a step adds them.
 */
export function historyRepo(): GitRepo {
  return createGitRepo({
    ...Object.fromEntries(IDS.map((name, i) => [flowPath(name), plainFlow(name, [1, 4, 7][i]!)])),
    [flowPath('child')]: child(1),
    [flowPath('parent')]: parent(1),
    [flowPath('reader')]: reader,
    [`${NS}/files/data.csv`]: 'a,b\n'
  })
}

/**
 * A repository of one flow of each versioned rule (`listeners`, 2.0; a dashed input reference, 0.23; an
 * optional input with a default, 1.1): on 0.20.7 each is a warning, so a deploy there stores them all.
 */
export function versionedRepo(): GitRepo {
  return createGitRepo({
    [flowPath('alpha')]: plainFlow('alpha', 4),
    [flowPath('beta')]: plainFlow('beta', 5),
    [flowPath('gamma')]: plainFlow('gamma', 6)
  })
}

/**
 * Plays the steps on the repository and the servers (each server edit on every one of them); `deploy` runs
 * each deploy step, which may refuse (an error in a file: then nothing is stored).
 */
export async function play(
  repo: GitRepo,
  servers: readonly Emulator[],
  steps: readonly Step[],
  deploy: () => Promise<unknown>
): Promise<void> {
  const files = new Map<string, string>(IDS.map((name) => [name, flowPath(name)]))
  const seedAll = (state: SeedState) => servers.forEach((server) => server.seed(state))
  /** The flow's file moved, same bytes, in a commit of its own; nothing when deleted before. */
  const move = (id: (typeof IDS)[number], to: string) => {
    mkdirSync(dirname(join(repo.dir, to)), { recursive: true })
    try {
      repo.git('mv', files.get(id)!, to)
      repo.git('commit', '-q', '-m', `move ${id}`)
      files.set(id, to)
    } catch {
      // Deleted before: nothing to move.
    }
  }
  const firstMarkers = servers.map(
    (server) =>
      server
        .snapshot()
        .kv.find((entry) => entry.namespace === NS && entry.key === COMMIT_MARKER_KEY)?.value as
        Record<string, unknown> | undefined
  )
  for (const [index, s] of steps.entries()) {
    switch (s.kind) {
      case 'edit':
        repo.commit({ [files.get(s.id)!]: plainFlow(s.id, s.variant, s.message) })
        break
      case 'delete':
        repo.commit({ [files.get(s.id)!]: null })
        break
      case 'rename':
        move(s.id, flowPath(`${s.id}-${index}`))
        break
      case 'child-inputs':
        repo.commit({ [flowPath('child')]: child(s.inputs) })
        break
      case 'parent-passes':
        repo.commit({ [flowPath('parent')]: parent(s.passes) })
        break
      case 'data':
        repo.commit({ [`${NS}/files/data.csv`]: s.content })
        break
      case 'worktree': {
        // Changed in the work tree only, git's index left as it was: its blob is no longer the file's. With
        // the timestamps put back, only the bytes tell (a file of the same size, a checkout's racy second).
        const path = join(repo.dir, NS, 'files', 'data.csv')
        const before = existsSync(path) ? statSync(path) : undefined
        repo.write({ [`${NS}/files/data.csv`]: s.content })
        if (s.keepTime && before) utimesSync(path, before.atime, before.mtime)
        break
      }
      case 'attributes':
        // Checked out anew, the file would have other bytes than its blob: git vouches for it no more.
        repo.commit({ '.gitattributes': '*.csv text eol=crlf\n' })
        break
      case 'tamper':
        for (const [k, server] of servers.entries()) {
          const markers = new Map(
            server
              .snapshot()
              .kv.filter((entry) => entry.key === COMMIT_MARKER_KEY)
              .map((entry) => [entry.namespace, entry.value as Record<string, unknown>])
          )
          const written = tamper(s.how, markers, firstMarkers[k])
          server.seed({
            kv: [...written].map(([namespace, value]) => ({
              namespace,
              key: COMMIT_MARKER_KEY,
              value
            }))
          })
        }
        break
      case 'server-edit':
        seedAll({ flows: [{ namespace: NS, id: s.id, source: plainFlow(s.id, 0, s.message) }] })
        break
      case 'server-delete':
        seedAll({
          flows: [{ namespace: NS, id: s.id, source: plainFlow(s.id, 0), deleted: true }]
        })
        break
      case 'server-file':
        seedAll({ files: [{ namespace: NS, path: '/data.csv', content: s.content }] })
        break
      case 'marker':
        // The first deploy's marker put back (its checks stored for older bytes), or one written by
        // something else for a commit this repository never had, holding no checks.
        for (const [k, server] of servers.entries()) {
          const first = firstMarkers[k]
          if (!first) continue
          const { [STORED_CHECKS_FIELD]: _checks, ...foreign } = first
          const value = s.value === 'first' ? first : { ...foreign, commit: 'f'.repeat(40) }
          server.seed({ kv: [{ namespace: NS, key: COMMIT_MARKER_KEY, value }] })
        }
        break
      case 'version':
        // Kestra upgraded (or downgraded) under the stored checks: their versioned findings are resolved
        // against the release the plan detects, and the server's verdicts are its own.
        servers.forEach((server) => server.upgrade(s.version))
        break
      case 'server-secret':
        // Configured or not: OSS reads secrets from the environment, so a restart adds or drops one.
        seedAll({ secrets: [{ key: SECRET, deleted: !s.present }] })
        break
      case 'server-kv':
        seedAll({
          kv: [
            s.present
              ? { namespace: NS, key: KV_KEY, value: 10 }
              : { namespace: NS, key: KV_KEY, deleted: true }
          ]
        })
        break
      case 'move':
        // Another namespace's folder: the namespace the layout expects of it changes.
        move(s.id, `company.other/flows/${s.id}-${index}.yml`)
        break
      case 'deploy':
        await deploy()
        break
    }
  }
}
