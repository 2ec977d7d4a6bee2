/**
 * What must hold after every event of every history (docs/guarantees.md#what-always-holds): each invariant reads only what the run left
 * (the server, GitHub, the run's outputs, summary, log and files) and the reference model, and throws
 * `Broken` naming itself and what it saw, so that fast-check shrinks the history to the shortest that breaks it.
 */
import { parse } from 'yaml'
import { COMMIT_MARKER_KEY } from '../../../src/engine/record/marker.js'
import { credentialLeaks } from '../../../test-support/credential-leaks.js'
import type { LoggedRequest } from '../../../test-support/kestra-emulator/index.js'
import { CREDENTIALS } from '../../../test-support/scenario.js'
import { afterDeploy, comparable, differences, KINDS, type Kind } from './expected.js'
import { flowKey, flowSource, namespacesOf, type Repository, type Team } from './repository.js'
import { actionSurfaces } from '../output-surfaces.js'
import { emptyState } from './kestra.js'
import type { Run, ServerState, World } from './world.js'

export class Broken extends Error {
  constructor(
    readonly invariant: string,
    detail: string
  ) {
    super(`invariant "${invariant}" broken: ${detail}`)
  }
}

const check = (holds: boolean, invariant: string, detail: () => string) => {
  if (!holds) throw new Broken(invariant, detail())
}

export const tail = (run: Run) =>
  `\n--- the run's log (its end) ---\n${(run.result.stdout + run.result.stderr).slice(-4000)}`

/** The GitHub token every run gets (the runner harness's default for `github-token`). */
const GITHUB_TOKEN = 'ghs_faketoken0123456789'

/**
 * No secret reaches any output: the run's log, outputs, summary and files, and everything it sent to GitHub
 * (comments, issues, pull requests, commits), in any form a reader can turn back (test-support/credential-leaks.ts).
 */
export function noSecretShown(world: World, run: Run, githubMark: number): void {
  const surfaces = {
    ...actionSurfaces(run.result, world.github),
    'requests to GitHub': world.github.requests
      .slice(githubMark)
      .map((request) => JSON.stringify(request.body ?? ''))
      .join('\n')
  }
  for (const secret of [CREDENTIALS.password, GITHUB_TOKEN]) {
    for (const [where, text] of Object.entries(surfaces)) {
      const leaks = credentialLeaks(text, secret)
      check(
        leaks.length === 0,
        'no secret reaches any output',
        () => `${where}: ${leaks.join(', ')}`
      )
    }
  }
}

/** The namespace a write request names: its route's parameter, or the YAML (a new namespace's JSON) it sends. */
export function writtenNamespace(request: LoggedRequest): string | undefined {
  if (request.params.namespace) return request.params.namespace
  const field = request.route === 'namespaces.create' ? 'id' : 'namespace'
  if (request.text && /^(flows|tests|namespaces)\./.test(request.route)) {
    try {
      const document = parse(request.text) as Record<string, unknown> | null
      const namespace = document?.[field]
      if (typeof namespace === 'string') return namespace
    } catch {
      return undefined
    }
  }
  return undefined
}

/** What the run wrote: its write requests (the emulator's log), or what changed on the server (the engine's). */
function written(run: Run): { what: string; namespace: string | undefined; dashboard: boolean }[] {
  if (run.writes) {
    return run.writes.map((request) => ({
      what: `${request.method} ${request.route} ${request.path}`,
      namespace: writtenNamespace(request),
      dashboard: request.route.startsWith('dashboards.')
    }))
  }
  return differences(run.before, run.after, true).map((change) => {
    const [kind, key] = change.split(' ') as [string, string]
    return {
      what: `changed ${change}`,
      namespace:
        kind === 'dashboards'
          ? undefined
          : kind === 'namespaces'
            ? key
            : key.slice(0, key.search(/[/]/)),
      dashboard: kind === 'dashboards'
    }
  })
}

/** A plan writes nothing: a pull request's plan without a preview, a drift report, `validate`. */
export function wroteNothing(run: Run, invariant: string): void {
  const writes = written(run)
  check(
    writes.length === 0,
    invariant,
    () => `it wrote ${writes.map((w) => w.what).join(', ')}${tail(run)}`
  )
}

