import {
  ROLLBACK_RECORD_KEY,
  type RollbackResult,
  type SmokeReport,
  type SmokeRun
} from '../../model/after-deploy.js'
import { escapeText, linkTarget, markdownTable } from '../../model/markdown/escape.js'

/** The smoke executions after a deploy (docs/smoke-and-rollback.md#reports). */
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
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

/**
 * The rollback for the job summary and the comment (docs/rollback.md#the-outcome): "rolled back" only
 * when everything is back as it was.
 */
export function rollbackSection(result: RollbackResult): string {
  const lines = [
    result.rolledBack === 'true'
      ? '↩️ **Rolled back**: every resource this deploy changed is back as it was before, and the deployed-commit marker too.'
      : `⚠️ **Rollback incomplete** (rolled-back: ${result.rolledBack}): ${backCount(result)}.`
  ]
  for (const left of notBack(result)) lines.push(`- ${escapeText(left)}`)
  if (result.resumable) lines.push('', escapeText(RESUME))
  const rows = [
    ...result.resources.map((r) => ({
      resource: r.item.name,
      kind: r.item.resource.kind,
      did: r.did as string,
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
  return [...lines, '', table].join('\n')
}

export function rollbackAccount(result: RollbackResult): string {
  if (result.rolledBack === 'true') {
    return 'The deploy was rolled back: every resource it changed is back as it was before, and the deployed-commit marker too.'
  }
  return [
    `The rollback is incomplete (rolled-back: ${result.rolledBack}): ${backCount(result)}.`,
    ...notBack(result).map((left) => `  ${left}`),
    ...(result.resumable ? [RESUME] : [])
  ].join('\n')
}

export function rollbackLine(done: RollbackResult): string {
  const back = done.resources.filter((r) => r.result === 'restored').length
  return done.rolledBack === 'true'
    ? `Rollback: complete (${back} resource(s) back as before).`
    : `Rollback: incomplete (rolled-back: ${done.rolledBack}; ${back} of ${done.resources.length} resource(s) back as before).`
}

function backCount(result: RollbackResult): string {
  const back = result.resources.filter((r) => r.result === 'restored').length
  return `${back} of ${result.resources.length} resource(s) are back as they were before the deploy`
}

/** What is not back, and why. */
function notBack({ resources, markers }: RollbackResult): string[] {
  return [
    ...resources.flatMap(({ result, item, message }) =>
      result === 'restored'
        ? []
        : result === 'kept'
          ? `${item.name}: kept as the server holds it, not rolled back (${message})`
          : `${item.name}: left at the deployed version (${message})`
    ),
    ...markers.flatMap(({ result, namespace, message }) =>
      result === 'restored' ? [] : `The deployed-commit marker of ${namespace} ${message}.`
    )
  ]
}

const RESUME = `Re-run the workflow to finish the rollback: its progress is recorded in the KV store of each namespace (${ROLLBACK_RECORD_KEY}).`
