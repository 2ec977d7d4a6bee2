import { describe, expect, it } from 'vitest'
import { ProgressLine, terminalReporter } from '../../src/report/terminal-reporter.js'
import { palette } from '../../src/report/terminal-style.js'
import { cliWords } from '../../src/cli/flags.js'

const CLEAR = '\r\u001b[2K'

function clock() {
  let now = 0
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

describe('the progress line', () => {
  it('appears once work has taken a second, updates in place and is cleared for other output', () => {
    const written: string[] = []
    const time = clock()
    const line = new ProgressLine({ write: (t) => written.push(t), now: time.now })
    line.set('Loading the repository')
    line.tick()
    time.advance(999)
    line.tick()
    expect(written).toEqual([]) // quick work shows nothing
    time.advance(1)
    line.tick()
    line.set('Writing to Kestra: 3 of 10') // same work going on: the clock keeps running
    time.advance(1000)
    line.tick()
    line.clear()
    line.set('')
    time.advance(5000)
    line.tick()
    expect(written).toEqual([
      `${CLEAR}Loading the repository… 1 s`,
      `${CLEAR}Writing to Kestra: 3 of 10… 2 s`,
      CLEAR
    ])
  })

  it("shows the open phase's title, and the reporter clears it before printing", () => {
    const written: string[] = []
    const time = clock()
    const progress = new ProgressLine({ write: (t) => written.push(t), now: time.now })
    const reporter = terminalReporter({
      log: (t) => written.push(t),
      findings: (t) => written.push(t),
      palette: palette(false),
      verbose: false,
      progress
    })
    reporter.group('Reading the server')
    time.advance(2000)
    progress.tick()
    reporter.info('detail') // hidden without --verbose
    reporter.endGroup('Read 2 namespace(s)')
    expect(written).toEqual([`${CLEAR}Reading the server… 2 s`, CLEAR, 'Read 2 namespace(s)\n'])
  })
})

describe('the terminal reporter without a terminal', () => {
  it('prints summaries, warnings and (with verbose) the detail, and nothing else', () => {
    const run = (verbose: boolean) => {
      const written: string[] = []
      const reporter = terminalReporter({
        log: (t) => written.push(t),
        findings: (t) => written.push(t),
        palette: palette(false),
        verbose
      })
      reporter.info('header')
      reporter.group('Writes to a')
      reporter.progress('Writing to Kestra: 1 of 2')
      reporter.info('flow a.x: created (revision 1)')
      reporter.warning('careful')
      reporter.endGroup('a: 1 created')
      return written
    }
    expect(run(false)).toEqual(['header\n', 'warning careful\n', 'a: 1 created\n'])
    expect(run(true)).toEqual([
      'header\n',
      '  flow a.x: created (revision 1)\n',
      'warning careful\n',
      'a: 1 created\n'
    ])
  })
})

describe('CLI words', () => {
  it("names flags and environment variables instead of the action's inputs", () => {
    expect(cliWords('check the username/password or api-token inputs (and the tenant)')).toBe(
      'check KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN (and the tenant)'
    )
    expect(cliWords("the root folder 'x' does not exist; check the root input")).toBe(
      "the root folder 'x' does not exist; check --root"
    )
    expect(cliWords('is the server input the base URL of a Kestra server?')).toBe(
      'is --server (or KESTRA_URL) the base URL of a Kestra server?'
    )
    expect(cliWords('list it in the namespaces input to manage it')).toBe(
      'list it with --namespaces to manage it'
    )
    expect(cliWords('or set allow-mass-deletion: true if intended')).toBe(
      'or set --allow-mass-deletion if intended'
    )
    // A flow's own inputs are not the action's.
    const flowMessage = "Input 'when' depends on a non-existent input 'day'"
    expect(cliWords(flowMessage)).toBe(flowMessage)
  })
})
