import { type RepoClient, repoOf, pages } from './octokit.js'
import type {
  DeploymentReads,
  DeploymentRecord,
  DeploymentStatusRecord,
  DeploymentWrites
} from '../../model/deployments-port.js'
import { z } from 'zod'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import { isDeciding } from '../../model/verification.js'
import { ConfigError } from '../../model/errors.js'

/** Statuses read per deployment at most; with no deciding state among them the deployment stays pending. */
const STATUS_PAGES = 10

const deployment = z
  .object({
    id: z.int(),
    sha: z.string(),
    environment: z.string(),
    transient_environment: z.boolean().optional(),
    created_at: z.string(),
    payload: z.unknown().optional()
  })
  .transform((d): DeploymentRecord => ({
    id: d.id,
    sha: d.sha,
    environment: d.environment,
    transient: d.transient_environment === true,
    createdAt: d.created_at,
    payload: d.payload
  }))

const url = z.string().nullish()
const status = z
  .object({
    id: z.int(),
    state: z.string(),
    environment_url: url,
    log_url: url,
    target_url: url,
    created_at: z.string()
  })
  .transform((s): DeploymentStatusRecord => ({
    id: s.id,
    state: s.state,
    environmentUrl: s.environment_url ?? '',
    logUrl: s.log_url ?? s.target_url ?? '',
    createdAt: s.created_at
  }))

const DEPLOYMENTS_READ_HELP =
  "The token cannot read deployments: grant 'permissions: deployments: read' (or write) to the job."

/** Listing deployments and statuses (https://docs.github.com/rest/deployments/deployments#list-deployments). */
export function deploymentReads(client: RepoClient): DeploymentReads {
  return {
    async deployments(filter, limit) {
      try {
        const found = await pages(
          client,
          'GET /repos/{owner}/{repo}/deployments',
          deployment,
          filter,
          (found) => found.length >= limit
        )
        return found.slice(0, limit)
      } catch (error) {
        const help = isPermissionError(error) ? ` (${DEPLOYMENTS_READ_HELP})` : ''
        throw apiError(`listing deployments${help}`, error)
      }
    },
    async statuses(deploymentId) {
      try {
        // Newest first: a page that holds a deciding state ends the reading (docs/environments.md#promotion).
        return await pages(
          client,
          'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
          status,
          { deployment_id: deploymentId },
          (found, page) => page >= STATUS_PAGES || found.some((s) => isDeciding(s.state))
        )
      } catch (error) {
        throw apiError(`listing the statuses of deployment ${deploymentId}`, error)
      }
    }
  }
}

const created = z.object({ id: z.int() })

/** GitHub refuses a longer status description (422). */
const MAX_DESCRIPTION = 140

const DEPLOYMENTS_WRITE_HELP =
  "The token cannot write deployments: grant 'permissions: deployments: write' to the job (the environment and preview inputs record GitHub deployments)."

/**
 * Creating deployments (https://docs.github.com/rest/deployments/deployments#create-a-deployment) of the exact
 * commit: `auto_merge: false` (else GitHub merges the default branch in, or refuses an older SHA with 409) and
 * `required_contexts: []` (this job's own checks are still running).
 */
export function deploymentWrites(client: RepoClient): DeploymentWrites {
  const repo = repoOf(client)
  return {
    async create(deployment) {
      try {
        const response = await client.octokit.rest.repos.createDeployment({
          ...repo,
          ref: deployment.sha,
          environment: deployment.environment,
          task: 'deploy',
          auto_merge: false,
          required_contexts: [],
          transient_environment: deployment.transient,
          description: deployment.description.slice(0, MAX_DESCRIPTION),
          payload: deployment.payload
        })
        if (response.status !== 201) {
          throw apiError('creating a deployment', {
            status: response.status,
            message: 'no deployment was created'
          })
        }
        return readAnswer('POST /repos/{owner}/{repo}/deployments', created, response.data).id
      } catch (error) {
        throw writeRefusal(
          `creating a deployment of ${deployment.sha} to ${deployment.environment}`,
          error
        )
      }
    },
    async addStatus(deploymentId, status) {
      try {
        await client.octokit.rest.repos.createDeploymentStatus({
          ...repo,
          deployment_id: deploymentId,
          state: status.state,
          description: status.description.slice(0, MAX_DESCRIPTION),
          ...(status.environmentUrl && { environment_url: status.environmentUrl }),
          ...(status.logUrl && { log_url: status.logUrl })
        })
      } catch (error) {
        throw writeRefusal(`setting deployment ${deploymentId} to ${status.state}`, error)
      }
    }
  }
}

function writeRefusal(doing: string, error: unknown): Error {
  if (!isPermissionError(error) || httpStatus(error) === 404) return apiError(doing, error)
  return new ConfigError('environment', DEPLOYMENTS_WRITE_HELP)
}
