import * as core from '@actions/core'
import type { Finding, Severity } from '../model/finding.js'
import { findingLine } from './terminal-reporter.js'
import { palette } from './terminal-style.js'
import type { OutputName, Reporter } from './reporter.js'
import type { RunnerLog } from './runner-log.js'

export function actionReporter(log: RunnerLog): Reporter {
  let grouped = false
  return {
    info: (message) => log.info(message),
    warning: (message) => log.command('warning', {}, message),
    notice: (message) => log.command('notice', {}, message),
    group(title) {
      if (grouped) log.command('endgroup', {}, '')
      log.command('group', {}, title)
      grouped = true
    },
    endGroup(summary) {
      if (grouped) log.command('endgroup', {}, '')
      grouped = false
      if (summary) log.info(summary)
    },
    progress: () => undefined,
    annotate(findings: Finding[]) {
      const annotated = selectAnnotations(findings)
      // Past GitHub's cap on annotations, the rest are plain log lines: the log has them all.
      const shown = new Set(annotated)
      for (const finding of findings) {
        if (shown.has(finding)) continue
        log.info(`  ${findingLine(finding, palette(false)).replace(/\s*[\r\n]+\s*/g, ' ')}`)
      }
      for (const finding of annotated) {
        const { rule, file, line, endLine, column, endColumn } = finding
        // A column range only on one line, as GitHub reads it.
        const columns = (endLine === undefined || endLine === line) && column !== undefined
        const where = columns ? { col: column, endColumn } : {}
        log.command(
          finding.severity,
          { title: `kestra-gitops: ${rule}`, file, line, endLine, ...where },
          finding.message
        )
      }
    },
    setOutput: (name: OutputName, value) => core.setOutput(name, String(value)),
    async writeSummary(markdown: string) {
      if (!process.env.GITHUB_STEP_SUMMARY) return
      await core.summary.addRaw(markdown, true).write({ overwrite: true })
    }
  }
}

/** GitHub shows at most 10 annotations per type and step; the job summary holds all of them. */
const ANNOTATIONS_PER_SEVERITY = 10

function selectAnnotations(findings: Finding[]): Finding[] {
  const shown: Record<Severity, number> = { error: 0, warning: 0, notice: 0 }
  return findings.filter((f) => shown[f.severity]++ < ANNOTATIONS_PER_SEVERITY)
}
