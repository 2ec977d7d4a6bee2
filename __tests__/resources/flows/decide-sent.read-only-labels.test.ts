/**
 * Read-only flows (docs/environments.md#read-only-flows): whatever form `labels` takes (a map, a list of
 * {key, value}, block or flow style, an alias, a merge key, an anchor other nodes reuse, empty, null or
 * absent), the sent text, parsed, has `system.readOnly: "true"`, keeps every other label and changes nothing
 * else; or the flow is refused. A flow's own `system.readOnly` that is not "true" is replaced, with a warning
 * on its line. SentRewrite the sent text again changes nothing (no endless diff).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseDocument } from 'yaml'
import { sentFlow } from '../../../src/resources/flows/decide-sent.js'
import { SentRewrite } from '../../../src/resources/flows/decide-sent.js'
import type { FlowFile } from '../../../src/model/repository.js'
import { runs } from '../../../test-support/property-runs.js'
import { repoFlowsOf } from '../../../src/resources/registry.js'
import { repoModel } from '../../../test-support/repo-model.js'

type Pair = [key: string, value: string | number | boolean]

const HEAD = 'id: f\nnamespace: company.team\n'
const TASKS = `tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
`
const READ_ONLY = { mapNamespace: () => undefined, disableTriggers: false, readOnly: true }

const q = (value: string | number | boolean) => JSON.stringify(value)

/** Every way of writing `pairs` as a flow's labels (pairs split between an anchor and the flow where it can). */
function shapes(pairs: Pair[], split: number): { name: string; source: string }[] {
  const map = (items: Pair[], indent: string) =>
    items.map(([k, v]) => `${indent}${q(k)}: ${q(v)}\n`).join('')
  const flowMap = (items: Pair[]) => `{${items.map(([k, v]) => `${q(k)}: ${q(v)}`).join(', ')}}`
  const list = (items: Pair[], indent: string) =>
    items.map(([k, v]) => `${indent}- key: ${q(k)}\n${indent}  value: ${q(v)}\n`).join('')
  const flowList = (items: Pair[]) =>
    `[${items.map(([k, v]) => `{key: ${q(k)}, value: ${q(v)}}`).join(', ')}]`
  const [shared, ownPart] = [pairs.slice(0, split), pairs.slice(split)]
  const variables = (body: string) => `variables:\n  common: ${body}\n`
  const found: { name: string; source: string }[] = [
    { name: 'flow map', source: `${HEAD}labels: ${flowMap(pairs)}\n${TASKS}` },
    { name: 'flow list', source: `${HEAD}labels: ${flowList(pairs)}\n${TASKS}` },
    {
      name: 'alias of a map',
      source: `${HEAD}${variables(`&common ${flowMap(pairs)}`)}labels: *common\n${TASKS}`
    },
    {
      name: 'alias of a list',
      source: `${HEAD}${variables(`&common ${flowList(pairs)}`)}labels: *common\n${TASKS}`
    },
    {
      name: 'merge key',
      source: `${HEAD}${variables(`&common ${flowMap(shared)}`)}labels:\n  <<: *common\n${map(ownPart, '  ')}${TASKS}`
    },
    {
      name: 'merge key in flow style',
      source: `${HEAD}${variables(`&common ${flowMap(shared)}`)}labels: {<<: *common${ownPart.map(([k, v]) => `, ${q(k)}: ${q(v)}`).join('')}}\n${TASKS}`
    },
    {
      name: 'anchor reused by a subflow',
      source: `${HEAD}labels: &mine ${flowMap(pairs)}\n${TASKS}  - id: sub\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.other\n    flowId: child\n    labels: *mine\n`
    },
    {
      name: 'list items as aliases',
      source: `${HEAD}variables:\n${pairs.map(([k, v], i) => `  l${i}: &l${i} {key: ${q(k)}, value: ${q(v)}}\n`).join('')}labels:\n${pairs.map((_, i) => `  - *l${i}\n`).join('')}${TASKS}`
    }
  ]
  if (pairs.length > 0) {
    found.push(
      { name: 'block map', source: `${HEAD}labels:\n${map(pairs, '  ')}${TASKS}` },
      { name: 'block list', source: `${HEAD}labels:\n${list(pairs, '  ')}${TASKS}` }
    )
  } else {
    for (const empty of [
      'labels:\n',
      'labels: null\n',
      'labels: ~\n',
      'labels: {}\n',
      'labels: []\n',
      ''
    ]) {
      found.push({ name: `empty (${empty.trim() || 'absent'})`, source: `${HEAD}${empty}${TASKS}` })
    }
  }
  return found
}

