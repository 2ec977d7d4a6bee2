import * as core from '@actions/core'
import type { Finding } from '../validate/finding.js'
import { annotationProperties, selectAnnotations } from './annotations.js'
import { findingLine } from './terminal-reporter.js'
import { palette } from './terminal-style.js'
import type { OutputName, Reporter } from './reporter.js'

/** Reports through the GitHub runner: workflow commands, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. */
export function actionReporter(): Reporter {
  let grouped = false
  return {
    info: (message) => core.info(message),
    warning: (message) => core.warning(message),
    group(title) {
      if (grouped) core.endGroup()
      core.startGroup(title)
      grouped = true
    },
    endGroup(summary) {
      if (grouped) core.endGroup()
      grouped = false
      if (summary) core.info(summary)
    },
    progress: () => undefined,
    annotate(findings: Finding[]) {
      const annotated = selectAnnotations(findings)
      // Past GitHub's cap on annotations, the rest are plain log lines: the log has them all. Indented
      // and on one line, so no repository or server text can start a workflow command.
      const shown = new Set(annotated)
      for (const finding of findings) {
        if (shown.has(finding)) continue
        core.info(`  ${findingLine(finding, palette(false)).replace(/\s*[\r\n]+\s*/g, ' ')}`)
      }
      for (const finding of annotated) {
        const log =
          finding.severity === 'error'
            ? core.error
            : finding.severity === 'warning'
              ? core.warning
              : core.notice
        log(finding.message, annotationProperties(finding))
      }
    },
    setOutput: (name: OutputName, value) => core.setOutput(name, String(value)),
    async writeSummary(markdown: string) {
      if (!process.env.GITHUB_STEP_SUMMARY) return
      await core.summary.addRaw(markdown, true).write({ overwrite: true })
    }
  }
}
