import type { EnvironmentRow, NewStatus } from '../../model/deployments-port.js'
import { escapeText, linkTarget, markdownTable } from '../../model/markdown/escape.js'
import { type Verdict, verifiedCommit, type EnvironmentHistory } from '../../model/verification.js'

interface DeployFacts {
  /** `applied`, `failed` or `refused` (a newer commit is deployed). */
  status: string
  wrote: boolean
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

export function refusal(environment: string, sha: string, history: EnvironmentHistory): string {
  const verified = verifiedCommit(history)
  const instead = verified
    ? `the commit verified there is ${verified.sha.slice(0, 7)} (deployed ${verified.createdAt}); promote that one, or deploy ${sha.slice(0, 7)} to ${environment} first`
    : `no commit is verified there yet; deploy ${sha.slice(0, 7)} to ${environment} first`
  return `Input 'require-verified-in': commit ${sha.slice(0, 7)} has no successful deployment in ${environment}, so nothing was written: ${instead}.`
}

/**
 * The job summary's table of where each commit runs (docs/environments.md#where-each-commit-runs): one row
 * per environment, its newest deployment and that deployment's latest state, time and link.
 */
export function environmentsTable(
  rows: readonly EnvironmentRow[],
  commitUrl: (sha: string) => string
): string {
  if (rows.length === 0) return ''
  const sorted = [...rows].sort((a, b) =>
    a.deployment.environment < b.deployment.environment ? -1 : 1
  )
  const latest = (row: EnvironmentRow) => row.statuses[0]
  const table = markdownTable<EnvironmentRow>(
    [
      { title: 'Environment', cell: (row) => escapeText(row.deployment.environment) },
      {
        title: 'Commit',
        cell: (row) =>
          `[\`${row.deployment.sha.slice(0, 7)}\`](${linkTarget(commitUrl(row.deployment.sha))})`
      },
      { title: 'State', cell: (row) => escapeText(latest(row)?.state ?? 'pending') },
      {
        title: 'When',
        cell: (row) => escapeText(latest(row)?.createdAt ?? row.deployment.createdAt)
      },
      {
        title: 'Link',
        cell: (row) => {
          const url = latest(row)?.environmentUrl
          return url ? `[${escapeText(url)}](${linkTarget(url)})` : ''
        }
      }
    ],
    sorted
  )
  return `### Environments\n\n${table}`
}