/** What a run wrote besides the commit markers is nothing. */
export function wroteOnlyMarkers(run: Run, invariant: string): void {
  const writes = written(run).filter((write) => !write.what.includes(COMMIT_MARKER_KEY))
  check(
    writes.length === 0,
    invariant,
    () => `it wrote ${writes.map((w) => w.what).join(', ')}${tail(run)}`
  )
}

/** Nothing outside the managed namespaces is written (a preview's: only under its prefix). */
export function onlyManagedWritten(run: Run, managed: readonly string[], prefix?: string): void {
  for (const write of written(run)) {
    if (write.dashboard) {
      check(
        prefix === undefined,
        'a preview writes only under its own prefix',
        () => `it wrote ${write.what}${tail(run)}`
      )
      continue
    }
    const { namespace } = write
    const allowed = prefix
      ? namespace !== undefined && namespace.startsWith(`${prefix}.`)
      : namespace !== undefined && managed.includes(namespace)
    check(
      allowed,
      prefix
        ? 'a preview writes only under its own prefix'
        : 'nothing outside the managed namespaces is written',
      () => `${write.what} in ${namespace ?? '(none)'}; managed: ${managed.join(', ')}${tail(run)}`
    )
  }
}

/** Resources of a state whose namespace starts with the preview's prefix. */
export function underPrefix(state: ServerState, prefix: string): string[] {
  const found: string[] = []
  for (const kind of [...KINDS, 'records'] as const) {
    for (const key of state[kind].keys())
      if (key.startsWith(`${prefix}.`)) found.push(`${kind} ${key}`)
  }
  return found
}

/**
 * After a deploy the server equals the repository, kind by kind, byte for byte; or the run failed naming what
 * was and was not applied.
 */
export function deployHolds(
  world: World,
  run: Run,
  repository: Repository,
  base: Repository | undefined
): void {
  const expected = afterDeploy(world.team, run.before, repository, base)
  const actual = comparable(run.after)
  const wrong = differences(expected, actual)
  if (run.result.exitCode === 0) {
    check(
      wrong.length === 0,
      'after a deploy the server equals the repository',
      () => `${wrong.slice(0, 10).join('; ')}${describe(expected, actual, wrong)}${tail(run)}`
    )
    return
  }
  // A failed deploy names every resource it changed, and every one it meant to and did not.
  const shown = run.result.stdout + run.result.summary
  const changed = differences(comparable(run.before), actual)
  for (const resource of [...changed, ...wrong]) {
    const name = resource
      .slice(resource.indexOf(' ') + 1)
      .split('/')
      .pop()!
    check(
      shown.includes(name),
      'a failed deploy names what was and was not applied',
      () => `${resource} is not named${tail(run)}`
    )
  }
}

function describe(expected: ServerState, actual: ServerState, wrong: string[]): string {
  return wrong
    .slice(0, 3)
    .map((entry) => {
      const [kind, key] = entry.split(' ') as [Kind, string]
      return `\n  ${entry}: expected ${JSON.stringify(expected[kind].get(key))?.slice(0, 300)}\n  got ${JSON.stringify(actual[kind].get(key))?.slice(0, 300)}`
    })
    .join('')
}

const PLANNED_KIND: Record<string, Kind> = {
  flow: 'flows',
  file: 'files',
  kv: 'kv',
  dashboard: 'dashboards',
  test: 'suites',
  namespace: 'namespaces'
}

/** The plan file's resources that change, as `kind key` (the keys of `ServerState`). */
export function plannedChanges(run: Run): string[] {
  return (run.planFile?.resources ?? [])
    .filter((resource) => ['create', 'update', 'delete'].includes(resource.action))
    .map((resource) => {
      const kind = PLANNED_KIND[resource.kind] ?? resource.kind
      const key =
        kind === 'files'
          ? `${resource.namespace}${resource.path}`
          : kind === 'dashboards'
            ? resource.id!
            : kind === 'namespaces'
              ? resource.namespace!
              : `${resource.namespace}/${resource.id ?? resource.key}`
      return `${kind} ${key}`
    })
    .sort()
}

/** The writes are exactly the plan's: what changed on the server is what the plan said would. */
export function writesArePlanned(run: Run): void {
  if (run.result.exitCode !== 0) return
  const changed = differences(comparable(run.before), comparable(run.after)).sort()
  const planned = plannedChanges(run)
  check(
    JSON.stringify(changed) === JSON.stringify(planned),
    "the writes are exactly the plan's",
    () =>
      `changed: ${changed.join(', ') || '(nothing)'}; planned: ${planned.join(', ') || '(nothing)'}${tail(run)}`
  )
}

