import type { NewStatus } from '../../model/deployments-port.js'
import type { Verdict } from '../../model/verification.js'

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
