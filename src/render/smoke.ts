import type { RollbackResult } from '../deploy/rollback.js'
import type { SmokeReport, SmokeRun } from '../deploy/smoke.js'
import { resourceName } from '../plan/types.js'
import { escapeText, linkTarget } from './escape.js'
import { markdownTable } from './table.js'

/**
 * The smoke executions after a deploy (docs/smoke-and-rollback.md#reports): flow, execution with its UI
 * link, final state, duration.
 */
export function smokeSection(report: SmokeReport): string {
  const failed = report.runs.filter((r) => r.verdict !== 'passed').length
  const verdict = report.passed
    ? `✅ **Smoke runs passed** (${report.runs.length})`
    : `❌ **Smoke runs failed** (${failed} of ${report.runs.length})`
  const table = markdownTable<SmokeRun>(
    [
      { title: 'Flow', cell: (run) => escapeText(`${run.flow.namespace}.${run.flow.id}`) },
      { title: 'Execution', cell: executionCell },
      { title: 'State', cell: stateCell },
      {
        title: 'Duration',
        cell: (run) => (run.durationMs === undefined ? '' : formatDuration(run.durationMs))
      },
      { title: 'Details', cell: (run) => escapeText(run.message ?? '') }
    ],
    report.runs
  )
  return `${verdict}\n\n${table}`
}

/** Each restored resource after a rollback, in the order restored, and the commit markers put back. */
export function rollbackSection(result: RollbackResult): string {
  const heading = result.complete
    ? '↩️ **Rolled back**: every resource this deploy changed is back as it was before.'
    : '⚠️ **Rolled back in part**: some resources could not be put back (see below).'
  const rows = [
    ...result.resources.map((r) => ({
      resource: resourceName(r.deployed.change),
      kind: r.deployed.change.kind as string,
      did: r.deployed.result as string,
      result: r.result as string,
      message: r.message
    })),
    ...result.markers.map((m) => ({
      resource: m.namespace,
      kind: 'commit marker',
      did: 'written',
      result: m.result as string,
      message: m.message
    }))
  ]
  const table = markdownTable<(typeof rows)[number]>(
    [
      { title: 'Resource', cell: (row) => escapeText(row.resource) },
      { title: 'Kind', cell: (row) => row.kind },
      { title: 'Deploy did', cell: (row) => row.did },
      { title: 'Rollback', cell: (row) => row.result },
      { title: 'Details', cell: (row) => escapeText(row.message) }
    ],
    rows
  )
  return `${heading}\n\n${table}`
}

function executionCell(run: SmokeRun): string {
  if (!run.executionId) return 'not started'
  const id = escapeText(run.executionId)
  return run.url ? `[${id}](${linkTarget(run.url)})` : id
}

function stateCell(run: SmokeRun): string {
  const state = escapeText(run.state ?? 'unknown')
  if (run.verdict === 'timed-out') return `⏱️ ${state} (timed out)`
  return run.verdict === 'passed' ? `✅ ${state}` : `❌ ${state}`
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`
}
