import type { KestraVersion } from '../model/version.js'
import type { KestraServer } from '../adapters/kestra/api.js'
import { parseVersion } from '../model/version.js'
import {
  gather,
  probeServer,
  runLayout,
  type GatherResult,
  type Remaining
} from '../engine/snapshot/gather.js'
import type { RunReads } from '../engine/snapshot/run-reads.js'
import { layoutRules } from '../layout/layout.js'
import { onPullRequest, type RunContext } from '../model/context.js'
import { fromServer, type Finding } from '../model/finding.js'
import { settle, valueOf, type Outcome } from '../model/outcome.js'
import type { ActualNamespace, ChangedFiles } from '../model/plan-input.js'
import { referencedOf, type FlowReference } from '../model/references.js'
import type { ChosenLayout, RepoModel } from '../model/repository.js'
import type { DefinedNames, NameListings, NameReference } from '../model/names.js'
import type { UnfinishedReading } from '../model/plan.js'
import { definedNames } from '../engine/decide-kind.js'
import type { Layout, Settings } from '../model/settings.js'
import type { Snapshot } from '../model/snapshot.js'
import type { Target } from '../model/target.js'
import {
  asking,
  flowChecks,
  flowFileChecks,
  flowsChecked,
  recheckWith,
  reusedFlows,
  schemaTarget,
  sentReferences,
  storedChecking,
  flows,
  type ChecksAsked,
  knownResources,
  readProblemFindings,
  referenceFindings,
  SentRewrite,
  serverFilesOf,
  serverFlowsOf,
  unmanagedFindings,
  repoFlowsOf,
  repoFilesOf
} from '../resources/registry.js'
import {
  demoteUnchangedErrors,
  failureMessage,
  oneFindingPerFact,
  outsideChange,
  sortFindings
} from '../engine/validate/verdict.js'
import { tallyText } from '../report/render/headline.js'
import { phase } from '../report/phase.js'
import type { CheckedKind, KeepInput, Kind } from '../resources/resource.js'
import type { GatherKind, WalkRead } from '../engine/snapshot/kind.js'
import type { RunPorts, TargetRun } from './ports.js'
import { upgradeAsked } from './upgrade.js'

/** What the server says of what the walk read. */
type WalkServer = Pick<WalkRead, 'verdicts' | 'reviews'>

/** What the checks of one target of a run take. */
interface CheckArgs extends TargetRun {
  /** The server, when the work talks to it. */
  kestra: KestraServer | undefined
  kinds: readonly Kind[]
  reads: RunReads
}

/** The phases whose summary line is also in the report (its repository note and verdict). */
export const LOADING = 'Loading the repository'
export const VALIDATION = 'Validation'

export interface Checked {
  /** All the run read, once. */
  snapshot: Snapshot
  model: RepoModel
  findings: Finding[]
  changed: ChangedFiles
  /** Plain-text remarks for the summary and the comment. */
  notes: string[]
  /** The names the repository's resources define once deployed, as sent (`DecideKind.defines`). */
  defined: DefinedNames
  /** The run's kinds: what their checks hold is asked through each kind's `checked` part. */
  kinds: readonly Kind[]
  /** What each kind's checks hold, by kind name (`Kind.checked`). */
  byKind: ReadonlyMap<string, unknown>
  /** The release the run judges for: the server's probed version, else the `kestra-version` input. */
  serverVersion?: KestraVersion
  /** Deploy: reads the files whose summaries content facts gave, right before the first write. */
  confirmFacts?: () => Promise<void>
}

/** What every kind's checks say of one fact, each kind asked through its own function (`Kind.checked`). */
function askKinds<R>(
  checked: Pick<Checked, 'kinds' | 'byKind'>,
  ask: (part: CheckedKind, value: unknown) => R | undefined
): R[] {
  return checked.kinds.flatMap(({ decide, checked: part }) => {
    if (!part || !checked.byKind.has(decide.name)) return []
    const answer = ask(part, checked.byKind.get(decide.name))
    return answer === undefined ? [] : [answer]
  })
}

/** What the repository's resources reference of others (a flow's subflows and namespace files), as sent. */
export function referencesOf(checked: Checked): FlowReference[] {
  return askKinds(checked, (part, value) => part.references?.(value)).flat()
}

/** The `secret()` and `kv()` names the repository's resources use, as sent. */
export function namesOf(checked: Checked): NameReference[] {
  return askKinds(checked, (part, value) => part.names?.(value)).flat()
}

