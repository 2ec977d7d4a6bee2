import { PR_EVENTS, type RunContext } from '../context.js'
import type { EarlyMarkers } from '../deploy/commit-marker.js'
import type { KestraServer } from '../kestra/api.js'
import { parseVersion } from '../kestra/era.js'
import type { ActualNamespace, BaseSnapshot } from '../plan/input.js'
import { detectChangedFiles, type ChangedFiles } from '../repo/changed-files.js'
import { resolveLayout } from '../repo/choose-layout.js'
import { loadRepository } from '../repo/load.js'
import { WorkTree } from '../repo/work-tree.js'
import type { FlowFile, RepoModel } from '../repo/model.js'
import type { Mode, Settings } from '../settings.js'
import { flowKey } from '../identity.js'
import { type Finding } from '../validate/finding.js'
import { checkFlow, validateRepository, type FlowCheck } from '../validate/index.js'
import type { FlowReference } from '../validate/references.js'
import { openBaseTree, readBaseSnapshot } from '../plan/base-snapshot.js'
import { demoteUnchangedErrors, failureMessage, sortFindings, tally } from '../validate/verdict.js'
import { phase } from '../report/phase.js'
import type { RunPorts } from './ports.js'
import { checkReferences } from '../server/references.js'
import { ServerReads } from '../server/reads.js'
import { ServerValidation } from '../server/validation.js'
import { readNameListings } from '../server/name-listings.js'
import type { NameListings } from '../plan/missing-names.js'
import type { NameReference } from '../validate/names.js'
import { unmanagedFindings } from '../validate/unmanaged.js'
import { Sending } from '../environments/sent-model.js'

/** The phases whose summary line is also in the report (its repository note and verdict). */
export const LOADING = 'Loading the repository'
export const VALIDATION = 'Validation'

export interface Checked {
  model: RepoModel
  /** Every repository flow's references to flows and namespace files, collected as it was checked. */
  references: FlowReference[]
  findings: Finding[]
  changed: ChangedFiles
  /** The server's copy of every managed namespace (plan and deploy only). */
  state?: Map<string, ActualNamespace>
  /** The deployed-commit markers, being read (deploy only). */
  markers?: EarlyMarkers
  /** The repository at the base commit, being read (plan and deploy only). */
  base?: Promise<BaseSnapshot | undefined>
  /** Plain-text remarks for the summary and the comment. */
  notes: string[]
  /** Every repository flow's `secret()` and `kv()` names, and their listings being read (plan, deploy). */
  names: NameReference[]
  listings?: Promise<NameListings>
}

/**
 * Loads the repository and validates it, locally and (with a server) on the server. Server reads and
 * git run while the local checks keep this thread busy.
 */
