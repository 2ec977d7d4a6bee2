import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateRepo } from '../../scripts/bench/synthetic-repo.js'
import { parseFastYaml } from '../../src/repo/fast-yaml.js'
import { normaliseSource, parseFlowFile } from '../../src/repo/flow-file.js'
import type { FlowFile } from '../../src/repo/model.js'
import { validateRepository } from '../../src/validate/index.js'
import { CORPUS_DIR, CORPUS_PRESENT } from '../../test-support/corpus.js'
import { model } from '../validate/helpers.js'
import { firstDifference, parseWithYaml } from './yaml-diff.js'

/** Undefined when the fast path bailed out or built exactly what yaml builds; else the difference. */
function differenceFromYaml(source: string): string | undefined {
  const fast = parseFastYaml(source)
  return fast && firstDifference(parseWithYaml(source), fast)
}

const TAKEN: Record<string, string> = {
  'block literal': 'a: |\n  x\n  y\n\n  z\nb: 1\n',
  'block literal, strip': 'a: |-\n  x\n\n\nb: 1\n',
  'block folded with more-indented lines': 'a: >\n  x\n  y\n\n  z\n    more\n  w\nb: 1\n',
  'block folded, strip, at the end without newline': 'a: >-\n  folded\n  text',
  'block scalar with leading and whitespace-only lines': 'a: |\n\n  x\n      \n  y\nb: 1\n',
  'block scalar in a sequence': 'a:\n  - |\n    x\n    \n    y\n  - z\n',
  'multi-line plain': 'a: multi\n  line  \n\n  plain\n',
  'quotes and escapes': `a: 'it''s'\nb: "q\\"x\\n\\u00e9\\\\"\nc: ''\nd: ""\ne: '  spaced  '\n`,
  nulls: 'a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: nULL\ng:   \n',
  numbers:
    'n: [010, 0o17, 0x1F, 1e3, .5, +1, -.inf, .NaN, 1.50, -0, 12345678901234567890, 0x, 1.]\n',
  'booleans (yes/no are strings in 1.2)': 'b: [true, True, TRUE, tRUE, yes, no, on, off, y, n]\n',
  'keys that are not strings': '1: a\n2.5: b\ntrue: c\n~: d\n0x1F: e\n',
  'dates stay strings': 'a: 2001-12-14\nb: 0b101\n',
  'comments before the document': '# one\n# two\n\n# three\nid: a\n',
  'comment right before the first key': '# top\nid: a\n',
  'comments at the end': 'id: a\n\n# end\n\n',
  'trailing comments after values': `a: x # c\nb: 'x'   # d\nc: [x] # e\nd: x#not a comment\n`,
  'comment after a key': 'tasks: # the tasks\n  - id: a\n',
  'comment lines between and after items': [
    'tasks:',
    '  # before',
    '  - id: a',
    '    type: b',
    '      # deeper',
    '    # same',
    '  # trailing',
    '# zero',
    '',
    'next: 1',
    '  # indented after a root value',
    'last: x'
  ].join('\n'),
  'comments after empty values': 'a: # c\nb:\n  # d\nc:\n# e\n\nd: 1\n',
  'comments around block scalars':
    'a:\n  b: |\n    x\n    # in scalar\n  # after\n      # deeper\n  c: y\n',
  'blank and whitespace-only lines': 'a: 1\n  \n\nb:\n  - c\n    \n  - d\n',
  'flow collections': `l: [ a, b ]\nm: { k: v, k2: [ x ] }\nn: ["x", 'y', [1, [2]], {a: b}]\ne: []\nf: { }\n`,
  'sequence at the parent indentation': 'a:\n- b\n- c\nd: e\n',
  'root sequence and compact maps': '-   a\n-   b: 1\n    c: 2\n',
  'quoted and spaced keys': `key with spaces: v\n"quoted key": v\n'single': v\n`,
  unicode: 'kéy: ünicode 😀\n'
}

const BAILS: Record<string, string> = {
  'anchor and alias': 'a: &x 1\nb: *x\n',
  'alias to nothing': 'a: *x\n',
  'merge key': 'a: {x: 1}\nb:\n  <<: {y: 2}\n',
  'explicit tag': 'a: !!str 1\n',
  'local tag': 'a: !custom 1\n',
  directive: '%YAML 1.2\n---\na: 1\n',
  'document start marker': '---\na: 1\n',
  'document end marker': 'a: 1\n...\n',
  'two documents': 'a: 1\n---\nb: 2\n',
  'complex key': '? a\n: b\n',
  'duplicate key': 'a: 1\na: 2\n',
  'duplicate key by value': 'true: a\nTrue: b\n',
  'duplicate number key': '010: a\n10: b\n',
  'duplicate quoted key': "a: 1\n'a': 2\n",
  'nested map on one line': 'a: b: c\n',
  tab: 'a:\tb\n',
  'unterminated quote': "a: 'x\n",
  'reserved character': 'a: @x\n',
  'keep chomping': 'a: |+\n  keep\n\nb: 1\n',
  'indentation indicator': 'a: |2\n   x\n',
  'multi-line quoted': 'a: "multi\n  line"\n',
  'rare escape': 'a: "\\x41\\e"\n',
  empty: '',
  'comments only': '# only\n',
  'scalar document': 'x\n',
  'flow document': '[a]\n'
}

