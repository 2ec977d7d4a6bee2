import { childOf } from '../../adapters/git/tree-source.js'
import type { WorkTree } from '../../adapters/git/work-tree.js'
import type { ContentSummary } from '../../model/content.js'
import type { RunContext } from '../../model/context.js'
import { DeployError } from '../../model/errors.js'
import { heldNamespaceIsManaged } from '../../model/namespaces.js'
import type { SentNames } from '../../model/sent-names.js'
import type { Settings } from '../../model/settings.js'
import type { Target, Work } from '../../model/target.js'
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

/**
 * What a namespace's marker keeps under a field, for the walk. A deploy takes it only from a marker of its own
 * commit: a deploy of another rewrites every marker, so it would read each file again before its first write
 * rather than beside the server's reads.
 */
export function factsKept(
  {
    settings,
    sending,
    context,
    target
  }: {
    settings: Settings
    sending: SentNames
    context: RunContext
    target: Target
  },
  reads: ServerReads
) {
  return async (namespace: string, field: string): Promise<unknown> => {
    if (!heldNamespaceIsManaged(namespace, settings.extraNamespaces)) return undefined
    const sent = sending.namespace(namespace)
    const marker = target.work.facts === 'record' ? await reads.storedMarker(sent) : undefined
    if (marker && marker.commit !== context.sha) return undefined
    return reads.kept(sent, field)
  }
}

/**
 * A deploy that took files' summaries from content facts reads those files right before its first write: one
 * whose bytes are not what the facts say stops it with nothing written.
 */
export async function confirmFacts(
  taken: ReadonlyMap<string, ContentSummary>,
  tree: WorkTree
): Promise<void> {
  const differing: string[] = []
  for (const [rel, fact] of taken) {
    const read = await tree.summarise(rel).catch(() => undefined)
    const same = read && read.size === fact.size && read.sha256 === fact.sha256
    if (!same || read.binary !== fact.binary) differing.push(childOf(tree.rootRel, rel))
  }
  if (differing.length === 0) return
  const shown = differing.sort().slice(0, 10)
  const more = differing.length > shown.length ? ` and ${differing.length - shown.length} more` : ''
  throw new DeployError(
    `Nothing was deployed: the content facts stored with the commit marker (KV ${COMMIT_MARKER_KEY}) are not what ${differing.length} namespace file(s) hold: ${shown.join(', ')}${more}. The marker was changed outside this action. Deploy again with full-plan: true, which reads every file.`
  )
}
