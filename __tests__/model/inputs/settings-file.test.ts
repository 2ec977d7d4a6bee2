/**
 * The settings file (docs/inputs.md#settings-file) over its input space: every input it may set, every
 * key it may not, a bad value of each kind for each input, YAML errors and repeated keys. Whatever is wrong,
 * the error names the file and the line; whatever is right, the value is the one the input would take.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseSettings, readSettingsFile } from '../../../src/config/settings.js'
import { SettingsFileError } from '../../../src/model/errors.js'
import { ACTION_INPUTS } from '../../../src/model/inputs/action-yml.js'
import {
  defaultOf,
  fileMaySet,
  inputNames,
  parserOf,
  type InputName
} from '../../../src/model/inputs/declared.js'
import { SETTING_DEFAULTS, WORKFLOW_ONLY } from '../../../src/model/inputs/defaults.js'
import { parseSettingsFile } from '../../../src/model/inputs/settings-file.js'
import { declaredInputs } from '../../../test-support/action-yml.js'
import { runs } from '../../../test-support/property-runs.js'

const FILE = 'kestra-gitops.yml'
const SETTABLE = inputNames().filter(fileMaySet)
const FORBIDDEN = Object.keys(WORKFLOW_ONLY)

/** Values each input accepts, by what its value looks like (its usage placeholder). */
const GOOD: Record<string, string[]> = {
  VERSION: ['1.3', '2.0', '1.3.31'],
  URL: ['https://kestra.example.com', 'http://127.0.0.1:8080/kestra'],
  ID: ['main', 'team-a_1'],
  DIR: ['.', 'kestra', 'a/b'],
  NS: ['company', 'company.team'],
  KEY: ['staging', 'prod.eu_1'],
  N: ['1', '5', '30'],
  'true|false': ['true', 'false', 'True', 'FALSE'],
  GLOB: ['flows/**/*.yml', 'a/*.yaml\n!a/skip.yml'],
  MAP: ['scripts -> company.team', 'sql -> company.team:/sql'],
  'NS[,NS]': ['company.a, company.b', 'system'],
  FLOW: ['company.team.smoke', 'company.team.hello name=x']
}

/** Values no input of that look accepts. */
const BAD: Record<string, fc.Arbitrary<string>> = {
  URL: fc.constantFrom('ftp://x', 'kestra.example.com', 'https://user:pw@host', 'http://'),
  ID: fc.constantFrom('Main', '-x', 'a b', 'é'),
  DIR: fc.constantFrom('..', '../x', 'a/../../b', '/etc'),
  NS: fc.constantFrom('Company Team', 'a b', '.a', 'a!'),
  KEY: fc.constantFrom('a b', 'x--y', '-x', 'a'.repeat(65)),
  N: fc.oneof(
    fc.constantFrom('-1', '1.5', 'ten', '1e3', '0x10', '99999999999'),
    fc.string().filter((s) => !/^\s*\d+\s*$/.test(s) && s.trim() !== '')
  ),
  'true|false': fc
    .string({ minLength: 1 })
    .filter((s) => !['true', 'false'].includes(s.trim().toLowerCase()) && s.trim() !== ''),
  GLOB: fc.constantFrom('../flows/*.yml', 'a/../../x'),
  MAP: fc.constantFrom('scripts', 'scripts => ns', 'dir -> Bad NS', '../x -> ns'),
  'NS[,NS]': fc.constantFrom('Bad NS', 'a!', 'company, x y'),
  FLOW: fc.constantFrom('nodot', 'company.team.x =y', '.x')
}

function badValue(name: InputName): fc.Arbitrary<string> {
  const { placeholder } = parserOf(name)
  const bad = BAD[placeholder]
  if (bad) return bad
  // A choice: any word not among those it accepts.
  const words = placeholder.split('|')
  return fc
    .string({ minLength: 1 })
    .filter((s) => s.trim() !== '' && !words.includes(s.trim().toLowerCase()))
}

