import { parse } from 'yaml'
import { IgnoreRules } from '../../gather/repo/ignore-rules.js'
import type { TreeSource } from '../../gather/repo/tree-source.js'
import { walkTree } from '../../gather/repo/walk.js'
import { normaliseText } from '../../model/content.js'
import type { Layout } from '../../model/settings.js'

/** A dashboard file of the repository: its workspace-relative path and its text (BOM and CRs removed). */
export interface DashboardFile {
  file: string
  source: string
}

/** Kestra's `TenantSync` keeps dashboards here (docs/dashboards.md#where-dashboards-are-found). */
const FOLDERS: Record<Layout, readonly string[]> = {
  tenant: ['dashboards', '_global/dashboards'],
  namespace: ['dashboards'],
  custom: ['dashboards'],
  anywhere: ['']
}
const YAML_FILE = /\.ya?ml$/

/**
 * The dashboards of one version of the repository (docs/dashboards.md#where-dashboards-are-found): every
 * YAML file under the layout's dashboard folders, or, in the anywhere layout, every YAML document with an
 * `id`, a `title` and `charts` and no top-level `type` or `namespace`. Ignore rules are honoured as for flows.
 */
export async function discoverDashboards(
  tree: TreeSource,
  layout: Layout
): Promise<DashboardFile[]> {
  const rules = new IgnoreRules(tree)
  const fileOf = (rel: string) => (tree.rootRel === '' ? rel : `${tree.rootRel}/${rel}`)
  const found: DashboardFile[] = []
  for (const from of FOLDERS[layout]) {
    if (from !== '' && (await tree.kind(from)) !== 'folder') continue
    if (from !== '' && (await excludedFolder(from, rules))) continue
    const walk = await walkTree({
      tree,
      rules,
      mayContain: () => true,
      limit: (task) => task(),
      from
    })
    for (const entry of walk.entries) {
      if (entry.kind !== 'file' || !YAML_FILE.test(entry.rel)) continue
      const source = normaliseText((await tree.read(entry.rel)).toString('utf8'))
      if (layout === 'anywhere' && !looksLikeDashboard(source)) continue
      found.push({ file: fileOf(entry.rel), source })
    }
  }
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
}

/** A folder on the way to `rel` that an ignore rule leaves out. */
async function excludedFolder(rel: string, rules: IgnoreRules): Promise<boolean> {
  const parts = rel.split('/')
  for (let i = 1; i <= parts.length; i++) {
    if (await rules.excludes(parts.slice(0, i).join('/'), true)) return true
  }
  return false
}

function looksLikeDashboard(source: string): boolean {
  try {
    const value: unknown = parse(source)
    if (!value || typeof value !== 'object' || Array.isArray(value)) return false
    // A top-level `type` or `namespace` is another kind's document (an App, a flow, a typed EE dashboard).
    return (
      ['id', 'title', 'charts'].every((key) => key in value) &&
      !('type' in value) &&
      !('namespace' in value)
    )
  } catch {
    return false
  }
}
