import type { RunContext } from '../model/context.js'
import { WRITTEN, type DeployResult } from '../model/result.js'
import type { DeploymentsPort } from '../model/deployments-port.js'
import { finalStatus, refusal } from '../decide/environments/deployment-outcome.js'
import { environmentHistory, environmentRows } from '../gather/environment-history.js'
import { environmentsTable } from '../decide/environments/environments-table.js'
import { isVerified, verdictOf, type Verdict } from '../model/verification.js'
import { ConfigError, DeployError, errorMessage } from '../model/errors.js'
import type { KestraServer } from '../kestra/api.js'
import { namespaceUrl } from '../kestra/executions.js'
import type { Target } from '../model/target.js'
import { runUrl } from './plan-mode.js'
import type { RunPorts } from './ports.js'

export interface EnvironmentRun {
  /** Records the deploy's outcome; returns the job summary's environments table ('' when unreadable). */
  finish(result: DeployResult, smokeFailed: boolean): Promise<string>
  /** The deploy stopped before or during its writes with this error. */
  fail(message: string): Promise<void>
}

/**
 * Before the first write of a deploy (docs/environments.md): `require-verified-in` refuses a commit that
 * environment has not verified, then `environment` records a GitHub deployment `in_progress`.
 */
export async function beginEnvironment(args: {
  target: Pick<Target, 'environment' | 'requireVerifiedIn' | 'transientEnvironment'>
  context: RunContext
  ports: Pick<RunPorts, 'reporter' | 'edge' | 'deployments'>
  kestra: KestraServer
  namespaces: readonly string[]
}): Promise<EnvironmentRun | undefined> {
  const { target, context, ports } = args
  if (!target.environment && !target.requireVerifiedIn) return undefined
  const github = ports.deployments
  if (!github) {
    throw new ConfigError(
      target.environment ? 'environment' : 'require-verified-in',
      'GitHub deployments need the github-token input (the default, github.token, works)'
    )
  }
  if (target.requireVerifiedIn) {
    await checkVerified(github, target.requireVerifiedIn, context.sha, ports.reporter)
  }
  if (!target.environment) return undefined
  const environment = target.environment
  const [first] = [...args.namespaces].sort()
  const environmentUrl = first ? namespaceUrl(await args.kestra.uiBase(), first) : undefined
  const logUrl = runUrl(context)
  const id = await github.create({
    sha: context.sha,
    environment,
    transient: target.transientEnvironment,
    description: ports.edge.text(`Kestra deploy of ${context.sha.slice(0, 7)}`),
    payload: {
      kestra: {
        server: args.kestra.target.server,
        tenant: args.kestra.target.tenant,
        namespaces: [...args.namespaces].sort()
      }
    }
  })
  await github.addStatus(id, {
    state: 'in_progress',
    description: 'Deploying to Kestra.',
    environmentUrl,
    logUrl
  })
  ports.reporter.info(`GitHub deployment ${id} to ${environment}: in_progress.`)
  return environmentRun({ github, environment, id, environmentUrl, logUrl, context, ports })
}

/** `require-verified-in`: the commit is refused unless that environment verified it. */
async function checkVerified(
  github: DeploymentsPort,
  environment: string,
  sha: string,
  reporter: RunPorts['reporter']
): Promise<void> {
  const history = await environmentHistory(github, environment, sha)
  if (!isVerified(history, sha)) throw new DeployError(refusal(environment, sha, history))
  reporter.info(`Commit ${sha.slice(0, 7)} is verified in ${environment}.`)
}

/** The deployment recorded `in_progress`, and how it ends: its final status and the environments table. */
function environmentRun(run: {
  github: DeploymentsPort
  environment: string
  id: number
  environmentUrl: string | undefined
  logUrl: string | undefined
  context: RunContext
  ports: Pick<RunPorts, 'reporter' | 'edge'>
}): EnvironmentRun {
  const { github, environment, id, environmentUrl, logUrl, context, ports } = run
  const status = async (state: ReturnType<typeof finalStatus>) => {
    await github.addStatus(id, {
      ...state,
      description: ports.edge.text(state.description),
      environmentUrl,
      logUrl
    })
    ports.reporter.info(`GitHub deployment ${id} to ${environment}: ${state.state}.`)
  }
  return {
    async finish(result, smokeFailed) {
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
    async fail(message) {
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
