import type { IndexBlobs } from '../adapters/git/git.js'
import type { ContentSummary } from '../model/content.js'
import type { LoadHooks, WalkParts } from './load.js'

/**
 * What the commit markers keep of a namespace's files, looked up by the git blob each file is
 * (docs/performance.md#what-a-plan-knows-without-reading): a file git's index vouches for and a marker knows is
 * not read. `kept` gives what a namespace's marker keeps under a field, where its seal holds; `taken` gets each
 * summary used, by path under root.
 */
export function knownFilesOf(
  walk: Pick<WalkParts, 'knownBlobs'>,
  kept: (namespace: string, field: string) => Promise<unknown>,
  index: Promise<IndexBlobs | undefined>,
  taken: Map<string, ContentSummary>
): NonNullable<LoadHooks['knownFiles']> {
  return async (namespace) => {
    const { field, blobs } = walk.knownBlobs
    const known = blobs(await kept(namespace, field))
    const vouched = await index
    return (rel) => {
      const blob = vouched?.blobOf(rel)
      const summary = blob === undefined ? undefined : known.get(blob)
      if (summary) taken.set(rel, summary)
      return summary && { summary, blob: blob! }
    }
  }
}
