export type ChangedFiles =
  | { kind: 'all'; reason: string }
  | {
      kind: 'list'
      /** Workspace-relative, '/'-separated; both sides of a rename; deleted files included. */
      paths: Set<string>
      source: 'git' | 'api'
      /** Why the API was used instead of git. */
      note?: string
    }
