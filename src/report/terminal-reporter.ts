import type { Finding, Severity } from '../model/finding.js'
import type { OutputName, Reporter } from './reporter.js'
import { inert, type Palette } from './terminal-style.js'

interface TerminalReporterOptions {
  log(text: string): void
  /** Findings, one per line: stdout when they are the result, stderr when another format is. */
  findings(text: string): void
  palette: Palette
  /** Also print the lines inside each phase (per-resource results, retries), not only its summary. */
  verbose: boolean
  /** On a terminal: says what is under way when it takes a while. */
  progress?: ProgressLine
}

export interface TerminalReporter extends Reporter {
  outputs(): Partial<Record<OutputName, string>>
}

/** Phases print their summary line only (detail with `verbose`); the progress line is cleared before output. */
export function terminalReporter(options: TerminalReporterOptions): TerminalReporter {
  const { palette: p, progress } = options
  const outputs: Partial<Record<OutputName, string>> = {}
  const log = (text: string) => {
    progress?.clear()
    options.log(text)
  }
  let grouped = false
  return {
    info(message) {
      if (!grouped) log(`${inert(message)}\n`)
      else if (options.verbose) log(`  ${inert(message)}\n`)
    },
    warning: (message) => log(`${p.yellow('warning')} ${inert(message)}\n`),
    notice: (message) => log(`notice ${inert(message)}\n`),
    group(title) {
      grouped = true
      progress?.set(title)
    },
    endGroup(summary) {
      grouped = false
      progress?.set('')
      if (summary) log(`${inert(summary)}\n`)
    },
    progress: (text) => progress?.set(text),
    annotate(findings) {
      progress?.clear()
      for (const finding of findings) options.findings(`${findingLine(finding, p)}\n`)
    },
    setOutput(name, value) {
      outputs[name] = String(value)
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
  const where = finding.file === '' ? 'kestra (server only)' : `${inert(finding.file)}:${position}`
  return `${p.bold(where)} ${severity} ${inert(finding.message)} ${p.dim(`[${finding.rule}]`)}`
}

export function outputLines(outputs: Partial<Record<OutputName, string>>, p: Palette): string {
  const entries = Object.entries(outputs)
  const width = Math.max(0, ...entries.map(([name]) => name.length))
  return entries
    .map(([name, value]) => `${p.dim(`${name}:`.padEnd(width + 1))} ${value}\n`)
    .join('')
}

const CLEAR_LINE = '\r\u001b[2K'

/** What is under way once it takes over a second, rewritten in place: `Reading the server… 3 s`. */
export class ProgressLine {
  private text = ''
  private since = 0
  private shown = false

  constructor(private readonly options: { write(text: string): void; now(): number }) {}

  /** What is under way now; '' when nothing is. The clock starts when something starts. */
  set(text: string): void {
    if (!text) this.clear()
    else if (!this.text) this.since = this.options.now()
    this.text = text
  }

  tick(): void {
    if (!this.text) return
    const elapsed = this.options.now() - this.since
    if (elapsed < 1000) return
    this.options.write(`${CLEAR_LINE}${this.text}… ${Math.floor(elapsed / 1000)} s`)
    this.shown = true
  }

  /** Removes the line (before other output); the next tick draws it again. */
  clear(): void {
    if (this.shown) this.options.write(CLEAR_LINE)
    this.shown = false
  }
}
