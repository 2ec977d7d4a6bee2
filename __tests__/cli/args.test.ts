import { describe, expect, it } from 'vitest'
import { parseArgs, UsageError } from '../../src/cli/args.js'
import { cliSettings } from '../../src/cli/settings.js'

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

describe('settings of a CLI run', () => {
  it('takes credentials and the default server from the environment only', () => {
    const settings = cliSettings(parseArgs(['plan']), {
      KESTRA_URL: 'https://kestra.example.com/',
      KESTRA_USERNAME: 'me@example.com',
      KESTRA_PASSWORD: 'Pass-word-1'
    })
    expect(settings).toMatchObject({
      mode: 'plan',
      server: 'https://kestra.example.com',
      auth: { kind: 'basic', username: 'me@example.com', password: 'Pass-word-1' },
      comment: false,
      githubToken: undefined
    })
    const bearer = cliSettings(parseArgs(['plan', '--server', 'http://127.0.0.1:1']), {
      KESTRA_URL: 'https://ignored.example.com',
      KESTRA_API_TOKEN: 'tok-123456'
    })
    expect(bearer).toMatchObject({ server: 'http://127.0.0.1:1', auth: { kind: 'bearer' } })
  })

  it('names the flag or variable a bad value came from', () => {
    expect(() => cliSettings(parseArgs(['validate', '--scope', 'some']), {})).toThrow(
      "--scope: 'some' is not accepted; use one of: all, changed"
    )
    expect(() => cliSettings(parseArgs(['validate']), { KESTRA_URL: 'ftp://x' })).toThrow(
      /^KESTRA_URL: /
    )
  })
})
