import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  flagInputs,
  flagKind,
  GITHUB_ONLY,
  OWN_OPTIONS,
  parseArgs,
  UsageError,
  wantsDetailedExitCode
} from '../../src/cli/flags.js'
import { cliSettings } from '../../src/cli/settings.js'
import { runs } from '../../test-support/property-runs.js'

describe('command-line flags', () => {
  it('maps flags onto the action inputs of the same name', () => {
    const args = parseArgs([
      'plan',
      '--server=https://kestra.example.com',
      '--tenant',
      'acme',
      '--flows',
      'a/*.yml',
      '--flows=b/**/*.yaml',
      '--namespaces',
      'x.y',
      '--namespaces',
      'z',
      '--delete',
      '--no-server-validation',
      '--allow-mass-deletion=false',
      '--max-deletions',
      '3'
    ])
    expect(args.command).toBe('plan')
    expect(args.inputs).toEqual({
      server: 'https://kestra.example.com',
      tenant: 'acme',
      flows: 'a/*.yml\nb/**/*.yaml',
      namespaces: 'x.y\nz',
      delete: 'true',
      'server-validation': 'false',
      'allow-mass-deletion': 'false',
      'max-deletions': '3'
    })
  })

  it('reads output options and the base ref', () => {
    expect(parseArgs(['validate', '--json'])).toMatchObject({ format: 'json' })
    expect(parseArgs(['validate', '--format', 'markdown'])).toMatchObject({ format: 'markdown' })
    expect(parseArgs(['validate', '--no-color']).color).toBe(false)
    expect(parseArgs(['validate', '--color']).color).toBe(true)
    expect(parseArgs(['validate']).color).toBeUndefined()
    expect(parseArgs(['plan', '--base', 'origin/main']).base).toBe('origin/main')
  })

  it('treats help as a request for the usage text', () => {
    const help = parseArgs(['--help'])
    expect(help.help).toBe(true)
    expect(help.command).toBeUndefined()
    expect(parseArgs(['help'])).toMatchObject({ help: true })
    expect(parseArgs(['deploy', '-h'])).toMatchObject({ help: true, command: 'deploy' })
  })

  it('takes a value that starts with a dash after --name', () => {
    expect(parseArgs(['validate', '--namespace-files', '-weird -> a.b']).inputs).toEqual({
      'namespace-files': '-weird -> a.b'
    })
  })

  it.each([
    [['validate', '-x'], "unknown option '-x'"],
    [['validate', '--no-tenant'], "unknown option '--no-tenant'"],
    [['validate', '--api-token=abc'], 'credentials are read from the environment only'],
    [['validate', '--', 'plan'], "unexpected argument 'plan'"]
  ])('%j is refused', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError)
    expect(() => parseArgs(argv)).toThrow(message)
  })
})

describe('any command line of known flags', () => {
  const inputs = flagInputs()
  /** Any text: dashes, `=`, spaces and `--` included, as a value may hold them. */
  const value = fc.oneof(fc.string(), fc.constantFrom('--', '-x', '--delete', 'a=b', '-'))
  const flag = fc.oneof(
    fc.record({
      name: fc.constantFrom(...inputs.filter((name) => flagKind(name) !== 'switch')),
      value,
      inline: fc.boolean()
    }),
    fc.record({
      name: fc.constantFrom(...inputs.filter((name) => flagKind(name) === 'switch')),
      spelling: fc.constantFrom('bare', 'negated', 'true', 'false')
    })
  )

  it('gives each input its last value, each list all of its values in order, each switch its last word', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('validate', 'plan', 'deploy'),
        fc.array(flag),
        (command, flags) => {
          const argv: string[] = [command]
          const expected: Record<string, string> = {}
          const lists: Record<string, string[]> = {}
          for (const given of flags) {
            if ('value' in given) {
              argv.push(
                ...(given.inline
                  ? [`--${given.name}=${given.value}`]
                  : [`--${given.name}`, given.value])
              )
              if (flagKind(given.name) === 'list') (lists[given.name] ??= []).push(given.value)
              else expected[given.name] = given.value
            } else {
              argv.push(
                {
                  bare: `--${given.name}`,
                  negated: `--no-${given.name}`,
                  true: `--${given.name}=true`,
                  false: `--${given.name}=false`
                }[given.spelling]
              )
              expected[given.name] = String(given.spelling === 'bare' || given.spelling === 'true')
            }
          }
          for (const [name, values] of Object.entries(lists)) expected[name] = values.join('\n')
          const args = parseArgs(argv)
          expect(args.command).toBe(command)
          expect(args.inputs).toEqual(expected)
        }
      ),
      { numRuns: runs(500, 125) }
    )
  })

  it('refuses a value flag with no value after it, naming it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...inputs.filter((name) => flagKind(name) !== 'switch'), 'format', 'base'),
        (name) => {
          expect(() => parseArgs(['plan', `--${name}`])).toThrow(`option '--${name}' needs a value`)
        }
      )
    )
  })

  it('refuses any unknown option, naming it, wherever it stands', () => {
    const known = new Set([...inputs, ...inputs.map((name) => `no-${name}`)])
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z-]{0,20}$/),
        fc.boolean(),
        fc.boolean(),
        (name, inline, first) => {
          fc.pre(!known.has(name) && !(name in OWN_OPTIONS))
          fc.pre(!(name in GITHUB_ONLY) && !(name.replace(/^no-/, '') in GITHUB_ONLY))
          fc.pre(!['username', 'password', 'api-token', 'token'].includes(name))
          const option = inline ? [`--${name}=x`] : [`--${name}`]
          const argv = first ? [...option, 'plan'] : ['plan', '--delete', ...option]
          expect(() => parseArgs(argv)).toThrow(UsageError)
          expect(() => parseArgs(argv)).toThrow(`unknown option '--${name}'`)
        }
      ),
      { numRuns: runs(300, 75) }
    )
  })
})

