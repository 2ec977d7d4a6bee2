/**
 * `upgrade-check` judged as the validator judges `kestra-version: 2.0` (docs/upgrade.md#what-counts-as-refused):
 * through the bundled CLI, each 2.0 refusal of a flow 1.3 loads is listed, on the line `validate --kestra-version
 * 2.0` gives it an error; `--write` moves an HTTP task's `allowFailed` under `options` and writes no rewrite the
 * 2.0 judge refuses; the released cores confirm each verdict (1.3.31 loads the originals, 2.0.0 refuses each
 * one and loads the rewrite).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test-support/git-repo.js'
import { coreRequired, coreUnavailable, releasedCores } from '../../test-support/kestra-core.js'
import { runCli } from './cli/run-cli.js'

const NS = 'company.team'

const flowOf = (id: string, lines: string[]) =>
  [`id: ${id}`, `namespace: ${NS}`, ...lines, ''].join('\n')

/** Each 2.0 refusal the issue names, alone in a flow, with the line it is on. */
const REFUSALS: Record<string, { text: string; line: number; says: string }> = {
  'subflow-outputs': {
    text: flowOf('subflow-outputs', [
      'tasks:',
      '  - id: sub',
      '    type: io.kestra.plugin.core.flow.Subflow',
      `    namespace: ${NS}`,
      '    flowId: multiselect-options',
      '    outputs:',
      '      x: "{{ outputs.a }}"'
    ]),
    line: 8,
    says: "`Subflow` 'sub' has no property `outputs` on Kestra 2.0"
  },
  'multiselect-options': {
    text: flowOf('multiselect-options', [
      'inputs:',
      '  - id: pick',
      '    type: MULTISELECT',
      '    options: [a, b]',
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: hi'
    ]),
    line: 6,
    says: "Input 'pick' has no property `options` on Kestra 2.0"
  },
  'file-extension': {
    text: flowOf('file-extension', [
      'inputs:',
      '  - id: data',
      '    type: FILE',
      '    extension: .csv',
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: hi'
    ]),
    line: 6,
    says: "Input 'data' has no property `extension` on Kestra 2.0"
  },
  'read-timeout': {
    text: flowOf('read-timeout', [
      'tasks:',
      '  - id: get',
      '    type: io.kestra.plugin.core.http.Request',
      '    uri: https://example.com',
      '    options:',
      '      readTimeout: PT5S'
    ]),
    line: 8,
    says: "`Request` 'get''s `options` has no property `readTimeout`"
  },
  'boolean-output': {
    text: flowOf('boolean-output', [
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: hi',
      'outputs:',
      '  - id: done',
      '    type: BOOLEAN',
      '    value: true'
    ]),
    line: 9,
    says: 'Output type BOOLEAN: Kestra 2.0 rejects it'
  },
  'allow-failed': {
    text: flowOf('allow-failed', [
      'tasks:',
      '  - id: get',
      '    type: io.kestra.plugin.core.http.Request',
      '    uri: https://example.com',
      '    allowFailed: true # keep me',
      '  - id: fetch',
      '    type: io.kestra.plugin.core.http.Download',
      '    uri: https://example.com/a.csv',
      '    options:',
      '      followRedirects: true',
      '    allowFailed: "{{ true }}"'
    ]),
    line: 7,
    says: "`Request` 'get' has no property `allowFailed` on Kestra 2.0"
  }
}

/** Flow plugin defaults whose move onto the task gives a property 2.0 does not have: not offered. */
const DEFAULTS = flowOf('defaults', [
  'pluginDefaults:',
  '  - type: io.kestra.plugin.core.http.Request',
  '    values:',
  '      options:',
  '        readTimeout: PT5S',
  'tasks:',
  '  - id: get',
  '    type: io.kestra.plugin.core.http.Request',
  '    uri: https://example.com'
])

const fileOf = (name: string) => `${NS}/flows/${name}.yml`

describe('upgrade-check judged by the bundled 2.0 schema and rules', () => {
  it('lists each 2.0 refusal where validate --kestra-version 2.0 errs; --write writes only what that judge loads', async () => {
    const repo = createGitRepo({
      ...Object.fromEntries(
        Object.entries(REFUSALS).map(([name, { text }]) => [fileOf(name), text])
      ),
      [fileOf('defaults')]: DEFAULTS
    })
    const check = await runCli(repo.dir, ['upgrade-check'])
    expect(check.exitCode, check.stderr).toBe(1)
    const validate = await runCli(repo.dir, ['validate', '--kestra-version', '2.0'])
    for (const [name, { line, says }] of Object.entries(REFUSALS)) {
      expect(check.stdout).toContain(`${fileOf(name)}:${line}: error: ${says}`)
      expect(validate.stdout).toMatch(new RegExp(`^${fileOf(name)}:${line}:\\d+ error `, 'm'))
    }
    expect(check.stdout).not.toContain('did you mean `allowFailure`')
    expect(check.stdout).toContain('Not ready for Kestra 2.0: 7 of 7 flow(s) would not load')

    const write = await runCli(repo.dir, ['upgrade-check', '--write'])
    expect(write.stdout).not.toContain('would load now')
    const read = (name: string) => readFileSync(join(repo.dir, fileOf(name)), 'utf8')
    const allowFailed = read('allow-failed')
    expect(allowFailed).toBe(
      REFUSALS['allow-failed']!.text.replace(
        '    allowFailed: true # keep me',
        '    options:\n      allowFailed: true # keep me'
      ).replace(
        '      followRedirects: true\n    allowFailed: "{{ true }}"',
        '      followRedirects: true\n      allowFailed: "{{ true }}"'
      )
    )
    expect(read('boolean-output')).toContain('    type: BOOL\n')
    // The defaults' move would give the task `options.readTimeout`, which 2.0 refuses: left as it was.
    expect(read('defaults')).toBe(DEFAULTS)
    expect(write.stdout).toContain(`${fileOf('defaults')}:3: error:`)
    const again = await runCli(repo.dir, ['validate', '--kestra-version', '2.0'])
    for (const name of ['allow-failed', 'boolean-output']) {
      expect(again.stdout).not.toContain(fileOf(name))
    }

    const unavailable = coreUnavailable()
    if (unavailable && !coreRequired()) return
    const cores = releasedCores()
    const [one, two] = [cores.get('1.3')!, cores.get('2.0')!]
    for (const [name, { text }] of Object.entries(REFUSALS)) {
      const [before] = await one.validate(text)
      expect(before!.constraints, `core 1.3.31 on ${name}`).toBeUndefined()
      const [after] = await two.validate(text)
      expect(after!.constraints, `core 2.0.0 on ${name}`).toBeDefined()
    }
    for (const name of ['allow-failed', 'boolean-output']) {
      const [verdict] = await two.validate(read(name))
      expect(verdict!.constraints, `core 2.0.0 on the rewritten ${name}`).toBeUndefined()
    }
  }, 300_000)
})
