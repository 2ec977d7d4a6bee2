import type { Dirent } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { NAMESPACE_PATTERN, type Layout, type Settings } from '../settings.js'
import { IgnoreRules } from './ignore-rules.js'
import { isYamlFile } from './layout.js'

/** The layout a run reads the repository with, and why (said in the log, the summary and the comment). */
export interface ChosenLayout {
  layout: Layout
  reason: string
}

/** A top-level folder holding a `flows/` or `files/` folder: a namespace folder of the tenant layout? */
export interface TopFolder {
  name: string
  /** Some flow under `<name>/flows/` declares namespace `<name>` or a child of it. */
  declaresOwnNamespace: boolean
}

/** SPEC §2: the `layout` input, else what `auto` makes of the inputs and the top-level folders. */
export async function chooseLayout(
  settings: Pick<Settings, 'layout' | 'layoutReason' | 'namespace'>,
  rootAbs: string,
  rules: IgnoreRules
): Promise<ChosenLayout> {
  if (settings.layout !== 'auto') {
    return { layout: settings.layout, reason: settings.layoutReason ?? 'set by the layout input' }
  }
  if (settings.namespace) return { layout: 'namespace', reason: 'the namespace input is set' }
  return decideLayout(await topFolders(rootAbs, rules))
}

/** The settings with `auto` resolved for the repository under `root` (the same for every read of a run). */
export async function resolveLayout(
  settings: Settings,
  workspace: string
): Promise<Settings & { layout: Layout }> {
  const rootAbs = resolve(workspace, settings.root)
  const { layout, reason } = await chooseLayout(settings, rootAbs, new IgnoreRules(rootAbs))
  return { ...settings, layout, layoutReason: reason }
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

async function topFolders(rootAbs: string, rules: IgnoreRules): Promise<TopFolder[]> {
  const folders: TopFolder[] = []
  for (const top of (await listFolders(rootAbs, '', rules)).sort()) {
    const inside = await listFolders(rootAbs, top, rules)
    if (!inside.some((rel) => rel === `${top}/flows` || rel === `${top}/files`)) continue
    const declaresOwnNamespace =
      NAMESPACE_PATTERN.test(top) && (await someFlowDeclares(rootAbs, `${top}/flows`, top, rules))
    folders.push({ name: top, declaresOwnNamespace })
  }
  return folders
}

/** A flow's `namespace:` line, read without parsing: enough to choose a layout, not to validate. */
const NAMESPACE_LINE = /^namespace[ \t]*:[ \t]*["']?([^\s"'#]+)/m

async function someFlowDeclares(
  rootAbs: string,
  dirRel: string,
  namespace: string,
  rules: IgnoreRules
): Promise<boolean> {
  for (const dirent of await listing(rootAbs, dirRel)) {
    const rel = `${dirRel}/${dirent.name}`
    if (await rules.excludes(rel, dirent.isDirectory())) continue
    if (dirent.isDirectory()) {
      if (await someFlowDeclares(rootAbs, rel, namespace, rules)) return true
    } else if (dirent.isFile() && isYamlFile(rel)) {
      const text = await readFile(join(rootAbs, rel), 'utf8').catch(() => '')
      const declared = NAMESPACE_LINE.exec(text)?.[1]
      if (declared === namespace || declared?.startsWith(`${namespace}.`)) return true
    }
  }
  return false
}

async function listFolders(rootAbs: string, dirRel: string, rules: IgnoreRules): Promise<string[]> {
  const folders: string[] = []
  for (const dirent of await listing(rootAbs, dirRel)) {
    const rel = dirRel === '' ? dirent.name : `${dirRel}/${dirent.name}`
    if (dirent.isDirectory() && !(await rules.excludes(rel, true))) folders.push(rel)
  }
  return folders
}

function listing(rootAbs: string, dirRel: string): Promise<Dirent[]> {
  return readdir(join(rootAbs, dirRel), { withFileTypes: true }).catch(() => [])
}