/** Good values of `name`; a layout that needs another input is left to its own test. */
function goodValues(name: InputName): string[] {
  const { placeholder } = parserOf(name)
  const values = GOOD[placeholder] ?? placeholder.split('|')
  return name === 'layout' ? values.filter((v) => v !== 'namespace' && v !== 'custom') : values
}

/** A value written in YAML: one quoted line, or a literal block for several lines. */
function yamlValue(value: string): string {
  if (!value.includes('\n')) return JSON.stringify(value)
  return `|-\n${value
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')}`
}

/** Filler the file may hold between settings: blank lines and comments. */
const filler = fc.array(fc.constantFrom('', '# a comment', '#: not a key'), { maxLength: 2 })

function thrown(run: () => unknown): SettingsFileError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsFileError)
    return error as SettingsFileError
  }
  throw new Error('expected a SettingsFileError')
}

/** A file of `entries` (name: value lines) with filler, and the line each entry starts on. */
function fileOf(
  entries: [string, string][],
  fillers: string[][]
): { text: string; lines: number[] } {
  const out: string[] = []
  const lines: number[] = []
  entries.forEach(([name, value], index) => {
    out.push(...(fillers[index] ?? []))
    lines.push(out.length + 1)
    out.push(...`${name}: ${value}`.split('\n'))
  })
  return { text: `${out.join('\n')}\n`, lines }
}

const settableEntries = fc.uniqueArray(
  fc
    .constantFrom(...SETTABLE)
    .chain((name) =>
      fc.constantFrom(...goodValues(name)).map((value) => [name, value] as [InputName, string])
    ),
  { selector: ([name]) => name, minLength: 1, maxLength: SETTABLE.length }
)

