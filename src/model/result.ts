import { isWrite, type ResourceChange } from './plan.js'
import type { CommitMarker } from './commit-marker.js'

/** In the order a tally names them. */
const OUTCOMES = [
  'created',
  'updated',
  'deleted',
  'unchanged',
  'conflict',
  'failed',
  'skipped'
] as const

export type ResourceOutcome = (typeof OUTCOMES)[number]

export interface ResourceResult {
  change: ResourceChange
  result: ResourceOutcome
  /** Its revision after the deploy (new when written), where its kind has revisions. */
  revision?: number
  /** Its revision before the deploy, where its kind has revisions (`ApplyKind.revisionHeld`). */
  before?: number
  message?: string
  /** The write's answer was lost: a rollback reads the server (docs/rollback.md#writes-whose-answer-was-lost). */
  outcomeUnknown?: true
  /** Too large: a re-run is refused until the limit is raised (docs/kestra.md#validation-behind-a-proxy). */
  bodyRefused?: true
  /**
   * Kestra took the write but reads back other than was sent (a field it ignores), so a rollback cannot tell its
   * own write from a later edit: it leaves it, and says so (docs/guarantees.md#what-kestra-keeps).
   */
  notKept?: true
}

export type DeployStatus = 'applied' | 'nothing-to-do' | 'refused' | 'failed'

export interface DeployResult {
  /** `failed` when any resource conflicted, failed or was skipped; `refused`: nothing written (out of order). */
  status: DeployStatus
  /** One per plan resource, in plan order (orphaned resources are kept: `unchanged`). */
  resources: ResourceResult[]
  applied: number
  refusal?: string
  /** For the log and job summary: cycles between flows, markers that could not be checked or written… */
  warnings: string[]
  markedNamespaces: string[]
  /** Namespaces whose marker write lost its answer: it may name this commit, and a rollback reads it. */
  markersUnknown?: string[]
  /** The markers as read before the deploy (undefined: none), for a rollback to put back. */
  markersBefore?: ReadonlyMap<string, CommitMarker | undefined>
  /** Each marker's whole value before the deploy, as the server gave it: what a rollback puts back exactly. */
  markersHeld?: ReadonlyMap<string, unknown>
}

/**
 * What a deploy that wrote no resource still wrote: the commit markers now naming its commit (a commit that changed
 * nothing Kestra holds, or a marker the action could not trust).
 */
export function markersRecorded({
  markedNamespaces
}: Pick<DeployResult, 'markedNamespaces'>): string {
  const count = markedNamespaces.length
  return `The commit marker of ${count} namespace${count === 1 ? '' : 's'} now names this commit`
}

export const WRITTEN: ReadonlySet<ResourceOutcome> = new Set(['created', 'updated', 'deleted'])
export const NOT_APPLIED: ReadonlySet<ResourceOutcome> = new Set(['conflict', 'failed', 'skipped'])

export function deployStatus(resources: ResourceResult[]): DeployStatus {
  if (resources.some((r) => NOT_APPLIED.has(r.result))) return 'failed'
  return resources.some((r) => WRITTEN.has(r.result)) ? 'applied' : 'nothing-to-do'
}

/** `2 created, 1 updated, 4 unchanged`: written resources by outcome, the others (orphans aside) as unchanged. */
export function outcomeCounts(resources: readonly ResourceResult[]): string[] {
  const outcome = ({ change, result }: ResourceResult) =>
    isWrite(change) ? result : change.action === 'orphaned' ? undefined : 'unchanged'
  const count = (o: ResourceOutcome) => resources.filter((r) => outcome(r) === o).length
  return OUTCOMES.filter((o) => count(o) > 0).map((o) => `${count(o)} ${o}`)
}
