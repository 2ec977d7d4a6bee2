import { mkdir, mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, resolve, sep } from 'node:path'
import type { Layout, Settings } from '../settings.js'
import { chooseLayout } from './choose-layout.js'
import { blobsAlwaysRead, reusableEntries } from './commit-reuse.js'
import { listCommitFolder, worktreeChanges, writeCommitBlobs } from './git-tree.js'
import { IGNORE_FILE, IgnoreRules } from './ignore-rules.js'
import { kindOfText, normaliseSource } from './flow-file.js'
import { isYamlFile, layoutRules, type LayoutRules, type Placement } from './layout.js'
import { LocalFilesTracker, type LocalFiles } from './local-files.js'
import {
  compareCodeUnits,
  flowNamespace,
  heldNamespaceIsManaged,
  managedNamespaces
} from './managed-namespaces.js'
import type { FlowFile, NamespaceFileEntry, ReadProblem, RepoModel } from './model.js'
import { EMPTY_CONTENT, summariseContent, type ContentSummary } from './namespace-files.js'
import { Breather, mapLimit, Semaphore } from '../concurrency.js'
import { readFlow } from './read-flow.js'
import { nothingFound, otherKindsNotice, unmatchedFlowsWarning } from './read-notes.js'
import { SearchScope } from './search-scope.js'
import { resolveLink } from './symlink.js'
import { misnamedTenantFolders } from './tenant-folders.js'
import { walkTree, type WalkEntry } from './walk.js'

/** Files read or hashed at once. */
const CONCURRENCY = 32

interface Discovery {
  flows: FlowFile[]
  files: NamespaceFileEntry[]
  problems: ReadProblem[]
  /** Files of other Kestra kinds (Apps, dashboards…), skipped. */
  otherKinds: { file: string; type: string }[]
  /** Flow documents that the layout does not read. */
  unmatched: string[]
}

/** Hooks into the loading, for work that can start before it ends. */
export interface LoadHooks {
  /** Called once per managed namespace, as soon as a resource reveals it (the `namespaces` input first). */
  onNamespace?(namespace: string): void
  /** Called once per flow file, right after it is parsed. */
  onFlow?(flow: FlowFile): void
  /** Called once the tree is walked, with the namespace files as they are being read. */
  onFiles?(files: LocalFiles): void
}

interface Placed {
  entry: WalkEntry
  placement: Placement
}

interface Context {
  root: string
  rootReal: string
  fileOf(rel: string): string
  layout: LayoutRules
  rules: IgnoreRules
  search: SearchScope
  /** Whether the layout reads every flow document itself (anywhere): none is left unmatched. */
  readsEveryFlow: boolean
}

/** Reads the flows and namespace files under `settings.root` as the layout defines them. */
export async function loadRepository(
  settings: Settings,
  workspace: string,
  hooks: LoadHooks = {}
): Promise<RepoModel> {
  const workspaceAbs = resolve(workspace)
  const root = resolve(workspaceAbs, settings.root)
  const rootRel = relative(workspaceAbs, root).split(sep).join('/')
  const fileOf = (rel: string) => (rootRel === '' ? rel : `${rootRel}/${rel}`)
  const rules = new IgnoreRules(root)
  const model: RepoModel = {
    workspace: workspaceAbs,
    root,
    rootRel,
    layout: await chooseLayout(settings, root, rules),
    flows: [],
    files: [],
    managedNamespaces: managedNamespaces([], [], settings.extraNamespaces),
    readProblems: []
  }
  const rootReal = await realpath(root).catch(() => undefined)
  if (rootReal === undefined || !(await stat(rootReal)).isDirectory()) {
    model.readProblems.push({
      severity: 'error',
      file: rootRel === '' ? '.' : rootRel,
      message: `the root folder '${settings.root}' does not exist in the workspace; check the root input`
    })
    return model
  }
  const chosen: Settings & { layout: Layout } = { ...settings, layout: model.layout.layout }
  const layout = layoutRules(chosen)
  const search = await SearchScope.under(root)
  const walking = new Semaphore(CONCURRENCY)
  const walk = await walkTree({
    rootAbs: root,
    rules,
    mayContain: layout.mayContain,
    search,
    limit: (task) => walking.run(task)
  })
  const revealed = new Set<string>()
  const held = (namespace: string) => {
    if (revealed.has(namespace) || !heldNamespaceIsManaged(namespace, settings.extraNamespaces))
      return
    revealed.add(namespace)
    hooks.onNamespace?.(namespace)
  }
  settings.extraNamespaces.forEach(held)
  const placed = walk.entries.map((entry) => ({ entry, placement: layout.place(entry.rel) }))
  const localFiles = new LocalFilesTracker(
    placed.filter(({ placement }) => placement.files.length > 0).map(({ placement }) => placement)
  )
  hooks.onFiles?.(localFiles)
  const context: Context = {
    root,
    rootReal,
    fileOf,
    layout,
    rules,
    search,
    readsEveryFlow: chosen.layout === 'anywhere'
  }
  const breather = new Breather()
  const load = (entries: Placed[]) =>
    mapLimit(entries, CONCURRENCY, async ({ entry, placement }) => {
      // Reading and parsing a flow is synchronous: let server answers in. Other files mostly wait.
      if (placement.flow) await breather.breathe()
      const discovered = await loadEntry(entry, placement, context)
      if (placement.files.length > 0) localFiles.read(placement, discovered.files)
      for (const flow of discovered.flows) {
        hooks.onFlow?.(flow)
        const namespace = flowNamespace(flow)
        if (namespace !== undefined) held(namespace)
      }
      for (const file of discovered.files) held(file.namespace)
      return discovered
    })
  // Namespace files are read (mostly waiting on the file system) while flows are parsed.
  const found = (
    await Promise.all([
      load(placed.filter(({ placement }) => placement.flow === undefined)),
      load(placed.filter(({ placement }) => placement.flow !== undefined))
    ])
  ).flat()

  if (chosen.layout === 'tenant') {
    for (const folder of await misnamedTenantFolders(root, rules)) {
      model.readProblems.push({
        severity: 'warning',
        file: fileOf(folder),
        message:
          `'${folder}' is not a namespace name (lower-case letters, digits, '.', '_' and '-'), ` +
          'so its flows/ and files/ folders are not read; rename the folder to its namespace'
      })
    }
  }
  for (const { rel, message } of walk.unreadable) {
    model.readProblems.push({
      severity: 'error',
      file: rel === '' ? model.rootRel || '.' : fileOf(rel),
      message: `cannot list this folder: ${message}`
    })
  }
  for (const part of found) {
    model.flows.push(...part.flows)
    model.files.push(...part.files)
    model.readProblems.push(...part.problems)
  }
  const otherKinds = found.flatMap((part) => part.otherKinds)
  const unmatched = found.flatMap((part) => part.unmatched)
  if (otherKinds.length > 0) model.readProblems.push(otherKindsNotice(otherKinds))
  if (unmatched.length > 0) model.readProblems.push(unmatchedFlowsWarning(unmatched, chosen))
  if (model.flows.length + model.files.length === 0 && settings.extraNamespaces.length === 0) {
    model.readProblems.push(nothingFound(model, chosen))
  }
  model.flows.sort(byFlowOrder)
  model.files.sort(byFileOrder)
  model.readProblems.sort(byProblemOrder)
  model.managedNamespaces = managedNamespaces(model.flows, model.files, settings.extraNamespaces)
  return model
}

