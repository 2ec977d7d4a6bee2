import { BODY_LIMIT_REMEDY, limitBeforeRerun } from '../../adapters/kestra/errors.js'
import { resourceName, isWrite } from '../../model/plan.js'
import {
  escapeText,
  escapeTextWithCode,
  markdownTable,
  type Column,
  commitText,
  shownDate
} from '../../model/markdown/escape.js'
import {
  markersRecorded,
  NOT_APPLIED,
  outcomeCounts,
  WRITTEN,
  type DeployResult,
  type ResourceResult
} from '../../model/result.js'

interface ReceiptMeta {
  commit: string
  /** ISO 8601, passed in so that the text is reproducible. */
  time: string
  server: string
  tenant: string
  /** `https://github.com/<owner>/<repo>`. */
  repositoryUrl?: string
  /** A rollback ran after this deploy: what was applied may be back as it was, and a re-run writes it again. */
  rolledBack?: boolean
}

/** Markdown for the job summary and the PR comment's "Deployed" section. */
export function renderReceipt(result: DeployResult, meta: ReceiptMeta): string {
  const target = `commit ${commitText(meta.commit, meta.repositoryUrl)} to ${escapeText(meta.server)} (tenant ${escapeText(meta.tenant)}) at ${shownDate(meta.time) ?? escapeText(meta.time)}`
  const out: string[] = []
  if (result.status === 'refused') {
    out.push(`Not deployed: ${target}. ${escapeText(result.refusal ?? '')}`)
    return finish(out, result)
  }

  const rows = result.resources.filter((r) => isWrite(r.change))
  const orphaned = result.resources.filter((r) => r.change.action === 'orphaned').length
  const summary = outcomeCounts(result.resources)
  if (orphaned > 0) summary.push(`${orphaned} orphaned (kept: delete is false)`)
  const counts = summary.length > 0 ? summary.join(', ') : 'no resources'

  if (result.status === 'nothing-to-do') {
    const recorded = result.markedNamespaces.length > 0 ? ` ${markersRecorded(result)}.` : ''
    out.push(`Nothing to change for ${target}: ${counts}.${recorded}`)
    return finish(out, result)
  }
  const verdict = result.status === 'failed' ? 'Deploy incomplete' : 'Deployed'
  out.push(`${verdict}: ${target}: ${counts}.`, '', markdownTable(COLUMNS, rows))
  if (result.status === 'failed') {
    const applied = rows.filter((r) => WRITTEN.has(r.result) || r.result === 'unchanged')
    const notApplied = rows.filter((r) => NOT_APPLIED.has(r.result))
    // A re-run alone sends these bodies again, and is refused again.
    const refused = notApplied
      .filter((r) => r.bodyRefused)
      .map((r) => escapeText(resourceName(r.change)))
    // Kestra keeps these otherwise again on a re-run: what drops them is to be found first.
    const keptOtherwise = notApplied
      .filter((r) => r.notKept)
      .map((r) => escapeText(resourceName(r.change)))
    out.push(
      '',
      `**Applied:** ${names(applied)}.`,
      `**Not applied:** ${notApplied.map((r) => `${escapeText(resourceName(r.change))} (${r.outcomeUnknown ? 'failed, its answer lost: Kestra may hold either version' : r.notKept ? 'failed: Kestra kept other than was sent' : r.result})`).join(', ')}.`,
      '',
      ...(refused.length > 0
        ? [`${limitBeforeRerun(refused, escapeTextWithCode(BODY_LIMIT_REMEDY))}.`, '']
        : []),
      ...(keptOtherwise.length > 0
        ? [
            `A re-run writes ${keptOtherwise.join(', ')} again and Kestra would keep it otherwise again: first find what drops what was sent (a field this Kestra release ignores, a proxy that rewrites bodies).`,
            ''
          ]
        : []),
      `${refused.length > 0 || keptOtherwise.length > 0 ? 'Then re-running' : 'Re-running'} the deploy ${meta.rolledBack ? RERUN_AFTER_ROLLBACK : RERUN_FINISHES}` +
        (notApplied.some((r) => r.result === 'conflict')
          ? '; conflicting resources changed on the server after the plan, so check those changes first: a re-run plans against them and overwrites them.'
          : '.')
    )
  }
  return finish(out, result)
}

const RERUN_FINISHES =
  'finishes the job: what was applied is unchanged now and is not written again'
const RERUN_AFTER_ROLLBACK =
  'plans again from the server as the rollback below left it, and writes whatever differs from this commit'

const COLUMNS: Column<ResourceResult>[] = [
  { title: 'Resource', cell: (r) => escapeText(resourceName(r.change)) },
  { title: 'Kind', cell: (r) => r.change.kind },
  { title: 'Result', cell: (r) => r.result },
  { title: 'Revision', cell: revision },
  { title: 'Details', cell: (r) => escapeTextWithCode(r.message ?? '') }
]

function finish(out: string[], result: DeployResult): string {
  if (result.warnings.length > 0) {
    out.push('', '**Warnings:**', '', ...result.warnings.map((w) => `- ${escapeText(w)}`))
  }
  return out.join('\n') + '\n'
}

function revision({ result, revision, before }: ResourceResult): string {
  if (revision === undefined && before === undefined) return ''
  if (result === 'created') return `rev ${revision}`
  if (result === 'updated') return `rev ${before} → ${revision}`
  if (result === 'deleted') return `rev ${before} → deleted`
  const now = revision ?? before
  return now === undefined ? '' : `rev ${now}`
}

function names(rows: ResourceResult[]): string {
  return rows.length === 0
    ? 'nothing'
    : rows.map((r) => escapeText(resourceName(r.change))).join(', ')
}
