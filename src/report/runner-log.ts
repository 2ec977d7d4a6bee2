import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import type { Finding, Severity } from '../model/finding.js'
import { findingLine } from './terminal-reporter.js'
import { palette } from './terminal-style.js'
import type { OutputName, Reporter } from './reporter.js'
import { bounded, LOG_LINE_BYTES } from './output-edge.js'

type CommandProperties = Record<string, string | number | undefined>

/**
 * The one printer of the runner's log (docs/security.md). The runner reads a command in a line starting with `::`
 * after white space, and `##[…]` anywhere (actions/runner, src/Runner.Common/ActionCommand.cs): such text is
 * printed between `::stop-commands::<token>` and `::<token>::`. Every line is cut at 4 KiB, then the last guard.
 */
interface RunnerLog {
  info(text: string): void
  /** A workflow command of the action's own, escaped as @actions/core escapes it. */
  command(name: string, properties: CommandProperties, message: string): void
}

export function runnerLog(
  write: (text: string) => void,
  guard: (text: string) => string
): RunnerLog {
  return {
    info(text) {
      const lines = text.split(/\r\n|\r|\n/).map((line) => bounded(line, LOG_LINE_BYTES))
      write(guard(`${(lines.some(readsAsCommand) ? verbatim(lines) : lines).join('\n')}\n`))
    },
    command(name, properties, message) {
      write(`${guard(commandLine(name, properties, bounded(message, LOG_LINE_BYTES)))}\n`)
    }
  }
}

/** .NET's String.TrimStart removes this white space before the runner looks for `::`. */
const LEADING_WHITE_SPACE = /^[\s\u0085]*/

function readsAsCommand(line: string): boolean {
  return line.replace(LEADING_WHITE_SPACE, '').startsWith('::') || line.includes('##[')
}

function verbatim(lines: string[]): string[] {
  let token = randomBytes(16).toString('hex')
  while (lines.some((line) => line.toLowerCase().includes(token)))
    token = randomBytes(16).toString('hex')
  return [`::stop-commands::${token}`, ...lines, `::${token}::`]
}

/**
 * `::name key=value,…::message`, as @actions/core's issueCommand writes it (src/command.ts): properties
 * with a value only; `%`, CR and LF escaped in the message, and also `:` and `,` in property values.
 */
export function commandLine(name: string, properties: CommandProperties, message: string): string {
  const pairs = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '' && value !== 0)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
  return `::${name}${pairs.length > 0 ? ` ${pairs.join(',')}` : ''}::${escapeData(message)}`
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

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
      const perSeverity: Record<Severity, number> = { error: 0, warning: 0, notice: 0 }
      const annotated = findings.filter((f) => perSeverity[f.severity]++ < ANNOTATIONS_PER_SEVERITY)
      // Past GitHub's cap on annotations, the rest are plain log lines: the log has them all.
      const shown = new Set(annotated)
      for (const finding of findings.filter((f) => !shown.has(f)))
        log.info(`  ${findingLine(finding, palette(false)).replace(/\s*[\r\n]+\s*/g, ' ')}`)
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
