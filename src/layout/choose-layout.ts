import { compareCodeUnits, normaliseText } from '../model/content.js'
import { kindOfText } from '../model/flow-file.js'
import { NAMESPACE_PATTERN, namespaceAndParents } from '../model/namespaces.js'
import { Semaphore } from '../model/concurrency.js'
import { type Settings } from '../model/settings.js'
import { IgnoreRules } from '../adapters/git/ignore-rules.js'
import { isYamlFile, layoutRules } from './layout.js'
import { childOf, type TreeEntry, type TreeSource } from '../adapters/git/tree-source.js'
import { SearchScope, type WalkEntry, walkTree } from '../adapters/git/walk.js'
import { WorkTree } from '../adapters/git/work-tree.js'
import type { ChosenLayout, FileFolder, KindFolder, UnreadFileFolder } from '../model/repository.js'
import { nearest } from '../model/nearest.js'

type ChoiceSettings = Pick<
  Settings,
  'layout' | 'layoutReason' | 'namespace' | 'namespaceFiles' | 'flowGlobs'
>

/** A top-level folder holding a `flows/` or `files/` folder: a namespace folder of the tenant layout? */
interface TopFolder {
  name: string
  /** Some flow under `<name>/flows/` declares namespace `<name>` or a child of it. */
  declaresOwnNamespace: boolean
}

/** docs/layouts.md#auto: the `layout` input, else what `auto` makes of the inputs and the top-level folders. */
export async function chooseLayout(
  settings: ChoiceSettings,
  tree: TreeSource,
  rules: IgnoreRules
): Promise<ChosenLayout> {
  if (settings.layout !== 'auto') {
    return { layout: settings.layout, reason: settings.layoutReason ?? 'set by the layout input' }
  }
  if (settings.namespace) return { layout: 'namespace', reason: 'the namespace input is set' }
  const chosen = decideLayout(await topFolders(tree, rules))
  return { ...chosen, ...(await findFileFolders(settings, chosen, tree, rules)) }
}

/**
 * docs/layouts.md#files-folders-found-by-auto: the folders `files/<namespace>/` at root or beside a folder on
 * the way to the flows (`kestra/files/<namespace>/` next to `kestra/flows/`) whose `<namespace>` a flow under
 * that folder declares, or is a parent of one; and the tenant tree's `<namespace>/files/` that the layout does
 * not read itself, when a flow under `<namespace>/` (at root: any flow) declares it or a child. Not a folder the
 * layout already reads files from (a tenant `<namespace>/files/`), nor one that a `namespace-files` line names
 * or holds: the line wins. A `files/<name>/` folder it does not read for its name (not a namespace, a namespace
 * only in another case, one a flow declares elsewhere, a near miss of one) is named with why: never skipped in
 * silence (docs/layouts.md#one-path-one-source).
 */