/** Each repository flow file's own checks, as the loading made or reused them. */
export function fileChecksOf(checked: Checked) {
  return flowFileChecks(checked.byKind)
}

/** The server's listings of the names that `secret()` and `kv()` calls use, when read. */
export function listingsOf(checked: Checked): Outcome<NameListings> | undefined {
  return askKinds(checked, (part, value) => part.listings?.(value))[0]
}

/** The review's search of executions not finished, when made (docs/caught-at-review.md#executions-not-finished). */
export function unfinishedOf(checked: Checked): UnfinishedReading | undefined {
  return askKinds(checked, (part, value) => part.unfinished?.(value))[0]
}

/**
 * Deploy: what each kind keeps in each namespace's commit marker, by namespace and field
 * (docs/kinds.md#what-a-kind-keeps-in-the-commit-marker); undefined when no kind keeps anything.
 */
export async function keptByKinds(
  checked: Pick<Checked, 'kinds' | 'byKind'>,
  deploying: Omit<KeepInput, 'checked'>
): Promise<{ ours: Map<string, Record<string, unknown>>; rewriting: Set<string> } | undefined> {
  const ours = new Map<string, Record<string, unknown>>()
  const rewriting = new Set<string>()
  for (const { marker, decide } of checked.kinds) {
    const kept = await marker?.toKeep({ ...deploying, checked: checked.byKind.get(decide.name) })
    if (!marker || !kept) continue
    if (marker.rewritesMarker) rewriting.add(marker.field)
    for (const [namespace, value] of kept) {
      ours.set(namespace, { ...ours.get(namespace), [marker.field]: value })
    }
  }
  return ours.size > 0 ? { ours, rewriting } : undefined
}

/** Deploy: confirms every kind's reused checks and the files' content facts, right before the first write. */
export async function confirmReused(checked: Checked): Promise<void> {
  const kinds = askKinds(checked, (part, value) => part.confirmReused?.(value))
  await Promise.all([...kinds, checked.confirmFacts?.()])
}

/**
 * Gathers the run's snapshot and validates it, locally and (with a server) on the server. The server's reads and
 * validation batches leave while the repository loads; the local checks run while the rest are in flight.
 */
export async function check(run: CheckArgs): Promise<Checked> {
  const { settings, target, context, ports, kestra, kinds, reads } = run
  // Every request waits on the server's version: asked for while the run's one layout is chosen.
  const probing = probeServer(reads, { work: target.work, kestra })
  const layout = await layoutOf(run)
  // What is sent differs from what is validated (docs/environments.md): mapped names, rewritten flows.
  const sending = new SentRewrite(target)
  const stored = storedChecking(target.work)
  const gathering = gather({
    settings,
    target,
    context,
    reads,
    layout,
    kestra,
    sending,
    reuse: stored.reuse,
    github: ports.github,
    kinds: gatherParts(kinds)
  })
  const checking = settle(flowChecks(gathering, checksAsked(run, layout.layout, probing)))
  const model = await loaded(gathering, ports)
  const checks = await valueOf(checking)
  const sent = sending.model(model)
  const { references, names } = sentReferences(sending, model, checks)
  const remaining = gathering.after(model, sent.model, references.map(referencedOf), names)
  const read = await readRemaining(remaining, { target, context, ports })
  const version = await targetVersion(read.serverVersion, settings, ports)
  const { namespacePrefix } = target
  const kindChecks = new Map([[flows.decide.name, checks]])
  const walkRead = { model, layout: layout.layout, namespacePrefix, checks: kindChecks, ...version }
  const { walk, snapshot } = walked(read, walkRead, kinds)
  const defined = definedNames(
    kinds.map((kind) => kind.decide),
    snapshot.kinds
  )
  const { changed } = read
  const validating = { walk, snapshot, changed, kinds, references, sent, defined, ports, kestra }
  const findings = await phase(
    ports.reporter,
    VALIDATION,
    async () => validated({ ...validating, context, settings }),
    (all) => verdictText(all, settings.failOn)
  )
  const reused = { flows: reusedFlows(gathering), recheck: recheckWith(layout.layout) }
  const storedChecks = stored.toStore(repoFlowsOf(model), checks, { ...layout, sending, settings })
  const made = flowsChecked(walk, { checks, references, names, reused, storedChecks })
  return {
    snapshot,
    model: sent.model,
    findings,
    changed,
    defined,
    notes: [describeRepository(model), ...read.notes],
    kinds,
    byKind: new Map([[flows.decide.name, made]]),
    confirmFacts: gathering.confirmFacts,
    ...version
  }
}

