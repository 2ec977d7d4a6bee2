/**
 * Names a user writes that every JavaScript object inherits (`constructor`, `__proto__`, `toString`,
 * `hasOwnProperty`) are read as the names they are: a task type, a property, an ignore rule's character class. A
 * lookup of one in a plain table once printed `function Object() { [native code] }` as the reason Kestra 2.0 refuses
 * a task, and a `.kestraignore` with `[[:constructor:]]` stopped the run ("posix.test is not a function").
 */
import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { runCli } from './run-cli.js'

const NS = 'company.team'
const FILE = `${NS}/flows/hello.yml`
const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty']

const FLOW = [
  'id: hello',
  `namespace: ${NS}`,
  'tasks:',
  ...INHERITED.flatMap((name, index) => [`  - id: t${index}`, `    type: ${name}`]),
  '  - id: log',
  '    type: io.kestra.plugin.core.log.Log',
  '    message: hi',
  ...INHERITED.map((name) => `    ${name}: 1`),
  ''
].join('\n')

describe('names every object inherits, written by a user', () => {
  it.each([[[]], [['--kestra-version', '2.0']], [['--kestra-version', '1.3']]])(
    'are task types and properties like any other (%j)',
    async (version) => {
      const repo = createGitRepo({ [FILE]: FLOW })
      const result = await runCli(repo.dir, ['validate', ...version])
      expect(result.stdout + result.stderr).not.toMatch(/native code|\[object Object\]|is not a/)
      // Each property is one Log does not have, on its line.
      for (const [index, name] of INHERITED.entries()) {
        expect(result.stdout).toContain(
          `${FILE}:${15 + index}:5 error \`Log\` 'log' has no property \`${name}\``
        )
      }
    }
  )

  it('in an ignore rule, an unknown character class is no class, not a crash', async () => {
    const repo = createGitRepo({
      [FILE]: FLOW.split('\n')
        .slice(0, 3)
        .concat(['  - id: log', '    type: io.kestra.plugin.core.log.Log', '    message: hi', ''])
        .join('\n'),
      '.kestraignore': '[[:constructor:]]x\n[[:__proto__:]]y\n'
    })
    const result = await runCli(repo.dir, ['validate'])
    expect(result.stdout).not.toContain('is not a function')
    expect(result.stdout).toContain('Validation passed')
    expect(result.exitCode).toBe(0)
  })
})
