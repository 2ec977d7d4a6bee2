export interface ReferenceSite {
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
      /** Kestra 2.0 counts it in an execution loop: no condition keeps it from starting the flow it names. */
      unconditional?: true
    } & ReferenceSite)

/** A resource another one names: the kind's name (`file`, `flow`), its namespace, its name there. */
export interface Referenced {
  kind: string
  namespace: string
  name: string
}

/** What a flow's reference names. */
export function referencedOf(ref: FlowReference): Referenced {
  const name = ref.kind === 'file' ? ref.path : ref.id
  return { kind: ref.kind, namespace: ref.namespace, name }
}

export interface KnownResources {
  hasFile(namespace: string, path: string): boolean
  hasFlow(namespace: string, id: string): boolean
}

/** A flow of a namespace the plan did not read that still uses a flow the plan deletes (Kestra's topology). */
export interface OutsideUser {
  user: { namespace: string; id: string }
  namespace: string
  id: string
  via: 'subflow' | 'flow-trigger'
}

/** What Kestra's flow topology told of the deleted flows' users outside the namespaces the plan read. */
export interface OutsideUsers {
  users: OutsideUser[]
  /** Deleted flows whose users outside the read namespaces Kestra could not tell, with why. */
  unsearched: { namespace: string; id: string; why: string }[]
}
