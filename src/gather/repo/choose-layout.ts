import { NAMESPACE_PATTERN } from '../../model/namespaces.js'
import { type Settings } from '../../model/settings.js'
import { IgnoreRules } from './ignore-rules.js'
import { isYamlFile } from './layout.js'
import { childOf, type TreeEntry, type TreeSource } from './tree-source.js'
import { WorkTree } from './work-tree.js'
import type { ChosenLayout } from '../../model/repository.js'

/** The layout a run reads the repository with, and why (said in the log, the summary and the comment). */
/** A top-level folder holding a `flows/` or `files/` folder: a namespace folder of the tenant layout? */
interface TopFolder {
  name: string
  /** Some flow under `<name>/flows/` declares namespace `<name>` or a child of it. */
  declaresOwnNamespace: boolean
}

/**
 * docs/layouts.md#auto: the `layout` input, else what `auto` makes of the inputs and the top-level
 * folders.
 */
export async function chooseLayout(
  settings: Pick<Settings, 'layout' | 'layoutReason' | 'namespace'>,
  tree: TreeSource,
  rules: IgnoreRules
): Promise<ChosenLayout> {
  if (settings.layout !== 'auto') {
    return { layout: settings.layout, reason: settings.layoutReason ?? 'set by the layout input' }
  }
  if (settings.namespace) return { layout: 'namespace', reason: 'the namespace input is set' }
  return decideLayout(await topFolders(tree, rules))
}

/** The layout of the work tree under `root`: chosen once, every read of a run uses it. */
export async function chooseWorkTreeLayout(
  settings: Settings,
  workspace: string
): Promise<ChosenLayout> {
  const tree = new WorkTree(workspace, settings.root)
  return chooseLayout(settings, tree, new IgnoreRules(tree))
}

/** `auto` without a namespace input: tenant when the top-level folders are namespaces their flows use. */
export function decideLayout(folders: readonly TopFolder[]): ChosenLayout {
  if (folders.length === 0) {
    return {
      layout: 'anywhere',
      reason:
        'no top-level <namespace>/flows/ or <namespace>/files/ folder; every flow under root is read'
    }
  }
  const misnamed = folders.find((folder) => !NAMESPACE_PATTERN.test(folder.name))
  if (misnamed) {
    return {
      layout: 'anywhere',
      reason: `'${misnamed.name}/' holds flows/ or files/ but is not a namespace name; every flow under root is read`
    }
  }
  const unused = folders.find((folder) => !folder.declaresOwnNamespace)
  if (unused) {
    return {
      layout: 'anywhere',
      reason: `no flow in '${unused.name}/flows/' declares namespace ${unused.name} or a child of it; every flow under root is read`
    }
  }
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
    if (!inside.some((rel) => rel === `${top}/flows` || rel === `${top}/files`)) continue
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
  for (const entry of await listing(tree, dirRel)) {
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

async function listFolders(
  tree: TreeSource,
  dirRel: string,
  rules: IgnoreRules
): Promise<string[]> {
  const folders: string[] = []
  for (const entry of await listing(tree, dirRel)) {
    const rel = childOf(dirRel, entry.name)
    if (entry.kind === 'folder' && !(await rules.excludes(rel, true))) folders.push(rel)
  }
  return folders
}

function listing(tree: TreeSource, dirRel: string): Promise<TreeEntry[]> {
  return tree.list(dirRel).catch(() => [])
}
