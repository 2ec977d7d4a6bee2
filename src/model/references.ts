/** Where a reference sits in the repository. */
interface ReferenceSite {
  file: string
  line: number
  column: number
  /** flowKey of the flow holding the reference. */
  fromFlow: string
}

/** A flow's reference to a namespace file or another flow (subflow, ForEachItem, Flow trigger). */
export type FlowReference =
  | ({ kind: 'file'; namespace: string; path: string } & ReferenceSite)
  | ({
      kind: 'flow'
      via: 'subflow' | 'foreach' | 'flow-trigger'
      namespace: string
      id: string
    } & ReferenceSite)

/** Which reference targets exist, in the repository or on the server. */
export interface KnownResources {
  hasFile(namespace: string, path: string): boolean
  hasFlow(namespace: string, id: string): boolean
}
