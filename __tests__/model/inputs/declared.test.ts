import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/model/errors.js'
import { defaultOf, INPUT_PARSERS, inputNames } from '../../../src/model/inputs/declared.js'
import { parseSettings } from '../../../src/config/settings.js'
import { type InputName } from '../../../src/model/inputs/declared.js'
import { declaredInputs } from '../../../test-support/action-yml.js'
import { runs } from '../../../test-support/property-runs.js'

const settingsOf = (inputs: Partial<Record<string, string>>) =>
  parseSettings((name) => inputs[name] ?? '')

describe('inputs declared once, in action.yml', () => {
  it('reads every input action.yml declares, and only those', () => {
    const declared = Object.keys(declaredInputs())
    expect(inputNames()).toEqual(declared)
    const read: string[] = []
    parseSettings((name) => (read.push(name), ''))
    expect(read).toEqual(declared)
    const undeclared = Object.keys(INPUT_PARSERS).filter((name) => !declared.includes(name))
    expect(undeclared, 'parsers of inputs action.yml does not declare').toEqual([])
  })

  it('gives an input left blank its declared default, as the runner does', () => {
    const blank = settingsOf({})
    for (const name of inputNames()) {
      const value = defaultOf(name)
      // The runner evaluates `${{ … }}` itself and passes the value.
      if (value.includes('${{')) continue
      expect(settingsOf({ [name]: value }), `input '${name}' given '${value}'`).toEqual(blank)
    }
  })

  it('holds each input under its name in camelCase, the credentials as auth', () => {
    const camel = (name: string) => name.replace(/-(.)/g, (_dash, c: string) => c.toUpperCase())
    const reshaped: Record<string, string> = {
      username: 'auth',
      password: 'auth',
      'api-token': 'auth',
      flows: 'flowGlobs',
      namespaces: 'extraNamespaces'
    }
    const fields = Object.keys(declaredInputs()).map((name) => reshaped[name] ?? camel(name))
    // `recorded`: what a plan records of its settings (docs/comment.md#markers).
    expect(Object.keys(settingsOf({})).sort()).toEqual([...new Set([...fields, 'recorded'])].sort())
  })

  it('turns any value of one input into settings, or an error naming that input', () => {
    const names = Object.keys(declaredInputs()) as InputName[]
    // A layout names the input it cannot do without.
    const needs: Partial<Record<InputName, string[]>> = { layout: ['namespace', 'flows'] }
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.oneof(fc.string(), fc.constantFrom('true', 'FALSE', '0', '64', ' 7 ', 'plan')),
        (name, value) => {
          try {
            settingsOf({ [name]: value })
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigError)
            const input = (error as ConfigError).input
            expect([name, ...(needs[name] ?? [])]).toContain(input)
            expect((error as Error).message.startsWith(`Input '${input}': `)).toBe(true)
          }
        }
      ),
      { numRuns: runs(2000, 500) }
    )
  })

  it('takes a blank value of any input, whatever its whitespace, as its default', () => {
    const blank = settingsOf({})
    const whitespace = fc
      .array(fc.constantFrom(' ', '\t', '\n', '\r\n'), { maxLength: 6 })
      .map((parts) => parts.join(''))
    fc.assert(
      fc.property(fc.constantFrom(...inputNames()), whitespace, (name, value) => {
        expect(settingsOf({ [name]: value })).toEqual(blank)
      }),
      { numRuns: runs(500, 125) }
    )
  })
})
