/**
 * `topLevelText` lets the plan skip parsing two flow sources whose text for some top-level keys is equal
 * (docs/performance.md). The promise: equal texts always read as equal values for those keys, whatever else
 * the two documents hold; when the text alone cannot tell, there is no text.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isMap, isNode, isScalar, parseDocument } from 'yaml'
import { topLevelText } from '../../src/model/flow-source.js'
import { runs } from '../../test-support/property-runs.js'

const KEYS: ReadonlySet<string> = new Set(['inputs', 'triggers'])

/** Every pair of a top-level key in `KEYS` and its value, in document order, as the flow parser reads them. */
function keptValues(source: string): string | undefined {
  const doc = parseDocument(source, { uniqueKeys: false })
  if (doc.errors.length > 0) return undefined
  if (!isMap(doc.contents)) return JSON.stringify(doc.toJS())
  return JSON.stringify(
    doc.contents.items
      .filter((pair) => isScalar(pair.key) && KEYS.has(String(pair.key.value)))
      .map((pair) => [
        String((pair.key as { value: unknown }).value),
        isNode(pair.value) ? pair.value.toJS(doc) : null
      ])
  )
}

/** Lines of an ordinary flow, and lines that mean different things depending on what stands around them. */
const COMMON = [
  'id: flow',
  'namespace: company.team',
  'inputs:',
  'triggers:',
  'tasks:',
  'inputs: []',
  'triggers: &t',
  'inputs: *t',
  '  - id: a',
  '  - id: b',
  '    type: STRING',
  '    defaults: 1',
  '  - *t',
  '  - &t x',
  '  - &t y',
  'other: &t 1',
  'other: &t 2',
  '- id: c',
  '- *t',
  '  cron: "0 * * * *"',
  '  cron: 0 * * * *',
  '  key: [1, *t]',
  'labels:',
  '  team: data'
]
const TRICKY = [
  '# inputs: 5',
  '#',
  '',
  '  ',
  '---',
  '...',
  '%YAML 1.1',
  "'inputs': 1",
  '"triggers": 2',
  '? inputs',
  ': 3',
  '{inputs: 4}',
  '[1, 2]',
  'other: |',
  'other: >-',
  '  inputs: 6',
  'inputs:   7',
  'inputs :8',
  'inputs : 9',
  'inputs:\t10',
  'inputs: "a',
  'b"',
  'inputs: [1,',
  '2]',
  '<<: {inputs: 11}',
  'triggers: yes',
  'description: a * b',
  'description: "- *t"'
]

const line = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...COMMON) },
  { weight: 1, arbitrary: fc.constantFrom(...TRICKY) }
)
/** A document of top-level entries, each a key line and the indented lines under it, with a stray line or two. */
const lines = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'id: flow',
        'inputs:',
        'triggers:',
        'tasks:',
        'labels:',
        'inputs: &t',
        'other: |'
      ),
      fc.array(fc.constantFrom(...COMMON.filter((l) => l.startsWith(' ') || l.startsWith('#'))), {
        maxLength: 4
      })
    ),
    { maxLength: 5 }
  )
  .chain((entries) => edited(entries.flatMap(([key, body]) => [key, ...body])))

/** A second document: the first with a few lines replaced, inserted or removed anywhere. */
function edited(doc: readonly string[]): fc.Arbitrary<string[]> {
  return fc
    .array(fc.tuple(fc.nat(), fc.constantFrom('replace', 'insert', 'remove'), line), {
      maxLength: 3
    })
    .map((edits) => {
      const out = [...doc]
      for (const [at, how, line] of edits) {
        const i = out.length === 0 ? 0 : at % (out.length + 1)
        if (how === 'insert') out.splice(i, 0, line)
        else if (how === 'replace' && i < out.length) out[i] = line
        else if (how === 'remove') out.splice(i, 1)
      }
      return out
    })
}

describe('the text that decides top-level values', () => {
  it('is the same only for sources whose values for those keys are the same', () => {
    let equalTexts = 0
    fc.assert(
      fc.property(
        lines.chain((a) => fc.tuple(fc.constant(a), edited(a))),
        fc.boolean(),
        ([a, b], trailingNewline) => {
          const end = trailingNewline ? '\n' : ''
          const left = a.join('\n') + end
          const right = b.join('\n') + end
          const text = topLevelText(left, KEYS)
          if (text === undefined || text !== topLevelText(right, KEYS)) return
          const before = keptValues(left)
          const after = keptValues(right)
          // A source the parser refuses is never planned (validation stops it first).
          if (before === undefined || after === undefined) return
          equalTexts++
          expect(after).toBe(before)
        }
      ),
      { numRuns: runs(20_000, 2_000) }
    )
    // The property must have compared documents, not only skipped them.
    expect(equalTexts).toBeGreaterThan(runs(1000, 50))
  })

  it('is undefined wherever text elsewhere could change those values', () => {
    for (const source of [
      'inputs: *a\nother: &a 1',
      'other: &a [1]\ninputs:\n  - *a',
      'other: &a 1\ntriggers: {x: *a}',
      '---\ninputs: 1',
      '%YAML 1.1\n---\ninputs: yes',
      '"inputs": 1',
      '? inputs\n: 1',
      '{inputs: 1}',
      '- inputs',
      '<<: {inputs: 1}\nid: a'
    ]) {
      expect(topLevelText(source, KEYS), source).toBeUndefined()
    }
  })

  it('keeps comments and block lines inside the kept entries, and nothing outside them', () => {
    const source =
      '# head\nid: a\ninputs:\n  # why\n  - id: x\n\n- id: y\ntasks:\n  - id: t\ntriggers: []\n'
    expect(topLevelText(source, KEYS)).toBe(
      'inputs:\n  # why\n  - id: x\n\n- id: y\ntriggers: []\n'
    )
  })

  it('leaves a cron written with stars to the text', () => {
    const source = 'id: a\ntriggers:\n  - id: t\n    cron: 0 * * * *\n    note: "a *b"\n'
    expect(topLevelText(source, KEYS)).toBe(
      'triggers:\n  - id: t\n    cron: 0 * * * *\n    note: "a *b"\n'
    )
  })
})
