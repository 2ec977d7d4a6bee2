import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { NAMESPACE_PATTERN } from '../settings.js'
import type { IgnoreRules } from './ignore-rules.js'

/**
 * Top-level folders the tenant layout skips because their name is not a namespace, although they
 * hold a flows/ or files/ folder (e.g. `Company.Team/flows`): almost surely a naming mistake.
 */
export async function misnamedTenantFolders(
  rootAbs: string,
  rules: IgnoreRules
): Promise<string[]> {
  const misnamed: string[] = []
  const top = await readdir(rootAbs, { withFileTypes: true }).catch(() => [])
  for (const folder of top) {
    if (!folder.isDirectory() || NAMESPACE_PATTERN.test(folder.name)) continue
    if (await rules.excludes(folder.name, true)) continue
    const inside = await readdir(join(rootAbs, folder.name), { withFileTypes: true }).catch(
      () => []
    )
    if (inside.some((d) => d.isDirectory() && (d.name === 'flows' || d.name === 'files'))) {
      misnamed.push(folder.name)
    }
  }
  return misnamed
}