describe('the settings file', () => {
  it('sets every input it may set, each named with its line, and the input takes that value', () => {
    fc.assert(
      fc.property(settableEntries, fc.array(filler, { maxLength: 40 }), (entries, fillers) => {
        const { text, lines } = fileOf(
          entries.map(([name, value]) => [name, yamlValue(value)]),
          fillers
        )
        const file = parseSettingsFile(FILE, text)
        const fromFile = parseSettings(() => '', { file })
        const asInputs = parseSettings((name) => entries.find(([n]) => n === name)?.[1] ?? '')
        entries.forEach(([name, value], index) => {
          expect(file.values.get(name)).toEqual({ text: value, line: lines[index] })
        })
        expect(fromFile).toEqual(asInputs)
      }),
      { numRuns: runs(300, 30) }
    )
  })

  it('takes a list for an input of lines, and plain booleans and numbers as written', () => {
    const file = parseSettingsFile(
      FILE,
      'namespaces:\n  - company.a\n  - company.b\ndelete: true\nmax-deletions: 3\nsmoke-flows: [company.a.smoke]\n'
    )
    const settings = parseSettings(() => '', { file })
    expect(settings.extraNamespaces).toEqual(['company.a', 'company.b'])
    expect(settings.delete).toBe(true)
    expect(settings.maxDeletions).toBe(3)
    expect(settings.smokeFlows).toHaveLength(1)
  })

  it('refuses the mode, the credentials and the per-job inputs, on their line', () => {
    fc.assert(
      fc.property(
        settableEntries,
        fc.constantFrom(...FORBIDDEN),
        fc.nat(),
        fc.array(filler, { maxLength: 40 }),
        (entries, forbidden, at, fillers) => {
          const all: [string, string][] = entries.map(([n, v]) => [n, yamlValue(v)])
          const position = at % (all.length + 1)
          all.splice(position, 0, [forbidden, '"x"'])
          const { text, lines } = fileOf(all, fillers)
          const error = thrown(() => parseSettingsFile(FILE, text))
          expect(error.file).toBe(FILE)
          expect(error.line).toBe(lines[position])
          expect(error.message).toContain(`'${forbidden}' cannot be set here`)
          expect(error.message.startsWith(`${FILE}:${lines[position]}: `)).toBe(true)
        }
      ),
      { numRuns: runs(200, 20) }
    )
  })

  it('refuses a key that is no input, on its line', () => {
    fc.assert(
      fc.property(
        settableEntries,
        fc
          .stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/)
          .filter((key) => !(inputNames() as string[]).includes(key)),
        fc.nat(),
        (entries, unknown, at) => {
          const all: [string, string][] = entries.map(([n, v]) => [n, yamlValue(v)])
          const position = at % (all.length + 1)
          all.splice(position, 0, [unknown, 'true'])
          const { text, lines } = fileOf(all, [])
          const error = thrown(() => parseSettingsFile(FILE, text))
          expect(error.line).toBe(lines[position])
          expect(error.message).toContain(`'${unknown}' is not an input this file may set`)
        }
      ),
      { numRuns: runs(200, 20) }
    )
  })

  it('refuses a bad value of every input, of every kind, on its line, naming the input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SETTABLE).chain((name) => fc.tuple(fc.constant(name), badValue(name))),
        fc.array(filler, { maxLength: 3 }),
        ([name, value], fillers) => {
          const { text, lines } = fileOf([[name, yamlValue(value)]], fillers)
          const error = thrown(() => parseSettingsFile(FILE, text))
          expect(error.file).toBe(FILE)
          expect(error.line).toBe(lines[0])
          expect(error.message).toContain(`'${name}'`)
        }
      ),
      { numRuns: runs(500, 50) }
    )
  })

  it('refuses a mapping, a list for a one-value input, a missing value and an alias, on their line', () => {
    for (const name of SETTABLE) {
      const lines = parserOf(name).shape === 'lines'
      const cases = [
        `${name}:\n  a: 1\n`,
        `${name}:\n`,
        `${name}: ~\n`,
        `x: &a 1\n${name}: *a\n`,
        ...(lines ? [`${name}:\n  - a: 1\n`] : [`${name}: [a, b]\n`])
      ]
      for (const text of cases) {
        const error = thrown(() => parseSettingsFile(FILE, `# settings\n${text}`))
        expect(error.line, text).toBeGreaterThanOrEqual(2)
        expect(error.line, text).toBeLessThanOrEqual(text.split('\n').length)
        expect(error.message.startsWith(`${FILE}:${error.line}: `)).toBe(true)
      }
    }
  })

  it('names the line of a YAML error and of a repeated key', () => {
    fc.assert(
      fc.property(
        settableEntries,
        fc.constantFrom(
          'delete: [unclosed',
          'delete: "unclosed',
          '\tdelete: true',
          'delete: true: false',
          '  - item',
          'key: {a: 1',
          '? complex'
        ),
        fc.nat(),
        (entries, broken, at) => {
          const lines = entries.map(([n, v]) => `${n}: ${JSON.stringify(v)}`)
          const position = at % (lines.length + 1)
          lines.splice(position, 0, broken)
          const text = `${lines.join('\n')}\n`
          const error = thrown(() => parseSettingsFile(FILE, text))
          expect(error.file).toBe(FILE)
          expect(error.line).toBeGreaterThanOrEqual(1)
          expect(error.line).toBeLessThanOrEqual(lines.length + 1)
          expect(error.message.startsWith(`${FILE}:${error.line}: `)).toBe(true)
        }
      ),
      { numRuns: runs(200, 20) }
    )
    fc.assert(
      fc.property(settableEntries, fc.nat(), (entries, pick) => {
        const [name, value] = entries[pick % entries.length]!
        const lines = entries.map(([n, v]) => `${n}: ${JSON.stringify(v)}`)
        lines.push(`${name}: ${JSON.stringify(value)}`)
        const error = thrown(() => parseSettingsFile(FILE, `${lines.join('\n')}\n`))
        expect(error.line).toBe(lines.length)
        expect(error.message).toMatch(/unique/i)
      }),
      { numRuns: runs(100, 10) }
    )
  })

  it('is nothing when empty, and refuses a second document or a top level that is not a mapping', () => {
    expect(parseSettingsFile(FILE, '').values.size).toBe(0)
    expect(parseSettingsFile(FILE, '# only comments\n').values.size).toBe(0)
    expect(thrown(() => parseSettingsFile(FILE, 'delete: true\n---\nread-only: true\n')).line).toBe(
      2
    )
    expect(thrown(() => parseSettingsFile(FILE, '# x\n- delete\n')).line).toBe(2)
    expect(thrown(() => parseSettingsFile(FILE, 'just text\n')).line).toBe(1)
  })
})