/**
 * The repository model as of commit `sha`, read from git without touching the work tree; `file`
 * and `rel` paths are those of the workspace. Namespace files carry no readable `absPath` ('')
 * since their bytes are gone after the call: compare them by `sha256`. Undefined when the commit
 * is not in the local history (a shallow clone). With `current` (the work tree's model, read with
 * the same settings), files the work tree holds unchanged are taken from it instead of being read.
 */
export async function loadRepositoryAtCommit(
  settings: Settings,
  workspace: string,
  sha: string,
  current?: RepoModel,
  git: CommitGitReads = startCommitGitReads(settings, workspace, sha)
): Promise<RepoModel | undefined> {
  const workspaceAbs = resolve(workspace)
  const blobs = await git.blobs
  const copy = await git.copy
  if (blobs === undefined || copy === undefined) return undefined
  try {
    const reused =
      current && blobs.length > 0 ? reusableEntries(current, blobs, await git.changes) : undefined
    await writeCommitBlobs(
      workspaceAbs,
      blobs.filter((blob) => !copy.written.has(blob.path) && !reused?.paths.has(blob.path)),
      copy.rootCopy
    )
    const model = await loadRepository(settings, copy.scratch)
    const flows = [...model.flows, ...(reused?.flows ?? [])]
    const files = [...model.files, ...(reused?.files ?? [])].map((entry) => ({
      ...entry,
      absPath: ''
    }))
    const readProblems = [...model.readProblems, ...(reused?.problems ?? [])]
    return {
      ...model,
      workspace: workspaceAbs,
      root: resolve(workspaceAbs, settings.root),
      flows: reused ? flows.sort(byFlowOrder) : flows,
      files: reused ? files.sort(byFileOrder) : files,
      readProblems: reused ? readProblems.sort(byProblemOrder) : readProblems,
      managedNamespaces: managedNamespaces(flows, files, settings.extraNamespaces)
    }
  } finally {
    await git.discard()
  }
}

/** What git says about a commit, asked before the work tree is read (git runs in its own process). */
export interface CommitGitReads {
  blobs: ReturnType<typeof listCommitFolder>
  changes: ReturnType<typeof worktreeChanges>
  /** A scratch copy of the commit's root folder, holding so far the blobs read whatever the work tree holds. */
  copy: Promise<CommitCopy | undefined>
  /** Removes the copy (once the commit is read, or when it will not be). */
  discard(): Promise<void>
}

interface CommitCopy {
  /** Stands for the workspace. */
  scratch: string
  /** Stands for the root folder. */
  rootCopy: string
  /** Paths (relative to the root folder) of the blobs written so far. */
  written: Set<string>
}