/** The kinds' gather parts that read, or take their part of the walk, or say what exists. */
function gatherParts(kinds: readonly Kind[]) {
  return kinds.flatMap(({ gather }) =>
    gather?.gather || gather?.walk || gather?.known ? [gather] : []
  )
}

/** The run's one walk, and the snapshot with each kind that reads the walk holding its part (docs/kinds.md). */
function walked(
  { snapshot, walkReads }: { snapshot: Snapshot; walkReads: WalkServer },
  read: Omit<WalkRead, keyof WalkServer>,
  kinds: readonly Kind[]
): { walk: WalkRead; snapshot: Snapshot } {
  const walk: WalkRead = { ...read, ...walkReads }
  const held = new Map(snapshot.kinds)
  for (const { gather } of kinds) if (gather?.fromWalk) held.set(gather.name, gather.fromWalk(walk))
  return { walk, snapshot: Object.freeze({ ...snapshot, kinds: held }) }
}

/**
 * The release the flows are validated for (docs/validation-rules.md#the-schema-of-each-release): the server's
 * probed version, else the `kestra-version` input; a probed version of another line than the input's wins, said.
 */
async function targetVersion(
  probed: KestraVersion | undefined,
  { kestraVersion: configured }: Settings,
  { reporter }: RunPorts
): Promise<{ serverVersion?: KestraVersion }> {
  if (probed && configured && (probed[0] !== configured[0] || probed[1] !== configured[1])) {
    reporter.warning(
      `The server runs Kestra ${probed.join('.')}, not the ${configured[0]}.${configured[1]} line that kestra-version names: flows are validated for the server's version. Set kestra-version to ${probed[0]}.${probed[1]} or leave it empty.`
    )
  }
  const serverVersion = probed ?? configured
  // A later patch or minor than the schema this build carries for its line (docs/validation-rules.md#newer-servers).
  const [judge] = schemaTarget(serverVersion)
  if (serverVersion && judge?.newer !== undefined) {
    reporter.warning(
      `Kestra ${judge.newer} is newer than the ${judge.version} schema this build carries for its line: what that schema does not know (a property, a type, a value) is a warning${probed ? ", and the server's validation decides" : ''}.`
    )
  }
  return serverVersion ? { serverVersion } : {}
}

/**
 * What the checks find while each syntax tree is at hand: the schema's verdict for the release the flows are
 * validated for, and the upgrade readiness when the run reports it. The version is the probe's, asked for
 * before the repository is read (else `kestra-version`, as `targetVersion` decides).
 */
async function checksAsked(
  { settings, target }: CheckArgs,
  layout: Layout,
  probing: ReturnType<typeof probeServer>
): Promise<ChecksAsked> {
  const probed = probing && (await probing)
  const version = parseVersion(probed?.ok ? probed.value : undefined) ?? settings.kestraVersion
  // Mode upgrade and an upgrade server want the rewritten texts, which `upgradeReadiness` makes then.
  const upgrade =
    upgradeAsked(settings, target.work, version) &&
    target.work.writes !== 'upgrade' &&
    !settings.upgradeServer
  return asking({ layout, schema: schemaTarget(version), upgrade })
}

/** The repository, loaded, each namespace's counts logged in the loading group. */
async function loaded(gathering: GatherResult, { reporter }: RunPorts): Promise<RepoModel> {
  return phase(reporter, LOADING, () => loadedIn(gathering, reporter), describeRepository)
}

async function loadedIn(
  gathering: GatherResult,
  reporter: RunPorts['reporter']
): Promise<RepoModel> {
  const model = await gathering.repository
  for (const line of namespaceLines(model)) reporter.info(line)
  if (gathering.reused.size > 0) {
    reporter.info(
      `Reused the checks of ${gathering.reused.size} of ${repoFlowsOf(model).length} flow file(s), checked with the same bytes by this build's last deploy (full-plan: true checks every one again).`
    )
  }
  if (gathering.unsealed.size > 0) {
    const failure = gathering.sealFailure()
    const unused = `Not used: what the commit marker of ${[...gathering.unsealed].sort().join(', ')} keeps besides its commit (stored checks, content facts)`
    if (failure === undefined) {
      reporter.info(
        `${unused}, which no seal of this job's Kestra credentials vouches for (written by something else, or by a deploy with other credentials); those files are checked and read.`
      )
    } else {
      reporter.warning(
        `${unused}: the seal that vouches for it could not be derived on this runner (${failure}); those files are checked and read.`
      )
    }
  }
  return model
}

