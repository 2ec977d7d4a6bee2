import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  cliWords,
  CREDENTIAL_VARIABLES,
  flagInputs,
  flagKind,
  LOCAL_VALUES,
  parseArgs,
  usage
} from '../../src/cli/flags.js'
import { cliSettings } from '../../src/cli/settings.js'
import { defaultOf, type InputName } from '../../src/model/inputs/declared.js'
import { declaredInputs } from '../../test-support/action-yml.js'
import { runs } from '../../test-support/property-runs.js'

/** The CLI's own options, which mirror no input. */
const CLI_OPTIONS = [
  'auto-approve',
  'base',
  'to',
  'write',
  'detailed-exitcode',
  'full',
  'format',
  'json',
  'color',
  'verbose',
  'help',
  'version'
]

const oneLine = (text: string) => text.replace(/\s+/g, ' ')

/** The option's lines in --help (its flag, then the lines indented under its help), as one line. */
function optionEntry(name: string): string | undefined {
  const lines = usage().split('\n')
  const start = lines.findIndex((line) => new RegExp(`^  --${name}( |$)`).test(line))
  if (start === -1) return undefined
  const end = lines.findIndex((line, i) => i > start && !line.startsWith(' '.repeat(27)))
  return oneLine(lines.slice(start, end).join(' '))
}

describe('flags derived from action.yml', () => {
  it('has a flag for every input but the ones the CLI takes otherwise', () => {
    const declared = Object.keys(declaredInputs())
    const otherwise = ['mode', ...Object.keys(CREDENTIAL_VARIABLES), ...Object.keys(LOCAL_VALUES)]
    expect(otherwise.filter((name) => !declared.includes(name))).toEqual([])
    expect(flagInputs()).toEqual(declared.filter((name) => !otherwise.includes(name)))
  })

  it("--help shows each flag with action.yml's description and default", () => {
    for (const [name, spec] of Object.entries(declaredInputs())) {
      const entry = optionEntry(name)
      if (flagKind(name) === undefined) {
        expect(entry, `--${name}`).toBeUndefined()
        continue
      }
      expect(entry, `--${name}`).toContain(oneLine(cliWords(spec.description)))
      const fallback = name === 'server' ? '$KESTRA_URL' : defaultOf(name as InputName)
      if (fallback === '') expect(entry).not.toContain('default:')
      else expect(entry).toContain(`default: ${fallback})`)
    }
  })

  it('--full is --full-plan, in every spelling of a switch', () => {
    for (const [argv, value] of [
      [['plan', '--full'], 'true'],
      [['plan', '--full=true'], 'true'],
      [['plan', '--full=false'], 'false'],
      [['plan', '--no-full'], 'false'],
      [['plan', '--full-plan'], 'true']
    ] as const) {
      expect(parseArgs(argv).inputs['full-plan'], argv.join(' ')).toBe(value)
    }
  })

  it('--help offers only input flags and the CLI options', () => {
    const options = usage().slice(usage().indexOf('Options'), usage().indexOf('Environment'))
    const offered = [...options.matchAll(/^ {2}(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1]!)
    expect(offered.sort()).toEqual([...flagInputs(), ...CLI_OPTIONS].sort())
  })

  it('passes any flag value to the input of the same name', () => {
    const valueFlags = flagInputs().filter((name) => flagKind(name) === 'value')
    const listFlags = flagInputs().filter((name) => flagKind(name) === 'list')
    const switches = flagInputs().filter((name) => flagKind(name) === 'switch')
    fc.assert(
      fc.property(
        fc.constantFrom(...valueFlags),
        fc.constantFrom(...listFlags),
        fc.constantFrom(...switches),
        fc.string(),
        fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (value, list, toggle, text, lines, on) => {
          const argv = [
            'plan',
            `--${value}=${text}`,
            ...lines.flatMap((line) => [`--${list}`, line]),
            on ? `--${toggle}` : `--no-${toggle}`
          ]
          expect(parseArgs(argv).inputs).toEqual({
            [value]: text,
            [list]: lines.join('\n'),
            [toggle]: String(on)
          } satisfies Partial<Record<InputName, string>>)
        }
      ),
      { numRuns: runs(500, 150) }
    )
  })

  it('reads the inputs without a flag from the command, the environment or the local run', () => {
    const settings = cliSettings(
      parseArgs(['deploy']),
      { KESTRA_API_TOKEN: 'tok-123456', GITHUB_TOKEN: 'ghs_ignored' },
      '/work'
    )
    expect(settings).toMatchObject({
      mode: 'deploy',
      auth: { kind: 'bearer', token: 'tok-123456' },
      githubToken: undefined,
      comment: false,
      requireReviewedPlan: false,
      allowOutOfOrder: false,
      smokeFlows: [],
      rollback: false
    })
  })
})