async function findFileFolders(
  settings: ChoiceSettings,
  chosen: ChosenLayout,
  tree: TreeSource,
  rules: IgnoreRules
): Promise<Pick<ChosenLayout, 'fileFolders' | 'unreadFileFolders'>> {
  const { walk, limit } = await searchWalk(tree, rules)
  // The layout's own folders, without the lines (a line is looked at below).
  const bare = layoutRules(
    { namespace: settings.namespace, flowGlobs: settings.flowGlobs, namespaceFiles: [] },
    chosen.layout
  )
  const mapped = settings.namespaceFiles.map((mapping) => mapping.dir)
  const candidates = new Map<string, Candidate>()
  const consider = (candidate: Candidate) => {
    if (candidates.has(candidate.dir)) return
    const { dir } = candidate
    if (mapped.some((m) => m === '' || dir === m || dir.startsWith(`${m}/`))) return
    candidates.set(dir, candidate)
  }
  // Nothing under a folder the layout owns is a candidate (the layout reads it): the walk skips it.
  for (const { rel } of (await walk(bare.owns)).entries) {
    const segments = rel.split('/')
    for (let i = 0; i + 2 < segments.length; i++) {
      const name = segments[i + 1]!
      if (segments[i] === 'files') {
        const dir = segments.slice(0, i + 2).join('/')
        consider({
          dir,
          namespace: name,
          parent: segments.slice(0, i).join('/'),
          shape: 'files/<namespace>'
        })
      } else if (name === 'files' && NAMESPACE_PATTERN.test(segments[i]!)) {
        const dir = segments.slice(0, i + 2).join('/')
        consider({
          dir,
          namespace: segments[i]!,
          parent: segments.slice(0, i + 1).join('/'),
          shape: '<namespace>/files'
        })
      }
    }
  }
  if (candidates.size === 0) return {}
  // The flows that declare a candidate's namespace may be in the layout's own folders.
  const declared = await declaredNamespaces(tree, (await walk()).entries, limit)
  const under = (parent: string) =>
    declared.filter((flow) => parent === '' || flow.rel.startsWith(`${parent}/`))
  const holds = (flows: readonly { namespace: string }[], namespace: string) =>
    flows.some((flow) => flow.namespace === namespace || flow.namespace.startsWith(`${namespace}.`))
  const fileFolders: FileFolder[] = []
  const unread: UnreadFileFolder[] = []
  for (const { dir, namespace, parent, shape } of candidates.values()) {
    // At root, the tenant tree's `<namespace>/files/` is read for a flow anywhere; elsewhere, for one beside it.
    const beside = under(shape === '<namespace>/files' && !parent.includes('/') ? '' : parent)
    if (NAMESPACE_PATTERN.test(namespace) && holds(beside, namespace)) {
      fileFolders.push({ dir, namespace })
    } else if (shape === 'files/<namespace>') {
      const why = unreadWhy(namespace, beside, declared, holds)
      if (why !== undefined) unread.push({ dir, why })
    }
  }
  const byDir = (a: { dir: string }, b: { dir: string }) => compareCodeUnits(a.dir, b.dir)
  return {
    ...(fileFolders.length > 0 && { fileFolders: fileFolders.sort(byDir) }),
    ...(unread.length > 0 && { unreadFileFolders: unread.sort(byDir) })
  }
}

/**
 * Walks of the tree as a search for flow documents makes them (docs/layouts.md#anywhere): no dependencies, no
 * `.gitignore`d folder, the ignore rules kept; `skipsFolder` leaves more out.
 */
async function searchWalk(tree: TreeSource, rules: IgnoreRules) {
  const limit = new Semaphore(16)
  const search = await SearchScope.of(tree)
  const walk = (skipsFolder?: (dirRel: string) => boolean) =>
    walkTree({
      tree,
      rules,
      mayContain: () => false,
      search,
      skipsFolder,
      limit: (task) => limit.run(task)
    })
  return { walk, limit }
}

/** Each flow document's root-relative path and the namespace its `namespace:` line declares, read as text. */
async function declaredNamespaces(
  tree: TreeSource,
  entries: readonly WalkEntry[],
  limit: Semaphore
): Promise<{ rel: string; namespace: string }[]> {
  const yamlFiles = entries.filter((entry) => entry.kind === 'file' && isYamlFile(entry.rel))
  return (
    await Promise.all(
      yamlFiles.map(({ rel }) =>
        limit.run(async () => {
          const text = normaliseText(await tree.read(rel).then(String, () => ''))
          const namespace = kindOfText(text) === 'flow' ? NAMESPACE_LINE.exec(text)?.[1] : undefined
          return namespace === undefined ? [] : [{ rel, namespace }]
        })
      )
    )
  ).flat()
}

/**
 * docs/layouts.md#kind-folders: the folders named after a kind's folder (`kv`) that hold YAML files, at root or
 * anywhere else, with the namespaces the flows beside them declare: a folder beside the flows is one whose parent
 * holds, at any depth, a flow document (at root, every flow is beside it). Never one inside what the layout reads
 * as flows or namespace files (a `kv/` folder among a namespace's files is its files), dependencies, or what
 * ignore rules leave out. The kind says what it reads of each.
 */
