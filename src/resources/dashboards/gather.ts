import { parse } from 'yaml'
import { type GatherKind, type KindGatherInput } from '../../engine/snapshot/kind.js'
import { IgnoreRules } from '../../adapters/git/ignore-rules.js'
import { readClosing, type TreeSource } from '../../adapters/git/tree-source.js'
import { walkTree } from '../../adapters/git/walk.js'
import { parseVersion } from '../../model/version.js'
import { dashboardFields, sourceFields } from '../../adapters/kestra/dashboards.js'
import { compareCodeUnits, isRecord, normaliseText } from '../../model/content.js'
import type { Layout } from '../../model/settings.js'
import { atLeast, type KestraVersion } from '../../model/version.js'
import { isEnterprise } from '../../model/kestra.js'
import { ENTERPRISE_ONLY } from './decide.js'

/** A dashboard file of the repository: its workspace-relative path and its text (BOM and CRs removed). */
interface DashboardFile {
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

/** The dashboards of one version of the repository (docs/dashboards.md#where-dashboards-are-found). */
export async function discoverDashboards(
  tree: TreeSource,
  layout: Layout
): Promise<(DashboardFile & ComparedDashboard)[]> {
  const rules = new IgnoreRules(tree)
  const fileOf = (rel: string) => (tree.rootRel === '' ? rel : `${tree.rootRel}/${rel}`)
  const found: (DashboardFile & ComparedDashboard)[] = []
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
      const fields = sourceFields(source)
      found.push({ file: fileOf(entry.rel), source, ...(fields !== undefined && { fields }) })
    }
  }
  return found.sort((a, b) => compareCodeUnits(a.file, b.file))
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
    if (!isRecord(value)) return false
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

/** A dashboard as compared: its source when known, its fields as one canonical text. */
interface ComparedDashboard {
  source?: string
  /** Undefined when the file's YAML is no mapping. */
  fields?: string
}

/** A repository needs YAML-supplied ids, mandatory from Kestra 1.0 (docs/kestra.md#dashboards). */
const FIRST_VERSION: KestraVersion = [1, 0, 0]

/** Reads its decide part's `HeldDashboards`. */
export const dashboardsGather = {
  name: 'dashboard',
  async gather(input) {
    const layout = input.layout.layout
    const prefix = input.target.namespacePrefix
    if (prefix) {
      // A preview or a prefixed environment shares the tenant: its dashboards would replace the tenant's.
      return { files: await discoverDashboards(input.workTree, layout), prefixed: prefix }
    }
    const found = discoverDashboards(input.workTree, layout)
    const base = readClosing(input.openBase?.(), (tree) => discoverDashboards(tree, layout))
    // A repository that holds no dashboard, and held none at the base commit, does not manage them: the
    // tenant's dashboards are someone else's, never read, listed or drift (docs/dashboards.md#plan).
    const managed = found.then(async (files) => files.length > 0 || !!(await base)?.length)
    const reading = managed.then((yes) =>
      yes && input.kestra && input.work.plan ? readServer(input) : undefined
    )
    // Awaited together: a failed read rejects the whole, never unobserved.
    const [files, baseFiles, read] = await Promise.all([found, base, reading])
    const held = {
      files,
      ...(baseFiles && { base: baseFiles }),
      ...(read && { server: read }),
      ...(read && 'edition' in read && { edition: read.edition })
    }
    const api = input.kestra
    if (
      api &&
      input.settings.serverValidation &&
      files.length > 0 &&
      (!read || 'dashboards' in read)
    ) {
      const supported = read ?? (await readServer(input))
      if ('dashboards' in supported) {
        const verdicts = await Promise.all(files.map((f) => api.validateDashboard(f.source)))
        const byFile = new Map(files.map((f, i) => [f.file, verdicts[i]!]))
        return { ...held, verdicts: byFile, edition: supported.edition }
      }
      // A validate with the server says so too (docs/dashboards.md#kestra-20).
      if ('enterpriseOnly' in supported) return { ...held, server: supported }
    }
    return held
  }
} satisfies GatherKind

/**
 * Servers before 1.0 are not asked: their dashboards API, if any, assigns ids itself; nor is an open-source 2.0
 * server, which keeps no dashboards.
 */
async function readServer(
  input: KindGatherInput
): Promise<
  | { dashboards: ({ id: string } & ComparedDashboard)[]; edition: string }
  | { unsupported: string }
  | { enterpriseOnly: { version: string; edition: string } }
> {
  const api = input.kestra!
  const { version, edition } = await api.info()
  const parsed = parseVersion(version)
  if (parsed && !atLeast(parsed, FIRST_VERSION)) return { unsupported: version }
  if (parsed && atLeast(parsed, ENTERPRISE_ONLY) && !isEnterprise(edition)) {
    return { enterpriseOnly: { version, edition } }
  }
  const dashboards = await api.listDashboards()
  if (!dashboards) return { unsupported: version }
  return {
    edition,
    dashboards: dashboards.map((remote) => ({
      id: remote.id,
      ...(remote.sourceCode !== undefined && { source: normaliseText(remote.sourceCode) }),
      fields: dashboardFields({ ...remote })
    }))
  }
}
