import { resolve } from 'node:path'
import type { Settings } from '../model/settings.js'
import { chooseLayout } from './choose-layout.js'
import { IgnoreRules } from '../adapters/git/ignore-rules.js'
import { compareCodeUnits, type ContentSummary, summaryOf } from '../model/content.js'
import { layoutRules, type LayoutRules, type Placement } from './layout.js'
import type { Placed, SentNames } from '../model/sent-names.js'
import { flowNamespace, managedNamespaces } from '../model/managed-namespaces.js'
import { heldNamespaceIsManaged } from '../model/namespaces.js'
import {
  type ChosenLayout,
  type FlowFile,
  MISSING_FOLDER,
  type NamespaceFileEntry,
  type ReadProblem,
  type RepoModel
} from '../model/repository.js'
import { EventLoopYielder, mapLimit, Semaphore } from '../model/concurrency.js'
import { WorkTree } from '../adapters/git/work-tree.js'
import { childOf, type TreeSource } from '../adapters/git/tree-source.js'
import { type HiddenFlow, SearchScope, type WalkEntry, walkTree } from '../adapters/git/walk.js'
import { PlacedTracker } from './placed.js'
import { hiddenFlows } from './hidden-by-ignore-rules.js'
import {
  hiddenFlowsWarnings,
  misnamedTenantFolders,
  nothingFound,
  otherKindsNotice,
  unmatchedFlowsWarning
} from './load-problems.js'
import { hint, lookUp, missingFolders } from './missing-folders.js'
import { type WalkKinds, withWalked } from './walked.js'

const CONCURRENCY = 32

/**
 * What the kinds read of the walk (docs/kinds.md#the-walk-two-kinds-share): the walk lists each path and
 * the layout places it; the kind whose place it is reads it. Each kind's gather part holds its own
 * (`GatherKind.walk`): gather/ never names a kind.
 */
export interface WalkParts extends WalkKinds {
  /** Reads the file at `path` (the entry or a link's target) placed as a flow. */
  readFlow(
    tree: TreeSource,
    path: string,
    location: FlowLocation,
    reuse?: ReuseFlow
  ): Promise<FlowFile | ReadProblem | 'not-a-flow'>
  /** How a flow place's file is looked up among the checks its namespace's commit marker stores. */
  reuse(options: ReuseOptions): ReuseFlow
  /** Whether a file is a YAML file holding a flow document (what a search finds). */
  isFlowDocument(tree: TreeSource, rel: string): Promise<boolean>
  /** Namespace files: the bytes to upload of a file the walk read (refused where they must not be read). */
  readFileBytes(entry: NamespaceFileEntry): Promise<Uint8Array>
  /**
   * The marker's field whose content facts tell a placed file's summary by its git blob, and the summaries it
   * holds (docs/performance.md#what-a-plan-knows-without-reading).
   */
  knownBlobs: { field: string; blobs(kept: unknown): ReadonlyMap<string, ContentSummary> }
}

export interface FlowLocation {
  /** Relative to the workspace; `rel` to root. */
  file: string
  rel: string
  expectedNamespace?: string
  /** Only a flow document (or another Kestra kind) is parsed; any other YAML is `'not-a-flow'`. */
  ifFlowDocument?: boolean
}

/** What a kind's reuse of the checks stored in its namespaces' commit markers takes (`WalkParts.reuse`). */
export interface ReuseOptions {
  /** The run's server reads: each namespace's marker, read once, with what the kinds keep in it. */
  reads: {
    kept(namespace: string, field: string, onlyStarted?: boolean): Promise<unknown>
    storedMarker(namespace: string): Promise<unknown>
  }
  sending: SentNames
  extraNamespaces: readonly string[]
  layout: string
  /** `validatorIdentity()`: a check another build stored is never reused. */
  identity: Promise<string | undefined>
  /** Told of each resource whose stored checks were reused, with them and the file it was read from. */
  reused(resource: unknown, check: unknown, file: string): void
  /** Looks up only the namespaces whose reads have begun: nothing more is read for the others. */
  onlyStarted?: boolean
}