export async function findKindFolders(
  settings: Pick<Settings, 'namespace' | 'namespaceFiles' | 'flowGlobs'>,
  layout: Pick<ChosenLayout, 'layout' | 'fileFolders'>,
  tree: TreeSource,
  names: readonly string[]
): Promise<KindFolder[]> {
  if (names.length === 0) return []
  const rules = new IgnoreRules(tree)
  const { walk, limit } = await searchWalk(tree, rules)
  const owned = layoutRules(settings, layout.layout, layout.fileFolders)
  const found = new Map<string, { name: string; files: string[] }>()
  for (const { rel, kind } of (await walk(owned.owns)).entries) {
    if (kind !== 'file' || !isYamlFile(rel)) continue
    const segments = rel.split('/')
    const at = segments.findIndex(
      (segment, i) => i < segments.length - 1 && names.includes(segment)
    )
    if (at === -1) continue
    const dir = segments.slice(0, at + 1).join('/')
    const folder = found.get(dir) ?? { name: segments[at]!, files: [] }
    folder.files.push(rel)
    found.set(dir, folder)
  }
  const away = [...found.keys()].some((dir) => dir.includes('/'))
  const declared = away ? await declaredNamespaces(tree, (await walk()).entries, limit) : []
  return [...found]
    .map(([dir, { name, files }]): KindFolder => {
      const folder = { name, dir, files: files.sort(compareCodeUnits) }
      if (!dir.includes('/')) return folder
      const parent = dir.slice(0, dir.lastIndexOf('/'))
      const namespaces = (flows: readonly { namespace: string }[]) =>
        [...new Set(flows.map((flow) => flow.namespace))].sort(compareCodeUnits)
      const beside = declared.filter((flow) => flow.rel.startsWith(`${parent}/`))
      return beside.length > 0
        ? { ...folder, declared: namespaces(beside) }
        : { ...folder, declared: [], elsewhere: namespaces(declared) }
    })
    .sort((a, b) => compareCodeUnits(a.dir, b.dir))
}

interface Candidate extends FileFolder {
  /** The folder whose flows say whether it is read ('' = root). */
  parent: string
  shape: 'files/<namespace>' | '<namespace>/files'
}

/**
 * Why a `files/<name>/` folder at root or beside flows is not read, when its name looks meant for a namespace;
 * undefined when nothing says it was (no flow beside it, no namespace near its name).
 */
function unreadWhy(
  name: string,
  beside: readonly { namespace: string }[],
  declared: readonly { namespace: string }[],
  holds: (flows: readonly { namespace: string }[], namespace: string) => boolean
): string | undefined {
  if (beside.length === 0 && !holds(declared, name)) return undefined
  const known = new Set(beside.flatMap(({ namespace }) => namespaceAndParents(namespace)))
  if (!NAMESPACE_PATTERN.test(name)) {
    const lower = name.toLowerCase()
    if (NAMESPACE_PATTERN.test(lower)) {
      return `its name is a namespace only in another case (namespaces are lower-case): rename it '${lower}'`
    }
    return (
      "its name is not a namespace (lower-case letters, digits, '.', '_' and '-'): rename it after the " +
      'namespace its files belong to, or map it with a namespace-files line'
    )
  }
  if (holds(declared, name)) {
    return (
      `no flow beside it declares ${name} or a child of it (it is read at root or beside the folder holding ` +
      `the flows of ${name}): move it there, or map it with a namespace-files line`
    )
  }
  const meant = nearest(name, known)
  return meant === undefined
    ? undefined
    : `no flow declares namespace ${name} or a child of it (did you mean '${meant}'?)`
}

/**
 * The layout of the work tree under `root`: chosen once, every read of a run uses it; with the folders named
 * after the kinds' folders (`kindFolders`), found at the same time (docs/layouts.md#kind-folders).
 */
export async function chooseWorkTreeLayout(
  settings: Settings,
  workspace: string,
  kindFolderNames: readonly string[] = []
): Promise<ChosenLayout> {
  const tree = new WorkTree(workspace, settings.root)
  const chosen = await chooseLayout(settings, tree, new IgnoreRules(tree))
  const kindFolders = await findKindFolders(settings, chosen, tree, kindFolderNames)
  return kindFolders.length > 0 ? { ...chosen, kindFolders } : chosen
}

