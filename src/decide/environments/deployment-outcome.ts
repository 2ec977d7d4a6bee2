import type { NewStatus } from '../../model/deployments-port.js'
import { type Verdict, verifiedCommit, type EnvironmentHistory } from '../../model/verification.js'

interface DeployFacts {
  /** `applied`, `failed` or `refused` (a newer commit is deployed). */
  status: string
  /** At least one flow or file was written. */
  wrote: boolean
  /** A smoke run failed. */
  smokeFailed: boolean
  /** The verdict of this commit's last deployment to the environment before this run, if any. */
  previous: Verdict | undefined
}

/**
 * The deployment's final state (docs/environments.md#environments-on-github). A run that wrote nothing
 * proved nothing new: it keeps the verdict of the commit's previous deployment there, so a re-run cannot
 * turn a failed smoke run into a verified commit.
 */
export function finalStatus(facts: DeployFacts): Pick<NewStatus, 'state' | 'description'> {
  if (facts.status === 'refused') {
    return {
      state: 'error',
      description: 'Not deployed: a newer commit is already deployed there.'
    }
  }
  if (facts.status === 'failed') {
    return { state: 'failure', description: 'Deploy incomplete: a write failed.' }
  }
  if (facts.smokeFailed) return { state: 'failure', description: 'A smoke run failed.' }
  if (!facts.wrote && facts.previous === 'failure') {
    return {
      state: 'failure',
      description: 'Nothing to write, and the last deploy of this commit here failed.'
    }
  }
  return {
    state: 'success',
    description: facts.wrote ? 'Deployed.' : 'Already deployed: nothing to write.'
  }
}

/** The refusal of an unverified commit: what is verified there instead, and what to do. */
export function refusal(environment: string, sha: string, history: EnvironmentHistory): string {
  const verified = verifiedCommit(history)
  const instead = verified
    ? `the commit verified there is ${verified.sha.slice(0, 7)} (deployed ${verified.createdAt}); promote that one, or deploy ${sha.slice(0, 7)} to ${environment} first`
    : `no commit is verified there yet; deploy ${sha.slice(0, 7)} to ${environment} first`
  return `Input 'require-verified-in': commit ${sha.slice(0, 7)} has no successful deployment in ${environment}, so nothing was written: ${instead}.`
}
