/**
 * A plan that deletes a namespace file or a flow that a flow it keeps still uses (`read()`, a Subflow or
 * ForEachItem call, a Flow trigger) is an error on the use's line, or naming the user when only the server
 * holds it (docs/impact.md#deleting-what-is-still-used). Over random repositories, each use written in one of
 * the ways a flow can name another (flow-link-shapes.ts): the error appears exactly when a kept user uses a
 * deleted resource, and the deleted flow's impact lists exactly its kept callers.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../../src/engine/plan/build.js'
import { callGraph } from '../../../src/resources/flows/decide-impact.js'
import { withImpact } from '../../../src/resources/flows/decide-impact.js'
import { collectReferences } from '../../../src/resources/flows/decide-references.js'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import { fileKey, flowKey } from '../../../src/model/targets.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'
import { LINK_SHAPES, type LinkShape } from './flow-link-shapes.js'
import {
  desiredFile,
  desiredFlow,
  planInput,
  remoteFile,
  remoteFlow,
  sha256
} from '../../engine/plan/fixtures.js'
import { runs } from '../../../test-support/property-runs.js'
import { baseSnapshot } from '../../../test-support/base-snapshot.js'

const NS = 'company.team'
const OTHER = 'company.other'

type Fate = 'repo' | 'server-kept' | 'deleted'
type Use =
  { kind: 'read'; file: number; named: boolean } | { kind: 'call'; flow: number; shape: LinkShape }

interface World {
  files: { namespace: string; fate: 'repo' | 'deleted' }[]
  flows: { namespace: string; fate: Fate; uses: Use[] }[]
}

const filePath = (i: number) => `/sql/f${i}.sql`
const flowId = (i: number) => `u${i}`

function source(world: World, i: number): string {
  const { namespace, uses } = world.flows[i]!
  const lines = [`id: ${flowId(i)}`, `namespace: ${namespace}`, 'tasks:']
  const triggers: string[] = []
  uses.forEach((use, n) => {
    if (use.kind === 'read') {
      const target = world.files[use.file]!
      const call =
        use.named || target.namespace !== namespace
          ? `read('${filePath(use.file)}', '${target.namespace}')`
          : `read('${filePath(use.file)}')`
      lines.push(
        `  - id: t${n}`,
        '    type: io.kestra.plugin.core.log.Log',
        `    message: "{{ ${call} }}"`
      )
    } else {
      const target = world.flows[use.flow]!
      const yaml = use.shape.yaml(target.namespace, flowId(use.flow), n)
      ;(use.shape.via === 'flow-trigger' ? triggers : lines).push(...yaml)
    }
  })
  if (uses.length === 0) {
    lines.push('  - id: log', '    type: io.kestra.plugin.core.log.Log', '    message: hi')
  }
  return [...lines, ...(triggers.length > 0 ? ['triggers:', ...triggers] : []), ''].join('\n')
}

const world: fc.Arbitrary<World> = fc
  .record({
    files: fc.array(
      fc.record({
        namespace: fc.constantFrom(NS, OTHER),
        fate: fc.constantFrom('repo' as const, 'deleted' as const)
      }),
      { minLength: 1, maxLength: 4 }
    ),
    flows: fc.array(
      fc.record({
        namespace: fc.constantFrom(NS, OTHER),
        fate: fc.constantFrom<Fate>('repo', 'server-kept', 'deleted'),
        uses: fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('read' as const), file: fc.nat(), named: fc.boolean() }),
            fc.record({
              kind: fc.constant('call' as const),
              flow: fc.nat(),
              shape: fc.constantFrom(...LINK_SHAPES)
            })
          ),
          { maxLength: 4 }
        )
      }),
      { minLength: 1, maxLength: 5 }
    )
  })
  .map(({ files, flows }) => ({
    files,
    flows: flows.map((flow, i) => ({
      ...flow,
      // Each use names a resource of this world, never the flow itself.
      uses: flow.uses.flatMap((use): Use[] => {
        if (use.kind === 'read') return [{ ...use, file: use.file % files.length }]
        const target = use.flow % flows.length
        return target === i ? [] : [{ ...use, flow: target }]
      })
    }))
  }))

/**
 * The plan of `world` with `delete: true`: the repository holds its `repo` resources; the server holds them
 * all; the base commit held the `deleted` ones, which this change removed (`scope: changed`), so the
 * `server-kept` flows are only on the server and outside the plan.
 */
