/** The data the Kestra port (kestra/api.ts) answers with: what the other layers read of a server. */

/**
 * Resolved once by the client (docs/kestra.md#tenant-prefix): nothing above src/adapters/kestra/ reads the server setting.
 */
export interface KestraTarget {
  readonly server: string
  readonly tenant: string
}

export interface ServerInfo {
  /** e.g. "1.3.2", or "unknown" when the probe failed. */
  version: string
  edition: string
  /** True when routes are /api/v1/{tenant}/… */
  tenantScoped: boolean
  systemNamespace: string
}

/** Whether a server's `edition` (as `ServerInfo` holds it: `EE`, `OSS`, any case) is Kestra Enterprise. */
export function isEnterprise(edition: string): boolean {
  return edition.toUpperCase() === 'EE'
}

export interface RemoteFlow {
  namespace: string
  id: string
  revision: number
  source: string
  /** When the revision was saved (ISO-8601; 1.x, docs/kestra.md#who-changed-a-flow-and-when). */
  updated?: string
  /** 2.0: the listed latest revision is a draft saved in the UI (docs/drift.md#a-draft-pending-in-kestras-ui). */
  draft?: true
}

/** A flow topology edge (docs/kestra.md#flow-dependencies): a Subflow/ForEachItem call, or a Flow trigger. */
export interface FlowDependency {
  source: { namespace: string; id: string }
  target: { namespace: string; id: string }
  relation: 'FLOW_TASK' | 'FLOW_TRIGGER'
}

export interface RemoteFile {
  /** Starts with '/'. */
  path: string
  /** Byte length, known before the bytes are read. */
  size: number
  /** The bytes: an export's deflated entry is inflated at each call. */
  bytes(): Uint8Array
  /** An export entry's digest (`ZipEntry.digest`): same digest, same bytes; undefined for a file read alone. */
  digest?(): string
}

export interface ServerValidation {
  index: number
  /** Errors: from `constraints` (≤ 1.3, split per violation) or `errors` (2.0). */
  errors: ServerConstraint[]
  outdated: boolean
  deprecationPaths: string[]
  warnings: string[]
  infos: string[]
  /** No verdict, so never "valid": too large (413) even alone, or unreadable; the flow is not at fault. */
  noVerdict?: { cause: 'too large' | 'unreadable'; message: string }
}

/** The server's verdict on one resource: its violations (none: valid), or why its answer is unreadable. */
export interface ServerVerdict {
  errors: ServerConstraint[]
  /** Set when the answer could not be read: the finding's text. Never "valid". */
  unreadable?: string
}

export interface ServerConstraint {
  message: string
  /** Kestra path such as `tasks[1].message`, `tasks[my-task].message` or `flow.id`, when given. */
  path?: string
  /** RFC 6901 pointer (2.0), when given. */
  pointer?: string
}

export type Label = [string, string]

export interface ExecutionQuery {
  namespace: string
  flowId: string
  labels: Label[]
}

export interface Execution {
  id: string
  namespace: string
  flowId: string
  /** `state.current`, e.g. CREATED, RUNNING, SUCCESS, FAILED. */
  state: string
  /** ISO-8601 instants of `state.startDate` and, once terminal, `state.endDate`. */
  startDate?: string
  endDate?: string
  labels: Label[]
}
