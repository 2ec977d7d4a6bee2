import * as core from '@actions/core'
import type { Finding } from '../validate/finding.js'
import { annotationProperties, selectAnnotations } from './annotations.js'
import type { OutputName, Reporter } from './reporter.js'

/** Reports through the GitHub runner: workflow commands, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. */
export function actionReporter(): Reporter {
  return {
    info: (message) => core.info(message),
    warning: (message) => core.warning(message),
    annotate(findings: Finding[]) {
      for (const finding of selectAnnotations(findings)) {
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
    group: (title, work) => core.group(title, work),
    async writeSummary(markdown: string) {
      if (!process.env.GITHUB_STEP_SUMMARY) return
      await core.summary.addRaw(markdown, true).write({ overwrite: true })
    }
  }
}
