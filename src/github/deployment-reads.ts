import type {
  DeploymentReads,
  DeploymentRecord,
  DeploymentStatusRecord
} from '../model/deployments-port.js'
import { z } from 'zod'
import { isDeciding } from '../model/verification.js'
import { apiError, isPermissionError, readAnswer } from './errors.js'
import type { RepoClient } from './octokit.js'

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
  const repo = { owner: client.owner, repo: client.repo }
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
