/**
 * What a subflow input refuses when the task runs (docs/kestra.md#subflow-inputs): numbers that parse, dates
 * that exist, any text for a BOOLEAN or a STRING; `required` is true unless set to false.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  callSites,
  contractCalls,
  declaredInputs,
  refusal,
  reviewContracts,
  sameInputs,
  type DeclaredInput
} from '../../../src/resources/flows/decide-subflow-contracts.js'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import type { FlowChange } from '../../../src/model/plan.js'
import { callGraph } from '../../../src/resources/flows/decide-impact.js'
import { collectReferences } from '../../../src/resources/flows/decide-references.js'
import { repoModel } from '../../../test-support/repo-model.js'

const input = (type: string, extra: Partial<DeclaredInput> = {}): DeclaredInput => ({
  id: 'x',
  type,
  required: true,
  hasDefaults: false,
  ...extra
})

describe('literal values against an input type', () => {
  it('INT takes every 32-bit integer and refuses any text that is not one', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        expect(refusal(input('INT'), String(n))).toBeUndefined()
        expect(refusal(input('INT'), `${n}x`)).toBeDefined()
        expect(refusal(input('INT'), `${n}.5`)).toBeDefined()
        expect(refusal(input('INT'), String(n < 0 ? n - 2 ** 32 : n + 2 ** 32))).toBeDefined()
      })
    )
  })

  it('BOOLEAN and STRING refuse nothing', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(refusal(input('BOOLEAN'), text)).toBeUndefined()
        expect(refusal(input('STRING'), text)).toBeUndefined()
      })
    )
  })

  it('DATE takes the days that exist', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }),
        (d) => {
          expect(refusal(input('DATE'), d.toISOString().slice(0, 10))).toBeUndefined()
          expect(refusal(input('DATETIME'), d.toISOString())).toBeUndefined()
        }
      )
    )
    expect(refusal(input('DATE'), '2026-02-30')).toBeDefined()
  })

  it('a closed ENUM refuses other values; min and max bound numbers', () => {
    expect(refusal(input('ENUM', { values: ['a', 'b'] }), 'c')).toBeDefined()
    expect(refusal(input('ENUM', { values: ['a', 'b'] }), 'a')).toBeUndefined()
    expect(refusal(input('INT', { min: 1, max: 3 }), '4')).toMatch(/max 3/)
  })
})

describe('declared inputs', () => {
  it('required unless set to false; defaults, name or id; a reordering of keys is the same contract', () => {
    const a =
      'id: f\nnamespace: n\ninputs:\n  - id: r\n    type: STRING\n  - name: o\n    type: INT\n    required: false\n    defaults: 1\n'
    const b =
      'id: f\nnamespace: n\ninputs:\n  - type: STRING\n    id: r\n  - name: o\n    required: false\n    type: INT\n    defaults: 1\n'
    expect(declaredInputs(a)).toEqual([
      { id: 'r', type: 'STRING', required: true, hasDefaults: false },
      { id: 'o', type: 'INT', required: false, hasDefaults: true }
    ])
    expect(sameInputs(a, b)).toBe(true)
  })
})

const NS = 'company.team'
const NAMES = ['rows', 'count', 'path', 'gone'] as const

function calleeSource(declared: readonly string[]): string {
  const outputs = declared.map((name) => `  - id: ${name}\n    type: STRING\n    value: x\n`)
  return `id: child\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n${outputs.length > 0 ? `outputs:\n${outputs.join('')}` : ''}`
}

/** A caller of `child` whose task `say` reads each output on a line of its own (line 10 onwards). */
function callerSource(reads: readonly { name: string; guarded: boolean }[]): string {
  const lines = reads.map(({ name, guarded }) =>
    guarded
      ? `      - "{{ outputs.run.outputs.${name} ?? 'none' }}"`
      : `      - "{{ outputs.run.outputs.${name} }}"`
  )
  return `id: parent\nnamespace: ${NS}\ntasks:\n  - id: run\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${NS}\n    flowId: child\n  - id: say\n    type: io.kestra.plugin.core.debug.Return\n    format:\n${lines.join('\n')}\n`
}

function flowChange(
  id: string,
  action: FlowChange['action'],
  desired: string,
  current = desired
): FlowChange {
  return {
    kind: 'flow',
    namespace: NS,
    id,
    action,
    file: `${NS}/flows/${id}.yml`,
    desired,
    ...(action !== 'create' && { current: { source: current, revision: 1 } })
  } as FlowChange
}

