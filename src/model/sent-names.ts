import type { NamespaceFileEntry } from './repository.js'
import type { ActualNamespace, BaseSnapshot } from './plan-input.js'

/** The repository's namespace files, namespace by namespace. */
export interface LocalFiles {
  /** Settles once every file placed in the namespace is read ([] for a namespace without any). */
  of(namespace: string): Promise<NamespaceFileEntry[]>
}

/** How the repository is sent: namespaces under sent names, the base commit as sent (docs/environments.md). */
export interface SentNames {
  namespace(namespace: string): string
  localFiles(files: LocalFiles): LocalFiles
  base(
    snapshot: BaseSnapshot,
    managed: readonly string[],
    server?: ReadonlyMap<string, ActualNamespace>
  ): BaseSnapshot
}