export function startCommitGitReads(
  settings: Settings,
  workspace: string,
  sha: string
): CommitGitReads {
  const workspaceAbs = resolve(workspace)
  const folder = relative(workspaceAbs, resolve(workspaceAbs, settings.root)).split(sep).join('/')
  const blobs = listCommitFolder({ workspace: workspaceAbs, sha, folder })
  const changes = worktreeChanges({ workspace: workspaceAbs, sha, folder, ignoreFile: IGNORE_FILE })
  const copy = (async (): Promise<CommitCopy | undefined> => {
    const [listed, changed] = await Promise.all([blobs, changes])
    if (listed === undefined) return undefined
    const scratch = await mkdtemp(join(tmpdir(), 'kga-commit-'))
    try {
      const rootCopy = join(scratch, folder)
      await mkdir(rootCopy, { recursive: true })
      const early = blobsAlwaysRead(listed, changed)
      await writeCommitBlobs(workspaceAbs, early, rootCopy)
      return { scratch, rootCopy, written: new Set(early.map((blob) => blob.path)) }
    } catch (error) {
      await rm(scratch, { recursive: true, force: true })
      throw error
    }
  })()
  for (const pending of [blobs, changes, copy]) pending.catch(() => undefined) // awaited by the caller
  let discarded: Promise<void> | undefined
  const discard = () =>
    (discarded ??= copy.then(
      (made) => made && rm(made.scratch, { recursive: true, force: true }),
      () => undefined
    ))
  return { blobs, changes, copy, discard }
}

function byFlowOrder(a: FlowFile, b: FlowFile): number {
  return compareCodeUnits(a.file, b.file)
}

function byFileOrder(a: NamespaceFileEntry, b: NamespaceFileEntry): number {
  return (
    compareCodeUnits(a.file, b.file) ||
    compareCodeUnits(a.namespace, b.namespace) ||
    compareCodeUnits(a.path, b.path)
  )
}

function byProblemOrder(a: ReadProblem, b: ReadProblem): number {
  return (
    compareCodeUnits(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareCodeUnits(a.message, b.message)
  )
}

async function loadEntry(
  entry: WalkEntry,
  placement: Placement,
  context: Context
): Promise<Discovery> {
  const found: Discovery = { flows: [], files: [], problems: [], otherKinds: [], unmatched: [] }
  const file = context.fileOf(entry.rel)
  const searched = entry.kind === 'file' && (await context.search.keeps(entry.rel))
  // The anywhere layout looks for flows in plain files that .gitignore keeps, never behind links.
  if (placement.flow?.ifFlowDocument && !searched) placement = { files: placement.files }
  const wanted = placement.flow !== undefined || placement.files.length > 0
  const problem = (severity: ReadProblem['severity'], message: string) =>
    found.problems.push({ severity, file, message })
  const abs = join(context.root, entry.rel)

  if (entry.kind === 'other') {
    if (wanted) problem('warning', 'not a regular file; skipped')
    return found
  }
  let source = abs
  if (entry.kind === 'symlink') {
    if (!wanted && !context.layout.mayContain(entry.rel)) return found
    const target = await resolveLink(abs, context.rootReal, context.rules)
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
          ...fileEntries(placement, file, entry.rel, EMPTY_CONTENT, {
            absPath: abs,
            symlink: true,
            symlinkEscapes: true
          })
        )
      }
      return found
    }
    source = target.realPath
  }

  if (placement.flow) {
    if (placement.files.length > 0 && !placement.flow.ifFlowDocument) {
      problem(
        'warning',
        'matched by both the flows and a namespace-files mapping; it is read as a flow and not ' +
          'uploaded as a namespace file (narrow the flows globs or the mapping to remove this warning)'
      )
    }
    const flow = await readFlow(source, { file, rel: entry.rel, ...placement.flow })
    if (flow === 'not-a-flow') placement = { files: placement.files }
    else if ('severity' in flow) found.problems.push(flow)
    else if (flow.otherKind !== undefined) found.otherKinds.push({ file, type: flow.otherKind })
    else found.flows.push(flow)
    if (placement.flow) return found
  }
  if (placement.files.length === 0) {
    if (searched && !context.readsEveryFlow && (await isLeftOutFlow(entry.rel, source))) {
      found.unmatched.push(file)
    }
    return found
  }
  let content: ContentSummary
  try {
    content = await summariseContent(source)
  } catch (error) {
    problem('error', `cannot read the file: ${(error as Error).message}`)
    return found
  }
  found.files.push(
    ...fileEntries(placement, file, entry.rel, content, {
      absPath: source,
      symlink: entry.kind === 'symlink',
      symlinkEscapes: false
    })
  )
  return found
}

/** A flow document that no part of the layout reads. */
async function isLeftOutFlow(rel: string, source: string): Promise<boolean> {
  if (!isYamlFile(rel)) return false
  const text = await readFile(source, 'utf8').catch(() => '')
  return kindOfText(normaliseSource(text)) === 'flow'
}

function fileEntries(
  placement: Placement,
  file: string,
  rel: string,
  content: ContentSummary,
  origin: Pick<NamespaceFileEntry, 'absPath' | 'symlink' | 'symlinkEscapes'>
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
