/**
 * `secret()` and `kv()` names over the whole expression space (docs/caught-at-review.md#secrets-and-kv-keys):
 * every call with a literal name is found once, on its line, with its explicit namespace; calls in text,
 * string literals, comments, raw blocks, member calls, computed names and optional keys are not.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FlowDocument } from '../../../src/resources/flows/decide-document.js'
import { referencesAndNamesOf } from '../../../src/resources/flows/decide-references.js'
import { flow } from './helpers.js'
import { runs } from '../../../test-support/property-runs.js'

const NAME = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$/)
const NS = fc.stringMatching(/^[a-z][a-z0-9]{0,5}(\.[a-z][a-z0-9]{0,5}){0,2}$/)
const SPACE = fc.constantFrom('', ' ', '  ')
const QUOTE = fc.constantFrom("'", '"')

interface Call {
  kind: 'secret' | 'kv'
  name: string
  namespace?: string
  text: string
}

/** A call Kestra resolves with a literal name: positional or `key=`, quotes, spaces, an explicit namespace. */
const call: fc.Arbitrary<Call> = fc
  .record({
    kind: fc.constantFrom('secret' as const, 'kv' as const),
    name: NAME,
    namespace: fc.option(NS, { nil: undefined }),
    named: fc.boolean(),
    namedNamespace: fc.boolean(),
    quote: QUOTE,
    s: SPACE,
    filter: fc.constantFrom('', ' | trim', " | default('x')")
  })
  .map(({ kind, name, namespace, named, namedNamespace, quote: q, s, filter }) => {
    const key = `${named ? 'key=' : ''}${q}${name}${q}`
    const ns =
      namespace === undefined
        ? ''
        : `,${s}${namedNamespace || named ? 'namespace=' : ''}${q}${namespace}${q}`
    return { kind, name, namespace, text: `${kind}${s}(${s}${key}${ns}${s})${filter}` }
  })

/** Text that names a secret or a key but is no call Kestra resolves to a literal name. */
const decoy = fc
  .record({ kind: fc.constantFrom('secret', 'kv'), name: NAME, q: QUOTE })
  .chain(({ kind, name, q }) =>
    fc.constantFrom(
      `${kind}(${q}${name}${q})`, // plain text, outside any expression
      `{{ ${q === "'" ? '"' : "'"}${kind}(${q}${name}${q})${q === "'" ? '"' : "'"} }}`, // a string literal
      `{# ${kind}(${q}${name}${q}) #}`, // a comment
      `{% raw %}{{ ${kind}(${q}${name}${q}) }}{% endraw %}`, // a raw block
      `{{ ${kind}(vars.${name.replace(/[^A-Za-z0-9_]/g, '_')}) }}`, // a computed name
      `{{ outputs.${kind}(${q}${name}${q}) }}`, // a member call
      `{{ my${kind}(${q}${name}${q}) }}`, // another function
      `{{ kv(${q}${name}${q}, errorOnMissing=false) }}`, // an optional key
      `{{ ${kind}(${q}${name}${q}, namespace=flow.namespace) }}` // a computed namespace
    )
  )

/** One task message per item: a line of expressions and decoys. */
const lines = fc.array(
  fc.array(
    fc.oneof(
      call.map((c) => ({ call: c })),
      decoy.map((d) => ({ decoy: d }))
    ),
    {
      minLength: 1,
      maxLength: 4
    }
  ),
  { minLength: 1, maxLength: 6 }
)

function source(items: ({ call: Call } | { decoy: string })[][]): string {
  const tasks = items.map((line, i) => {
    const text = line
      .map((item) => ('call' in item ? `{{ ${item.call.text} }}` : item.decoy))
      .join(' and ')
    return `  - id: t${i}\n    type: io.kestra.plugin.core.log.Log\n    message: |\n      ${text}\n`
  })
  return `id: f\nnamespace: company.team\ndescription: "{{ secret('IN_DESCRIPTION') }}"\ntasks:\n${tasks.join('')}`
}

describe('secret() and kv() names', () => {
  it('finds every literal call once, on its line, and nothing else', () => {
    fc.assert(
      fc.property(lines, (items) => {
        const file = flow(source(items))
        const { names } = referencesAndNamesOf(new FlowDocument(file, file.documents[0]!))
        const expected = items.flatMap((line, i) =>
          line.flatMap((item) =>
            'call' in item
              ? [
                  {
                    kind: item.call.kind,
                    name: item.call.name,
                    namespace: item.call.namespace,
                    line: 8 + i * 4
                  }
                ]
              : []
          )
        )
        expect(
          names.map((n) => ({ kind: n.kind, name: n.name, namespace: n.namespace, line: n.line }))
        ).toEqual(expected)
        expect(names.every((n) => n.flowNamespace === 'company.team')).toBe(true)
      }),
      { numRuns: runs(300, 80) }
    )
  })

  it('reads the forms the shared corpus writes', () => {
    const file = flow(
      [
        'id: f',
        'namespace: company.team',
        'tasks:',
        '  - id: a',
        '    type: io.kestra.plugin.core.log.Log',
        `    message: "{{ secret('GITHUB_TOKEN') }}{{secret(\\"AWS_KEY\\")}}"`,
        '  - id: b',
        '    type: io.kestra.plugin.core.log.Log',
        `    message: "{% set t = kv('dbt_target') %}{{ t }} {{ kv(key='region', namespace='company') }}"`
      ].join('\n')
    )
    const { names } = referencesAndNamesOf(new FlowDocument(file, file.documents[0]!))
    expect(names.map((n) => [n.kind, n.name, n.namespace, n.line])).toEqual([
      ['secret', 'GITHUB_TOKEN', undefined, 6],
      ['secret', 'AWS_KEY', undefined, 6],
      ['kv', 'dbt_target', undefined, 9],
      ['kv', 'region', 'company', 9]
    ])
  })
})
