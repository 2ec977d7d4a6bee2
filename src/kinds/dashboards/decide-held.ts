import type { ChangeBase } from '../../model/plan.js'
import { parse } from 'yaml'
import type { ServerVerdict } from '../../model/kestra.js'

/** A Kestra dashboard: tenant-wide (`namespace` is ''), by id (docs/dashboards.md). */
interface DashboardChange extends ChangeBase {
  kind: 'dashboard'
  id: string
  /** The repository file's text, sent as is (create/update/unchanged). */
  desired?: string
  /**
   * What the server holds, as compared: its stored source, or (servers whose answers carry none) its
   * fields written as YAML. `source` is what a rollback puts back, when the server gave it.
   */
  current?: { compared: string; source?: string }
}

declare module '../../model/plan.js' {
  interface ResourceChanges {
    dashboard: DashboardChange
  }
}

/** A dashboard as the decide part compares it: its source when known, its fields as one text. */
export interface HeldDashboard {
  source?: string
  fields?: string
}

/** A repository file holding a dashboard. */
export interface HeldFile extends HeldDashboard {
  /** Workspace-relative path. */
  file: string
  source: string
}

/** What the dashboards kind's decide part takes (what its gather part reads, docs/dashboards.md). */
export interface HeldDashboards {
  files: HeldFile[]
  base?: HeldFile[]
  server?: { dashboards: ({ id: string } & HeldDashboard)[] } | { unsupported: string }
  /** The server's validate endpoint's constraints on each file (undefined: valid). */
  verdicts?: ReadonlyMap<string, ServerVerdict>
  /** The run's namespace prefix: no dashboard is planned (docs/dashboards.md#namespace-prefix-and-previews). */
  prefixed?: string
}

export const SECTION = 'Dashboards'
export const RESOURCE = (id: string) => `dashboard:${id}`

/** The `id` a dashboard's YAML declares, or undefined when it has none (or is no mapping). */
export function idOf(source: string): string | undefined {
  try {
    const value: unknown = parse(source)
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
    const id = (value as Record<string, unknown>).id
    return id === undefined || id === null || String(id).trim() === '' ? undefined : String(id)
  } catch {
    return undefined
  }
}