/** The review of one caller and `child` as the plan leaves them. */
function review(caller: string, changes: FlowChange[]) {
  const flow = parseFlowFile({ file: `${NS}/flows/parent.yml`, rel: 'parent.yml', raw: caller })
  const model = repoModel({ flows: [flow] })
  const { calls } = callGraph({ flows: [flow], references: collectReferences([flow]) }, new Map())
  const checked = contractCalls(changes, calls)
  const sites = callSites(checked, { model, state: new Map() })
  return reviewContracts(sites, checked.targets, new Map()).findings
}

describe('outputs a caller reads', () => {
  const READS = fc.array(fc.record({ name: fc.constantFrom(...NAMES), guarded: fc.boolean() }), {
    minLength: 1,
    maxLength: 4
  })
  const DECLARED = fc.subarray([...NAMES])

  it('a caller the plan writes: an error exactly on each unguarded read of an output the called flow does not declare', () => {
    fc.assert(
      fc.property(READS, DECLARED, fc.boolean(), (reads, declared, calleeWritten) => {
        const source = callerSource(reads)
        const findings = review(source, [
          flowChange('parent', 'create', source),
          flowChange('child', calleeWritten ? 'create' : 'unchanged', calleeSource(declared))
        ])
        const expected = reads.flatMap((read, index) =>
          read.guarded || declared.includes(read.name)
            ? []
            : [{ line: 11 + index, name: read.name }]
        )
        expect(
          findings.map((f) => ({ line: f.line, name: /output (\w+)/.exec(f.message)?.[1] }))
        ).toEqual(expected)
        expect(findings.every((f) => f.severity === 'error' && f.rule === 'subflow-contract')).toBe(
          true
        )
      })
    )
  })

  it('a caller the plan leaves alone is checked only when the called flow’s outputs change, against the new ones', () => {
    fc.assert(
      fc.property(READS, DECLARED, DECLARED, (reads, before, after) => {
        const source = callerSource(reads)
        const findings = review(source, [
          flowChange('parent', 'unchanged', source),
          flowChange('child', 'update', calleeSource(after), calleeSource(before))
        ])
        const changed = before.join() !== after.join()
        const expected = changed
          ? reads.filter((read) => !read.guarded && !after.includes(read.name)).length
          : 0
        expect(findings.length).toBe(expected)
      })
    )
  })

  it('not read where Kestra gives the outputs otherwise: wait false, the older outputs property, a loop, a description', () => {
    const base = callerSource([{ name: 'gone', guarded: false }])
    const changes = (source: string) => [
      flowChange('parent', 'create', source),
      flowChange('child', 'unchanged', calleeSource(['rows']))
    ]
    expect(review(base, changes(base))).toHaveLength(1)
    const noWait = base.replace('    flowId: child\n', '    flowId: child\n    wait: false\n')
    const ownOutputs = base.replace(
      '    flowId: child\n',
      '    flowId: child\n    outputs:\n      x: y\n'
    )
    const described = base.replace(
      / {4}format:\n.*\n/,
      '    description: "{{ outputs.run.outputs.gone }}"\n    format: x\n'
    )
    const looped = `id: parent\nnamespace: ${NS}\ntasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: [1, 2]\n    tasks:\n      - id: run\n        type: io.kestra.plugin.core.flow.Subflow\n        namespace: ${NS}\n        flowId: child\n  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ outputs.run.outputs.gone }}"\n`
    for (const source of [noWait, ownOutputs, described, looped]) {
      expect(review(source, changes(source)), source).toEqual([])
    }
  })
})

describe('inputs of a call the plan writes', () => {
  it('a caller the plan creates is checked against the called flow it leaves alone: a required input not passed fails', () => {
    const callee = `id: child\nnamespace: ${NS}\ninputs:\n  - id: day\n    type: DATE\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
    const source = callerSource([])
    const findings = review(source, [
      flowChange('parent', 'create', source),
      flowChange('child', 'unchanged', callee)
    ])
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 4,
        message: expect.stringContaining('does not pass required input day')
      })
    ])
    expect(
      review(source, [
        flowChange('parent', 'unchanged', source),
        flowChange('child', 'unchanged', callee)
      ])
    ).toEqual([])
  })
})