/**
 * A plan of the commit Kestra was last deployed from, without an event's base (docs/drift.md#drift-by-default): each
 * change it plans is drift, whatever its kind, since the repository is what the deploy wrote.
 */
export function everyChangeIsDrift(run: Run): void {
  const notDrift = (run.planFile?.resources ?? []).filter(
    (resource) => resource.action !== 'unchanged' && resource.drifted !== true
  )
  check(
    notDrift.length === 0,
    'a plan of the deployed commit calls every change drift',
    () => `not drift: ${notDrift.map((r) => JSON.stringify(r)).join(', ')}${tail(run)}`
  )
}

const COUNTED = ['created', 'updated', 'deleted', 'unchanged'] as const

/** What a run changed on the server, counted as the outputs count it. */
function applied(run: Run): Record<(typeof COUNTED)[number], number> {
  const counts = { created: 0, updated: 0, deleted: 0, unchanged: 0 }
  const before = comparable(run.before)
  const after = comparable(run.after)
  for (const change of differences(before, after)) {
    const [kind, key] = change.split(' ') as [Kind, string]
    if (!before[kind].has(key)) counts.created++
    else if (!after[kind].has(key)) counts.deleted++
    else counts.updated++
  }
  return counts
}
const ACTION_OF: Record<(typeof COUNTED)[number], string> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
  unchanged: 'unchanged'
}

/** Every report gives the same counts: the outputs, the plan file, the comment's and the summary's headline. */
export function reportsAgree(run: Run, comment: string | undefined): void {
  const plan = run.planFile
  if (!plan) return
  const counts = Object.fromEntries(
    COUNTED.map((name) => [name, plan.resources.filter((r) => r.action === ACTION_OF[name]).length])
  )
  // A deploy that failed half-way counts what it applied: the outputs then say what the server now holds.
  const failedDeploy = run.result.exitCode !== 0 && run.result.outputs.mode === 'deploy'
  const said = failedDeploy ? applied(run) : counts
  for (const name of failedDeploy ? (['created', 'updated', 'deleted'] as const) : COUNTED) {
    const output = run.result.outputs[name]
    // A run that failed before its plan was final sets no counts: absent, never different.
    if (output === undefined && run.result.exitCode !== 0) continue
    check(
      output === String(said[name]),
      'every report gives the same counts',
      () =>
        `output ${name}=${output}, ${failedDeploy ? 'the server shows' : 'the plan file says'} ${said[name]}${tail(run)}`
    )
  }
  const headline = /(\d+) to create, (\d+) to update, (\d+) to delete, (\d+) unchanged/
  for (const [where, text] of [
    ['summary', run.result.summary],
    ['comment', comment]
  ] as const) {
    const match = text ? headline.exec(text) : null
    if (!match) continue
    const shown = { created: match[1], updated: match[2], deleted: match[3], unchanged: match[4] }
    for (const name of COUNTED) {
      check(
        shown[name] === String(counts[name]),
        'every report gives the same counts',
        () => `the ${where} says ${shown[name]} ${name}, the plan file ${counts[name]}${tail(run)}`
      )
    }
  }
}

const MARKER_KEY = 'kestra-gitops-commit'

/**
 * A deploy's receipt says what it wrote: one that wrote no resource but commit markers says how many namespaces'
 * markers now name its commit, and one that wrote nothing at all names none. A preview's receipt is in its pull
 * request's summary.
 */
export function receiptSaysWhatWasWritten(run: Run, preview = false): void {
  if (run.result.exitCode !== 0 || (!preview && run.result.outputs.mode !== 'deploy')) return
  if (differences(comparable(run.before), comparable(run.after)).length > 0) return
  const moved = [...run.after.records].filter(
    ([key, value]) => key.endsWith(`/${MARKER_KEY}`) && run.before.records.get(key) !== value
  ).length
  const said = /The commit marker of (\d+) namespaces? now names this commit/.exec(
    run.result.summary
  )
  check(
    (said ? Number(said[1]) : 0) === moved,
    "a deploy's receipt says what it wrote",
    () => `${moved} marker(s) changed; the summary says: ${said?.[0] ?? 'none'}${tail(run)}`
  )
}

