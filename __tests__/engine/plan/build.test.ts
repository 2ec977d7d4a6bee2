import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../../src/engine/plan/build.js'
import type { FileChange, FlowChange, Plan, ResourceChange } from '../../../src/model/plan.js'
import { resourceName } from '../../../src/model/plan.js'
import { fileKey, flowKey } from '../../../src/model/targets.js'
import {
  desiredFile,
  desiredFlow,
  flowSource,
  planInput,
  remoteFile,
  remoteFlow,
  sha256
} from './fixtures.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'
import { baseSnapshot } from '../../../test-support/base-snapshot.js'

const NS = 'company.team'

function byName(plan: Plan): Record<string, ResourceChange> {
  return Object.fromEntries(plan.resources.map((r) => [resourceName(r), r]))
}

function actions(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.resources.map((r) => [resourceName(r), r.action]))
}

describe('buildPlan: flows', () => {
  const input = (deleteEnabled: boolean) =>
    planInput({
      deleteEnabled,
      flows: [
        desiredFlow(NS, 'fresh'),
        desiredFlow(NS, 'edited', flowSource(NS, 'edited', 'bye')),
        desiredFlow(NS, 'same')
      ],
      actual: {
        [NS]: {
          flows: [
            remoteFlow(NS, 'edited', flowSource(NS, 'edited', 'hello'), 12),
            remoteFlow(NS, 'same', flowSource(NS, 'same'), 3),
            remoteFlow(NS, 'gone', flowSource(NS, 'gone'), 7)
          ]
        }
      }
    })

  it('classifies create, update, unchanged and delete', () => {
    const plan = buildPlan(input(true), DECIDE_KINDS)
    expect(actions(plan)).toEqual({
      'company.team.edited': 'update',
      'company.team.fresh': 'create',
      'company.team.gone': 'delete',
      'company.team.same': 'unchanged'
    })
    expect(plan.counts).toEqual({
      create: 1,
      update: 1,
      delete: 1,
      orphaned: 0,
      unchanged: 1,
      drifted: 0
    })
  })

  it('keeps server flows as orphaned when delete is disabled', () => {
    const plan = buildPlan(input(false), DECIDE_KINDS)
    expect(byName(plan)['company.team.gone']).toMatchObject({ action: 'orphaned', drifted: false })
    expect(plan.counts.delete).toBe(0)
    expect(plan.counts.orphaned).toBe(1)
  })

  it('gives an update a unified diff, the current revision and line counts', () => {
    const edited = byName(buildPlan(input(true), DECIDE_KINDS))['company.team.edited'] as FlowChange
    expect(edited.current).toEqual({ source: flowSource(NS, 'edited', 'hello'), revision: 12 })
    expect(edited.desired).toBe(flowSource(NS, 'edited', 'bye'))
    expect(edited.file).toBe(`${NS}/flows/edited.yml`)
    expect(edited.diff).toBe(
      [
        `--- a/${NS}/edited`,
        `+++ b/${NS}/edited`,
        '@@ -3,4 +3,4 @@',
        ' tasks:',
        '   - id: log',
        '     type: io.kestra.plugin.core.log.Log',
        '-    message: hello',
        '+    message: bye',
        ''
      ].join('\n')
    )
    expect([edited.additions, edited.deletions]).toEqual([1, 1])
  })

  it('diffs a creation from /dev/null and a deletion to /dev/null', () => {
    const plan = byName(buildPlan(input(true), DECIDE_KINDS))
    const fresh = plan['company.team.fresh'] as FlowChange
    expect(fresh.diff?.split('\n').slice(0, 3)).toEqual([
      '--- /dev/null',
      `+++ b/${NS}/fresh`,
      '@@ -0,0 +1,6 @@'
    ])
    expect([fresh.additions, fresh.deletions]).toEqual([6, 0])
    const gone = plan['company.team.gone'] as FlowChange
    expect(gone.diff?.split('\n').slice(0, 2)).toEqual([`--- a/${NS}/gone`, '+++ /dev/null'])
    expect([gone.additions, gone.deletions]).toEqual([0, 6])
    expect(gone.current?.revision).toBe(7)
    expect(gone.file).toBeUndefined()
  })

  it('treats the server revision line and CRLF line endings as no change, as Kestra does', () => {
    const local = flowSource(NS, 'a')
    const withRevision = local.replace(`namespace: ${NS}\n`, `namespace: ${NS}\nrevision: 4\n`)
    const plan = buildPlan(
      planInput({
        flows: [
          desiredFlow(NS, 'a', local),
          desiredFlow(NS, 'b', flowSource(NS, 'b').replace(/\n/g, '\r\n')),
          desiredFlow(NS, 'c', `revision: 9\n${flowSource(NS, 'c')}`)
        ],
        actual: {
          [NS]: {
            flows: [
              remoteFlow(NS, 'a', withRevision, 4),
              remoteFlow(NS, 'b', flowSource(NS, 'b'), 2),
              remoteFlow(NS, 'c', flowSource(NS, 'c').replace(/\n/g, '\r'), 2)
            ]
          }
        }
      }),
      DECIDE_KINDS
    )
    expect(actions(plan)).toEqual({
      'company.team.a': 'unchanged',
      'company.team.b': 'unchanged',
      'company.team.c': 'unchanged'
    })
    expect((byName(plan)['company.team.b'] as FlowChange).desired).toBe(flowSource(NS, 'b'))
  })

  it('still sees a change next to a stripped revision line, and only the first one is stripped', () => {
    const server = `revision: 2\n${flowSource(NS, 'a')}`
    const local = `${flowSource(NS, 'a')}revision: 5\nrevision: 6\n`
    const plan = buildPlan(
      planInput({
        flows: [desiredFlow(NS, 'a', local)],
        actual: { [NS]: { flows: [remoteFlow(NS, 'a', server, 2)] } }
      }),
      DECIDE_KINDS
    )
    const change = plan.resources[0] as FlowChange
    expect(change.action).toBe('update')
    expect(change.diff).not.toContain('revision: 2')
    expect(change.diff).not.toContain('revision: 5')
    expect(change.diff).toContain('+revision: 6\n')
  })

  it('never plans server resources of namespaces that are not managed', () => {
    const plan = buildPlan(
      planInput({
        namespaces: [NS],
        deleteEnabled: true,
        flows: [desiredFlow(NS, 'a')],
        actual: {
          [NS]: { flows: [remoteFlow(NS, 'a')] },
          'company.team.child': { flows: [remoteFlow('company.team.child', 'x')] }
        }
      }),
      DECIDE_KINDS
    )
    expect(actions(plan)).toEqual({ 'company.team.a': 'unchanged' })
    expect(plan.namespaces).toEqual([NS])
  })

  it('plans the first file (by path) when two files declare the same flow', () => {
    const first = { ...desiredFlow(NS, 'dup', flowSource(NS, 'dup', 'one')), file: 'a.yml' }
    const second = { ...desiredFlow(NS, 'dup', flowSource(NS, 'dup', 'two')), file: 'b.yml' }
    const plan = buildPlan(planInput({ flows: [second, first] }), DECIDE_KINDS)
    expect(plan.resources).toHaveLength(1)
    expect(plan.resources[0]).toMatchObject({
      file: 'a.yml',
      desired: flowSource(NS, 'dup', 'one')
    })
  })
})

