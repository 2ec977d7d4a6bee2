import { type DeployResult, WRITTEN } from '../model/result.js'
import { ConfigError, DeployError, errorMessage } from '../model/errors.js'
import type { DeploymentsPort } from '../model/deployments-port.js'
import {
  environmentsTable,
  finalStatus,
  refusal
} from '../engine/environments/deployment-outcome.js'
import { environmentHistory, environmentRows } from '../engine/snapshot/environment-reads.js'
import { isVerified, type Verdict, verdictOf } from '../model/verification.js'
import { namespaceUrl } from '../adapters/kestra/executions.js'
import { deployNamespaces } from '../engine/apply/deploy.js'
import { runUrl } from './plan.js'
import type { ApplyModeArgs } from './deploy-args.js'

/**
 * Before the first write of a deploy (docs/environments.md): `require-verified-in` refuses a commit that
 * environment has not verified, then `environment` records a GitHub deployment `in_progress`.
 */
export async function beginEnvironment(args: ApplyModeArgs) {
  const { target, context, ports } = args
  if (!target.environment && !target.requireVerifiedIn) return undefined
  const github = ports.deployments
  if (!github) {
    throw new ConfigError(
      target.environment ? 'environment' : 'require-verified-in',
      'GitHub deployments need the github-token input (the default, github.token, works)'
    )
  }
  const verifiedIn = target.requireVerifiedIn
  if (verifiedIn) {
    const history = await environmentHistory(github, verifiedIn, context.sha)
    if (!isVerified(history, context.sha)) {
      throw new DeployError(refusal(verifiedIn, context.sha, history))
    }
    ports.reporter.info(`Commit ${context.sha.slice(0, 7)} is verified in ${verifiedIn}.`)
  }
  const { environment } = target
  if (!environment) return undefined
  // Every namespace it may write to: a preview's close finds by them what Kestra does not list (docs/environments.md).
  const namespaces = deployNamespaces(args.plan, args.checked.model.managedNamespaces)
  const [first] = namespaces
  const environmentUrl = first ? namespaceUrl(await args.kestra.uiBase(), first) : undefined
  const id = await github.create({
    sha: context.sha,
    environment,
    transient: target.transientEnvironment,
    description: ports.edge.text(`Kestra deploy of ${context.sha.slice(0, 7)}`),
    payload: {
      kestra: { server: args.kestra.target.server, tenant: args.kestra.target.tenant, namespaces }
    }
  })
  const run = environmentRun({ github, environment, id, environmentUrl, context, ports })
  await run.status({ state: 'in_progress', description: 'Deploying to Kestra.' })
  return run
}

function environmentRun(
  run: Pick<ApplyModeArgs, 'context' | 'ports'> & {
    github: DeploymentsPort
    environment: string
    id: number
    environmentUrl: string | undefined
  }
) {
  const { github, environment, id, environmentUrl, context, ports } = run
  const status = async (state: ReturnType<typeof finalStatus>) => {
    await github.addStatus(id, {
      ...state,
      description: ports.edge.text(state.description),
      environmentUrl,
      logUrl: runUrl(context)
    })
    ports.reporter.info(`GitHub deployment ${id} to ${environment}: ${state.state}.`)
  }
  return {
    status,
    /** Records the deploy's outcome; returns the job summary's environments table ('' when unreadable). */
    async finish(result: DeployResult, smokeFailed: boolean): Promise<string> {
      const wrote = result.resources.some((r) => WRITTEN.has(r.result))
      try {
        const previous = wrote
          ? undefined
          : await previousVerdict(github, environment, context.sha, id)
        const outcome = finalStatus({ status: result.status, wrote, smokeFailed, previous })
        if (outcome.state !== 'success' && !wrote && previous === 'failure') {
          ports.reporter.warning(
            `GitHub deployment to ${environment} recorded as failure: ${outcome.description}`
          )
        }
        await status(outcome)
      } catch (error) {
        ports.reporter.warning(
          `The GitHub deployment to ${environment} could not be completed: ${errorMessage(error)}`
        )
      }
      try {
        return environmentsTable(
          await environmentRows(github),
          (sha) => `${context.serverUrl}/${context.owner}/${context.repo}/commit/${sha}`
        )
      } catch (error) {
        ports.reporter.warning(`The environments table could not be read: ${errorMessage(error)}`)
        return ''
      }
    },
    async fail(message: string): Promise<void> {
      try {
        await status({ state: 'failure', description: `Not deployed: ${message}` })
      } catch (error) {
        ports.reporter.warning(
          `The GitHub deployment to ${environment} could not be marked failed: ${errorMessage(error)}`
        )
      }
    }
  }
}

/** The verdict of the commit's newest earlier deployment to the environment that came to one. */
async function previousVerdict(
  github: DeploymentsPort,
  environment: string,
  sha: string,
  current: number
): Promise<Verdict | undefined> {
  for (const deployment of await github.deployments({ environment, sha }, 10)) {
    if (deployment.id === current) continue
    const verdict = verdictOf(await github.statuses(deployment.id))
    if (verdict !== 'pending') return verdict
  }
  return undefined
}
