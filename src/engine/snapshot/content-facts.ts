import { childOf } from '../../adapters/git/tree-source.js'
import type { WorkTree } from '../../adapters/git/work-tree.js'
import { type ContentSummary, sameSummary } from '../../model/content.js'
import { DeployError } from '../../model/errors.js'
import { heldNamespaceIsManaged } from '../../model/namespaces.js'
import type { SentNames } from '../../model/sent-names.js'
import type { Settings } from '../../model/settings.js'
import type { Work } from '../../model/target.js'
import { COMMIT_MARKER_KEY } from '../record/marker.js'
import type { ServerReads } from './server/reads.js'

/**
 * Whether the walk takes files' summaries from content facts (docs/performance.md#what-a-plan-knows-without-reading):
 * a plan that reuses what deploys stored, and a deploy that does (`full-plan: false`), which confirms them before
 * its first write (`confirmFacts`).
 */
export function usesFacts(work: Work): boolean {
  return work.facts === 'use' || (work.facts === 'record' && work.reuseChecks)
}

/** What a namespace's marker keeps under a field, for the walk (`ServerReads.factsKept`: the rule). */
export function factsKept(
  { settings, sending }: { settings: Settings; sending: SentNames },
  reads: ServerReads
) {
  return async (namespace: string, field: string): Promise<unknown> => {
    if (!heldNamespaceIsManaged(namespace, settings.extraNamespaces)) return undefined
    return reads.factsKept(sending.namespace(namespace), field)
  }
}

/** A server's copy whose summary content facts gave (`ServerContext.took`). */
export interface TakenFact {
  name: string
  holds(): boolean
}

/**
 * A deploy that took files' summaries from content facts reads those files, and the server's copies whose summaries
 * they gave, right before its first write: one whose bytes are not what the facts say stops it with nothing written.
 */
export async function confirmFacts(
  taken: ReadonlyMap<string, ContentSummary>,
  tree: WorkTree,
  server: readonly TakenFact[] = []
): Promise<void> {
  const differing: string[] = []
  for (const [rel, fact] of taken) {
    const read = await tree.summarise(rel).catch(() => undefined)
    if (!read || !sameSummary(read, fact)) differing.push(childOf(tree.rootRel, rel))
  }
  const onServer = server.filter((fact) => !fact.holds()).map(({ name }) => name)
  if (differing.length + onServer.length === 0) return
  const named = [
    ...differing.sort(),
    ...onServer.sort().map((name) => `${name} (the server's copy)`)
  ]
  const shown = named.slice(0, 10)
  const more = named.length > shown.length ? ` and ${named.length - shown.length} more` : ''
  throw new DeployError(
    `Nothing was deployed: the content facts stored with the commit marker (KV ${COMMIT_MARKER_KEY}) are not what ${named.length} namespace file(s) hold: ${shown.join(', ')}${more}. The marker was changed outside this action. Deploy again with full-plan: true, which reads every file.`
  )
}
