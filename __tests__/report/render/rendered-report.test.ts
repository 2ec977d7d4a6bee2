/**
 * `renderedReport` leaves out of an unchanged resource what each kind compares (digests, files, contents,
 * sources) before the report goes through the output edge: only what no output shows. The comment and the job
 * summary rendered from it are those rendered from the whole report, over random plans of every action and
 * every mode (including the falls back to shorter forms that a large plan takes).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../../src/engine/plan/build.js'
import { renderComment, renderSummary } from '../../../src/report/render/report.js'
import { renderedReport, type CommentInput } from '../../../src/report/render/input.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'
import {
  desiredFile,
  desiredFlow,
  flowSource,
  planInput,
  remoteFile,
  remoteFlow
} from '../../engine/plan/fixtures.js'
import { COMMIT, FINDINGS, mixedPlan } from './fixtures.js'
import { runs } from '../../../test-support/property-runs.js'

const NAMESPACES = ['company.team', 'company.data']

/** Each flow and file on either side or both, with the same or another content: every action of a plan. */
const side = fc.constantFrom('repo', 'server', 'same', 'changed')
const plans = fc
  .record({
    flows: fc.array(fc.tuple(fc.constantFrom(...NAMESPACES), fc.nat(30), side), { maxLength: 40 }),
    files: fc.array(fc.tuple(fc.constantFrom(...NAMESPACES), fc.nat(30), side, fc.boolean()), {
      maxLength: 40
    }),
    deleteEnabled: fc.boolean()
  })
  .map(({ flows, files, deleteEnabled }) => {
    const desiredFlows = new Map<string, ReturnType<typeof desiredFlow>>()
    const desiredFiles = new Map<string, ReturnType<typeof desiredFile>>()
    const actual: Record<
      string,
      { flows: ReturnType<typeof remoteFlow>[]; files: ReturnType<typeof remoteFile>[] }
    > = Object.fromEntries(NAMESPACES.map((ns) => [ns, { flows: [], files: [] }]))
    const seen = new Set<string>()
    for (const [ns, n, where] of flows) {
      const id = `flow_${n}`
      if (seen.has(`${ns}/${id}`)) continue
      seen.add(`${ns}/${id}`)
      if (where !== 'server')
        desiredFlows.set(`${ns}/${id}`, desiredFlow(ns, id, flowSource(ns, id, 'repo')))
      if (where !== 'repo') {
        const text = where === 'changed' ? 'server' : 'repo'
        actual[ns]!.flows.push(remoteFlow(ns, id, flowSource(ns, id, text), n + 1))
      }
    }
    for (const [ns, n, where, binary] of files) {
      const path = `/files/f${n}.${binary ? 'bin' : 'txt'}`
      if (seen.has(`${ns}${path}`)) continue
      seen.add(`${ns}${path}`)
      const content = (text: string) =>
        binary ? new Uint8Array([0, n, text.length]) : `${text} ${n}\n`
      if (where !== 'server')
        desiredFiles.set(`${ns}${path}`, desiredFile(ns, path, content('repo')))
      if (where !== 'repo') {
        actual[ns]!.files.push(remoteFile(path, content(where === 'changed' ? 'server' : 'repo')))
      }
    }
    return buildPlan(
      planInput({
        flows: [...desiredFlows.values()],
        files: [...desiredFiles.values()],
        actual,
        deleteEnabled
      }),
      DECIDE_KINDS
    )
  })

function input(plan: ReturnType<typeof mixedPlan>, mode: CommentInput['mode']): CommentInput {
  return {
    commentKey: 'default',
    mode,
    kinds: DECIDE_KINDS,
    server: 'https://kestra.example.com',
    tenant: 'main',
    commit: COMMIT,
    findings: FINDINGS,
    plan,
    runUrl: 'https://github.com/o/r/actions/runs/1'
  }
}

describe('the report the renderers read', () => {
  it('renders the comment and the summary exactly as the whole report does', () => {
    fc.assert(
      fc.property(
        fc.oneof(plans, fc.constant(mixedPlan())),
        fc.constantFrom<CommentInput['mode']>('plan', 'deploy', 'drift'),
        fc.constantFrom(undefined, 4096, 600),
        (plan, mode, budgetBytes) => {
          const whole = input(plan, mode)
          const rendered = renderedReport(whole)
          expect(renderComment(rendered)).toBe(renderComment(whole))
          const budget = budgetBytes === undefined ? {} : { budgetBytes }
          expect(renderSummary({ ...rendered, ...budget })).toBe(
            renderSummary({ ...whole, ...budget })
          )
        }
      ),
      { numRuns: runs(300, 80) }
    )
  })

  it('leaves the unchanged resources without what no output shows, and the others whole', () => {
    const plan = mixedPlan()
    const rendered = renderedReport(input(plan, 'plan')).plan!
    expect(rendered.resources).toHaveLength(plan.resources.length)
    rendered.resources.forEach((change, i) => {
      const original = plan.resources[i]!
      if (original.action !== 'unchanged') expect(change).toBe(original)
      else
        expect(change).toEqual({
          ...original,
          digest: undefined,
          file: undefined,
          desired: undefined,
          current: undefined
        })
    })
    expect(rendered.resources.some((change) => change.action === 'unchanged')).toBe(true)
  })
})