export async function check(
  input: Settings,
  context: RunContext,
  ports: RunPorts,
  mode: Mode,
  kestra: KestraServer | undefined
): Promise<Checked> {
  const { reporter } = ports
  // One layout for the run: the base commit is read as the work tree is.
  const settings = await resolveLayout(input, context.workspace)
  reporter.info(`Layout: ${settings.layout} (${settings.layoutReason})`)
  // What is sent differs from what is validated (docs/environments.md): mapped names, rewritten flows.
  const sending = new Sending(settings)
  // The server's era is probed while the repository loads (a failure resurfaces on first use).
  const probe =
    kestra && (mode !== 'validate' || settings.serverValidation)
      ? kestra.info().catch(() => undefined)
      : undefined
  const planning = kestra && mode !== 'validate'
  const baseTree = planning ? openBaseTree(settings, context) : undefined
  baseTree?.catch(() => undefined) // awaited by readBaseSnapshot
  const reads = planning ? new ServerReads(kestra, { markers: mode === 'deploy' }) : undefined
  const validation = { layout: settings.layout }
  const onServer = kestra && settings.serverValidation ? new ServerValidation(kestra) : undefined
  // Each flow is checked (and its references read) once, as soon as it is parsed.
  const checks = new Map<FlowFile, FlowCheck>()
  const model = await phase(
    reporter,
    LOADING,
    async () => {
      const loaded = await loadRepository(
        new WorkTree(context.workspace, settings.root),
        settings,
        {
          onNamespace: (namespace) => reads?.start(sending.namespace(namespace)),
          onFiles: (files) => reads?.knowFiles(sending.localFiles(files)),
          onFlow: (flow) => {
            const checked = checkFlow(flow, validation)
            checks.set(flow, checked)
            onServer?.add(flow, checked)
          }
        }
      )
      for (const line of namespaceLines(loaded)) reporter.info(line)
      return loaded
    },
    describeRepository
  )
  const notes = [describeRepository(model)]
  const sent = sending.model(model)
  const flowReferences = sending.references(
    model.flows.flatMap((flow) => {
      if (!checks.has(flow)) checks.set(flow, checkFlow(flow, validation))
      return checks.get(flow)!.references
    }),
    model.managedNamespaces
  )
  const names = model.flows.flatMap((flow) => checks.get(flow)!.names ?? [])
  // Read with the server state, so that they cost the plan no round trip of their own.
  const listings = planning && names.length > 0 ? readNameListings(kestra, names) : undefined

  const reading = reads?.state(sent.model)
  const checking = onServer?.findings(repositoryFlows(model)) ?? Promise.resolve([])
  const markers = mode === 'deploy' ? reads?.markersOf(sent.model.managedNamespaces) : undefined
  const base =
    baseTree &&
    Promise.all([readBaseSnapshot(baseTree, settings, model), reading]).then(
      ([snapshot, server]) => snapshot && sending.base(snapshot, model.managedNamespaces, server)
    )
  const changedEvent = PR_EVENTS.includes(context.eventName) || context.eventName === 'push'
  const detecting: Promise<ChangedFiles> = changedEvent
    ? detectChangedFiles(context, { workspace: context.workspace, github: ports.github })
    : Promise.resolve({
        kind: 'all',
        reason: context.local
          ? 'no --base was given'
          : `${context.eventName} treats every file as changed`
      })
  for (const pending of [reading, checking, base, detecting]) pending?.catch(() => undefined) // awaited below
  await new Promise((resolve) => setImmediate(resolve)) // lets the first requests leave

  // Rules Kestra added in a release follow the version detected (none: current Kestra's, per rule).
  const serverVersion = parseVersion((await probe)?.version)
  const localFindings = [
    ...validateRepository(model, { ...validation, serverVersion, checks }),
    ...unmanagedFindings(model)
  ]

  const changed = await detecting
  if (changed.kind === 'all' && changedEvent) {
    // The change could not be listed (shallow clone past GitHub's caps…): say so, it widens what blocks.
    notes.push(`Every file counts as changed: ${changed.reason}.`)
  }
  if (changed.kind === 'all' && (changedEvent || settings.scope === 'changed')) {
    reporter.info(`Every file counts as changed: ${changed.reason}`)
  }

  const state =
    reading &&
    (await phase(
      reporter,
      'Reading the server',
      async () => {
        const read = await reading
        for (const [namespace, held] of [...read].sort(([a], [b]) => (a < b ? -1 : 1))) {
          reporter.info(`${namespace}: ${held.flows.length} flow(s), ${held.files.length} file(s)`)
        }
        return read
      },
      describeServerState
    ))
  const findings = await phase(
    reporter,
    VALIDATION,
    async () => {
      const server = await checking
      const references = await checkReferences(
        sent.model,
        flowReferences,
        kestra ? { api: kestra, state } : undefined
      )
      reporter.info(`Local checks: ${localFindings.length} finding(s).`)
      if (onServer) reporter.info(`The server's validation: ${server.length} finding(s).`)
      reporter.info(`Subflow and namespace-file references: ${references.length} finding(s).`)
      let all = [...localFindings, ...server, ...references, ...sent.findings]
      if (PR_EVENTS.includes(context.eventName)) all = demoteUnchangedErrors(all, changed)
      all = sortFindings(all)
      reporter.annotate(all)
      return all
    },
    (all) => verdictText(all, settings.failOn)
  )
  return {
    model: sent.model,
    references: flowReferences,
    findings,
    changed,
    state,
    markers,
    base,
    notes,
    names,
    listings
  }
}

/** `Validation passed: 0 errors, 2 warnings`, the log's line for the comment's verdict. */
function verdictText(findings: readonly Finding[], failOn: 'error' | 'warning'): string {
  const { errors, warnings } = tally(findings)
  const failed = failureMessage(findings, failOn) !== undefined
  return `Validation ${failed ? 'failed' : 'passed'}: ${errors} error(s), ${warnings} warning(s).`
}

/** One line per namespace, inside the loading group. */
function namespaceLines(model: RepoModel): string[] {
  const counts = new Map<string, { flows: number; files: number }>()
  const of = (namespace: string) => {
    const entry = counts.get(namespace) ?? { flows: 0, files: 0 }
    counts.set(namespace, entry)
    return entry
  }
  for (const flow of model.flows) if (!flow.notAFlow && flow.namespace) of(flow.namespace).flows++
  for (const file of model.files) of(file.namespace).files++
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([namespace, c]) => `${namespace}: ${c.flows} flow(s), ${c.files} file(s)`)
}

function describeServerState(state: Map<string, ActualNamespace>): string {
  let flows = 0
  let files = 0
  for (const namespace of state.values()) {
    flows += namespace.flows.length
    files += namespace.files.length
  }
  return `Read ${state.size} namespace(s) from the server: ${flows} flow(s), ${files} file(s).`
}

function repositoryFlows(model: RepoModel): Set<string> {
  return new Set(
    model.flows.flatMap((flow) =>
      !flow.notAFlow && flow.namespace && flow.id ? [flowKey(flow.namespace, flow.id)] : []
    )
  )
}

function describeRepository(model: RepoModel): string {
  const flows = model.flows.filter((f) => !f.notAFlow).length
  const namespaces = model.managedNamespaces
  return `Checked ${flows} flow(s) and ${model.files.length} namespace file(s) in ${namespaces.length} namespace(s)${namespaces.length > 0 ? `: ${namespaces.join(', ')}` : ''}.`
}