function planOf(w: World) {
  const repoFlows = w.flows.flatMap((f, i) => (f.fate === 'repo' ? [i] : []))
  const sources = w.flows.map((_, i) => source(w, i))
  const parsed = repoFlows.map((i) =>
    parseFlowFile({
      file: `${w.flows[i]!.namespace}/flows/${flowId(i)}.yml`,
      rel: `flows/${flowId(i)}.yml`,
      raw: sources[i]!
    })
  )
  const actual: Record<
    string,
    { flows: ReturnType<typeof remoteFlow>[]; files: ReturnType<typeof remoteFile>[] }
  > = {
    [NS]: { flows: [], files: [] },
    [OTHER]: { flows: [], files: [] }
  }
  w.flows.forEach((f, i) =>
    actual[f.namespace]!.flows.push(remoteFlow(f.namespace, flowId(i), sources[i]))
  )
  w.files.forEach((f, i) =>
    actual[f.namespace]!.files.push(remoteFile(filePath(i), `select ${i};\n`))
  )
  const base = {
    flows: new Map(
      w.flows.flatMap((f, i) =>
        f.fate === 'deleted'
          ? [
              [
                flowKey(f.namespace, flowId(i)),
                { source: sources[i]!, file: `${f.namespace}/flows/${flowId(i)}.yml` }
              ]
            ]
          : []
      )
    ),
    files: new Map(
      w.files.flatMap((f, i) =>
        f.fate === 'deleted'
          ? [
              [
                fileKey(f.namespace, filePath(i)),
                { sha256: sha256(`select ${i};\n`), file: `${f.namespace}/files${filePath(i)}` }
              ]
            ]
          : []
      )
    )
  }
  const input = planInput({
    flows: repoFlows.map((i) => desiredFlow(w.flows[i]!.namespace, flowId(i), sources[i])),
    files: w.files.flatMap((f, i) =>
      f.fate === 'repo' ? [desiredFile(f.namespace, filePath(i), `select ${i};\n`)] : []
    ),
    actual,
    namespaces: [NS, OTHER],
    deleteEnabled: true,
    scope: 'changed',
    base: baseSnapshot(base),
    changedFiles: new Set([...base.flows.values(), ...base.files.values()].map((b) => b.file))
  })
  const plan = buildPlan(input, DECIDE_KINDS)
  const graph = callGraph({ flows: parsed, references: collectReferences(parsed) }, input.actual)
  return { plan, impact: withImpact(plan, graph), sources }
}

/** `user → resource` for every use of a deleted resource by a flow that is kept. */
function expectedErrors(w: World): Set<string> {
  const expected = new Set<string>()
  w.flows.forEach((f, i) => {
    if (f.fate === 'deleted') return
    for (const use of f.uses) {
      const target =
        use.kind === 'read'
          ? w.files[use.file]!.fate === 'deleted' &&
            `namespace file ${w.files[use.file]!.namespace}:${filePath(use.file)}`
          : use.shape.names &&
            w.flows[use.flow]!.fate === 'deleted' &&
            `flow ${w.flows[use.flow]!.namespace}.${flowId(use.flow)}`
      if (target) expected.add(`${f.namespace}.${flowId(i)} → ${target}`)
    }
  })
  return expected
}

describe('a deletion still in use', () => {
  it('is an error exactly when a kept user uses a deleted resource, on its line or naming it', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { plan, impact, sources } = planOf(w)
        // The plan deletes exactly the world's deleted resources.
        const deletes = plan.resources.filter((r) => r.action === 'delete').length
        expect(deletes).toBe(
          w.files.filter((f) => f.fate === 'deleted').length +
            w.flows.filter((f) => f.fate === 'deleted').length
        )
        const errors = impact.findings.filter((f) => f.severity === 'error')
        for (const error of errors) expect(error.rule).toBe('deletes-resource-in-use')
        const found = new Set(
          errors.map((error) => {
            const user = /^flow:(.+)\/(u\d+)$/.exec(error.resource ?? '')!
            const target = /(namespace file \S+?|flow [a-z.]+\.u\d+),/.exec(error.message)![1]
            return `${user[1]}.${user[2]} → ${target}`
          })
        )
        expect(found).toEqual(expectedErrors(w))
        for (const error of errors) {
          const index = Number(/u(\d+)$/.exec(error.resource!)![1])
          const user = w.flows[index]!
          if (user.fate === 'server-kept') {
            expect(error.file).toBe('')
            expect(error.message).toContain(`Flow ${user.namespace}.u${index} (only on the server)`)
            continue
          }
          expect(error.file).toBe(`${user.namespace}/flows/u${index}.yml`)
          // The line is the use's: the read() call, or the call's task or trigger condition.
          const lines = sources[index]!.split('\n')
          const near = lines.slice(error.line - 1, error.line + 4).join('\n')
          const target = /(namespace file \S+?|flow [a-z.]+\.(u\d+)),/.exec(error.message)!
          if (target[2]) expect(near).toContain(`flowId: ${target[2]}`)
          else expect(lines[error.line - 1]).toContain(`read('${/:(\/\S+)$/.exec(target[1]!)![1]}'`)
        }
        // The impact shows every kept caller of each deleted flow, by the way it names it.
        for (const r of impact.plan.resources) {
          if (r.kind !== 'flow' || r.action !== 'delete') continue
          const index = Number(/^u(\d+)$/.exec(r.id)![1])
          const expected = new Set(
            w.flows.flatMap((f, i) =>
              f.fate === 'deleted'
                ? []
                : f.uses.flatMap((use) =>
                    use.kind === 'call' && use.flow === index && use.shape.names
                      ? [`${f.namespace}.u${i} ${use.shape.via} ${f.fate === 'server-kept'}`]
                      : []
                  )
            )
          )
          const shown = new Set(
            (r.impact?.callers ?? []).map((c) => `${c.namespace}.${c.id} ${c.via} ${c.serverOnly}`)
          )
          expect(shown).toEqual(expected)
        }
        // A kept repository caller of an orphaned flow would warn; nothing here is orphaned.
        expect(impact.findings.filter((f) => f.severity !== 'error')).toEqual([])
      }),
      { numRuns: runs(300, 40) }
    )
  })
})