describe('buildPlan: namespace files', () => {
  it('classifies files by their bytes', () => {
    const plan = buildPlan(
      planInput({
        deleteEnabled: true,
        files: [
          desiredFile(NS, '/new.sql', 'select 1\n'),
          desiredFile(NS, '/edit.py', 'print("b")\n'),
          desiredFile(NS, '/same.txt', 'same\n')
        ],
        actual: {
          [NS]: {
            files: [
              remoteFile('/edit.py', 'print("a")\n'),
              remoteFile('/same.txt', 'same\n'),
              remoteFile('/old.txt', 'old\n')
            ]
          }
        }
      }),
      DECIDE_KINDS
    )
    expect(actions(plan)).toEqual({
      'company.team:/edit.py': 'update',
      'company.team:/new.sql': 'create',
      'company.team:/old.txt': 'delete',
      'company.team:/same.txt': 'unchanged'
    })
    const edit = byName(plan)['company.team:/edit.py'] as FileChange
    expect(edit.diff).toContain(`--- a/${NS}/edit.py\n+++ b/${NS}/edit.py\n`)
    expect(edit.diff).toContain('-print("a")\n+print("b")\n')
    expect(edit.current).toEqual({ sha256: sha256('print("a")\n'), size: 11, binary: false })
    expect(edit.desired).toEqual({ sha256: sha256('print("b")\n'), size: 11, binary: false })
    expect(edit.file).toBe(`${NS}/files/edit.py`)
  })

  it('compares bytes exactly: a CRLF file differs from its LF copy', () => {
    const plan = buildPlan(
      planInput({
        files: [desiredFile(NS, '/a.txt', 'x\r\ny\r\n')],
        actual: { [NS]: { files: [remoteFile('/a.txt', 'x\ny\n')] } }
      }),
      DECIDE_KINDS
    )
    expect(plan.resources[0]?.action).toBe('update')
  })

  it('summarises a binary update by size and sha256 instead of a diff', () => {
    const before = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2])
    const after = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 4])
    const plan = buildPlan(
      planInput({
        files: [desiredFile(NS, '/logo.png', after)],
        actual: { [NS]: { files: [remoteFile('/logo.png', before)] } }
      }),
      DECIDE_KINDS
    )
    const change = plan.resources[0] as FileChange
    expect(change).toMatchObject({
      action: 'update',
      diffOmitted: 'binary',
      current: { size: 7, sha256: sha256(before), binary: true },
      desired: { size: 9, sha256: sha256(after), binary: true }
    })
    expect(change.diff).toBeUndefined()
    expect(change.additions).toBeUndefined()
  })

  it('treats server bytes that are not valid UTF-8 as binary', () => {
    const plan = buildPlan(
      planInput({
        files: [desiredFile(NS, '/data.txt', 'text now\n')],
        actual: { [NS]: { files: [remoteFile('/data.txt', new Uint8Array([0xc3, 0x28, 0x0a]))] } }
      }),
      DECIDE_KINDS
    )
    expect(plan.resources[0]).toMatchObject({
      action: 'update',
      diffOmitted: 'binary',
      current: { binary: true }
    })
  })

  it('summarises content past the diff limits with line counts, without diffing it', () => {
    const lines = Array.from({ length: 6000 }, (_, i) => `row ${i}`)
    const edited = lines.map((line, i) => (i % 600 === 0 ? `${line} changed` : line))
    const plan = buildPlan(
      planInput({
        files: [desiredFile(NS, '/big.csv', `${edited.join('\n')}\n`)],
        actual: { [NS]: { files: [remoteFile('/big.csv', `${lines.join('\n')}\n`)] } }
      }),
      DECIDE_KINDS
    )
    const change = plan.resources[0] as FileChange
    expect(change).toMatchObject({
      action: 'update',
      diffOmitted: 'too-large',
      additions: 10,
      deletions: 10
    })
    expect(change.diff).toBeUndefined()
  })

  it('summarises a rewrite needing more edits than the limit allows', () => {
    const before = Array.from({ length: 400 }, (_, i) => `a${i}`).join('\n')
    const after = Array.from({ length: 400 }, (_, i) => `b${i}`).join('\n')
    const plan = buildPlan(
      planInput({
        diffLimits: { maxEdits: 100 },
        files: [desiredFile(NS, '/x.txt', after)],
        actual: { [NS]: { files: [remoteFile('/x.txt', before)] } }
      }),
      DECIDE_KINDS
    )
    expect(plan.resources[0]).toMatchObject({
      diffOmitted: 'too-large',
      additions: 400,
      deletions: 400
    })
  })
})

