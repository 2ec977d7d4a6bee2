import type { Layout, Settings } from '../model/settings.js'
import { NAMESPACE_PATTERN } from '../model/namespaces.js'
import { NOTHING_FOUND, type ReadProblem, type RepoModel } from '../model/repository.js'
import { GIT_IGNORE_FILE, type IgnoreRule, type IgnoreRules } from '../adapters/git/ignore-rules.js'
import { childOf, type TreeSource } from '../adapters/git/tree-source.js'
import type { HiddenFlow } from '../adapters/git/walk.js'

export type ReadSettings = Pick<Settings, 'root' | 'flowGlobs' | 'namespaceFiles'>

/** At most this many paths are named in a note; the count says the rest. */
const NAMED = 5

export function otherKindsNotice(skipped: readonly { file: string; type: string }[]): ReadProblem {
  const files = [...skipped].sort((a, b) => (a.file < b.file ? -1 : 1))
  const types = [...new Set(files.map(({ type }) => type))].sort()
  return {
    severity: 'notice',
    file: files[0]!.file,
    message:
      `${files.length} YAML file(s) of other Kestra kinds than flows (top-level type: ${types.join(', ')}) ` +
      `were skipped: ${named(files.map(({ file }) => file))}. The action deploys flows and namespace files only`
  }
}

/** Flow documents under root that the layout does not read, as one warning (docs/layouts.md#what-a-run-says). */
export function unmatchedFlowsWarning(
  files: readonly string[],
  settings: ReadSettings,
  layout: Layout
): ReadProblem {
  const sorted = [...files].sort()
  const why =
    layout === 'custom'
      ? `are not matched by the flows globs (${settings.flowGlobs.join(', ')}): ${named(sorted)}. Widen the globs`
      : `are not read by the ${layout} layout: ${named(sorted)}. Move them to ${flowPlaces(settings, layout).join(', ')}`
  return {
    severity: 'warning',
    file: sorted[0]!,
    message: `${sorted.length} flow file(s) under root ${why}, or set layout: anywhere to read every flow`
  }
}

/**
 * A run that finds no resource is an error saying where it looked and which ignore rules hid the flows it
 * would have read (docs/layouts.md#what-a-run-says).
 */
export function nothingFound(
  model: Pick<RepoModel, 'rootRel' | 'layout'>,
  settings: ReadSettings,
  layout: Layout,
  hidden: readonly HiddenFlow[]
): ReadProblem {
  const byRule = groupByRule(hidden, model.rootRel)
  const hiding =
    byRule.length === 0
      ? ''
      : ` Ignore rules hide what it would read: ${byRule
          .map(({ rule, files }) => `${ruleName(rule, model.rootRel)} hides ${named(files)}`)
          .join('; ')}. Change the rule to deploy them.`
  return {
    severity: 'error',
    file: model.rootRel || '.',
    rule: NOTHING_FOUND,
    message:
      `No flow or namespace file found: the ${layout} layout (${model.layout.reason}) ` +
      `looked in ${lookedIn(settings, layout)} under root '${settings.root}'.${hiding} Set namespace (flows/ and files/ ` +
      'of one namespace), layout (tenant, namespace, anywhere, custom) or root (the folder holding ' +
      'the flows), or list the namespaces to manage in namespaces'
  }
}

/**
 * docs/layouts.md#what-a-run-says: one warning per ignore rule that hides flow documents the layout
 * would read (or files a `flows` glob matches), on the rule's line: no run is silent about a flow
 * it leaves out.
 */
export function hiddenFlowsWarnings(
  hidden: readonly HiddenFlow[],
  settings: ReadSettings,
  layout: Layout,
  rootRel: string
): ReadProblem[] {
  const what =
    layout === 'custom'
      ? `file(s) that the flows globs (${settings.flowGlobs.join(', ')}) match`
      : `flow document(s) that the ${layout} layout would read`
  return groupByRule(hidden, rootRel).map(({ rule, rels, files }) => ({
    severity: 'warning',
    file: childOf(rootRel, rule.file ?? rels[0]!),
    ...(rule.line > 0 ? { line: rule.line } : {}),
    rule: 'ignored-flows',
    message: `${ruleName(rule, rootRel)} hides ${files.length} ${what}: ${named(files)}. ${ruleFix(rule, rels[0]!)}`
  }))
}

