import type { FlowFile, NamespaceFileEntry, RepoModel } from '../src/model/repository.js'

/** What a test says the repository holds, by what it is. */
export interface RepoParts extends Partial<Omit<RepoModel, 'byKind'>> {
  flows?: readonly FlowFile[]
  files?: readonly NamespaceFileEntry[]
}

/** A repository as the walk reads it: each kind's resources under the kind's name (`RepoModel.byKind`). */
export function repoModel({ flows = [], files = [], ...rest }: RepoParts = {}): RepoModel {
  return {
    workspace: '/w',
    root: '/w',
    rootRel: '',
    layout: { layout: 'tenant', reason: 'set by the layout input' },
    managedNamespaces: [],
    readProblems: [],
    ...rest,
    byKind: new Map<string, unknown>([
      ['flow', flows],
      ['file', files]
    ])
  }
}
