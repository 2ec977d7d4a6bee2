import type { ActualNamespace, BaseSnapshot } from './plan-input.js'

/** What the repository's walk placed, kind by kind and namespace by namespace. */
export interface Placed {
  /**
   * Settles once every resource of the kind that the walk places in the namespace is read ([] for a namespace
   * without any).
   */
  of(kind: string, namespace: string): Promise<readonly unknown[]>
}

/** How the repository is sent: namespaces under sent names, the base commit as sent (docs/environments.md). */
export interface SentNames {
  namespace(namespace: string): string
  /** What the walk placed, asked for by the namespaces it is sent to. */
  placed(placed: Placed): Placed
  base(
    snapshot: BaseSnapshot,
    managed: readonly string[],
    server?: ReadonlyMap<string, ActualNamespace>
  ): BaseSnapshot
}
