import type { RollbackResult } from '../deploy/rollback.js'
import type { SmokeReport, SmokeRun } from '../deploy/smoke.js'
import { resourceName } from '../plan/types.js'
import { escapeText, linkTarget } from './escape.js'

/** The smoke executions after a deploy (SPEC §11): flow, execution with its UI link, final state, duration. */
export function smokeSection(report: SmokeReport): string {
  const failed = report.runs.filter((r) => r.verdict !== 'passed').length
  const verdict = report.passed
    ? `✅ **Smoke runs passed** (${report.runs.length})`
    : `❌ **Smoke runs failed** (${failed} of ${report.runs.length})`
  return [
    verdict,
    '',
    '| Flow | Execution | State | Duration | Details |',
    '|---|---|---|---|---|',
    ...report.runs.map(
      (run) =>
        `| ${escapeText(`${run.flow.namespace}.${run.flow.id}`)} | ${executionCell(run)} | ${stateCell(run)} | ${run.durationMs === undefined ? '' : formatDuration(run.durationMs)} | ${escapeText(run.message ?? '')} |`
    )
  ].join('\n')
}

/** Each restored resource after a rollback, in the order restored, and the commit markers put back. */
export function rollbackSection(result: RollbackResult): string {
  const heading = result.complete
    ? '↩️ **Rolled back**: every resource this deploy changed is back as it was before.'
    : '⚠️ **Rolled back in part**: some resources could not be put back (see below).'
  return [
    heading,
    '',
    '| Resource | Kind | Deploy did | Rollback | Details |',
    '|---|---|---|---|---|',
    ...result.resources.map(
      (r) =>
        `| ${escapeText(resourceName(r.deployed.change))} | ${r.deployed.change.kind} | ${r.deployed.result} | ${r.result} | ${escapeText(r.message)} |`
    ),
    ...result.markers.map(
      (m) =>
        `| ${escapeText(m.namespace)} | commit marker | written | ${m.result} | ${escapeText(m.message)} |`
    )
  ].join('\n')
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
