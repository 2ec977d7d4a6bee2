/** GitHub deployments reduced to what a decision or report reads (docs/environments.md#environments-on-github). */
export interface DeploymentRecord {
  id: number
  sha: string
  environment: string
  transient: boolean
  /** ISO-8601. */
  createdAt: string
  /** What the deployment was created with: written by anyone who may deploy, so untrusted. */
  payload: unknown
}

export interface DeploymentStatusRecord {
  id: number
  state: string
  environmentUrl: string
  logUrl: string
  /** ISO-8601. */
  createdAt: string
}

type NewDeployment = Pick<DeploymentRecord, 'sha' | 'environment' | 'transient'> & {
  description: string
  payload: Record<string, unknown>
}

export interface NewStatus {
  state: 'in_progress' | 'success' | 'failure' | 'error' | 'inactive'
  description: string
  environmentUrl?: string
  logUrl?: string
}

export interface DeploymentReads {
  /** Newest first, at most `limit`; `environment` and `sha` filter when given. */
  deployments(
    filter: { environment?: string; sha?: string },
    limit: number
  ): Promise<DeploymentRecord[]>
  /** Newest first: every status down to the newest `success`, `failure` or `error` at least, within a bound. */
  statuses(deploymentId: number): Promise<DeploymentStatusRecord[]>
}

export interface DeploymentWrites {
  create(deployment: NewDeployment): Promise<number>
  addStatus(deploymentId: number, status: NewStatus): Promise<void>
}

export type DeploymentsPort = DeploymentReads & DeploymentWrites

export interface EnvironmentRow {
  deployment: DeploymentRecord
  /** Newest first. */
  statuses: DeploymentStatusRecord[]
}
