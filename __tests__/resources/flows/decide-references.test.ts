import { describe, expect, it } from 'vitest'
import {
  collectReferences,
  referenceFindings
} from '../../../src/resources/flows/decide-references.js'
import type { KnownResources } from '../../../src/model/references.js'
import { flow } from './helpers.js'

const source = [
  'id: caller',
  'namespace: company.team',
  'tasks:',
  '  - id: log',
  '    type: io.kestra.plugin.core.log.Log',
  `    message: "{{ read('scripts/a.sql') }} {{ read(\\"/b.txt\\") }}"`,
  '  - id: other_ns',
  '    type: io.kestra.plugin.core.log.Log',
  `    message: "{{ read('c.txt', namespace='shared') }} {{ read(path='d.txt') }}"`,
  '  - id: skipped',
  '    type: io.kestra.plugin.core.log.Log',
  `    message: "{{ read(inputs.file) }} {{ read('kestra:///x/y') }} {{ read('e.txt', namespace=flow.namespace) }} read('not-an-expression')"`,
  '  - id: sub',
  '    type: io.kestra.plugin.core.flow.Subflow',
  '    namespace: company.other',
  '    flowId: child',
  '  - id: each',
  '    type: io.kestra.core.tasks.flows.ForEachItem',
  '    namespace: company.team',
  '    flowId: "{{ inputs.flow }}"',
  'triggers:',
  '  - id: upstream',
  '    type: io.kestra.plugin.core.trigger.Flow',
  '    conditions:',
  '      - type: io.kestra.plugin.core.condition.ExecutionFlowCondition',
  '        namespace: company.up',
  '        flowId: first',
  '    preconditions:',
  '      flows:',
  '        - namespace: company.up',
  '          flowId: second'
].join('\n')

describe('references', () => {
  const refs = collectReferences([flow(source, 'company.team/flows/caller.yml')])

  it('collects literal read() paths, subflow targets and Flow-trigger upstreams', () => {
    const fromFlow = 'flow:company.team/caller'
    const file = 'company.team/flows/caller.yml'
    expect(refs).toEqual([
      {
        kind: 'file',
        namespace: 'company.team',
        path: '/scripts/a.sql',
        file,
        line: 6,
        column: 18,
        fromFlow
      },
      {
        kind: 'file',
        namespace: 'company.team',
        path: '/b.txt',
        file,
        line: 6,
        column: 46,
        fromFlow
      },
      { kind: 'file', namespace: 'shared', path: '/c.txt', file, line: 9, column: 18, fromFlow },
      {
        kind: 'file',
        namespace: 'company.team',
        path: '/d.txt',
        file,
        line: 9,
        column: 58,
        fromFlow
      },
      {
        kind: 'flow',
        via: 'subflow',
        namespace: 'company.other',
        id: 'child',
        file,
        line: 13,
        column: 5,
        fromFlow,
        unconditional: true
      },
      {
        kind: 'flow',
        via: 'flow-trigger',
        namespace: 'company.up',
        id: 'first',
        file,
        line: 27,
        column: 9,
        fromFlow
      },
      {
        kind: 'flow',
        via: 'flow-trigger',
        namespace: 'company.up',
        id: 'second',
        file,
        line: 31,
        column: 11,
        fromFlow
      }
    ])
  })

  it("reads 2.0's Flow trigger, whose upstream flows are in dependsOn", () => {
    const file = 'flows/waits.yml'
    const waits = flow(
      [
        'id: waits',
        'namespace: company.team',
        'tasks:',
        '  - id: log',
        '    type: io.kestra.plugin.core.log.Log',
        '    message: hi',
        'triggers:',
        '  - id: after',
        '    type: io.kestra.plugin.core.trigger.Flow',
        '    dependsOn:',
        '      - namespace: company.up',
        '        flowId: first',
        '        states: [SUCCESS]',
        '      - namespace: company.up',
        '        flowId: "{{ inputs.other }}"',
        '    mode: ALL'
      ].join('\n'),
      file
    )
    expect(collectReferences([waits])).toEqual([
      {
        kind: 'flow',
        via: 'flow-trigger',
        namespace: 'company.up',
        id: 'first',
        file,
        line: 12,
        column: 9,
        fromFlow: 'flow:company.team/waits',
        unconditional: true
      }
    ])
  })

  it('reports what neither side knows: files as warning or error, flows as warning', () => {
    const known: KnownResources = {
      hasFile: (namespace, path) => namespace === 'company.team' && path === '/scripts/a.sql',
      hasFlow: (namespace, id) => namespace === 'company.up' && id === 'first'
    }
    const local = referenceFindings(refs, known, false)
    expect(local.map((finding) => `${finding.severity} ${finding.rule} ${finding.line}`)).toEqual([
      'warning missing-namespace-file 6',
      'warning missing-namespace-file 9',
      'warning missing-namespace-file 9',
      'warning missing-flow 13',
      'warning missing-flow 31'
    ])
    expect(local[0]?.message).toContain('the server was not checked')
    const checked = referenceFindings(refs, known, true)
    expect(checked.filter((finding) => finding.severity === 'error')).toHaveLength(3)
    expect(
      checked
        .filter((finding) => finding.rule === 'missing-flow')
        .every((f) => f.severity === 'warning')
    ).toBe(true)
    expect(checked[0]).toMatchObject({
      file: 'company.team/flows/caller.yml',
      resource: 'flow:company.team/caller'
    })
  })
})
