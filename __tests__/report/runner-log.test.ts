/**
 * docs/security.md: untrusted text never becomes a workflow command. The runner's reading is the parser of
 * test-support/workflow-commands.ts (from GitHub's grammar and actions/runner); the printer is the one the
 * action writes its log with.
 */
import * as core from '@actions/core'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { credentialsFrom } from '../../src/report/redact/credentials.js'
import { OutputEdge } from '../../src/report/output-edge.js'
import { redactingReporter } from '../../src/report/redacting.js'
import { actionReporter, commandLine, runnerLog } from '../../src/report/runner-log.js'
import { MARKER, untrustedText } from '../../test-support/injected-commands.js'
import { foreignCommands, readRunnerCommands } from '../../test-support/workflow-commands.js'
import { runs } from '../../test-support/property-runs.js'
import { anyCodePoint } from '../../test-support/code-points.js'

const RUNS = Number(process.env.KGA_PROPERTY_RUNS ?? 300)
const SEED = Number(process.env.KGA_PROPERTY_SEED ?? 24_2026)

afterEach(() => vi.restoreAllMocks())

describe('the runner command parser', () => {
  it('reads commands as the runner does', () => {
    const { commands, stoppedAtEnd } = readRunnerCommands(
      [
        'plain ::error::not at the start',
        ' \u0085\u00a0::Warning file=a.yml,line=3::trimmed%0Atwo',
        'text then ##[set-output name=x;]legacy anywhere',
        '::unknown::ignored',
        '::stop-commands::tok',
        '::error::swallowed',
        '::TOK::',
        '::add-mask::after'
      ].join('\r\n')
    )
    expect(commands.map((c) => [c.name, c.properties, c.data])).toEqual([
      ['warning', { file: 'a.yml', line: '3' }, 'trimmed\ntwo'],
      ['set-output', { name: 'x' }, 'legacy anywhere'],
      ['stop-commands', {}, 'tok'],
      ['tok', {}, ''],
      ['add-mask', {}, 'after']
    ])
    expect(stoppedAtEnd).toBe(false)
    expect(readRunnerCommands('::stop-commands::x\n::error::lost').stoppedAtEnd).toBe(true)
  })

  it('tells the action’s own commands from injected ones', () => {
    expect(foreignCommands(`::warning title=t::Kestra said ${MARKER}`, MARKER)).toEqual([])
    expect(foreignCommands(`x\n::error::${MARKER}-1`, MARKER)).toHaveLength(1)
    expect(foreignCommands(`##[set-env name=A]b`, MARKER)).toHaveLength(1)
    expect(foreignCommands(`::stop-commands::q`, MARKER)).toHaveLength(1)
  })
})

describe('the printer of the runner log', () => {
  it('lets no command through from untrusted text, and keeps the action’s final error', () => {
    fc.assert(
      fc.property(untrustedText, (text) => {
        let written = ''
        const edge = new OutputEdge(credentialsFrom([]))
        const log = runnerLog(
          (chunk) => (written += chunk),
          (chunk) => edge.text(chunk)
        )
        const reporter = redactingReporter(actionReporter(log), edge)
        reporter.info(`Smoke run of a.b could not start: ${text}`)
        reporter.info(text)
        reporter.warning(text)
        reporter.group(text)
        reporter.endGroup(text)
        reporter.annotate([{ severity: 'error', file: text, line: 1, rule: text, message: text }])
        log.command('error', {}, `The deploy failed: ${text}`)
        expect(foreignCommands(written, MARKER)).toEqual([])
        const last = readRunnerCommands(written).commands.at(-1)
        expect(last?.name).toBe('error')
        expect(last?.data.startsWith('The deploy failed: ')).toBe(true)
      }),
      { numRuns: runs(RUNS * 3, 200), seed: SEED }
    )
  })

  it('prints untrusted lines verbatim inside a stop-commands block', () => {
    fc.assert(
      fc.property(untrustedText, (text) => {
        let written = ''
        runnerLog(
          (chunk) => (written += chunk),
          (chunk) => chunk
        ).info(text)
        const lines = written.replace(/\n$/, '').split('\n')
        const expected = text.split(/\r\n|\r|\n/)
        if (lines.length === expected.length) {
          expect(lines).toEqual(expected)
          return
        }
        const [stop, ...rest] = lines
        const token = /^::stop-commands::([0-9a-f]{32})$/.exec(stop!)?.[1]
        expect(token).toBeDefined()
        expect(rest).toEqual([...expected, `::${token}::`])
      }),
      { numRuns: runs(RUNS, 100), seed: SEED }
    )
  })

  it('escapes commands exactly as @actions/core does', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: anyCodePoint, maxLength: 40 }),
        fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 20 }),
        fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 20 }),
        fc.nat({ max: 999 }),
        (message, title, file, line) => {
          const written: string[] = []
          vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
            written.push(String(chunk))
            return true
          })
          core.warning(message, { title, file, startLine: line })
          vi.restoreAllMocks()
          expect(written.join('')).toBe(
            `${commandLine('warning', { title, file, line }, message)}\n`
          )
        }
      ),
      { numRuns: runs(RUNS, 100), seed: SEED }
    )
  })
})
