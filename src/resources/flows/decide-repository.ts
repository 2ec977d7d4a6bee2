import type { FlowFile, RepoModel } from '../../model/repository.js'
import { FLOW } from './decide-server-state.js'

/** The repository's flow files, as the walk placed them (`RepoModel.byKind`), sorted by file. */
export function repoFlowsOf(model: Pick<RepoModel, 'byKind'>): readonly FlowFile[] {
  return (model.byKind.get(FLOW) as readonly FlowFile[] | undefined) ?? []
}
