import type { SmokeRun, SmokeReport } from '../../model/after-deploy.js'
import { escapeText, linkTarget, markdownTable } from '../../model/markdown/escape.js'

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
