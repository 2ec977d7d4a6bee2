import { escapeText, linkTarget, markdownTable } from '../../model/markdown/escape.js'
import type { EnvironmentRow } from '../../model/deployments-port.js'

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
