import { type ClosableTree } from '../../adapters/git/tree-source.js'

export interface SharedTree<T> {
  tree: T
  release(): Promise<void>
}

/**
 * One opening of a tree lent to several readers (the base commit: the run's snapshot and each kind): it is
 * closed when its last reader releases it, never while one still reads. A later reader reads on, and is
 * closed in turn (a closed tree starts its reader again on demand).
 */
export function shareTree<T extends ClosableTree>(
  opening: Promise<T | undefined>
): () => Promise<SharedTree<T> | undefined> {
  let readers = 0
  return async () => {
    const tree = await opening
    if (!tree) return undefined
    readers++
    let released = false
    return {
      tree,
      release: async () => {
        if (released) return
        released = true
        readers--
        if (readers === 0) await tree.close()
      }
    }
  }
}

/**
 * The shared tree itself (what its methods read and set is the tree's), but `close` releases this reader's hold;
 * `holds` says which namespaces it is the base of.
 */
export function asBaseTree<T extends ClosableTree>(
  { tree, release }: SharedTree<T>,
  holds: (namespace: string) => boolean
): ClosableTree & { holds(namespace: string): boolean } {
  const own: Record<PropertyKey, unknown> = { close: release, holds }
  return new Proxy(tree, {
    get: (target, key) => (Object.hasOwn(own, key) ? own[key] : target[key as keyof T])
  }) as T & { holds(namespace: string): boolean }
}
