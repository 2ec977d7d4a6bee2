import type { Mode, Settings } from './settings.js'

/** Where a run sends the repository and what it may do there: plain deploy or preview (docs/environments.md). */
export interface Target {
  readonly work: Work
  /** '' for none: every namespace is sent as `<prefix>.<namespace>`. */
  readonly namespacePrefix: string
  readonly disableTriggers: boolean
  readonly readOnly: boolean
  /** Namespaces managed beside the repository's and the `namespaces` input's (a preview's leftovers). */
  readonly alsoManaged: readonly string[]
  readonly delete: boolean
  readonly allowMassDeletion: boolean
  readonly allowOutOfOrder: boolean
  readonly scope: Settings['scope']
  /** The pull request's comment is written (plan) or gains the Deployed section (deploy). */
  readonly comment: boolean
  readonly requireReviewedPlan: boolean
  readonly requireVerifiedIn: string
  readonly environment: string
  /** A preview's GitHub environment, removed when the pull request closes (docs/environments.md#previews). */
  readonly transientEnvironment: boolean
  readonly smokeFlows: Settings['smokeFlows']
}

/** What a run does, decided once from its mode (docs/modes.md): phases take these fields, none asks the mode. */
export interface Work {
  /** As outputs and reports name it (never a branch of a phase). */
  readonly mode: Mode
  /**
   * Kestra is talked to: a server is set, and neither an upgrade nor a fork's pull request without credentials.
   */
  readonly server: boolean
  /** Kestra validates the flows (`server-validation`). */
  readonly serverValidation: boolean
  /** The server's state is read and a plan made against it (plan, deploy, drift). */
  readonly plan: boolean
  /** Commit markers and rollback records are read, checks and content facts stored (deploy, drift revert). */
  readonly markers: boolean
  /** Flow checks a deploy stored are reused rather than run (plan and deploy, unless `full-plan`). */
  readonly reuseChecks: boolean
  /** A plan reusing checks also takes the base commit's flows and files' summaries from what deploys stored. */
  readonly reuseBase: boolean
  /** Content facts: recorded with the markers (a deploy but a preview's), or used instead of reading (a plan). */
  readonly facts: 'record' | 'use' | undefined
  /** What is written once planned: the server (deploy), the drift watch, or the upgrade's pull request. */
  readonly writes: 'deploy' | 'drift' | 'upgrade' | undefined
  /** Why the run does less than its mode asks (a fork's pull request), for the report. */
  readonly notes: readonly string[]
}