/** `auto` without a namespace input: tenant when the top-level folders are namespaces their flows use. */
export function decideLayout(folders: readonly TopFolder[]): ChosenLayout {
  const misnamed = folders.find((folder) => !NAMESPACE_PATTERN.test(folder.name))
  const unused = folders.find((folder) => !folder.declaresOwnNamespace)
  const notTenant =
    folders.length === 0
      ? 'no top-level <namespace>/flows/ or <namespace>/files/ folder'
      : misnamed
        ? `'${misnamed.name}/' holds flows/ or files/ but is not a namespace name`
        : unused &&
          `no flow in '${unused.name}/flows/' declares namespace ${unused.name} or a child of it`
  if (notTenant)
    return { layout: 'anywhere', reason: `${notTenant}; every flow under root is read` }
  const names = folders.map((folder) => folder.name)
  const listed = names.length > 5 ? `${names.slice(0, 5).join(', ')}…` : names.join(', ')
  return {
    layout: 'tenant',
    reason: `the top-level folders ${listed} are namespaces that their flows declare`
  }
}

async function topFolders(tree: TreeSource, rules: IgnoreRules): Promise<TopFolder[]> {
  const folders: TopFolder[] = []
  for (const top of (await listFolders(tree, '', rules)).sort()) {
    const inside = await listFolders(tree, top, rules)
    const held = inside.filter((rel) => rel === `${top}/flows` || rel === `${top}/files`)
    // A folder with no file in it is not in any commit: a fresh checkout of the same commit lacks it.
    if (!(await someAsync(held, (rel) => holdsAFile(tree, rel, rules)))) continue
    const declaresOwnNamespace =
      NAMESPACE_PATTERN.test(top) && (await someFlowDeclares(tree, `${top}/flows`, top, rules))
    folders.push({ name: top, declaresOwnNamespace })
  }
  return folders
}

/** A flow's `namespace:` line, read without parsing: enough to choose a layout, not to validate. */
const NAMESPACE_LINE = /^namespace[ \t]*:[ \t]*["']?([^\s"'#]+)/m

async function someFlowDeclares(
  tree: TreeSource,
  dirRel: string,
  namespace: string,
  rules: IgnoreRules
): Promise<boolean> {
  for (const entry of await tree.list(dirRel).catch((): TreeEntry[] => [])) {
    const rel = `${dirRel}/${entry.name}`
    if (await rules.excludes(rel, entry.kind === 'folder')) continue
    if (entry.kind === 'folder') {
      if (await someFlowDeclares(tree, rel, namespace, rules)) return true
    } else if (entry.kind === 'file' && isYamlFile(rel)) {
      const text = await tree.read(rel).then(String, () => '')
      const declared = NAMESPACE_LINE.exec(text)?.[1]
      if (declared === namespace || declared?.startsWith(`${namespace}.`)) return true
    }
  }
  return false
}

async function someAsync<T>(items: readonly T[], test: (item: T) => Promise<boolean>) {
  for (const item of items) if (await test(item)) return true
  return false
}

/** Whether a file lies anywhere under the folder, ignore rules applied. */
async function holdsAFile(tree: TreeSource, dirRel: string, rules: IgnoreRules): Promise<boolean> {
  for (const entry of await tree.list(dirRel).catch((): TreeEntry[] => [])) {
    const rel = `${dirRel}/${entry.name}`
    if (await rules.excludes(rel, entry.kind === 'folder')) continue
    if (entry.kind !== 'folder' || (await holdsAFile(tree, rel, rules))) return true
  }
  return false
}

async function listFolders(
  tree: TreeSource,
  dirRel: string,
  rules: IgnoreRules
): Promise<string[]> {
  const folders: string[] = []
  for (const entry of await tree.list(dirRel).catch((): TreeEntry[] => [])) {
    const rel = childOf(dirRel, entry.name)
    if (entry.kind === 'folder' && !(await rules.excludes(rel, true))) folders.push(rel)
  }
  return folders
}
