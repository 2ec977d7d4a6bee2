/**
 * The bundled CLI validating without a server against the schema of the release `--kestra-version` names
 * (docs/validation-rules.md#the-schema-of-each-release): a core plugin's misspelt property is an error on its line,
 * a plugin outside the core gets no finding about its properties, and with no release named the two lines
 * decide together.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { outputsOf, runCli } from './run-cli.js'

const NS = 'company.team'
const FILE = `${NS}/flows/hello.yml`

const MISSPELT = [
  'id: hello',
  `namespace: ${NS}`,
  'tasks:',
  '  - id: greet',
  '    type: io.kestra.plugin.core.log.Log',
  '    message: hi',
  '    levl: INFO',
  ''
].join('\n')

const OUTSIDE_THE_CORE = [
  'id: hello',
  `namespace: ${NS}`,
  'tasks:',
  '  - id: run',
  '    type: io.kestra.plugin.scripts.shell.Commands',
  '    commands: [echo hi]',
  '    anyPropertyAtAll: 1',
  ''
].join('\n')

/** A 1.3 flow that 2.0 refuses for two reasons, each fixed by a rewrite to a type the flow does not name. */
const FOREACH = [
  'id: hello',
  `namespace: ${NS}`,
  'inputs:',
  '  - id: on',
  '    type: BOOLEAN',
  'tasks:',
  '  - id: each',
  '    type: io.kestra.plugin.core.flow.ForEach',
  '    values: [1, 2]',
  '    tasks:',
  '      - id: log',
  '        type: io.kestra.plugin.core.log.Log',
  '        message: "{{ taskrun.value }}"',
  ''
].join('\n')

/** 2.0.0's flow has `draft`; 1.3.31's refuses it ("Unrecognized field"). */
const DRAFT = [
  'id: hello',
  `namespace: ${NS}`,
  'draft: false',
  'tasks:',
  '  - id: greet',
  '    type: io.kestra.plugin.core.log.Log',
  '    message: hi',
  ''
].join('\n')

describe('kestra-gitops validate --kestra-version', () => {
  it.each(['1.3', '2.0', '1.3.31'])(
    'on %s, a Log with a misspelt property is an error on that line naming it and the fix',
    async (version) => {
      const repo = createGitRepo({ [FILE]: MISSPELT })
      const result = await runCli(repo.dir, ['validate', '--verbose', '--kestra-version', version])
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain(
        `${FILE}:7:5 error \`Log\` 'greet' has no property \`levl\`: did you mean \`level\`? [core-schema]`
      )
      expect(outputsOf(result.stdout).errors).toBe('1')
    }
  )

  it('gives a plugin outside the core no finding about its properties', async () => {
    const repo = createGitRepo({ [FILE]: OUTSIDE_THE_CORE })
    for (const version of [['--kestra-version', '1.3'], ['--kestra-version', '2.0'], []]) {
      const result = await runCli(repo.dir, ['validate', ...version])
      expect(result.stdout, version.join(' ')).not.toContain('core-schema')
      expect(result.exitCode, result.stdout).toBe(0)
    }
  })

  it('with no release named, what only one line refuses is a warning naming it; the named line decides', async () => {
    const repo = createGitRepo({ [FILE]: DRAFT })
    const both = await runCli(repo.dir, ['validate'])
    expect(both.stdout).toMatch(
      /hello\.yml:3:1 warning The flow has no property `draft`.*\(Kestra 1\.3 refuses it; 2\.0 accepts it/
    )
    expect(both.exitCode).toBe(0)
    const old = await runCli(repo.dir, ['validate', '--kestra-version', '1.3'])
    expect(old.stdout).toContain(`${FILE}:3:1 error The flow has no property \`draft\``)
    const current = await runCli(repo.dir, ['validate', '--kestra-version', '2.0'])
    expect(current.stdout).not.toContain('core-schema')
    expect(current.exitCode).toBe(0)
  })

  it.each(['latest', '0.19', '0.20', '1.2', '3.0', '99.0'])(
    'refuses %s, naming the value and the lines this build knows, before reading anything',
    async (value) => {
      const repo = createGitRepo({ [FILE]: MISSPELT })
      const result = await runCli(repo.dir, ['validate', '--kestra-version', value])
      expect(result.exitCode).toBe(2)
      expect(result.stderr).toContain(
        `'${value}' is not a Kestra release this build validates for; it knows the lines 1.3, 2.0`
      )
      expect(result.stdout + result.stderr).not.toMatch(/Layout|hello\.yml|Validation/)
    }
  )

  it('takes a patch version of a known line; one newer than the bundled schema leaves it what it does not know', async () => {
    const repo = createGitRepo({ [FILE]: MISSPELT })
    const older = await runCli(repo.dir, ['validate', '--kestra-version', '1.3.0'])
    expect(older.stdout).toContain(`${FILE}:7:5 error \`Log\` 'greet' has no property \`levl\``)
    for (const [value, bundled] of [
      ['1.3.40', '1.3.31'],
      ['2.0.9', '2.0.0']
    ]) {
      const result = await runCli(repo.dir, ['validate', '--kestra-version', value!])
      expect(result.stdout, value).toContain(
        `${FILE}:7:5 warning \`Log\` 'greet' has no property \`levl\`: did you mean \`level\`? (Kestra ${value} is newer than the ${bundled} schema this build carries`
      )
      expect(`${result.stdout}${result.stderr}`).toContain(
        `Kestra ${value} is newer than the ${bundled} schema this build carries for its line`
      )
    }
  })

  it('upgrade-check --write validates each rewrite with the validators of the types it writes (ForEach → Loop, BOOLEAN → BOOL)', async () => {
    // The flow names neither Loop nor BOOL: the run loads the validators its flows use, and those its rewrites
    // write before it validates them.
    const repo = createGitRepo({ [FILE]: FOREACH })
    const result = await runCli(repo.dir, ['upgrade-check', '--write'])
    expect(result.stderr).not.toContain('not loaded')
    expect(result.stdout).toContain(`${FILE}:8: fixed: \`io.kestra.plugin.core.flow.ForEach\``)
    expect(result.stdout).toContain(
      'Ready for Kestra 2.0: all 1 flow(s) would load now. 1 file(s) rewritten.'
    )
    expect(result.exitCode).toBe(0)
    const written = readFileSync(join(repo.dir, FILE), 'utf8')
    expect(written).toContain('type: io.kestra.plugin.core.flow.Loop')
    expect(written).toContain('type: BOOL\n')
    const again = await runCli(repo.dir, ['validate', '--kestra-version', '2.0'])
    expect(again.stdout).toContain('Validation passed: 0 errors')
    expect(again.exitCode).toBe(0)
  })
})
