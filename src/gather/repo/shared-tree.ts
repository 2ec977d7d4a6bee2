import type { ClosableTree } from '../kind.js'

/** A borrowed tree: read it, then `release` it (once). */
export interface SharedTree<T> {
  tree: T
  release(): Promise<void>
}

/**
 * One opening of a tree lent to several readers (the base commit: the run's snapshot and each kind): it is
 * closed when its last borrower releases it, never while one still reads. A later borrow reads on, and is
 * closed in turn (a closed tree starts its reader again on demand).
 */
export function shareTree<T extends ClosableTree>(
  opening: Promise<T | undefined>
): () => Promise<SharedTree<T> | undefined> {
  let borrowers = 0
  return async () => {
    const tree = await opening
    if (!tree) return undefined
    borrowers++
    let released = false
    return {
      tree,
      release: async () => {
        if (released) return
        released = true
        borrowers--
        if (borrowers === 0) await tree.close()
      }
    }
  }
}

export function asClosable<T extends ClosableTree>({ tree, release }: SharedTree<T>): ClosableTree {
  return {
    workspace: tree.workspace,
    rootRel: tree.rootRel,
    hasRoot: () => tree.hasRoot(),
    list: (dirRel) => tree.list(dirRel),
    kind: (rel) => tree.kind(rel),
    read: (rel) => tree.read(rel),
    summarise: (rel) => tree.summarise(rel),
    blob: (rel) => tree.blob(rel),
    resolveLink: (rel, rules) => tree.resolveLink(rel, rules),
    bytesPath: (rel) => tree.bytesPath(rel),
    versioned: () => tree.versioned(),
    close: release
  }
}