/**
 * A valid repository gets no finding its own content does not warrant: errors only where the model made one (a
 * `read()` of a file nothing holds), warnings only on files whose references neither the repository nor the
 * server satisfies, or for a kind the server cannot store.
 */
export function findingsWarranted(world: World, run: Run, repository: Repository): void {
  const { errors, warnings } = warranted(world.team, repository, run.before, world.kestra.secrets)
  for (const finding of run.planFile?.findings ?? []) {
    if (finding.severity === 'notice') continue
    const file = finding.file ?? ''
    const allowed =
      finding.severity === 'error'
        ? errors.has(file)
        : errors.has(file) || warnings.has(file) || isKindNotice(finding.message)
    check(
      allowed,
      'a valid repository gets no finding its content does not warrant',
      () => `${finding.severity} ${file}:${finding.line ?? ''} ${finding.message}${tail(run)}`
    )
  }
}

/**
 * Upgrade readiness names what the next release drops beyond flows (docs/upgrade.md#where-you-see-it), a preview's
 * pull request too, and no other plan says so: against an open-source 1.3 server, that an open-source 2.0 keeps
 * none of the repository's dashboards, naming how many; against an Enterprise 1.3 server, that 2.0's namespaces
 * keep no plugin defaults, naming the settings files that hold some.
 */
export function readinessBeyondFlows(
  world: World,
  run: Run,
  repository: Repository,
  comment: string | undefined
): void {
  if (run.result.exitCode !== 0) return
  const { edition, line } = world.team
  const dashboards = repository.dashboards.length
  const settings = repository.namespaceSettings.filter((spec) => spec.pluginDefaults).length
  const notes = [
    {
      held: edition === 'OSS' && line === '1.3' ? dashboards : 0,
      said: /Dashboards: Kestra 2\.0 keeps none on the open-source edition this server runs[^\n]*?so the repository's (\d+) dashboard\(s\)/,
      what: `${dashboards} dashboard(s)`,
      rule: 'upgrade readiness names the dashboards an open-source 2.0 would not keep'
    },
    {
      held: edition === 'EE' && line === '1.3' ? settings : 0,
      said: /Namespace settings: Kestra 2\.0's namespaces keep no plugin defaults[^\n]*?so the pluginDefaults of the repository's (\d+) settings file\(s\)/,
      what: `${settings} settings file(s) with pluginDefaults`,
      rule: "upgrade readiness names the settings files whose plugin defaults 2.0's namespaces would not keep"
    }
  ]
  for (const [where, text] of [
    ['summary', run.result.summary],
    ['comment', comment]
  ] as const) {
    if (text === undefined) continue
    for (const note of notes) {
      const said = note.said.exec(text)
      check(
        note.held > 0 ? said?.[1] === String(note.held) : said === null,
        note.rule,
        () =>
          `the ${where} ${said ? `names ${said[1]}` : 'names none'}; the repository holds ${note.what} on ${edition} ${line}${tail(run)}`
      )
    }
  }
}

/**
 * A preview of a repository whose content warrants no error, meeting no failure, succeeds and holds each of the
 * pull request's resources under its prefix: every kind the server keeps but dashboards (tenant-wide, never
 * previewed), KV pairs, files and namespace settings byte for byte, flows and suites by name (their namespaces are
 * rewritten); and no flow, file or suite the pull request does not hold.
 */
export function previewHolds(world: World, run: Run, repository: Repository, prefix: string): void {
  if (run.faulty) return
  deploySucceeds(world, run, repository, prefix)
  if (run.result.exitCode !== 0) return
  const wanted = afterDeploy(world.team, emptyState(), repository, undefined)
  const actual = comparable(run.after)
  const missing: string[] = []
  for (const kind of ['flows', 'files', 'kv', 'suites', 'namespaces'] as const) {
    for (const [key, value] of wanted[kind]) {
      const held = actual[kind].get(`${prefix}.${key}`)
      const same = kind === 'flows' || kind === 'suites' ? held !== undefined : held === value
      if (!same) missing.push(`${kind} ${prefix}.${key}`)
    }
  }
  check(
    missing.length === 0,
    'a preview holds the pull request under its own prefix',
    () => `${missing.slice(0, 10).join('; ')} not as the pull request holds it${tail(run)}`
  )
  // `delete: true` inside it: a flow, file or suite the branch no longer holds goes from its preview.
  const extra = (['flows', 'files', 'suites'] as const).flatMap((kind) =>
    [...actual[kind].keys()]
      .filter((key) => key.startsWith(`${prefix}.`))
      .filter((key) => !wanted[kind].has(key.slice(prefix.length + 1)))
      .map((key) => `${kind} ${key}`)
  )
  check(
    extra.length === 0,
    'a preview holds nothing the pull request removed',
    () => `${extra.slice(0, 10).join('; ')} is still in the preview${tail(run)}`
  )
}