describe('parseFastYaml builds exactly what yaml builds', () => {
  for (const [name, source] of Object.entries(TAKEN)) {
    it(`takes the fast path: ${name}`, () => {
      expect(parseFastYaml(source)).toBeDefined()
      expect(differenceFromYaml(source)).toBeUndefined()
    })
  }

  for (const [name, source] of Object.entries(BAILS)) {
    it(`leaves it to yaml: ${name}`, () => {
      expect(parseFastYaml(source)).toBeUndefined()
    })
  }

  it('leaves nesting deep enough to exhaust the stack to yaml, without throwing', () => {
    const deepMap = Array.from({ length: 20_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')
    const deepFlow = `a: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`
    expect(parseFastYaml(deepMap)).toBeUndefined()
    expect(parseFastYaml(deepFlow)).toBeUndefined()
  })

  it('gives identical results for CRLF files once normalised', () => {
    const raw = 'id: a\r\nnamespace: team # c\r\ntasks:\r\n  - id: t\r\n    type: x\r\n'
    const fast = parseFlowFile({ file: 'f.yml', rel: 'f.yml', raw })
    const slow = parseFlowFile({ file: 'f.yml', rel: 'f.yml', raw }, { fastYaml: false })
    expect(parseFastYaml(normaliseSource(raw))).toBeDefined()
    expect(firstDifference(slow, fast)).toBeUndefined()
  })

  it('matches on every flow of the synthetic benchmark repository, all on the fast path', () => {
    const flows = generateRepo({ flows: 400, files: 10, namespaces: 8 }).flows
    let fast = 0
    for (const flow of flows) {
      if (parseFastYaml(flow.source)) fast++
      expect(differenceFromYaml(flow.source), flow.file).toBeUndefined()
    }
    expect(fast).toBe(flows.length)
  })

  it('matches on thousands of edited flows (comment lines, blank lines, quotes, reindents)', () => {
    const bases = generateRepo({ flows: 60, files: 10, namespaces: 4 }).flows.map((f) => f.source)
    bases.push(...Object.values(TAKEN))
    let seed = 1
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    const edits = [
      (l: string[], i: number) => l.splice(i, 0, ' '.repeat(random(10)) + '# note'),
      (l: string[], i: number) => l.splice(i, 0, random(2) ? '' : ' '.repeat(1 + random(8))),
      (l: string[], i: number) => (l[i] = (l[i] ?? '') + (random(2) ? ' # tail' : '  ')),
      (l: string[], i: number) => l.splice(i, 1),
      (l: string[], i: number) => l.splice(i, 0, l[i] ?? ''),
      (l: string[], i: number) => (l[i] = (random(2) ? ' ' : '') + (l[i] ?? '').replace(/^ /, '')),
      (l: string[], i: number) =>
        (l[i] = (l[i] ?? '').replace(/: (.*)$/, random(2) ? ': "$1"' : ':')),
      (l: string[], i: number) => (l[i] = (l[i] ?? '').replace(/: (\S+)$/, ": '$1'")),
      (l: string[], i: number) =>
        (l[i] = (l[i] ?? '').replace(/: (\S+)$/, `: $1\n${' '.repeat(random(8))}more`)),
      (l: string[], i: number) =>
        (l[i] = (l[i] ?? '').replace(/: (\S+)$/, random(2) ? ': [ $1, x ]' : ': {k: $1 }')),
      (l: string[], i: number) =>
        (l[i] = (l[i] ?? '').replace(
          /: (\S+)$/,
          `: |${random(2) ? '-' : ''}\n${' '.repeat(random(10))}$1\n${' '.repeat(random(10))}\n${' '.repeat(random(10))}z`
        ))
    ]
    let fast = 0
    for (let k = 0; k < 3000; k++) {
      const lines = bases[random(bases.length)]!.split('\n')
      for (let j = 1 + random(3); j > 0; j--)
        edits[random(edits.length)]!(lines, random(lines.length + 1))
      const source = lines.join('\n')
      if (parseFastYaml(source)) fast++
      expect(differenceFromYaml(source), source).toBeUndefined()
    }
    expect(fast).toBeGreaterThan(500)
  })
})

describe.skipIf(!CORPUS_PRESENT)('parseFastYaml on the Kestra corpus', () => {
  const files = CORPUS_PRESENT ? yamlFiles(CORPUS_DIR) : []
  const read = (file: string) => readFileSync(file, 'utf8')

  it('builds exactly what yaml builds, on the fast path for nearly every file', () => {
    let fast = 0
    for (const file of files) {
      const source = normaliseSource(read(file))
      if (parseFastYaml(source)) fast++
      expect(differenceFromYaml(source), file).toBeUndefined()
    }
    console.log(`fast YAML path taken for ${fast} of ${files.length} corpus files`)
    expect(files.length).toBeGreaterThan(500)
    expect(fast / files.length).toBeGreaterThan(0.95)
  })

  it('gives the same validation findings with and without the fast path', () => {
    const parse = (fastYaml: boolean): FlowFile[] =>
      files.map((file) => {
        const rel = relative(CORPUS_DIR, file)
        return parseFlowFile({ file: rel, rel, raw: read(file) }, { fastYaml })
      })
    const withFast = parse(true)
    const withoutFast = parse(false)
    // File by file (each flow's own checks) and all together (duplicates across files).
    withFast.forEach((flow, index) => {
      expect(validateRepository(model([flow])), flow.file).toEqual(
        validateRepository(model([withoutFast[index]!]))
      )
    })
    const all = validateRepository(model(withFast))
    expect(all.length).toBeGreaterThan(0)
    expect(all).toEqual(validateRepository(model(withoutFast)))
  })
})

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}
