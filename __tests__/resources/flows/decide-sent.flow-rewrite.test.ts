/**
 * The text sent to Kestra (docs/environments.md#namespace-mapping): over flows written every way, the
 * rewrite changes exactly the nodes the rule names and nothing else. Checked against an oracle that applies
 * the rule to the parsed document, and against the original text line by line.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { sentFlow, type SendOptions } from '../../../src/resources/flows/decide-sent.js'
import { flowSpec, flowText, heldNamespaces } from './flow-text.js'
import { runs } from '../../../test-support/property-runs.js'

const CALLS = new Set([
  'io.kestra.plugin.core.flow.Subflow',
  'io.kestra.core.tasks.flows.Subflow',
  'io.kestra.core.tasks.flows.Flow',
  'io.kestra.plugin.core.flow.ForEachItem',
  'io.kestra.core.tasks.flows.ForEachItem'
])
const FLOW_TRIGGER = 'io.kestra.plugin.core.trigger.Flow'

type Json = Record<string, unknown>

function options(
  prefix: string,
  held: readonly string[],
  rest: Partial<SendOptions> = {}
): SendOptions {
  const set = new Set(held)
  return {
    mapNamespace: (ns) => (prefix && set.has(ns) ? `${prefix}.${ns}` : undefined),
    disableTriggers: false,
    readOnly: false,
    ...rest
  }
}

/** The rule applied to the parsed flow: what Kestra must receive. */
function oracle(flow: Json, o: SendOptions): Json {
  const copy = structuredClone(flow)
  const map = (node: Json) => {
    const mapped = typeof node.namespace === 'string' ? o.mapNamespace(node.namespace) : undefined
    if (mapped) node.namespace = mapped
  }
  map(copy)
  const walk = (node: unknown, inFlowTrigger: boolean): void => {
    if (Array.isArray(node)) return node.forEach((item) => walk(item, inFlowTrigger))
    if (node === null || typeof node !== 'object') return
    const object = node as Json
    if (inFlowTrigger || CALLS.has(object.type as string)) map(object)
    for (const [key, value] of Object.entries(object)) {
      const entering =
        object.type === FLOW_TRIGGER && (key === 'conditions' || key === 'preconditions')
      walk(value, inFlowTrigger || entering)
    }
  }
  walk(copy.tasks, false)
  walk(copy.triggers, false)
  if (o.disableTriggers && Array.isArray(copy.triggers)) {
    for (const trigger of copy.triggers as Json[]) trigger.disabled = true
  }
  if (o.readOnly) {
    const labels = copy.labels
    if (Array.isArray(labels)) {
      const own = (labels as Json[]).find((l) => l.key === 'system.readOnly')
      if (own) own.value = String(own.value) === 'true' ? own.value : 'true'
      else labels.push({ key: 'system.readOnly', value: 'true' })
    } else if (labels && typeof labels === 'object') {
      const record = labels as Json
      if (String(record['system.readOnly']) !== 'true') record['system.readOnly'] = 'true'
    } else {
      copy.labels = { 'system.readOnly': 'true' }
    }
  }
  return copy
}

const prefix = fc.constantFrom('qa', 'pr-7', 'x_1.y')

describe('the sent flow', () => {
  it('maps exactly the namespaces the rule names, and the parsed result is what Kestra must receive', () => {
    fc.assert(
      fc.property(
        flowSpec,
        heldNamespaces,
        prefix,
        fc.boolean(),
        fc.boolean(),
        (spec, held, p, off, ro) => {
          const text = flowText(spec)
          const o = options(p, held, { disableTriggers: off, readOnly: ro })
          const sent = sentFlow(text, o).source
          expect(parse(sent)).toEqual(oracle(parse(text) as Json, o))
        }
      ),
      { numRuns: runs(400, 30) }
    )
  })

  it('with a prefix only, changes no line but by inserting the prefix once, and undoing that gives the repository text back', () => {
    fc.assert(
      fc.property(flowSpec, heldNamespaces, prefix, (spec, held, p) => {
        const text = flowText(spec)
        const sent = sentFlow(text, options(p, held)).source.split('\n')
        const original = text.split('\n')
        expect(sent).toHaveLength(original.length)
        sent.forEach((line, i) => {
          if (line !== original[i]) expect(line.replace(`${p}.`, '')).toBe(original[i])
        })
      }),
      { numRuns: runs(300, 40) }
    )
  })

  it('keeps every comment and blank line, and sending the sent text again changes nothing more', () => {
    fc.assert(
      fc.property(flowSpec, fc.boolean(), fc.boolean(), (spec, off, ro) => {
        const text = flowText(spec)
        const o = options('', [], { disableTriggers: off, readOnly: ro })
        const sent = sentFlow(text, o).source
        const count = (s: string, what: RegExp) => (s.match(what) ?? []).length
        expect(count(sent, /#[^\n]*/g)).toBe(count(text, /#[^\n]*/g))
        expect(count(sent, /\n\n/g)).toBe(count(text, /\n\n/g))
        expect(sentFlow(sent, o).source).toBe(sent)
      }),
      { numRuns: runs(300, 40) }
    )
  })

  it('reports each Pebble mention of a mapped namespace on its own line, and no other', () => {
    fc.assert(
      fc.property(flowSpec, heldNamespaces, (spec, held) => {
        const text = flowText(spec)
        const { pebble } = sentFlow(text, options('qa', held))
        const expected = text.split('\n').flatMap((line, i) => {
          const named = /namespace='([^']+)'/.exec(line)?.[1]
          return named && (held as readonly string[]).includes(named)
            ? [{ line: i + 1, namespace: named }]
            : []
        })
        expect(pebble.map(({ line, namespace }) => ({ line, namespace }))).toEqual(expected)
      }),
      { numRuns: runs(300, 40) }
    )
  })

  it('leaves a flow it cannot parse as written', () => {
    const broken = 'id: f\nnamespace: company.team\ntasks: [\n'
    expect(sentFlow(broken, options('qa', ['company.team'], { readOnly: true })).source).toBe(
      broken
    )
  })
})