/** A deploy of a repository whose content warrants no error, meeting no failure, succeeds. */
export function deploySucceeds(
  world: World,
  run: Run,
  repository: Repository,
  prefix?: string
): void {
  if (run.result.exitCode === 0) return
  const { errors } = warranted(world.team, repository, run.before, world.kestra.secrets, prefix)
  check(
    errors.size > 0,
    'a deploy of a valid repository that meets no failure succeeds',
    () => `it failed${tail(run)}`
  )
}

const isKindNotice = (message: string) => /test suite|dashboard/i.test(message)

/**
 * The files whose content warrants a finding: a secret, KV key, file or flow they use that nothing holds (a KV key
 * the deploy may delete included), and on open-source Kestra a namespace settings file.
 */
export function warranted(
  team: Team,
  repository: Repository,
  server: ServerState,
  secrets: readonly string[],
  prefix?: string
): { errors: Set<string>; warnings: Set<string> } {
  // A file only the server holds serves a read while the deploy keeps it: not with `delete`, and never in a
  // preview, which mirrors the pull request (its namespaces lose what the repository no longer holds).
  const serverHolds = (namespace: string, path: string) =>
    prefix === undefined && !team.settings.delete && server.files.has(`${namespace}${path}`)
  const errors = new Set<string>()
  const warnings = new Set<string>()
  const byKey = new Map(repository.flows.map((flow) => [flowKey(flow), flow]))
  const kvHeld = new Set([
    ...repository.kv.map((e) => `${e.namespace}/${e.key}`),
    ...server.kv.keys()
  ])
  // With `delete`, a deploy may delete a KV key of a managed namespace the repository does not hold (its kv file's,
  // or its base's): a kv() that then finds the key nowhere is an error (deletes-resource-in-use).
  const managed = new Set(namespacesOf(repository))
  const repositoryKv = new Set(repository.kv.map((e) => `${e.namespace}/${e.key}`))
  const mayGo = (key: string) =>
    prefix === undefined &&
    team.settings.delete &&
    managed.has(key.slice(0, key.indexOf('/'))) &&
    !repositoryKv.has(key)
  const kvAfter = new Set([...repositoryKv, ...[...server.kv.keys()].filter((key) => !mayGo(key))])
  // A repository with no flow finds nothing: an error on every event (docs/layouts.md). The namespace layout also
  // names its flows/ and files/ when neither exists (no commit holds an empty folder).
  if (repository.flows.length === 0) errors.add('.')
  if (team.layout === 'namespace' && repository.flows.length + repository.files.length === 0) {
    errors.add('flows')
  }
  for (const flow of repository.flows) {
    const path = flowPath(team, flow.namespace, flow.id)
    if (
      flow.reads !== undefined &&
      !repository.files.some((f) => f.namespace === flow.namespace && f.path === flow.reads) &&
      !serverHolds(flow.namespace, flow.reads)
    ) {
      errors.add(path)
    }
    const key = flow.kvKey
    const holds = (keys: ReadonlySet<string>) =>
      key !== undefined && kvFinds(keys, flow.namespace, key)
    if (holds(kvHeld) && !holds(kvAfter)) errors.add(path)
    if (
      (flow.secret !== undefined && !secrets.includes(flow.secret)) ||
      (key !== undefined && !holds(kvHeld))
    ) {
      warnings.add(path)
    }
    // An output the called flow does not declare fails the task that reads it (subflow-contract).
    const called = flow.calls && byKey.get(flowKey(flow.calls))
    if (flow.calls && flow.readsOutput !== undefined && called?.output !== flow.readsOutput) {
      errors.add(path)
    }
  }
  // A flow only the server holds that reads an output a repository flow no longer declares: a warning on that flow.
  for (const [key, source] of server.flows) {
    if (byKey.has(key)) continue
    const read = outputRead(source)
    const called = read && byKey.get(read.calls)
    if (called && called.output !== read.name) {
      warnings.add(flowPath(team, called.namespace, called.id))
    }
  }
  // A suite testing a flow the repository does not hold (test-flow, or the flow deleted or orphaned by the deploy).
  for (const suite of repository.suites) {
    if (byKey.has(flowKey({ namespace: suite.namespace, id: suite.flowId }))) continue
    const path = `tests/${suite.namespace}/${suite.id}.yml`
    const namespace = prefix === undefined ? suite.namespace : `${prefix}.${suite.namespace}`
    const kept = server.flows.has(`${namespace}/${suite.flowId}`)
    // Open-source Kestra is not asked (a warning); a preview deletes the flow, its pull request's own (a warning).
    const error =
      team.edition !== 'OSS' && (!kept || (prefix === undefined && team.settings.delete))
    ;(error ? errors : warnings).add(path)
  }
  // Open-source Kestra keeps no namespace settings: each file is a warning, nothing written for it.
  if (team.edition === 'OSS') {
    for (const spec of repository.namespaceSettings)
      warnings.add(`namespaces/${spec.namespace}.yml`)
  }
  // Kestra 2.0's namespaces keep no plugin defaults: a file holding them is a warning on their line.
  if (team.line === '2.0') {
    for (const spec of repository.namespaceSettings)
      if (spec.pluginDefaults) warnings.add(`namespaces/${spec.namespace}.yml`)
  }
  for (const path of loopFiles(team, repository, server, prefix)) errors.add(path)
  return { errors, warnings }
}