/** The document as YAML 1.1 merge semantics read it. */
function read(source: string): Record<string, unknown> {
  const doc = parseDocument(source, { merge: true, uniqueKeys: false })
  expect(doc.errors).toEqual([])
  return doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown>
}

/** Labels as sorted `key=value` texts. */
function labelTexts(labels: unknown): string[] {
  if (labels === undefined || labels === null) return []
  const pairs = Array.isArray(labels)
    ? labels.map((item: { key: unknown; value: unknown }) => [item.key, item.value])
    : Object.entries(labels as object)
  return pairs.map(([k, v]) => `${String(k)}=${String(v)}`).sort()
}

const labelKey = fc.oneof(
  fc.constantFrom('team', 'owner', 'env', 'cost.center', 'ünit'),
  fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}$/)
)
const labelValue = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ''),
  fc.integer(),
  fc.boolean()
)
const readOnlyValue = fc.constantFrom<string | boolean>('true', 'false', true, false, 'False', 'no')
const labelSets = fc
  .tuple(
    fc.uniqueArray(fc.tuple(labelKey, labelValue), {
      maxLength: 5,
      selector: ([k]) => k
    }),
    fc.option(readOnlyValue, { nil: undefined }),
    fc.nat(6)
  )
  .map(([pairs, own, split]) => {
    const all: Pair[] = own === undefined ? pairs : [...pairs, ['system.readOnly', own]]
    return { pairs: all, split: Math.min(split, all.length), own }
  })

describe('read-only over every shape of labels', () => {
  it('the sent text has system.readOnly "true", every other label, nothing else changed; sending it again changes nothing', () => {
    fc.assert(
      fc.property(labelSets, ({ pairs, split, own }) => {
        for (const { name, source } of shapes(pairs, split)) {
          const before = read(source)
          const sent = sentFlow(source, READ_ONLY)
          expect(sent.readOnly?.refused, name).toBeUndefined()
          const after = read(sent.source)
          const expected = [
            ...labelTexts(before.labels).filter((l) => !l.startsWith('system.readOnly=')),
            'system.readOnly=true'
          ].sort()
          expect(labelTexts(after.labels), name).toEqual(expected)
          const { labels: _b, ...restBefore } = before
          const { labels: _a, ...restAfter } = after
          expect(restAfter, name).toEqual(restBefore)
          expect(Boolean(sent.readOnly?.overridden), name).toBe(
            own !== undefined && String(own) !== 'true'
          )
          // The plan compares the text sent each time: the same text, whatever was already added.
          expect(sentFlow(sent.source, READ_ONLY).source, name).toBe(sent.source)
          expect(sentFlow(source, READ_ONLY).source, name).toBe(sent.source)
        }
      }),
      { numRuns: runs(150, 3) }
    )
  })

  it('the named case: labels: *common gets the label, and the anchor keeps its labels elsewhere', () => {
    const source = `${HEAD}variables:\n  common: &common\n    team: data\nlabels: *common\n${TASKS}`
    const sent = sentFlow(source, READ_ONLY)
    expect(read(sent.source).labels).toEqual({ team: 'data', 'system.readOnly': 'true' })
    expect(read(sent.source).variables).toEqual({ common: { team: 'data' } })
  })

  it('labels that are no map or list of text values are refused, never sent without the label', () => {
    for (const labels of [
      'labels: just text',
      'labels: 5',
      'labels:\n  team: {nested: map}',
      'labels:\n  - plain item'
    ]) {
      const sent = sentFlow(`${HEAD}${labels}\n${TASKS}`, READ_ONLY)
      expect(sent.readOnly?.refused, labels).toMatch(/system\.readOnly/)
    }
  })

  it('a refused flow is an error on its labels line, and an own "false" a warning on its line', () => {
    const model = (source: string) =>
      repoModel({
        flows: [
          {
            file: 'company.team/flows/f.yml',
            source,
            id: 'f',
            namespace: 'company.team',
            notAFlow: false
          } as unknown as FlowFile
        ],
        managedNamespaces: ['company.team']
      })
    const sending = new SentRewrite({ namespacePrefix: '', disableTriggers: false, readOnly: true })
    const refused = sending.model(model(`${HEAD}labels: 5\n${TASKS}`)).findings
    expect(refused).toEqual([
      expect.objectContaining({ severity: 'error', rule: 'read-only-label', line: 3 })
    ])
    const own = sending.model(
      model(`${HEAD}labels:\n  team: a\n  system.readOnly: "false"\n${TASKS}`)
    )
    expect(own.findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        rule: 'read-only-label-overridden',
        line: 5,
        message: expect.stringContaining('read-only wins')
      })
    ])
    expect(read(repoFlowsOf(own.model)[0]!.source).labels).toEqual({
      team: 'a',
      'system.readOnly': 'true'
    })
  })
})
