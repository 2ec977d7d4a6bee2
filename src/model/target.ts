import type { Mode, Settings } from './settings.js'

/**
 * Where a run sends the repository and what it may do there (docs/environments.md): the plain deploy the
 * settings describe, or a pull request's preview. Built once from the settings and the run's context by
 * config/target.ts and taken by the phases beside the settings, which never change.
 */
export interface Target {
  readonly mode: Mode
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
  /** The smoke flows, named where they are deployed. */
  readonly smokeFlows: Settings['smokeFlows']
}