/** Whether `kv(key)` in a flow of `namespace` finds the key among `keys` (`<namespace>/<key>`): its namespace or a parent. */
function kvFinds(keys: { has(key: string): boolean }, namespace: string, key: string): boolean {
  const parts = namespace.split('.')
  return parts.some((_, i) => keys.has(`${parts.slice(0, i + 1).join('.')}/${key}`))
}

/**
 * A deploy that would delete a KV key a flow it keeps still reads, found in no namespace Kestra looks in once the
 * deploy is done, writes nothing: the flow would fail when it runs (deletes-resource-in-use; engine 1.3.31 run: a
 * task whose `kv()` key is missing fails).
 */
export function deletedKeysRefused(
  world: World,
  run: Run,
  repository: Repository,
  base: Repository | undefined
): void {
  const after = afterDeploy(world.team, run.before, repository, base).kv
  const breaks = repository.flows.some(
    (flow) =>
      flow.kvKey !== undefined &&
      kvFinds(run.before.kv, flow.namespace, flow.kvKey) &&
      !kvFinds(after, flow.namespace, flow.kvKey)
  )
  if (breaks) {
    wroteNothing(run, 'a deploy that deletes a KV key a flow it keeps still reads writes nothing')
  }
}

/** The flow the model's Subflow task calls (`ns/id`) and the output its next task reads, from a source it wrote. */
function outputRead(source: string): { calls: string; name: string } | undefined {
  const call = /\n {4}namespace: (\S+)\n {4}flowId: (\S+)\n/.exec(source)
  const read = /outputs\.call\.outputs\.(\w+)/.exec(source)
  return call && read ? { calls: `${call[1]}/${call[2]}`, name: read[1]! } : undefined
}

/** The output a flow of the model's declares, from a source it wrote. */
function declaredOutput(source: string | undefined): string | undefined {
  return source === undefined ? undefined : /\noutputs:\n {2}- id: (\w+)\n/.exec(source)?.[1]
}

/** Each caller on the server that reads an output the flow it calls does not declare, with both sources. */
function brokenOutputReads(state: ServerState): Set<string> {
  const broken = new Set<string>()
  for (const [key, source] of state.flows) {
    const read = outputRead(source)
    if (!read) continue
    const called = state.flows.get(read.calls)
    if (declaredOutput(called) !== read.name) broken.add(`${key}\n${source}\n${called ?? ''}`)
  }
  return broken
}

/**
 * A deploy that succeeds leaves no caller on the server reading an output the flow it calls does not declare, but
 * one it found so, caller and called flow unchanged (engine 1.3.31 and 2.0.0: the reading task fails).
 */
export function outputReadsHold(run: Run): void {
  if (run.result.exitCode !== 0) return
  const before = brokenOutputReads(run.before)
  const made = [...brokenOutputReads(run.after)].filter((pair) => !before.has(pair))
  check(
    made.length === 0,
    'a deploy leaves no caller reading an output the flow it calls does not declare',
    () =>
      `${made.map((pair) => pair.split('\n')[0]).join(', ')} now read a missing output${tail(run)}`
  )
}

