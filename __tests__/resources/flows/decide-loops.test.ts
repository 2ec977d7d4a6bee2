import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../../src/engine/plan/build.js'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import type { Finding } from '../../../src/model/finding.js'
import type { KestraVersion } from '../../../src/model/version.js'
import { callGraph } from '../../../src/resources/flows/decide-impact.js'
import { executionLoopFindings } from '../../../src/resources/flows/decide-loops.js'
import { collectReferences } from '../../../src/resources/flows/decide-references.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'
import { serverState } from '../../../test-support/server-state.js'
import { desiredFlow, planInput, remoteFlow } from '../../engine/plan/fixtures.js'

const NS = 'company.team'
const V2: KestraVersion = [2, 0, 0]
const V13: KestraVersion = [1, 3, 31]

/** A flow calling `calls` (with `call` lines under the task) and triggered after `after` (with `entry` lines). */
function flow(
  id: string,
  { calls, after, call = '', entry = '' }: Record<string, string | undefined> = {}
): string {
  const lines = [`id: ${id}`, `namespace: ${NS}`, 'tasks:']
  if (calls) {
    lines.push('  - id: call', '    type: io.kestra.plugin.core.flow.Subflow')
    lines.push(`    namespace: ${NS}`, `    flowId: ${calls}`)
    if (call) lines.push(call)
  } else lines.push('  - id: log', '    type: io.kestra.plugin.core.log.Log', '    message: hi')
  if (after) {
    lines.push('triggers:', '  - id: after', '    type: io.kestra.plugin.core.trigger.Flow')
    lines.push('    dependsOn:', `      - namespace: ${NS}`, `        flowId: ${after}`)
    if (entry) lines.push(entry)
  }
  return `${lines.join('\n')}\n`
}

/** The loop findings of a repository over a server, as the plan's review makes them. */
function loops(
  repository: Record<string, string>,
  server: Record<string, string>,
  { version = V2 as KestraVersion | null, deleteEnabled = false, said = [] as Finding[] } = {}
) {
  const files = Object.entries(repository).map(([id, raw]) =>
    parseFlowFile({ file: `${NS}/flows/${id}.yml`, rel: `flows/${id}.yml`, raw })
  )
  const state = serverState([
    [
      NS,
      { flows: Object.entries(server).map(([id, source]) => remoteFlow(NS, id, source)), files: [] }
    ]
  ])
  const plan = buildPlan(
    planInput({
      flows: files.map((f) => desiredFlow(NS, f.id!, f.source)),
      actual: { [NS]: state.get(NS)! },
      deleteEnabled
    }),
    DECIDE_KINDS
  )
  const { calls } = callGraph({ flows: files, references: collectReferences(files) }, state)
  return executionLoopFindings(calls, plan, version ?? undefined, said).map(
    (f) => `${f.severity} ${f.file}:${f.line} ${f.message.split(' is an')[0]}`
  )
}

describe('execution loops the plan would close (docs/caught-at-review.md#execution-loops)', () => {
  it('is an error on 2.0 on each written flow of a loop two written flows close, on the call or trigger starting it', () => {
    const repository = {
      a: flow('a', { calls: 'b', after: 'c' }),
      b: flow('b', { calls: 'c' }),
      c: flow('c')
    }
    expect(loops(repository, {})).toEqual([
      `error ${NS}/flows/a.yml:4 ${NS}.a → ${NS}.b → ${NS}.c → ${NS}.a`,
      `error ${NS}/flows/b.yml:4 ${NS}.b → ${NS}.c → ${NS}.a → ${NS}.b`
    ])
  })

  it('leaves a flow the server refused for a loop to its answer, and warns on 1.3, which saves loops', () => {
    const server = { b: flow('b', { after: 'a' }) }
    const repository = { a: flow('a', { after: 'b' }), b: server.b }
    const mine = [`error ${NS}/flows/a.yml:12 ${NS}.a → ${NS}.b → ${NS}.a`]
    expect(loops(repository, server)).toEqual(mine)
    const answer: Finding = {
      severity: 'error',
      file: `${NS}/flows/a.yml`,
      line: 12,
      rule: 'execution-loop',
      message: 'the server’s'
    }
    expect(loops(repository, server, { said: [answer] })).toEqual([])
    expect(loops(repository, server, { said: [{ ...answer, rule: 'server-constraint' }] })).toEqual(
      mine
    )
    expect(loops(repository, server, { version: V13 })).toEqual([
      `warning ${NS}/flows/a.yml:12 ${NS}.a → ${NS}.b → ${NS}.a`
    ])
    expect(loops(repository, server, { version: null })).toEqual([
      `warning ${NS}/flows/a.yml:12 ${NS}.a → ${NS}.b → ${NS}.a`
    ])
  })

  it('counts the server-only flows and not what the plan deletes', () => {
    const server = { a: flow('a'), b: flow('b'), relay: flow('relay', { calls: 'a' }) }
    const repository = { a: flow('a', { calls: 'b' }), b: flow('b', { calls: 'relay' }) }
    expect(loops(repository, server)).toEqual([
      `error ${NS}/flows/a.yml:4 ${NS}.a → ${NS}.b → ${NS}.relay → ${NS}.a`,
      `error ${NS}/flows/b.yml:4 ${NS}.b → ${NS}.relay → ${NS}.a → ${NS}.b`
    ])
    expect(loops(repository, server, { deleteEnabled: true })).toEqual([])
  })

  it('follows no call or trigger a condition holds back, as Kestra 2.0 does', () => {
    const closed = (fields: Record<string, string>) =>
      loops({ a: flow('a', { calls: 'b', ...fields }), b: flow('b', { calls: 'a' }) }, {})
    expect(closed({})).toHaveLength(2)
    expect(closed({ call: '    runIf: true' })).toHaveLength(2)
    for (const call of ['    disabled: true', '    runIf: "{{ inputs.go }}"'])
      expect(closed({ call }), call).toEqual([])
    const triggered = (entry: string) =>
      loops({ a: flow('a', { after: 'b', entry }), b: flow('b', { after: 'a' }) }, {})
    expect(triggered('')).toHaveLength(2)
    expect(triggered('        when: "{{ trigger.outputs.ok }}"')).toEqual([])
  })

  it('names a flow that starts itself again', () => {
    expect(loops({ a: flow('a', { after: 'a' }) }, {}, { version: V13 })).toEqual([
      `warning ${NS}/flows/a.yml:12 ${NS}.a → ${NS}.a`
    ])
  })
})