/**
 * The same file already checked, from its bytes (docs/performance.md#incremental-planning); undefined to parse it.
 */
export interface ReuseFlow {
  (location: Omit<FlowLocation, 'ifFlowDocument'>, bytes: Buffer): Promise<FlowFile | undefined>
  /** Starts reading what the flows a layout places in `namespace` are looked up in. */
  prefetch(namespace: string): void
}

interface Discovery {
  flows: FlowFile[]
  files: NamespaceFileEntry[]
  problems: ReadProblem[]
  otherKinds: { file: string; type: string }[]
  unmatched: string[]
  /** Flow documents the anywhere layout's search leaves out by a `.gitignore` rule. */
  hidden: HiddenFlow[]
}

/** The kinds' parts of the walk, and hooks into the loading, for work that can start before it ends. */
export interface LoadHooks {
  walk: WalkParts
  /** Called once per managed namespace, as soon as a resource reveals it (the `namespaces` input first). */
  onNamespace?(namespace: string): void
  onFlow?(flow: FlowFile): void
  /**
   * Once the tree is walked: what it places as it is read, and how many files the layout reads as flows.
   */
  onWalked?(walked: { placed: Placed; placedFlows: number }): void
  /** What the caller knows of a regular file (same bytes, same settings), so it is not read again. */
  known?(rel: string): Pick<Discovery, 'flows' | 'files' | 'problems'> | undefined
  /** Chosen here unless given (every read of a run uses the same). */
  layout?: ChosenLayout
  reuseFlow?: ReuseFlow
  /**
   * What is known of the regular files placed in one namespace, so that they are not read
   * (docs/performance.md#what-a-plan-knows-without-reading): once it can tell, the summary of the file at a path
   * relative to root and the git blob it is, or undefined to read that file.
   */
  knownFiles?(
    namespace: string
  ): Promise<(rel: string) => { summary: ContentSummary; blob: string } | undefined>
}

interface PlacedEntry {
  entry: WalkEntry
  placement: Placement
}

interface Context extends Pick<LoadHooks, 'walk' | 'reuseFlow'> {
  tree: TreeSource
  fileOf(rel: string): string
  layout: LayoutRules
  rules: IgnoreRules
  search: SearchScope
  /** Whether the layout reads every flow document itself (anywhere): none is left unmatched. */
  readsEveryFlow: boolean
}