/**
 * A deploy leaves no test suite testing a flow it deleted: Kestra refuses to save a suite whose flow does not exist
 * (`TestSuiteValidator`, core 1.3.31 and 2.0.0), and a deploy that would delete one a kept suite tests writes nothing
 * (deletes-resource-in-use).
 */
export function suitesKeepTheirFlows(run: Run): void {
  if (run.result.exitCode !== 0) return
  const before = suitesWithoutFlow(run.before)
  const made = [...suitesWithoutFlow(run.after)].filter((key) => !before.has(key))
  check(
    made.length === 0,
    'a deploy leaves no test suite testing a flow it deleted',
    () => `${made.join(', ')} now test a flow the server does not hold${tail(run)}`
  )
}

/** The server's suites (`ns/id`) whose flow it does not hold. */
function suitesWithoutFlow(state: ServerState): Set<string> {
  const without = new Set<string>()
  for (const [key, source] of state.suites) {
    const flowId = /^flowId: (\S+)$/m.exec(source)?.[1]
    const namespace = key.slice(0, key.lastIndexOf('/'))
    if (flowId !== undefined && !state.flows.has(`${namespace}/${flowId}`)) without.add(key)
  }
  return without
}

/**
 * On 2.0, a deploy of flows that start each other without end writes nothing: Kestra refuses to save a flow on such a
 * loop (docs/caught-at-review.md#execution-loops).
 */
export function loopsRefused(world: World, run: Run, repository: Repository): void {
  if (loopFiles(world.team, repository, run.before).length === 0) return
  wroteNothing(run, 'a deploy of flows Kestra 2.0 refuses as an execution loop writes nothing')
}

/**
 * The repository's flow files on an execution loop among the flows a deploy leaves on a 2.0 server (a preview's: the
 * pull request's alone), whose calls run after their caller and whose Flow triggers after their `dependsOn` flows
 * (engine 2.0.0: `FlowService.checkCyclicDependency`; the model writes neither condition nor nested task).
 */
function loopFiles(
  team: Team,
  repository: Repository,
  server: ServerState,
  prefix?: string
): string[] {
  if (team.line !== '2.0') return []
  const left =
    prefix === undefined
      ? afterDeploy(team, server, repository, undefined).flows
      : new Map(repository.flows.map((flow) => [flowKey(flow), flowSource(flow, team.line)]))
  const next = new Map<string, string[]>()
  const add = (from: string, to: string) => next.set(from, [...(next.get(from) ?? []), to])
  for (const [key, source] of left) {
    const flow = parse(source) as { tasks?: unknown; triggers?: unknown }
    for (const task of records(flow.tasks)) {
      if (task.type === SUBFLOW) add(key, `${String(task.namespace)}/${String(task.flowId)}`)
    }
    for (const trigger of records(flow.triggers)) {
      if (trigger.type !== FLOW_TRIGGER) continue
      for (const upstream of records(trigger.dependsOn))
        add(`${String(upstream.namespace)}/${String(upstream.flowId)}`, key)
    }
  }
  const onLoop = (key: string) => {
    const seen = new Set<string>()
    const stack = [...(next.get(key) ?? [])]
    while (stack.length) {
      const at = stack.pop()!
      if (at === key) return true
      if (seen.has(at)) continue
      seen.add(at)
      stack.push(...(next.get(at) ?? []))
    }
    return false
  }
  return repository.flows
    .filter((flow) => onLoop(flowKey(flow)))
    .map((flow) => flowPath(team, flow.namespace, flow.id))
}

const SUBFLOW = 'io.kestra.plugin.core.flow.Subflow'
const FLOW_TRIGGER = 'io.kestra.plugin.core.trigger.Flow'

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((item): item is Record<string, unknown> => !!item && typeof item === 'object')
    : []
}

/** The repository path of a flow, as `treeOf` places it. */
export function flowPath(team: Team, namespace: string, id: string): string {
  switch (team.layout) {
    case 'tenant':
      return `${namespace}/flows/${id}.yml`
    case 'kestra':
      return `kestra/flows/${namespace}/${id}.yml`
    case 'namespace':
      return `flows/${namespace}/${id}.yml`
    case 'custom':
      return `pipelines/${namespace.replaceAll('.', '-')}/${id}.yaml`
  }
}