function groupByRule(hidden: readonly HiddenFlow[], rootRel: string) {
  const groups = new Map<string, { rule: IgnoreRule; rels: Set<string> }>()
  for (const { rel, rule } of hidden) {
    const key = `${rule.file ?? ''}\0${String(rule.line).padStart(9, '0')}\0${rule.pattern}`
    const group = groups.get(key) ?? { rule, rels: new Set() }
    group.rels.add(rel)
    groups.set(key, group)
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, { rule, rels }]) => {
      const sorted = [...rels].sort()
      return { rule, rels: sorted, files: sorted.map((rel) => childOf(rootRel, rel)) }
    })
}

function ruleName(rule: IgnoreRule, rootRel: string): string {
  if (rule.file === undefined) {
    return "The rule on names starting with '.' (dotfiles and dot-folders are not read unless a .kestraignore negation lists them)"
  }
  return `${childOf(rootRel, rule.file)} line ${rule.line} (\`${rule.pattern}\`)`
}

/** How to read them again, with the first one's top folder (relative to the ignore file) as example. */
function ruleFix(rule: IgnoreRule, first: string): string {
  const below = rule.file?.includes('/') ? first.slice(rule.file.lastIndexOf('/') + 1) : first
  const top = below.split('/')
  const negation = `!${top[0]}${top.length > 1 ? '/' : ''}`
  if (rule.file === undefined) {
    return `To deploy them, add a negation naming them to .kestraignore (e.g. \`${negation}\`)`
  }
  if (rule.file.endsWith(GIT_IGNORE_FILE)) {
    return 'Git ignores these paths, so the search does too: move the flows, or name them with layout: custom and flows globs'
  }
  return (
    `To deploy them, narrow that rule or add a negation after it (e.g. \`${negation}\`); a negation ` +
    'cannot re-include a file inside an excluded folder, so re-include the folder first'
  )
}

function lookedIn(settings: ReadSettings, layout: Layout): string {
  const files = { tenant: ['<namespace>/files/'], namespace: ['files/'] }[layout as string]
  const mapped = settings.namespaceFiles.map(({ dir }) => `${dir || '.'}/`)
  return [...flowPlaces(settings, layout), ...(files ?? []), ...mapped].join(', ')
}

function flowPlaces(settings: ReadSettings, layout: Layout): readonly string[] {
  return {
    tenant: ['<namespace>/flows/'],
    namespace: ['flows/'],
    anywhere: ['every folder'],
    custom: settings.flowGlobs
  }[layout]
}

function named(paths: readonly string[]): string {
  const shown = paths.slice(0, NAMED).join(', ')
  return paths.length > NAMED ? `${shown} and ${paths.length - NAMED} more` : shown
}

/**
 * Top-level folders the tenant layout skips because their name is not a namespace, although they
 * hold a flows/ or files/ folder (e.g. `Company.Team/flows`): almost surely a naming mistake.
 */
export async function misnamedTenantFolders(
  tree: TreeSource,
  rules: IgnoreRules
): Promise<string[]> {
  const misnamed: string[] = []
  const top = await tree.list('').catch(() => [])
  for (const folder of top) {
    if (folder.kind !== 'folder' || NAMESPACE_PATTERN.test(folder.name)) continue
    if (await rules.excludes(folder.name, true)) continue
    const inside = await tree.list(folder.name).catch(() => [])
    if (inside.some((d) => d.kind === 'folder' && (d.name === 'flows' || d.name === 'files'))) {
      misnamed.push(folder.name)
    }
  }
  return misnamed
}
