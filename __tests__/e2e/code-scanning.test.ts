/**
 * Findings as SARIF for GitHub code scanning (docs/code-scanning.md), through the bundled action (`sarif-file`)
 * and the CLI (`--format sarif`): valid SARIF 2.1.0 holding each finding's file, line, column, rule, level and
 * message, as the annotations say them, redacted as every output is.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { credentialLeaks } from '../../test-support/credential-leaks.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { runAction } from '../../test-support/runner.js'
import { sarifProblems } from '../../test-support/sarif-schema.js'
import { CREDENTIALS } from '../../test-support/scenario.js'
import { runCli } from './cli/run-cli.js'

const FILE = 'company.team/flows/hello.yml'
/** An unquoted Pebble expression (line 6, quoting the password), a misspelled property (line 9). */
const FLOW = `id: hello
namespace: company.team
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: {{ '${CREDENTIALS.password}' }}
  - id: again
    type: io.kestra.plugin.core.log.Log
    mesage: hi
`

interface SarifLog {
  runs: {
    tool: { driver: { name: string; rules: { id: string }[] } }
    results: {
      ruleId: string
      level: string
      message: { text: string }
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string }
          region: { startLine: number; startColumn: number }
        }
      }[]
    }[]
  }[]
}

/** Each result as `file:line:column level rule`. */
function placed(log: SarifLog): string[] {
  return log.runs[0]!.results.map((r) => {
    const { artifactLocation, region } = r.locations[0]!.physicalLocation
    return `${artifactLocation.uri}:${region.startLine}:${region.startColumn} ${r.level} ${r.ruleId}`
  })
}

describe('SARIF for code scanning (docs/code-scanning.md)', () => {
  const repo = createGitRepo({ [FILE]: FLOW })

  it('sarif-file: valid SARIF 2.1.0 with every finding on its line, nothing of the credential', async () => {
    const result = await runAction({
      workspace: repo.dir,
      eventName: 'workflow_dispatch',
      sha: repo.head(),
      inputs: { mode: 'validate', ...CREDENTIALS }
    })
    expect(result.exitCode, result.stdout).toBe(1)
    const path = result.outputs['sarif-file']!
    expect(path.startsWith(result.runnerTemp)).toBe(true)
    const text = readFileSync(path, 'utf8')
    const log = JSON.parse(text) as SarifLog
    expect(sarifProblems(log)).toEqual([])
    expect(log.runs[0]!.tool.driver.name).toBe('kestra-gitops')
    // The annotations and the SARIF results say the same findings at the same places.
    const annotated = result.annotations
      .filter((a) => a.file)
      .map((a) => `${a.file}:${a.line} ${a.severity}`)
    const results = placed(log).map((p) => p.replace(/:\d+ (\w+) [\w-]+$/, ' $1'))
    expect(results.sort()).toEqual(annotated.sort())
    expect(placed(log)).toEqual(
      expect.arrayContaining([
        `${FILE}:6:14 error unquoted-pebble`,
        `${FILE}:9:5 error core-schema`
      ])
    )
    const messages = log.runs[0]!.results.map((r) => r.message.text)
    expect(messages.join('\n')).toContain('did you mean `message`?')
    expect(messages.join('\n')).toContain('quote the expression')
    expect(credentialLeaks(text, CREDENTIALS.password)).toEqual([])
  }, 120_000)

  it('kestra-gitops validate --format sarif prints the same document on stdout', async () => {
    const cli = await runCli(repo.dir, ['validate', '--format', 'sarif'], {
      KESTRA_PASSWORD: CREDENTIALS.password,
      KESTRA_USERNAME: CREDENTIALS.username
    })
    expect(cli.exitCode, cli.stderr).toBe(1)
    const log = JSON.parse(cli.stdout) as SarifLog
    expect(sarifProblems(log)).toEqual([])
    expect(placed(log)).toEqual(
      expect.arrayContaining([
        `${FILE}:6:14 error unquoted-pebble`,
        `${FILE}:9:5 error core-schema`
      ])
    )
    expect(credentialLeaks(cli.stdout, CREDENTIALS.password)).toEqual([])
  }, 120_000)
})
