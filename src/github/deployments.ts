import type {
  DeploymentReads,
  DeploymentRecord,
  DeploymentStatusRecord,
  DeploymentWrites
} from '../model/deployments-port.js'
import { z } from 'zod'
import { isDeciding } from '../model/verification.js'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import { repoOf, type RepoClient } from './octokit.js'
import { ConfigError } from '../model/errors.js'

const PAGE = 100
/** Statuses read per deployment at most; with no deciding state among them the deployment stays pending. */
const STATUS_PAGES = 10

const deployments = z.array(
  z
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
)

const url = z.string().nullish()
const statuses = z.array(
  z
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
)

const DEPLOYMENTS_READ_HELP =
  "The token cannot read deployments: grant 'permissions: deployments: read' (or write) to the job."

/** Listing deployments and their statuses (https://docs.github.com/rest/deployments/deployments#list-deployments). */
export function deploymentReads(client: RepoClient): DeploymentReads {
  const repo = repoOf(client)
  return {
    async deployments(filter, limit) {
      const found: DeploymentRecord[] = []
      try {
        for (let page = 1; found.length < limit; page++) {
          const { data } = await client.octokit.rest.repos.listDeployments({
            ...repo,
            ...(filter.environment !== undefined && { environment: filter.environment }),
            ...(filter.sha !== undefined && { sha: filter.sha }),
            per_page: PAGE,
            page
          })
          found.push(...readAnswer('GET /repos/{owner}/{repo}/deployments', deployments, data))
          if (data.length < PAGE) break
        }
      } catch (error) {
        if (isPermissionError(error))
          throw apiError(`listing deployments (${DEPLOYMENTS_READ_HELP})`, error)
        throw apiError('listing deployments', error)
      }
      return found.slice(0, limit)
    },
    async statuses(deploymentId) {
      const found: DeploymentStatusRecord[] = []
      try {
        // Newest first: a page that holds a deciding state ends the reading (docs/environments.md#promotion).
        for (let page = 1; page <= STATUS_PAGES; page++) {
          const { data } = await client.octokit.rest.repos.listDeploymentStatuses({
            ...repo,
            deployment_id: deploymentId,
            per_page: PAGE,
            page
          })
          const read = readAnswer(
            'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
            statuses,
            data
          )
          found.push(...read)
          if (read.length < PAGE || read.some((s) => isDeciding(s.state))) break
        }
      } catch (error) {
        throw apiError(`listing the statuses of deployment ${deploymentId}`, error)
      }
      return found
    }
  }
}

const created = z.object({ id: z.int() })

/** GitHub refuses a longer status description (422). */
const MAX_DESCRIPTION = 140

const DEPLOYMENTS_WRITE_HELP =
  "The token cannot write deployments: grant 'permissions: deployments: write' to the job (the environment and preview inputs record GitHub deployments)."

/**
 * Creating deployments and their statuses (https://docs.github.com/rest/deployments/deployments#create-a-deployment).
 * The deployment names the exact commit: `auto_merge: false` (GitHub would otherwise merge the default
 * branch into a ref behind it, or refuse an older SHA with 409) and `required_contexts: []` (this job's
 * own checks are still running while it deploys).
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
        if (isPermissionError(error) && httpStatus(error) !== 404) {
          throw new ConfigError('environment', DEPLOYMENTS_WRITE_HELP)
        }
        throw apiError(
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
        if (isPermissionError(error) && httpStatus(error) !== 404) {
          throw new ConfigError('environment', DEPLOYMENTS_WRITE_HELP)
        }
        throw apiError(`setting deployment ${deploymentId} to ${status.state}`, error)
      }
    }
  }
}