/** The reads that follow the repository's: the server's version, the change, its state, the snapshot. */
async function readRemaining(
  remaining: Remaining,
  run: { target: Target; context: RunContext; ports: RunPorts }
) {
  const { target, context, ports } = run
  const { reporter } = ports
  await new Promise((resolve) => setImmediate(resolve)) // lets the first requests leave
  // Rules Kestra added in a release follow the version detected (none: current Kestra's, per rule). A
  // server that did not answer the probe fails its first real read, which says why.
  const probed = await remaining.serverVersion
  const serverVersion = parseVersion(probed?.ok ? probed.value : undefined)
  const notes: string[] = []
  const changedEvent = onPullRequest(context) || context.eventName === 'push'
  const changed = await valueOf(remaining.changed)
  if (changed.kind === 'all' && changedEvent) {
    // The change could not be listed (shallow clone past GitHub's caps…): say so, it widens what blocks.
    notes.push(`Every file counts as changed: ${changed.reason}.`)
  }
  if (changed.kind === 'all' && (changedEvent || target.scope === 'changed')) {
    reporter.info(`Every file counts as changed: ${changed.reason}`)
  }
  if (target.work.plan) {
    const state = async () => {
      const held = (await valueOf(remaining.state)) ?? new Map<string, ActualNamespace>()
      for (const [namespace, actual] of [...held].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const { flows, files } = countHeld([actual])
        reporter.info(`${namespace}: ${flows} flow(s), ${files} file(s)`)
      }
      return held
    }
    await phase(reporter, 'Reading the server', state, describeServerState)
  }
  const snapshot = await valueOf(remaining.snapshot)
  const { walkReads } = remaining
  const walkRead: WalkServer = {
    verdicts: walkReads.verdicts && (await valueOf(walkReads.verdicts)),
    reviews: walkReads.reviews && (await awaitedByKind(walkReads.reviews))
  }
  if (remaining.baseReused.size > 0) {
    reporter.info(
      `Reused the checks of ${remaining.baseReused.size} flow file(s) of the base commit that the change alters or removes, rather than parse them.`
    )
  }
  return { serverVersion, changed, notes, snapshot, walkReads: walkRead }
}

/** Each kind's read, awaited, by kind name. */
async function awaitedByKind(
  reads: ReadonlyMap<string, Promise<unknown>>
): Promise<Map<string, unknown>> {
  return new Map(
    await Promise.all([...reads].map(async ([kind, read]) => [kind, await read] as const))
  )
}

/** Every finding of the run, sorted (unchanged files' errors demoted on a pull request), annotated. */
function validated(
  input: Pick<CheckArgs, 'kinds' | 'context' | 'ports' | 'kestra' | 'settings'> & {
    walk: WalkRead
    snapshot: Snapshot
    changed: ChangedFiles
    references: FlowReference[]
    sent: ReturnType<SentRewrite['model']>
    defined: DefinedNames
  }
): Finding[] {
  const { walk, snapshot, ports, context } = input
  const { reporter } = ports
  const repositoryFindings = [
    ...readProblemFindings(walk.model),
    ...unmanagedFindings(walk.model, repoFilesOf(walk.model))
  ]
  const ofKinds = input.kinds.flatMap(({ decide }) =>
    decide.validate && snapshot.kinds.has(decide.name)
      ? decide.validate(snapshot.kinds.get(decide.name), input.defined)
      : []
  )
  const server = ofKinds.filter(fromServer).length
  const { layout } = walk.model
  const rules = layoutRules(input.settings, layout.layout, layout.fileFolders)
  const references = referenceFindings(
    input.references,
    knownResources(snapshot.targets),
    input.kestra !== undefined,
    (namespace) => rules.fileFoldersOf(namespace)
  )
  reporter.info(`Local checks: ${repositoryFindings.length + ofKinds.length - server} finding(s).`)
  if (walk.verdicts) reporter.info(`The server's validation: ${server} finding(s).`)
  reporter.info(`Subflow and namespace-file references: ${references.length} finding(s).`)
  let all = [...repositoryFindings, ...ofKinds, ...references, ...input.sent.findings]
  if (onPullRequest(context)) all = demoteUnchangedErrors(all, input.changed)
  all = sortFindings(oneFindingPerFact(all))
  reporter.annotate(ownFirst(all, context, input.changed))
  return all
}

