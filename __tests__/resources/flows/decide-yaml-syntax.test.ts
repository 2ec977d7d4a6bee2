import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { runs } from '../../../test-support/property-runs.js'
import { check, MINIMAL, rules } from './helpers.js'

describe('YAML-level rules', () => {
  it('reports a syntax error at its line', () => {
    const findings = check([
      'id: a',
      'namespace: b',
      'tasks:',
      '  - id: x',
      '    message: a: b',
      '    type: x.Y'
    ])
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({
      severity: 'error',
      rule: 'yaml-syntax',
      line: 5,
      file: 'flows/flow.yml'
    })
  })

  it('reports a duplicate key at the later occurrence', () => {
    const findings = check([...MINIMAL, '    message: again'])
    // Engine 1.3.31 and 2.0.0 refuse to save it; their validate alone keeps the last value (docs/validation-rules.md).
    expect(rules(findings)).toEqual(['error duplicate-key 7:5'])
    expect(findings[0]?.message).toContain("'message'")
    expect(findings[0]?.message).toContain('Kestra refuses to save a flow with a duplicate key')
    expect(findings[0]?.message).toContain('keeps the last value written (here, `again`)')
  })

  it('reports every document after the first on its --- line', () => {
    const findings = check([
      ...MINIMAL,
      '---',
      ...MINIMAL.map((line) => line.replace('hello', 'other'))
    ])
    expect(rules(findings)).toEqual(['error multiple-documents 7:1'])
  })

  it('ignores a trailing document separator', () => {
    expect(check([...MINIMAL, '---'])).toEqual([])
  })

  it('warns about a YAML file that is not a flow, and validates nothing else', () => {
    const findings = check(['version: 2', 'models:', '  - name: x'])
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        rule: 'not-a-flow',
        line: 1,
        message: expect.stringContaining('Not a flow (no id and no tasks): skipped, not deployed')
      })
    ])
  })

  it('turns a billion-laughs alias bomb into one finding without expanding it', () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (const [prev, name] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh', 'hi', 'ij', 'jk', 'kl']) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`)
    }
    const findings = check([...MINIMAL, ...bomb])
    expect(rules(findings)).toEqual(['error yaml-alias 8:8'])
    expect(findings[0]?.message).toContain('alias bomb')
  })

  it('reports a recursive alias', () => {
    const findings = check([...MINIMAL, 'variables: &v', '  self: *v'])
    expect(findings.map((finding) => finding.rule)).toEqual(['yaml-alias'])
    expect(findings[0]).toMatchObject({ line: 8, column: 9 })
  })

  it('reports an alias to an unknown anchor (e.g. redacted `password: **`)', () => {
    const findings = check([...MINIMAL, '    password: **'])
    expect(rules(findings)).toEqual(['error yaml-alias 7:15'])
  })

  it('follows safe aliases, so a task reused through an alias is a duplicate at the alias', () => {
    const findings = check([
      'id: a',
      'namespace: b',
      'tasks:',
      '  - &t',
      '    id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: hi',
      '  - *t'
    ])
    expect(rules(findings)).toEqual(['error duplicate-task-id 8:5'])
  })
})

describe('a key that is a sequence or a mapping', () => {
  // Core 1.3.31 and 2.0.0 run: "Illegal Flow source: YAML syntax error: Invalid structure. Check indentation and
  // ensure all fields are properly formatted. (at line N)", N the key's line, wherever the key stands (labels,
  // variables, a task's property, the top level), an alias of a collection included.
  const keys: Record<string, (indent: string) => string[]> = {
    'flow sequence': (indent) => [`${indent}? [a, b]`, `${indent}: v`],
    'flow mapping': (indent) => [`${indent}? {a: 1}`, `${indent}: v`],
    'block sequence': (indent) => [`${indent}? - a`, `${indent}  - b`, `${indent}: v`],
    'alias of a sequence': (indent) => [`${indent}*list : v`]
  }

  it('is an error on its line, at any depth of any part of the flow', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(keys)),
        fc.constantFrom('variables', 'labels', 'task', 'top'),
        fc.array(fc.constantFrom('x', 'inner', 'deep'), { maxLength: 4 }),
        fc.boolean(),
        (form, where, path, scalar) => {
          const lines = ['id: hello', 'namespace: company.team', 'list: &list [a, b]']
          const nest = (base: string): string[] =>
            path.map((name, depth) => `${base}${'  '.repeat(depth)}${name}:`)
          let indent: string
          if (where === 'top') {
            indent = ''
          } else if (where === 'task') {
            lines.push(...MINIMAL.slice(2), '    extra:', ...nest('      '))
            indent = `      ${'  '.repeat(path.length)}`
          } else {
            lines.push(`${where}:`, ...nest('  '))
            indent = `  ${'  '.repeat(path.length)}`
          }
          const line = lines.length + 1
          lines.push(...(scalar ? [`${indent}key: v`] : keys[form]!(indent)))
          if (where !== 'task') lines.push(...MINIMAL.slice(2))
          const found = check(lines).filter((finding) => finding.rule === 'yaml-syntax')
          expect(found.map((finding) => finding.line)).toEqual(scalar ? [] : [line])
        }
      ),
      { numRuns: runs(300, 25) }
    )
  })
})
