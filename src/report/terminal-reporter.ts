import type { Finding, Severity } from '../validate/finding.js'
import type { OutputName, Reporter } from './reporter.js'
import { inert, type Palette } from './terminal-style.js'

export interface TerminalReporterOptions {
  /** Progress and warnings (stderr). */
  log(text: string): void
  /** Findings, one per line: stdout when they are the result, stderr when another format is. */
  findings(text: string): void
  palette: Palette
}

/** A reporter for a terminal; keeps the outputs for printing at the end. */
export interface TerminalReporter extends Reporter {
  /** Outputs in the order they were first set. */
  outputs(): Partial<Record<OutputName, string>>
}

export function terminalReporter(options: TerminalReporterOptions): TerminalReporter {
  const { palette: p } = options
  const outputs: Partial<Record<OutputName, string>> = {}
  return {
    info: (message) => options.log(`${inert(message)}\n`),
    warning: (message) => options.log(`${p.yellow('warning')} ${inert(message)}\n`),
    annotate(findings) {
      for (const finding of findings) options.findings(`${findingLine(finding, p)}\n`)
    },
    setOutput(name, value) {
      outputs[name] = String(value)
    },
    group(title, work) {
      options.log(`${p.bold(inert(title))}\n`)
      return work()
    },
    // The job summary is for GitHub; the CLI prints its own rendering of the same report.
    writeSummary: async () => undefined,
    outputs: () => ({ ...outputs })
  }
}

const SEVERITY_STYLE: Record<Severity, keyof Palette> = {
  error: 'red',
  warning: 'yellow',
  notice: 'blue'
}

/** `file:line:col severity message [rule]`, the shape editors and CI log parsers recognise. */
export function findingLine(finding: Finding, p: Palette): string {
  const position = `${finding.line}${finding.column === undefined ? '' : `:${finding.column}`}`
  const severity = p[SEVERITY_STYLE[finding.severity]](finding.severity)
  return `${p.bold(`${inert(finding.file)}:${position}`)} ${severity} ${inert(finding.message)} ${p.dim(`[${finding.rule}]`)}`
}

/** The outputs as `name: value` lines, as the action would set them. */
export function outputLines(outputs: Partial<Record<OutputName, string>>, p: Palette): string {
  const entries = Object.entries(outputs)
  const width = Math.max(0, ...entries.map(([name]) => name.length))
  return entries
    .map(([name, value]) => `${p.dim(`${name}:`.padEnd(width + 1))} ${value}\n`)
    .join('')
}
