import type { Layout } from '../model/settings.js'
import type { LayoutRules } from './layout.js'
import type { TreeSource } from '../adapters/git/tree-source.js'
import { type HiddenEntry, type HiddenFlow, SearchScope, walkTree } from '../adapters/git/walk.js'

/** Nothing is left out inside a folder being looked into, except `.git`, which is never read. */
const ONLY_GIT = {
  excludedBy: async (rel: string) =>
    rel.slice(rel.lastIndexOf('/') + 1).toLowerCase() === '.git' ? ('fixed' as const) : undefined,
  knowListing: () => undefined
}

/**
 * What the layout would read as flows among the entries ignore rules left out: each hidden file, and the
 * files of each hidden folder (looked into as the walk would have, dependencies aside), with the rule.
 * Custom counts every file a `flows` glob matches, the other layouts the flow documents.
 */
export async function hiddenFlows(
  hidden: readonly HiddenEntry[],
  chosen: Layout,
  {
    tree,
    layout,
    walk
  }: {
    tree: TreeSource
    layout: LayoutRules
    walk: { isFlowDocument(tree: TreeSource, rel: string): Promise<boolean> }
  },
  limit: <R>(task: () => Promise<R>) => Promise<R>
): Promise<HiddenFlow[]> {
  const found: HiddenFlow[] = []
  for (const { rel, isDir, rule } of hidden) {
    const inside =
      isDir &&
      (await walkTree({
        tree,
        rules: ONLY_GIT,
        mayContain: layout.mayContain,
        search: chosen === 'anywhere' ? SearchScope.dependenciesOnly() : undefined,
        limit,
        from: rel
      }))
    const files = inside ? inside.entries.filter((e) => e.kind === 'file').map((e) => e.rel) : [rel]
    for (const file of files) {
      if (!layout.place(file).flow) continue
      if (chosen === 'custom' || (await walk.isFlowDocument(tree, file)))
        found.push({ rel: file, rule })
    }
  }
  return found
}