describe('flags that need GitHub', () => {
  const names = Object.keys(GITHUB_ONLY) as (keyof typeof GITHUB_ONLY)[]

  it('are no flag of their own, and each says why and what to use instead', () => {
    for (const name of names) {
      expect(flagInputs()).not.toContain(name)
      // Why, then what to do instead, ending where the refusal adds its full stop.
      expect(GITHUB_ONLY[name]).toMatch(/^\S.{20,}\. .*[^.]$/)
    }
  })

  it('are refused in any spelling, wherever they stand among valid flags', () => {
    const valid = fc.constantFrom(
      ['--delete'],
      ['--server', 'http://k.test'],
      ['--verbose'],
      ['--json']
    )
    fc.assert(
      fc.property(
        fc.constantFrom('validate', 'plan', 'deploy'),
        fc.constantFrom(...names),
        fc.constantFrom('bare', 'value', 'inline', 'negated', 'false'),
        fc.array(valid, { maxLength: 3 }),
        fc.nat(3),
        (command, name, spelling, others, at) => {
          const flag = {
            bare: [`--${name}`],
            value: [`--${name}`, 'prod'],
            inline: [`--${name}=prod`],
            negated: [`--no-${name}`],
            false: [`--${name}=false`]
          }[spelling]
          const position = Math.min(at, others.length)
          const argv = [
            command,
            ...others.slice(0, position).flat(),
            ...flag,
            ...others.slice(position).flat()
          ]
          expect(() => parseArgs(argv)).toThrow(
            `--${spelling === 'negated' ? 'no-' : ''}${name} works only in GitHub Actions: ${GITHUB_ONLY[name]}.`
          )
        }
      )
    )
  })
})

describe('--version and --detailed-exitcode', () => {
  it('--version needs no command', () => {
    const args = parseArgs(['--version'])
    expect(args.version).toBe(true)
    expect(args.command).toBeUndefined()
  })

  it('--detailed-exitcode goes with plan only', () => {
    expect(parseArgs(['plan', '--detailed-exitcode']).detailedExitCode).toBe(true)
    expect(parseArgs(['plan']).detailedExitCode).toBe(false)
    for (const command of ['validate', 'deploy']) {
      expect(() => parseArgs([command, '--detailed-exitcode'])).toThrow('goes with plan')
    }
  })

  it('is seen before parsing, unless after --', () => {
    expect(wantsDetailedExitCode(['plan', '--bogus', '--detailed-exitcode'])).toBe(true)
    expect(wantsDetailedExitCode(['plan', '--detailed-exitcode=true'])).toBe(true)
    expect(wantsDetailedExitCode(['plan', '--detailed-exitcode=false'])).toBe(false)
    expect(wantsDetailedExitCode(['plan', '--', '--detailed-exitcode'])).toBe(false)
  })
})

describe('an absolute --root', () => {
  it('is taken relative to the current folder when inside it', () => {
    const root = (path: string) =>
      cliSettings(parseArgs(['validate', '--root', path]), {}, '/work/repo').root
    expect(root('/work/repo/kestra')).toBe('kestra')
    expect(root('/work/repo/a/b/')).toBe('a/b')
    expect(root('/work/repo')).toBe('.')
    expect(root('kestra')).toBe('kestra')
  })

  it('is refused outside it', () => {
    for (const path of ['/work', '/work/repo-other', '/etc/kestra', '/work/repo/../x']) {
      expect(() => cliSettings(parseArgs(['validate', '--root', path]), {}, '/work/repo')).toThrow(
        `--root: '${path}' is not inside the current folder /work/repo`
      )
    }
  })
})

describe('settings of a CLI run', () => {
  it('takes credentials and the default server from the environment only', () => {
    const settings = cliSettings(
      parseArgs(['plan']),
      {
        KESTRA_URL: 'https://kestra.example.com/',
        KESTRA_USERNAME: 'me@example.com',
        KESTRA_PASSWORD: 'Pass-word-1'
      },
      '/work'
    )
    expect(settings).toMatchObject({
      mode: 'plan',
      server: 'https://kestra.example.com',
      auth: { kind: 'basic', username: 'me@example.com', password: 'Pass-word-1' },
      comment: false,
      githubToken: undefined
    })
    const bearer = cliSettings(
      parseArgs(['plan', '--server', 'http://127.0.0.1:1']),
      {
        KESTRA_URL: 'https://ignored.example.com',
        KESTRA_API_TOKEN: 'tok-123456'
      },
      '/work'
    )
    expect(bearer).toMatchObject({ server: 'http://127.0.0.1:1', auth: { kind: 'bearer' } })
  })

  it('names the flag or variable a bad value came from', () => {
    expect(() => cliSettings(parseArgs(['validate', '--scope', 'some']), {}, '/work')).toThrow(
      "--scope: 'some' is not accepted; use one of: all, changed"
    )
    expect(() => cliSettings(parseArgs(['validate']), { KESTRA_URL: 'ftp://x' }, '/work')).toThrow(
      /^KESTRA_URL: /
    )
  })
})

describe('upgrade-check (docs/upgrade.md)', () => {
  it('takes --to and --write, and refuses them with another command', () => {
    expect(parseArgs(['upgrade-check', '--to', '2.0', '--write'])).toMatchObject({
      command: 'upgrade-check',
      to: '2.0',
      write: true
    })
    expect(() => parseArgs(['plan', '--write'])).toThrow(UsageError)
    expect(() => parseArgs(['validate', '--to', '2.0'])).toThrow('--to goes with upgrade-check')
  })
})
