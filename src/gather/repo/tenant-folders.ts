import { NAMESPACE_PATTERN } from '../../model/namespaces.js'
import type { IgnoreRules } from './ignore-rules.js'
import type { TreeSource } from './tree-source.js'

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