describe('settings from the file and the workflow', () => {
  it('an input set in the workflow wins over the file, and the log names each override', () => {
    fc.assert(
      fc.property(settableEntries, fc.func(fc.boolean()), (entries, setInWorkflow) => {
        const file = parseSettingsFile(
          FILE,
          fileOf(
            entries.map(([n, v]) => [n, yamlValue(v)]),
            []
          ).text
        )
        const workflow = new Map(
          entries
            .filter(([name]) => setInWorkflow(name))
            .map(([name]) => [name, defaultOf(name) || goodValues(name)[0]!])
        )
        const log: string[] = []
        const settings = parseSettings((name) => workflow.get(name) ?? '', {
          file,
          log: (message) => log.push(message)
        })
        const expected = parseSettings(
          (name) => workflow.get(name) ?? entries.find(([n]) => n === name)?.[1] ?? ''
        )
        expect(settings).toEqual(expected)
        for (const [name] of entries) {
          const line = file.values.get(name)!.line
          const said = log.some((m) =>
            m.includes(`Input '${name}' from the workflow overrides ${FILE} line ${line}.`)
          )
          expect(said).toBe(workflow.has(name))
        }
      }),
      { numRuns: runs(200, 20) }
    )
  })

  it('an error of the file found only with other inputs still names the file and line', () => {
    const file = parseSettingsFile(FILE, '# x\nlayout: namespace\n')
    const error = thrown(() => parseSettings(() => '', { file }))
    expect(error.message).toMatch(/^kestra-gitops\.yml:2: .*namespace/)
  })

  it('records the settings that are not defaults and change what a deploy does, and never a credential', () => {
    const file = parseSettingsFile(
      FILE,
      'delete: true\nread-only: false\nnamespaces: [b, a]\npreview: true\nfull-plan: true\n'
    )
    const settings = parseSettings(
      (name) =>
        ({ password: 'pw-secret', 'api-token': 'tok', server: 'https://k.example.com/' })[
          name as string
        ] ?? '',
      { file }
    )
    expect(settings.recorded).toEqual({
      delete: 'true',
      namespaces: 'b\na',
      server: 'https://k.example.com'
    })
    expect(Object.isFrozen(settings)).toBe(true)
    expect(Object.isFrozen(settings.recorded)).toBe(true)
  })
})

describe('where the file is', () => {
  const repo = () => mkdtempSync(join(tmpdir(), 'kga-settings-'))

  it('is read at the root or in .github/, not both, never through a symbolic link', () => {
    const none = repo()
    expect(readSettingsFile(none)).toBeUndefined()

    const atRoot = repo()
    writeFileSync(join(atRoot, FILE), 'delete: true\n')
    expect(readSettingsFile(atRoot)!.values.get('delete')).toEqual({ text: 'true', line: 1 })

    const inGithub = repo()
    mkdirSync(join(inGithub, '.github'))
    writeFileSync(join(inGithub, '.github', FILE), '\nread-only: true\n')
    expect(readSettingsFile(inGithub)).toMatchObject({ path: `.github/${FILE}` })

    writeFileSync(join(inGithub, FILE), 'delete: true\n')
    expect(thrown(() => readSettingsFile(inGithub)).message).toContain('keep one settings file')

    const linked = repo()
    writeFileSync(join(linked, 'elsewhere.yml'), 'delete: true\n')
    symlinkSync(join(linked, 'elsewhere.yml'), join(linked, FILE))
    expect(thrown(() => readSettingsFile(linked)).message).toMatch(/^kestra-gitops\.yml:1: .*link/)
  })
})

