/**
 * Every output channel of the action and the CLI, as functions of one untrusted text (a server's message,
 * a finding, a diff line): what each would write, through the output edge, in its final bytes. For the unit
 * properties; the end-to-end ones run the bundle.
 */
import { renderComment, renderSummary } from '../../../src/report/render/report.js'
import type { ReportInput } from '../../../src/report/render/input.js'
import { planJson } from '../../../src/engine/plan/plan-json.js'
import { reportText } from '../../../src/cli/report-text.js'
import type { OutputEdge } from '../../../src/report/output-edge.js'
import { redactingReporter } from '../../../src/report/redacting.js'
import { actionReporter, runnerLog } from '../../../src/report/runner-log.js'
import { terminalReporter } from '../../../src/report/terminal-reporter.js'
import { palette } from '../../../src/report/terminal-style.js'
import type { Finding } from '../../../src/model/finding.js'
import { COMMIT, mixedPlan } from '../render/fixtures.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'

export type Channel = (edge: OutputEdge, text: string) => string

function finding(message: string): Finding {
  return {
    severity: 'warning',
    file: 'company.team/flows/a.yml',
    line: 3,
    rule: 'server-warning',
    message
  }
}

/** A report whose finding, note and one diff hold the text. */
function report(text: string): ReportInput {
  const plan = mixedPlan()
  const edited = plan.resources.find((r) => r.diff !== undefined)!
  edited.diff = `${edited.diff}+  description: ${text}\n`
  return {
    mode: 'plan',
    kinds: DECIDE_KINDS,
    server: 'https://kestra.example.com',
    tenant: 'main',
    commit: COMMIT,
    findings: [finding(text)],
    plan,
    notes: [`Kestra said: ${text}`],
    repositoryUrl: 'https://github.com/octo/kestra-repo'
  }
}

/** The runner's log as the action writes it: info, warning, group, annotations. */
function runnerOutput(
  edge: OutputEdge,
  use: (reporter: ReturnType<typeof actionReporter>) => void
) {
  let written = ''
  const log = runnerLog(
    (text) => (written += text),
    (text) => edge.text(text)
  )
  use(redactingReporter(actionReporter(log), edge))
  return written
}

export const CHANNELS: Record<string, Channel> = {
  'log line': (edge, text) =>
    runnerOutput(edge, (r) => r.info(`Smoke run could not start: ${text}`)),
  warning: (edge, text) => runnerOutput(edge, (r) => r.warning(`Kestra answered 422: ${text}`)),
  'group title': (edge, text) => runnerOutput(edge, (r) => r.group(`Writes to ${text}`)),
  annotation: (edge, text) => runnerOutput(edge, (r) => r.annotate([finding(text)])),
  summary: (edge, text) => edge.text(renderSummary(edge.shown(report(text)))),
  comment: (edge, text) =>
    edge.text(renderComment({ ...edge.shown(report(text)), commentKey: 'default' })),
  'plan file': (edge, text) => {
    const { plan, ...meta } = report(text)
    const document = planJson(plan!, {
      ...meta,
      server: meta.server!,
      findings: meta.findings,
      kinds: DECIDE_KINDS
    })
    return edge.text(JSON.stringify(edge.shown(document), null, 2))
  },
  output: (edge, text) => edge.text(`https://github.com/octo/kestra-repo/pull/7#${text}`),
  'CLI text': (edge, text) => edge.text(reportText(edge.shown(report(text)), palette(true))),
  'CLI log': (edge, text) => {
    let written = ''
    const terminal = terminalReporter({
      log: (line) => (written += edge.text(line)),
      findings: (line) => (written += edge.text(line)),
      palette: palette(false),
      verbose: true
    })
    const reporter = redactingReporter(terminal, edge)
    reporter.warning(text)
    reporter.annotate([finding(text)])
    return written
  }
}