describe('buildPlan: scope changed', () => {
  const base = baseSnapshot({
    flows: new Map([
      [flowKey(NS, 'a'), { source: flowSource(NS, 'a'), file: `${NS}/flows/a.yml` }],
      [
        flowKey(NS, 'removed'),
        { source: flowSource(NS, 'removed'), file: `${NS}/flows/removed.yml` }
      ],
      [flowKey(NS, 'old-id'), { source: flowSource(NS, 'old-id'), file: `${NS}/flows/renamed.yml` }]
    ]),
    files: new Map([
      [fileKey(NS, '/gone.txt'), { sha256: sha256('x'), file: `${NS}/files/gone.txt` }]
    ])
  })
  const server = {
    [NS]: {
      flows: [
        remoteFlow(NS, 'a', flowSource(NS, 'a'), 1),
        remoteFlow(NS, 'untouched', flowSource(NS, 'untouched', 'server edit'), 3),
        remoteFlow(NS, 'removed', flowSource(NS, 'removed'), 2),
        remoteFlow(NS, 'old-id', flowSource(NS, 'old-id'), 5),
        remoteFlow(NS, 'server-only', flowSource(NS, 'server-only'), 1)
      ],
      files: [remoteFile('/gone.txt', 'x')]
    }
  }
  const input = (deleteEnabled: boolean) =>
    planInput({
      scope: 'changed',
      deleteEnabled,
      base,
      changedFiles: new Set([
        `${NS}/flows/a.yml`,
        `${NS}/flows/removed.yml`,
        `${NS}/flows/renamed.yml`,
        `${NS}/files/gone.txt`,
        'README.md'
      ]),
      flows: [
        desiredFlow(NS, 'a', flowSource(NS, 'a', 'new')),
        desiredFlow(NS, 'untouched'),
        { ...desiredFlow(NS, 'new-id'), file: `${NS}/flows/renamed.yml` }
      ],
      actual: server
    })

  it('plans only resources of changed files, plus those removed by the change', () => {
    expect(actions(buildPlan(input(true), DECIDE_KINDS))).toEqual({
      'company.team:/gone.txt': 'delete',
      'company.team.a': 'update',
      'company.team.new-id': 'create',
      'company.team.old-id': 'delete',
      'company.team.removed': 'delete'
    })
  })

  it('keeps removed resources as orphaned when delete is disabled', () => {
    const plan = buildPlan(input(false), DECIDE_KINDS)
    expect(plan.counts).toMatchObject({
      create: 1,
      update: 1,
      delete: 0,
      orphaned: 3,
      unchanged: 0
    })
  })

  it('plans everything when no changed-file list is known', () => {
    const plan = buildPlan({ ...input(false), changedFiles: undefined }, DECIDE_KINDS)
    expect(actions(plan)['company.team.untouched']).toBe('update')
    expect(actions(plan)['company.team.server-only']).toBe('orphaned')
  })
})

