import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/model/errors.js'
import { parseSettings } from '../../src/config/settings.js'
import { type InputName } from '../../src/model/inputs/declared.js'

const parse = (inputs: Partial<Record<InputName, string>> = {}) =>
  parseSettings((name) => inputs[name] ?? '')

function failure(inputs: Partial<Record<InputName, string>>): string {
  try {
    parse(inputs)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('settings', () => {
  it('fills every default like the runner does', () => {
    expect(parse()).toMatchObject({
      mode: 'auto',
      server: undefined,
      tenant: 'main',
      auth: { kind: 'none' },
      root: '.',
      layout: 'auto',
      scope: 'all',
      delete: false,
      maxDeletions: 10,
      serverValidation: true,
      failOn: 'error',
      comment: true,
      commentKey: 'default',
      timeoutSeconds: 30,
      concurrency: 8
    })
  })

  it('resolves the layout and the authentication', () => {
    // `auto` is resolved with the repository (choose-layout.test.ts); an explicit layout is kept.
    expect(parse({ namespace: 'company.team' }).layout).toBe('auto')
    expect(parse({ layout: 'Anywhere' }).layout).toBe('anywhere')
    expect(parse({ username: 'u', password: 'p' }).auth).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p'
    })
    expect(parse({ username: 'u', password: 'p', 'api-token': 't' }).auth).toEqual({
      kind: 'bearer',
      token: 't'
    })
  })

  it('normalises the server URL and parses mappings and namespace lists', () => {
    const settings = parse({
      server: 'https://kestra.example.com/api/v1/',
      'namespace-files': 'scripts/ -> myns:/scripts\n# a comment\n./dbt -> myns.analytics\n',
      namespaces: 'b, a\nsystem'
    })
    expect(settings.server).toBe('https://kestra.example.com')
    expect(settings.namespaceFiles).toEqual([
      { dir: 'scripts', namespace: 'myns', prefix: '/scripts' },
      { dir: 'dbt', namespace: 'myns.analytics', prefix: '' }
    ])
    expect(settings.extraNamespaces).toEqual(['a', 'b', 'system'])
  })

  it('names the input and the accepted values for bad values', () => {
    expect(failure({ mode: 'yolo' })).toBe(
      "Input 'mode': 'yolo' is not accepted; use one of: auto, validate, plan, deploy, drift, upgrade"
    )
    expect(failure({ 'max-deletions': 'ten' })).toBe(
      "Input 'max-deletions': 'ten' is not accepted; use a whole number from 0 to 1000000"
    )
    expect(failure({ server: 'kestra.example.com' })).toMatch(
      /^Input 'server': 'kestra.example.com' is not a server URL; give the scheme/
    )
    expect(failure({ server: 'https://user:pw@kestra.example.com' })).not.toContain('pw')
    expect(failure({ 'namespace-files': 'ok -> ns\nscripts => ns' })).toMatch(
      /^Input 'namespace-files': line 2 'scripts => ns': expected exactly one '->'/
    )
    expect(failure({ 'namespace-files': '../up -> ns' })).toMatch(
      /DIR must be a folder inside root/
    )
    expect(failure({ delete: 'yes' })).toBe(
      "Input 'delete': 'yes' is not a boolean; use true or false"
    )
    expect(failure({ 'comment-key': 'a--b' })).toMatch(/^Input 'comment-key'/)
    expect(failure({ root: '../elsewhere' })).toMatch(/^Input 'root'/)
    expect(failure({ layout: 'namespace' })).toMatch(/^Input 'namespace': layout 'namespace' needs/)
    expect(failure({ layout: 'custom' })).toMatch(/^Input 'flows': layout 'custom' needs/)
  })
})