export async function loadRepository(
  tree: TreeSource,
  settings: Settings,
  hooks: LoadHooks
): Promise<RepoModel> {
  const { workspace, rootRel } = tree
  const fileOf = (rel: string) => childOf(rootRel, rel)
  const rules = new IgnoreRules(tree)
  const model: RepoModel = {
    workspace,
    root: resolve(workspace, rootRel),
    rootRel,
    layout: hooks.layout ?? (await chooseLayout(settings, tree, rules)),
    byKind: new Map(),
    managedNamespaces: managedNamespaces([], [], settings.extraNamespaces),
    readProblems: []
  }
  if (!(await tree.hasRoot())) {
    const found = await lookUp(new WorkTree(workspace, '.'), rootRel)
    model.readProblems.push({
      severity: 'error',
      file: rootRel || '.',
      rule: MISSING_FOLDER,
      message: `the root folder '${settings.root}' does not exist in the workspace${hint(found)}; check the root input`
    })
    return model
  }
  const chosen = model.layout.layout
  model.readProblems.push(...(await missingFolders(tree, settings, chosen, fileOf)))
  const layout = layoutRules(settings, chosen, model.layout.fileFolders)
  const search = await SearchScope.of(tree)
  const revealed = new Set<string>()
  const held = (namespace: string) => {
    if (revealed.has(namespace) || !heldNamespaceIsManaged(namespace, settings.extraNamespaces))
      return
    revealed.add(namespace)
    hooks.onNamespace?.(namespace)
  }
  settings.extraNamespaces.forEach(held)
  // The namespace a place names is known as the walk lists the file: its server reads leave then (a flow
  // naming another namespace reveals it when read). When flows are looked up by their namespace's stored
  // checks, those are asked for first, and a namespace that only files name waits for the walk's end.
  const byFiles = new Set<string>()
  const placed: PlacedEntry[] = []
  const walking = new Semaphore(CONCURRENCY)
  const yielder = new EventLoopYielder()
  const walk = await walkTree({
    tree,
    rules,
    mayContain: layout.mayContain,
    search,
    limit: (task) => walking.run(task),
    yieldTurn: () => yielder.yieldTurn(),
    onEntry(entry) {
      const placement = layout.place(entry.rel)
      placed.push({ entry, placement })
      const expected = placement.flow?.expectedNamespace
      if (expected !== undefined && !revealed.has(expected)) {
        hooks.reuseFlow?.prefetch(expected)
        held(expected)
      }
      for (const { namespace } of placement.files) {
        if (hooks.reuseFlow) byFiles.add(namespace)
        else held(namespace)
      }
    }
  })
  byFiles.forEach(held)
  const placing = new PlacedTracker(
    hooks.walk,
    placed.map(({ placement }) => placement)
  )
  const flowsPlaced = placed.filter(({ placement }) => placement.flow !== undefined)
  hooks.onWalked?.({ placed: placing, placedFlows: flowsPlaced.length })
  const context: Context = {
    ...hooks,
    tree,
    fileOf,
    layout,
    rules,
    search,
    readsEveryFlow: chosen === 'anywhere'
  }
  const take = ({ placement }: PlacedEntry, discovered: Discovery): Discovery => {
    if (placement.files.length > 0) placing.read(placement, discovered.files)
    for (const flow of discovered.flows) {
      hooks.onFlow?.(flow)
      const namespace = flowNamespace(flow)
      if (namespace !== undefined) held(namespace)
    }
    for (const file of discovered.files) held(file.namespace)
    return discovered
  }
  const read = (entries: readonly PlacedEntry[]) =>
    mapLimit(entries, CONCURRENCY, async (placed) => {
      // Reading and parsing a flow, and hashing a file, are synchronous: let server answers in.
      await yielder.yieldTurn()
      return take(placed, await loadEntry(placed.entry, placed.placement, context))
    })
  // What the caller knows already is taken as it is: no read, no place among those read, no event-loop turn.
  const load = async (entries: PlacedEntry[]): Promise<Discovery[]> => {
    const known: Discovery[] = []
    const byNamespace = new Map<string, PlacedEntry[]>()
    const unknown: PlacedEntry[] = []
    for (const placed of entries) {
      if (yielder.due()) await yielder.yieldTurn()
      const { entry, placement } = placed
      const reused = entry.kind === 'file' ? hooks.known?.(entry.rel) : undefined
      const plain = entry.kind === 'file' && !placement.flow && placement.files.length === 1
      const namespace = hooks.knownFiles && plain ? placement.files[0]!.namespace : undefined
      if (reused) known.push(take(placed, { ...nothingDiscovered(), ...reused }))
      else if (namespace === undefined) unknown.push(placed)
      else if (byNamespace.has(namespace)) byNamespace.get(namespace)!.push(placed)
      else byNamespace.set(namespace, [placed])
    }
    const taken = [...byNamespace].map(async ([namespace, group]) => {
      const knownFile = await hooks.knownFiles!(namespace)
      const found: Discovery[] = []
      const missed: PlacedEntry[] = []
      for (const placed of group) {
        if (yielder.due()) await yielder.yieldTurn()
        const { entry, placement } = placed
        const known = knownFile(entry.rel)
        if (!known) {
          missed.push(placed)
          continue
        }
        const files = fileEntries(placement, fileOf(entry.rel), entry.rel, known.summary, {
          absPath: tree.bytesPath(entry.rel),
          symlink: false,
          symlinkEscapes: false,
          blob: known.blob
        })
        found.push(take(placed, { ...nothingDiscovered(), files }))
      }
      return [...found, ...(await read(missed))]
    })
    const loaded = await read(unknown)
    return [...known, ...(await Promise.all(taken)).flat(), ...loaded]
  }
  // Namespace files are read (mostly waiting on the file system) while flows are parsed.
  const found = (
    await Promise.all([
      load(placed.filter(({ placement }) => placement.flow === undefined)),
      load(flowsPlaced)
    ])
  ).flat()
  const hidden = [
    ...(await hiddenFlows(walk.hidden, chosen, context, (task) => walking.run(task))),
    ...found.flatMap((part) => part.hidden)
  ]

  if (chosen === 'tenant') {
    for (const folder of await misnamedTenantFolders(tree, rules)) {
      model.readProblems.push({
        severity: 'warning',
        file: fileOf(folder),
        message:
          `'${folder}' is not a namespace name (lower-case letters, digits, '.', '_' and '-'), ` +
          'so its flows/ and files/ folders are not read; rename the folder to its namespace'
      })
    }
  }
  for (const { dir, why } of model.layout.unreadFileFolders ?? []) {
    model.readProblems.push({
      severity: 'warning',
      file: fileOf(dir),
      rule: 'files-folder',
      message: `'${dir}/' is not read as namespace files: ${why}`
    })
  }
  for (const { rel, message } of walk.unreadable) {
    model.readProblems.push({
      severity: 'error',
      file: rel === '' ? model.rootRel || '.' : fileOf(rel),
      message: `cannot list this folder: ${message}`
    })
  }
  const flows: FlowFile[] = []
  const files: NamespaceFileEntry[] = []
  for (const part of found) {
    flows.push(...part.flows)
    files.push(...part.files)
    model.readProblems.push(...part.problems)
  }
  const otherKinds = found.flatMap((part) => part.otherKinds)
  const unmatched = found.flatMap((part) => part.unmatched)
  if (otherKinds.length > 0) model.readProblems.push(otherKindsNotice(otherKinds))
  if (unmatched.length > 0)
    model.readProblems.push(unmatchedFlowsWarning(unmatched, settings, chosen))
  model.readProblems.push(...hiddenFlowsWarnings(hidden, settings, chosen, rootRel))
  if (flows.length + files.length === 0 && settings.extraNamespaces.length === 0) {
    model.readProblems.push(nothingFound(model, settings, chosen, hidden))
  }
  flows.sort((a, b) => compareCodeUnits(a.file, b.file))
  files.sort(
    (a, b) =>
      compareCodeUnits(a.file, b.file) ||
      compareCodeUnits(a.namespace, b.namespace) ||
      compareCodeUnits(a.path, b.path)
  )
  model.readProblems.sort(
    (a, b) =>
      compareCodeUnits(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareCodeUnits(a.message, b.message)
  )
  model.managedNamespaces = managedNamespaces(flows, files, settings.extraNamespaces)
  return withWalked(model, hooks.walk, { flows, files })
}

function nothingDiscovered(): Discovery {
  return { flows: [], files: [], problems: [], otherKinds: [], unmatched: [], hidden: [] }
}

async function loadEntry(
  entry: WalkEntry,
  placement: Placement,
  context: Context
): Promise<Discovery> {
  const found = nothingDiscovered()
  const file = context.fileOf(entry.rel)
  const { tree } = context
  // Whether a search for flow documents looks at the file: a plain file that no .gitignore rule leaves out.
  // Asked only where a search needs it: most files are placed by the layout.
  const gitignored = () =>
    entry.kind === 'file' ? context.search.gitignored(entry.rel) : Promise.resolve(undefined)
  // The anywhere layout looks for flows in plain files that .gitignore keeps, never behind links.
  if (placement.flow?.ifFlowDocument) {
    const rule = await gitignored()
    if (entry.kind !== 'file' || rule) {
      if (rule && (await context.walk.isFlowDocument(tree, entry.rel))) {
        found.hidden.push({ rel: entry.rel, rule })
      }
      placement = { files: placement.files }
    }
  }
  const wanted = placement.flow !== undefined || placement.files.length > 0
  const problem = (severity: ReadProblem['severity'], message: string) =>
    found.problems.push({ severity, file, message })

  if (entry.kind === 'other') {
    if (wanted) problem('warning', 'not a regular file; skipped')
    return found
  }
  let source = { rel: entry.rel, bytesPath: tree.bytesPath(entry.rel) }
  if (entry.kind === 'symlink') {
    const target = await tree.resolveLink(entry.rel, context.rules)
    if (!wanted && !context.layout.mayContain(entry.rel)) {
      const refused = target.kind === 'escapes' || (target.kind === 'folder' && target.escapes)
      if (refused) problem('warning', refusedLink(target.reason))
      return found
    }
    if (target.kind === 'folder') {
      problem(
        target.escapes ? 'error' : 'warning',
        `a symbolic link to a folder${target.reason ? ` (${target.reason})` : ''}; ` +
          'linked folders are never followed, so nothing in it is deployed'
      )
      return found
    }
    if (target.kind === 'other') {
      if (wanted) problem('warning', 'a symbolic link to something that is not a file; skipped')
      return found
    }
    if (target.kind === 'escapes') {
      if (placement.flow) {
        problem('error', `a symbolic link that is never followed: ${target.reason}`)
      } else {
        found.files.push(
          ...fileEntries(placement, file, entry.rel, summaryOf(new Uint8Array()), {
            absPath: source.bytesPath,
            symlink: true,
            symlinkEscapes: true
          })
        )
      }
      return found
    }
    source = { rel: target.target, bytesPath: target.bytesPath }
  }

  if (placement.flow) {
    if (placement.files.length > 0 && !placement.flow.ifFlowDocument) {
      problem(
        'warning',
        'matched by both the flows and a namespace-files mapping; it is read as a flow and not ' +
          'uploaded as a namespace file (narrow the flows globs or the mapping to remove this warning)'
      )
    }
    const flow = await context.walk.readFlow(
      tree,
      source.rel,
      { file, rel: entry.rel, ...placement.flow },
      context.reuseFlow
    )
    if (flow === 'not-a-flow') placement = { files: placement.files }
    else if ('severity' in flow) found.problems.push(flow)
    else if (flow.otherKind !== undefined) found.otherKinds.push({ file, type: flow.otherKind })
    else found.flows.push(flow)
    if (placement.flow) return found
  }
  if (placement.files.length === 0) {
    const searched = entry.kind === 'file' && !context.readsEveryFlow && !(await gitignored())
    if (searched && (await context.walk.isFlowDocument(tree, entry.rel))) found.unmatched.push(file)
    return found
  }
  let content: ContentSummary
  let blob: string | undefined
  try {
    blob = await tree.blob(source.rel)
    content = await tree.summarise(source.rel)
  } catch (error) {
    problem('error', `cannot read the file: ${(error as Error).message}`)
    return found
  }
  found.files.push(
    ...fileEntries(placement, file, entry.rel, content, {
      absPath: source.bytesPath,
      symlink: entry.kind === 'symlink',
      symlinkEscapes: false,
      ...(blob !== undefined && { blob })
    })
  )
  return found
}

/** docs/layouts.md#symbolic-links: a link out of root is refused with a warning naming it, even where unread. */
function refusedLink(reason: string | undefined): string {
  return (
    `a symbolic link that is never followed${reason ? `: ${reason}` : ''}. Nothing it points to is ` +
    'read; copy what it should deploy under root'
  )
}

function fileEntries(
  placement: Placement,
  file: string,
  rel: string,
  content: ContentSummary,
  origin: Pick<NamespaceFileEntry, 'absPath' | 'symlink' | 'symlinkEscapes' | 'blob'>
): NamespaceFileEntry[] {
  return placement.files.map(({ namespace, path }) => ({
    file,
    rel,
    namespace,
    path,
    ...content,
    ...origin
  }))
}