describe('the declaration', () => {
  it('gives every input the file may set a default here and none in action.yml, so a blank one is unset', () => {
    const declared = declaredInputs()
    for (const name of inputNames()) {
      if (fileMaySet(name)) {
        expect(Object.keys(SETTING_DEFAULTS), name).toContain(name)
        expect(ACTION_INPUTS[name].default, `${name} must have no default: in action.yml`).toBe('')
        expect(declared[name]!.default, name).toBe('')
      } else {
        expect(Object.keys(SETTING_DEFAULTS), name).not.toContain(name)
      }
      expect(() => parserOf(name).parse(defaultOf(name), name)).not.toThrow()
    }
  })
})

describe('every problem of the file, in one run', () => {
  /** A settable name with one letter dropped, doubled or changed, that is no input's name. */
  const typoOf = fc
    .record({
      name: fc.constantFrom(...SETTABLE),
      at: fc.nat(),
      edit: fc.constantFrom('drop', 'double', 'change')
    })
    .map(({ name, at, edit }) => {
      const i = at % name.length
      const typed =
        edit === 'drop'
          ? name.slice(0, i) + name.slice(i + 1)
          : edit === 'double'
            ? name.slice(0, i + 1) + name.slice(i)
            : name.slice(0, i) + (name[i] === 'z' ? 'y' : 'z') + name.slice(i + 1)
      return { name, typed }
    })
    .filter(({ typed }) => !(inputNames() as string[]).includes(typed) && typed.length > 2)

  it('reports each bad key and value on its own line, a near-miss key with the key meant', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(typoOf, { minLength: 1, maxLength: 4, selector: (t) => t.typed }),
        fc
          .uniqueArray(fc.constantFrom(...SETTABLE), { maxLength: 3 })
          .chain((names) =>
            fc.tuple(fc.constant(names), fc.tuple(...names.map((name) => badValue(name))))
          ),
        (typos, [badNames, badValues]) => {
          const entries: [string, string][] = [
            ...typos.map(({ typed }): [string, string] => [typed, 'true']),
            ...badNames.map((name, i): [string, string] => [name, yamlValue(badValues[i]!)])
          ]
          const { text, lines } = fileOf(entries, [])
          const error = thrown(() => parseSettingsFile(FILE, text))
          expect(error.problems.map((p) => p.line)).toEqual(lines)
          expect(error.message.split('\n')).toHaveLength(entries.length)
          typos.forEach(({ typed }, i) => {
            const problem = error.problems[i]!
            expect(problem.detail).toMatch(
              new RegExp(
                `^'${typed}' is not an input this file may set; did you mean '[a-z-]+'\\?$`
              )
            )
            const meant = /did you mean '([a-z-]+)'/.exec(problem.detail)![1]!
            expect(SETTABLE).toContain(meant)
          })
        }
      ),
      { numRuns: runs(200, 20), seed: 20261126 }
    )
  })

  it("names the key meant for 'delet', and tells how else to set a credential", () => {
    const error = thrown(() =>
      parseSettingsFile(FILE, 'delet: true\npassword: x\nmax-deletions: many\n', (name) =>
        name === 'password' ? 'give it to the CLI in KESTRA_PASSWORD' : 'elsewhere'
      )
    )
    expect(error.message.split('\n')).toEqual([
      `${FILE}:1: 'delet' is not an input this file may set; did you mean 'delete'?`,
      `${FILE}:2: 'password' cannot be set here (credentials belong in secrets, passed by the workflow): give it to the CLI in KESTRA_PASSWORD`,
      expect.stringMatching(new RegExp(`^${FILE}:3: .*max-deletions`))
    ])
  })

  it('takes kestra-gitops.yaml as the same file, and refuses both spellings naming both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kga-settings-'))
    writeFileSync(join(dir, 'kestra-gitops.yaml'), 'require-reviewed-plan: true\n')
    expect(readSettingsFile(dir)).toMatchObject({ path: 'kestra-gitops.yaml' })
    writeFileSync(join(dir, FILE), 'delete: true\n')
    expect(thrown(() => readSettingsFile(dir)).message).toContain(
      'kestra-gitops.yml and kestra-gitops.yaml are each a settings file'
    )
  })
})
