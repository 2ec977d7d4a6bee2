import type { NamespaceFileEntry, RepoModel } from '../../model/repository.js'
import { FILE } from './decide-server-state.js'

/** The repository's namespace files, as the walk placed them (`RepoModel.byKind`). */
export function repoFilesOf(model: Pick<RepoModel, 'byKind'>): readonly NamespaceFileEntry[] {
  return (model.byKind.get(FILE) as readonly NamespaceFileEntry[] | undefined) ?? []
}
