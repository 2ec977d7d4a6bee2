import { normaliseText } from '../../model/content.js'
import { kindOfText } from '../../model/flow-file.js'
import { isYamlFile } from '../../gather/repo/layout.js'
import type { HiddenContext } from '../../gather/repo/load.js'
import { SearchScope } from '../../gather/repo/search-scope.js'
import type { TreeSource } from '../../gather/repo/tree-source.js'
import { walkTree, type HiddenEntry, type HiddenFlow } from '../../gather/repo/walk.js'

/** Nothing is left out inside a folder being looked into, except `.git`, which is never read. */
const ONLY_GIT = {
  excludedBy: async (rel: string) =>
    rel.slice(rel.lastIndexOf('/') + 1).toLowerCase() === '.git' ? ('fixed' as const) : undefined,
  knowListing: () => undefined
}

/**
 * What the layout would read among the entries ignore rules left out: each hidden file, and the files
 * of each hidden folder (looked into as the walk would have, dependencies aside), with the rule.
 */
export async function hiddenFlows(
  hidden: readonly HiddenEntry[],
  context: HiddenContext
): Promise<HiddenFlow[]> {
  const found: HiddenFlow[] = []
  for (const { rel, isDir, rule } of hidden) {
    const files = isDir ? await filesUnder(rel, context) : [rel]
    for (const file of files) {
      if (await wouldRead(file, context)) found.push({ rel: file, rule })
    }
  }
  return found
}

async function filesUnder(dirRel: string, context: HiddenContext): Promise<string[]> {
  const walk = await walkTree({
    tree: context.tree,
    rules: ONLY_GIT,
    mayContain: context.rules.mayContain,
    search: context.layout === 'anywhere' ? SearchScope.dependenciesOnly() : undefined,
    limit: context.limit,
    from: dirRel
  })
  return walk.entries.filter((entry) => entry.kind === 'file').map((entry) => entry.rel)
}

/** Whether the layout reads `rel` as a flow when no ignore rule speaks of it. */
async function wouldRead(rel: string, context: HiddenContext): Promise<boolean> {
  const flow = context.rules.place(rel).flow
  if (!flow) return false
  if (context.layout === 'custom') return true
  return isFlowDocument(context.tree, rel)
}

/** A YAML file holding a flow document. */
export async function isFlowDocument(tree: TreeSource, rel: string): Promise<boolean> {
  if (!isYamlFile(rel)) return false
  const text = await tree.read(rel).then(String, () => '')
  return kindOfText(normaliseText(text)) === 'flow'
}
