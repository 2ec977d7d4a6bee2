import type { DeploymentWrites } from '../model/deployments-port.js'
import { ConfigError } from '../model/errors.js'
import { z } from 'zod'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import type { RepoClient } from './octokit.js'

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
  const repo = { owner: client.owner, repo: client.repo }
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
