import type { ChangeBase } from '../../model/plan.js'

/** A KV pair of a managed namespace (docs/kv.md): by key, its namespace as sent. */
interface KvChange extends ChangeBase {
  kind: 'kv'
  /** The key. */
  id: string
  /** Its value is never shown (docs/kv.md#secret-like-keys). */
  secretLike: boolean
  /** The repository's value (create/update/unchanged), as JSON. */
  desired?: { json: string }
  /** The server's value (update/delete/orphaned/unchanged), as JSON. */
  current?: { json: string }
  /**
   * The namespace's kv file as the server holds it, for the drift pull request: the server's values, and
   * the repository's for a secret-like key (a secret-like key only the server holds is left out).
   */
  serverFile?: string
}

declare module '../../model/plan.js' {
  interface ResourceChanges {
    kv: KvChange
  }
}

/** A kv file of the repository: `kv/<namespace>.yml`. */
export interface HeldKvFile {
  /** Workspace-relative path. */
  file: string
  /** The namespace its name says, as the repository writes it. */
  namespace: string
  text: string
}

/** What the KV kind's decide part takes (what its gather part reads, docs/kv.md). */
export interface HeldKv {
  files: HeldKvFile[]
  /** The base commit's kv files, when the event has a base commit git holds. */
  base?: HeldKvFile[]
  /** The run's namespace prefix (a preview, a prefixed environment): namespaces are sent under it. */
  prefix?: string
  /** The `namespaces` input: `system` is managed only when it lists it. */
  extraNamespaces: readonly string[]
  /**
   * The server's values (JSON text) of each namespace the repository's kv files name, by namespace as
   * sent, the action's own keys left out; undefined when the run does not read the server.
   */
  server?: Map<string, Map<string, string>>
  /** Why the server's other keys could not be listed (no orphan is then known). */
  unlisted?: string
}