describe('buildPlan: drift', () => {
  const serverFlows = [
    remoteFlow(NS, 'clean', flowSource(NS, 'clean', 'base'), 2),
    remoteFlow(NS, 'hotfixed', flowSource(NS, 'hotfixed', 'edited in the UI'), 3),
    remoteFlow(NS, 'created-outside', flowSource(NS, 'created-outside', 'ui'), 1),
    remoteFlow(NS, 'orphan-edited', flowSource(NS, 'orphan-edited', 'ui'), 4),
    remoteFlow(
      NS,
      'revision-only',
      `revision: 6\n${flowSource(NS, 'revision-only', 'base')}`.replace(/\n/g, '\r\n'),
      6
    )
  ]
  const desired = [
    desiredFlow(NS, 'clean', flowSource(NS, 'clean', 'pr')),
    desiredFlow(NS, 'hotfixed', flowSource(NS, 'hotfixed', 'pr')),
    desiredFlow(NS, 'created-outside', flowSource(NS, 'created-outside', 'pr')),
    desiredFlow(NS, 'revision-only', flowSource(NS, 'revision-only', 'pr'))
  ]
  const base = baseSnapshot({
    flows: new Map(
      ['clean', 'hotfixed', 'orphan-edited', 'revision-only'].map((id) => [
        flowKey(NS, id),
        { source: flowSource(NS, id, 'base'), file: `${NS}/flows/${id}.yml` }
      ])
    ),
    files: new Map([
      [fileKey(NS, '/conf.json'), { sha256: sha256('{"a":1}'), file: `${NS}/files/conf.json` }]
    ])
  })
  const files = {
    desired: [desiredFile(NS, '/conf.json', '{"a":3}')],
    server: [remoteFile('/conf.json', '{"a":2}')]
  }

  it('marks server copies that differ from the base commit', () => {
    const plan = buildPlan(
      planInput({
        base,
        flows: desired,
        files: files.desired,
        actual: { [NS]: { flows: serverFlows, files: files.server } }
      }),
      DECIDE_KINDS
    )
    const drifted = Object.fromEntries(plan.resources.map((r) => [resourceName(r), r.drifted]))
    expect(drifted).toEqual({
      'company.team:/conf.json': true,
      'company.team.clean': false,
      'company.team.created-outside': true,
      'company.team.hotfixed': true,
      'company.team.orphan-edited': true,
      'company.team.revision-only': false
    })
    expect(plan.counts.drifted).toBe(4)
  })

  it('calls nothing drifted without a base snapshot', () => {
    const plan = buildPlan(
      planInput({
        flows: desired,
        files: files.desired,
        actual: { [NS]: { flows: serverFlows, files: files.server } }
      }),
      DECIDE_KINDS
    )
    expect(plan.resources.some((r) => r.drifted)).toBe(false)
    expect(plan.counts.drifted).toBe(0)
  })
})