/** Within GitHub's cap on annotations, a pull request's own files' findings come first. */
function ownFirst(findings: Finding[], context: RunContext, changed: ChangedFiles): Finding[] {
  if (!onPullRequest(context) || changed.kind !== 'list') return findings
  const outside = findings.filter((f) => outsideChange(f, changed.paths))
  return [...findings.filter((f) => !outside.includes(f)), ...outside]
}

/** The run's one layout, the kinds' folders found with it, said in the run's first lines. */
async function layoutOf(run: CheckArgs): Promise<ChosenLayout> {
  const kinds = run.kinds.flatMap((kind) => (kind.gather ? [kind.gather] : []))
  const layout = await runLayout(run.reads, run.settings, run.context.workspace, kinds)
  sayLayout(run.ports.reporter, layout, kinds)
  return layout
}

/**
 * The run's first lines: the layout and why, each files/<namespace>/ folder auto found, and each folder of a
 * kind's found beside the flows (docs/layouts.md).
 */
function sayLayout(
  reporter: RunPorts['reporter'],
  layout: ChosenLayout,
  kinds: readonly Pick<GatherKind, 'folder'>[]
): void {
  reporter.info(`Layout: ${layout.layout} (${layout.reason})`)
  for (const { dir, namespace } of layout.fileFolders ?? []) {
    const tenantTree = dir === `${namespace}/files` || dir.endsWith(`/${namespace}/files`)
    reporter.info(
      `Namespace files: '${dir}/' under root holds the files of ${namespace} ` +
        `(${tenantTree ? 'the <namespace>/files/ folder of its flows' : 'a files/<namespace>/ folder beside the flows'}; ` +
        'a namespace-files line for it takes over)'
    )
  }
  for (const { name, dir, files, declared } of layout.kindFolders ?? []) {
    const label = kinds.find((kind) => kind.folder?.name === name)?.folder?.label
    if (label === undefined || declared?.length === 0) continue
    const shown = files.slice(0, 5).map((file) => file.slice(dir.length + 1))
    const more = files.length > shown.length ? ` and ${files.length - shown.length} more` : ''
    reporter.info(`${label}: '${dir}/' under root holds ${shown.join(', ')}${more}`)
  }
}

/** `Validation passed: 0 errors, 2 warnings`, the log's line for the comment's verdict. */
function verdictText(findings: readonly Finding[], failOn: 'error' | 'warning'): string {
  const failed = failureMessage(findings, failOn) !== undefined
  return `Validation ${failed ? 'failed' : 'passed'}: ${tallyText(findings)}.`
}

/** One line per namespace, inside the loading group. */
function namespaceLines(model: RepoModel): string[] {
  const counts = new Map<string, { flows: number; files: number }>()
  const of = (namespace: string) =>
    counts.get(namespace) ?? counts.set(namespace, { flows: 0, files: 0 }).get(namespace)!
  for (const flow of repoFlowsOf(model))
    if (!flow.notAFlow && flow.namespace) of(flow.namespace).flows++
  for (const file of repoFilesOf(model)) of(file.namespace).files++
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([namespace, c]) => `${namespace}: ${c.flows} flow(s), ${c.files} file(s)`)
}

function describeServerState(state: ReadonlyMap<string, ActualNamespace>): string {
  const { flows, files } = countHeld(state.values())
  return `Read ${state.size} namespace(s) from the server: ${flows} flow(s), ${files} file(s).`
}

/** How many flows and namespace files these namespaces hold on the server: the run's log counts them. */
function countHeld(held: Iterable<ActualNamespace>): { flows: number; files: number } {
  let flows = 0
  let files = 0
  for (const actual of held) {
    flows += serverFlowsOf(actual).length
    files += serverFilesOf(actual).length
  }
  return { flows, files }
}

function describeRepository(model: RepoModel): string {
  const flows = repoFlowsOf(model).filter((f) => !f.notAFlow).length
  const namespaces = model.managedNamespaces
  return `Checked ${flows} flow(s) and ${repoFilesOf(model).length} namespace file(s) in ${namespaces.length} namespace(s)${namespaces.length > 0 ? `: ${namespaces.join(', ')}` : ''}.`
}