describe('buildPlan: order and fingerprint', () => {
  const resources = () => ({
    deleteEnabled: true,
    flows: [desiredFlow('b.ns', 'zeta'), desiredFlow('a.ns', 'beta'), desiredFlow('a.ns', 'Alpha')],
    files: [desiredFile('a.ns', '/z.txt', 'z'), desiredFile('b.ns', '/a.txt', 'a')],
    actual: {
      'a.ns': { flows: [remoteFlow('a.ns', 'beta', flowSource('a.ns', 'beta', 'old'), 4)] },
      'b.ns': { flows: [remoteFlow('b.ns', 'old', flowSource('b.ns', 'old'), 2)] }
    }
  })

  it('orders by namespace, files before flows, then id or path by code unit', () => {
    const plan = buildPlan(planInput(resources()), DECIDE_KINDS)
    expect(plan.resources.map(resourceName)).toEqual([
      'a.ns:/z.txt',
      'a.ns.Alpha',
      'a.ns.beta',
      'b.ns:/a.txt',
      'b.ns.old',
      'b.ns.zeta'
    ])
    expect(plan.namespaces).toEqual(['a.ns', 'b.ns'])
  })

  it('gives the same plan and fingerprint whatever the input order', () => {
    const r = resources()
    const shuffled = planInput({
      ...r,
      flows: [...r.flows].reverse(),
      files: [...r.files].reverse(),
      actual: { 'b.ns': r.actual['b.ns'], 'a.ns': r.actual['a.ns'] }
    })
    const a = buildPlan(planInput(r), DECIDE_KINDS)
    const b = buildPlan(shuffled, DECIDE_KINDS)
    expect(b).toEqual(a)
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/)
  })

  it('changes the fingerprint when the server revision moves', () => {
    const r = resources()
    const moved = {
      ...r,
      actual: {
        ...r.actual,
        'a.ns': { flows: [remoteFlow('a.ns', 'beta', flowSource('a.ns', 'beta', 'old'), 5)] }
      }
    }
    expect(buildPlan(planInput(moved), DECIDE_KINDS).fingerprint).not.toBe(
      buildPlan(planInput(r), DECIDE_KINDS).fingerprint
    )
  })

  it('changes the fingerprint when the desired content changes', () => {
    const r = resources()
    const edited = { ...r, files: [desiredFile('a.ns', '/z.txt', 'zz'), r.files[1]!] }
    expect(buildPlan(planInput(edited), DECIDE_KINDS).fingerprint).not.toBe(
      buildPlan(planInput(r), DECIDE_KINDS).fingerprint
    )
  })

  it('ignores unchanged resources and drift (the base commit) in the fingerprint', () => {
    const r = resources()
    const plain = buildPlan(planInput(r), DECIDE_KINDS)
    const withUnchanged = buildPlan(
      planInput({
        ...r,
        flows: [...r.flows, desiredFlow('a.ns', 'same')],
        actual: {
          ...r.actual,
          'a.ns': { flows: [...r.actual['a.ns'].flows, remoteFlow('a.ns', 'same')] }
        }
      }),
      DECIDE_KINDS
    )
    const withBase = buildPlan(planInput({ ...r, base: baseSnapshot({}) }), DECIDE_KINDS)
    expect(withBase.counts.drifted).toBeGreaterThan(0)
    expect(withUnchanged.fingerprint).toBe(plain.fingerprint)
    expect(withBase.fingerprint).toBe(plain.fingerprint)
  })
})

describe('buildPlan: scale', () => {
  it('plans 2,000 flow updates across namespaces, each with its diff', () => {
    const flows = []
    const server: Record<string, { flows: ReturnType<typeof remoteFlow>[] }> = {}
    for (let n = 0; n < 20; n++) {
      const ns = `company.team${n}`
      server[ns] = { flows: [] }
      for (let i = 0; i < 100; i++) {
        const id = `flow_${String(i).padStart(3, '0')}`
        const body = Array.from({ length: 60 }, (_, k) => `    # line ${k}`).join('\n')
        flows.push(desiredFlow(ns, id, `${flowSource(ns, id, 'new')}${body}\n`))
        server[ns].flows.push(remoteFlow(ns, id, `${flowSource(ns, id, 'old')}${body}\n`, i + 1))
      }
    }
    const plan = buildPlan(planInput({ flows, actual: server }), DECIDE_KINDS)
    expect(plan.counts.update).toBe(2000)
    expect(plan.resources.every((r) => r.diff?.includes('+    message: new'))).toBe(true)
    expect(plan.resources[0]?.namespace).toBe('company.team0')
    expect(plan.resources[1999]?.namespace).toBe('company.team9')
  })
})
