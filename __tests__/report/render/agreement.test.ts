/**
 * The comment, the CLI's text and its `--json` document never disagree (docs/cli.md#the-json-document): over
 * random plans of every action, with random callers, broken calls, trigger changes, missing names,
 * executions not finished and findings, each resource carries the same marks, the same invalid count and
 * the same review in all three; the verdicts count the same findings; the deletions named are the same;
 * a page in Kestra only for what the server holds; what drift was measured against and the UI's work on each
 * resource (deleted, created, edited, disabled, a 2.0 draft), in the same words; and every document parses with the
 * schema.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { reportText } from '../../../src/cli/report-text.js'
import { buildPlan } from '../../../src/engine/plan/build.js'
import { renderComment } from '../../../src/report/render/report.js'
import type { CommentInput } from '../../../src/report/render/input.js'
import { planDocument, planDocumentSchema } from '../../../src/report/render/plan-document.js'
import { plainMarks } from '../../../src/report/render/resource.js'
import { driftBaseNotes, uiWorkText } from '../../../src/report/render/ui-work.js'
import type { DriftBase } from '../../../src/model/drift.js'
import type { BaseSnapshot, DeployedBases } from '../../../src/model/plan-input.js'
import { fileKey, flowKey } from '../../../src/model/targets.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'
import type { Finding } from '../../../src/model/finding.js'
import { escapeText } from '../../../src/model/markdown/escape.js'
import { resourceName, type FlowChange, type Plan } from '../../../src/model/plan.js'
import { changeTargets } from '../../../src/model/targets.js'
import { palette } from '../../../src/report/terminal-style.js'
import {
  desiredFile,
  desiredFlow,
  flowSource,
  planInput,
  remoteFile,
  remoteFlow,
  sha256
} from '../../engine/plan/fixtures.js'
import { COMMIT } from './fixtures.js'
import { runs } from '../../../test-support/property-runs.js'
import { baseSnapshot } from '../../../test-support/base-snapshot.js'

const NAMESPACES = ['company.team', 'company.data']
const UI = 'https://kestra.example.com/ui/main'

const side = fc.constantFrom('repo', 'server', 'same', 'changed')
/**
 * What the base commit held (`none`: nothing; `server`: the server's copy before its turn, so the turn alone is
 * drift; `other`: another text), and what was done to the server's copy (`disabled` in the UI, a 2.0 `draft`).
 */
const baseSide = fc.constantFrom('none', 'server', 'other')
const turn = fc.constantFrom('none', 'none', 'disabled', 'enabled', 'draft')

/** What the review and the impact may say of a flow, each part possibly absent. */
const flowExtras = fc.record({
  callers: fc.array(
    fc.record({
      namespace: fc.constantFrom(...NAMESPACES),
      id: fc.constantFrom('parent', 'other', 'third'),
      via: fc.constantFrom('subflow' as const, 'foreach' as const, 'flow-trigger' as const),
      serverOnly: fc.boolean(),
      breaks: fc.option(fc.array(fc.constantFrom('input x is required', 'input y is gone')), {
        nil: undefined
      })
    }),
    { maxLength: 3 }
  ),
  triggers: fc.array(
    fc.record({
      text: fc.constantFrom('flow disabled', 'trigger nightly (Schedule "0 2 * * *") removed'),
      nextRun: fc.option(fc.constant('2026-11-27 02:00 UTC'), { nil: undefined })
    }),
    { maxLength: 2 }
  ),
  missing: fc.array(
    fc.record({
      kind: fc.constantFrom('secret' as const, 'kv' as const),
      name: fc.constantFrom('SLACK_WEBHOOK_URL', 'db_password', 'A&B')
    }),
    { maxLength: 3 }
  ),
  unfinished: fc.array(
    fc.record({
      id: fc.constantFrom('e1', 'e2'),
      state: fc.constantFrom('RUNNING', 'PAUSED'),
      url: fc.constant('https://kestra.example.com/ui/main/executions/e1')
    }),
    { maxLength: 2 }
  )
})

const plans = fc
  .record({
    flows: fc.array(
      fc.tuple(fc.constantFrom(...NAMESPACES), fc.nat(20), side, flowExtras, baseSide, turn),
      { maxLength: 16 }
    ),
    files: fc.array(
      fc.tuple(fc.constantFrom(...NAMESPACES), fc.nat(20), side, fc.boolean(), baseSide),
      { maxLength: 8 }
    ),
    deleteEnabled: fc.boolean(),
    // No base, one base commit, or each namespace's deployed commit (the second one without a marker).
    base: fc.constantFrom('none', 'event', 'deployed')
  })
  .map(({ flows, files, deleteEnabled, base: baseKind }) => {
    const base = {
      flows: new Map<string, { source: string; file: string }>(),
      files: new Map<string, { sha256: string; file: string }>()
    }
    const desiredFlows = new Map<string, ReturnType<typeof desiredFlow>>()
    const desiredFiles = new Map<string, ReturnType<typeof desiredFile>>()
    const extras = new Map<string, (typeof flows)[number][3]>()
    const actual: Record<
      string,
      { flows: ReturnType<typeof remoteFlow>[]; files: ReturnType<typeof remoteFile>[] }
    > = Object.fromEntries(NAMESPACES.map((ns) => [ns, { flows: [], files: [] }]))
    for (const [ns, n, where, extra, atBase, done] of flows) {
      const id = `flow_${n}`
      if (extras.has(`${ns}.${id}`)) continue
      extras.set(`${ns}.${id}`, extra)
      // `enabled`: Git (at the base and now) disables the flow, the UI enabled it.
      const off = (source: string) => (done === 'enabled' ? `${source}\ndisabled: true` : source)
      if (where !== 'server')
        desiredFlows.set(`${ns}.${id}`, desiredFlow(ns, id, off(flowSource(ns, id, 'repo'))))
      const before = flowSource(
        ns,
        id,
        where === 'changed' || where === 'server' ? 'server' : 'repo'
      )
      if (atBase !== 'none') {
        const source = off(atBase === 'server' ? before : flowSource(ns, id, 'old'))
        base.flows.set(flowKey(ns, id), { source, file: `${ns}/flows/${id}.yml` })
      }
      if (where !== 'repo') {
        // Kestra's UI disables a flow by writing `disabled: true` into its source (FlowService.injectDisabled).
        const source = done === 'disabled' ? `${before}\ndisabled: true` : before
        const held = remoteFlow(ns, id, source, n + 1)
        actual[ns]!.flows.push(done === 'draft' ? { ...held, draft: true } : held)
      }
    }
    const seen = new Set<string>()
    for (const [ns, n, where, binary, atBase] of files) {
      const path = `/files/f${n}.${binary ? 'bin' : 'txt'}`
      if (seen.has(`${ns}${path}`)) continue
      seen.add(`${ns}${path}`)
      const content = (text: string) =>
        binary ? new Uint8Array([0, n, text.length]) : `${text} ${n}\n`
      if (where !== 'server')
        desiredFiles.set(`${ns}${path}`, desiredFile(ns, path, content('repo')))
      const held = content(where === 'changed' || where === 'server' ? 'server' : 'repo')
      if (atBase !== 'none') {
        const bytes = atBase === 'server' ? held : content('old')
        base.files.set(fileKey(ns, path), { sha256: sha256(bytes), file: `${ns}/files${path}` })
      }
      if (where !== 'repo') actual[ns]!.files.push(remoteFile(path, held))
    }
    const deployed: DeployedBases = {
      commits: new Map([[NAMESPACES[0]!, COMMIT]]),
      unchecked: new Map([[NAMESPACES[1]!, 'no commit marker (this action has not deployed it)']])
    }
    const snapshot: BaseSnapshot | undefined =
      baseKind === 'none'
        ? undefined
        : baseKind === 'event'
          ? baseSnapshot(base)
          : { ...baseSnapshot(base), deployed }
    const driftBase: DriftBase | undefined =
      baseKind === 'none'
        ? undefined
        : baseKind === 'event'
          ? {
              from: 'pull-request',
              commits: new Map(NAMESPACES.map((ns) => [ns, COMMIT])),
              unchecked: new Map()
            }
          : { from: 'deployed', ...deployed }
    const built = buildPlan(
      planInput({
        flows: [...desiredFlows.values()],
        files: [...desiredFiles.values()],
        actual,
        deleteEnabled,
        base: snapshot
      }),
      DECIDE_KINDS
    )
    const plan = built
    // The review and the impact as the plan would carry them, on flows it writes.
    const resources = plan.resources.map((r) => {
      if (r.kind !== 'flow' || r.action === 'unchanged' || r.action === 'orphaned') return r
      const extra = extras.get(resourceName(r))
      if (!extra) return r
      const flow: FlowChange = { ...r }
      if (extra.callers.length + extra.triggers.length > 0) {
        flow.impact = { callers: extra.callers, triggers: extra.triggers }
      }
      if (extra.missing.length + extra.unfinished.length > 0) {
        flow.review = { missing: extra.missing, unfinished: extra.unfinished }
      }
      return flow
    })
    return { plan: { ...plan, resources } satisfies Plan, driftBase }
  })

/** Findings on random resources of the plan (or on none), of every severity. */
function findingsOf(plan: Plan, picks: [number, Finding['severity']][]): Finding[] {
  return picks.map(([at, severity], i) => {
    const r = plan.resources[at % Math.max(1, plan.resources.length)]
    return {
      severity,
      file: r ? `${r.namespace}/flows/x${i}.yml` : 'elsewhere.yml',
      line: i + 1,
      rule: 'rule',
      message: `finding ${i}`,
      ...(r && at % 3 !== 0 && { resource: changeTargets(r)[0] })
    }
  })
}

/** The comment's line (summary or orphan line) of a resource: the line naming it in bold, not the drift list's. */
function commentLine(comment: string, name: string, action: string): string {
  const bold = `${action} ${''}`
  const lines = comment
    .split('\n')
    .filter(
      (line) =>
        line.includes(`<b>${escapeText(name)}</b>`) &&
        line.includes(bold.trim()) &&
        !line.startsWith('- ')
    )
  expect(lines, `${action} ${name} in the comment`).toHaveLength(1)
  return lines[0]!
}

/** The text's line of a resource, and the lines under it up to the next resource or diff. */
function textBlock(text: string, name: string, action: string): { line: string; under: string } {
  const lines = text.split('\n')
  const at = lines.findIndex(
    (line) =>
      / {2}[+~!=-] /.test(line) &&
      line.includes(` ${action} `) &&
      line.includes(` ${name}`) &&
      (line.includes(` ${name} ·`) || line.endsWith(` ${name}`))
  )
  expect(at, `${action} ${name} in the text`).toBeGreaterThanOrEqual(0)
  const under: string[] = []
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith('      ') || /^ {6}(---|\+\+\+|@@)/.test(line)) break
    under.push(line)
  }
  return { line: lines[at]!, under: under.join('\n') }
}

function verdictCounts(line: string | undefined): string {
  return (line ?? '').replace(/^.*Validation (passed|failed)\**: /, '')
}

describe('the comment, the text and the JSON document', () => {
  it('show the same marks, review, verdict and deletions for every plan', () => {
    const seen = new Set<string>()
    fc.assert(
      fc.property(
        plans,
        fc.array(
          fc.tuple(fc.nat(100), fc.constantFrom<Finding['severity']>('error', 'warning', 'notice')),
          {
            maxLength: 6
          }
        ),
        fc.constantFrom<'error' | 'warning'>('error', 'warning'),
        ({ plan, driftBase }, picks, failOn) => {
          const report: CommentInput = {
            commentKey: 'default',
            mode: 'plan',
            kinds: DECIDE_KINDS,
            server: 'https://kestra.example.com',
            tenant: 'main',
            commit: COMMIT,
            findings: findingsOf(plan, picks),
            failOn,
            plan,
            kestraUi: UI,
            notes: driftBaseNotes(driftBase),
            driftBase,
            budget: 1_000_000
          }
          const comment = renderComment(report)
          const text = reportText(report, palette(false))
          const document = planDocumentSchema.parse(
            JSON.parse(JSON.stringify(planDocument(report, { outputs: { mode: 'plan' } })))
          )

          // One verdict, counted alike.
          const commentVerdict = comment.split('\n').find((l) => l.includes('Validation '))
          const textVerdict = text.split('\n').find((l) => l.startsWith('Validation '))
          expect(verdictCounts(textVerdict)).toBe(verdictCounts(commentVerdict).replace(/\\$/, ''))
          const { errors, warnings, notices } = document.verdict
          expect(verdictCounts(textVerdict)).toMatch(
            new RegExp(
              `^${errors} errors?, ${warnings} warnings?${notices ? `, ${notices} notices?` : ''}$`
            )
          )
          expect(
            textVerdict!.startsWith(
              document.verdict.passed ? 'Validation passed' : 'Validation failed'
            )
          ).toBe(true)

          // The same deletions, under each headline.
          const deleted = plan.resources.filter((r) => r.action === 'delete')
          expect(document.deletions).toEqual(deleted.map((r) => `${r.kind} ${resourceName(r)}`))
          const caution = comment.split('\n').find((l) => l.startsWith('> 🔴 **Deletes'))
          const textDeletes = text.split('\n')[1]!
          if (deleted.length === 0) {
            expect(caution).toBeUndefined()
            expect(textDeletes.startsWith('Deletes')).toBe(false)
          } else {
            for (const r of deleted.slice(0, 10)) {
              expect(caution).toContain(escapeText(`${r.kind} ${resourceName(r)}`))
              expect(textDeletes).toContain(`${r.kind} ${resourceName(r)}`)
            }
            const heads = [
              caution!.replace(/^> 🔴 \*\*(Deletes[^:]*):.*$/, '$1'),
              textDeletes.replace(/:.*$/, '')
            ]
            expect(heads[0]).toBe(heads[1])
          }

          // What drift was measured against, said alike (docs/drift.md#drift-by-default).
          expect(document.notes).toEqual(driftBaseNotes(driftBase))
          for (const note of document.notes) {
            expect(comment).toContain(`> ${escapeText(note)}`)
            expect(text.split('\n')).toContain(note)
          }
          expect(document.drift_base?.commits ?? {}).toEqual(
            Object.fromEntries(driftBase?.commits ?? [])
          )
          expect(document.drift_base?.unchecked ?? {}).toEqual(
            Object.fromEntries(driftBase?.unchecked ?? [])
          )

          // The UI's work: the same words on each resource's line and in the drift lists.
          const commentDrift = comment.slice(comment.indexOf('#### ⚠️ Drift'))
          const textDrift = text.slice(text.indexOf('Drift: the server copy'))
          plan.resources.forEach((r, i) => {
            const ui = document.resources[i]!.ui_work
            if (ui) seen.add(`${ui.kind} ${r.action}`)
            expect(ui?.text).toBe(uiWorkText(r))
            expect(ui?.kind).toBe(r.outside)
            if (ui) expect(r.drifted).toBe(true)
            if (!r.drifted) return
            const name = resourceName(r)
            const said = ui ? `: ${ui.text}` : ` (${r.action})`
            expect(commentDrift).toContain(
              `- ${r.kind} <b>${escapeText(name)}</b>${escapeText(said)}`
            )
            expect(textDrift).toContain(`  ${r.kind} ${name}${said}`)
            if (r.action === 'unchanged') return
            const line = commentLine(comment, name, r.action)
            const { line: textLine } = textBlock(text, name, r.action)
            expect(line).toContain(ui ? `⚠️ drifted: ${escapeText(ui.text)}` : '⚠️ drifted')
            expect(textLine).toContain(ui ? `drifted: ${ui.text}` : 'drifted')
          })

          // Each resource the comment lists: the same marks, invalid count, page and review in all three.
          expect(document.resources.map((r) => r.name)).toEqual(plan.resources.map(resourceName))
          plan.resources.forEach((r, i) => {
            const entry = document.resources[i]!
            expect(entry.action).toBe(r.action)
            expect(entry.marks).toEqual(plainMarks(DECIDE_KINDS, r))
            if (r.action === 'unchanged') return
            const name = resourceName(r)
            const line = commentLine(comment, name, r.action)
            const { line: textLine, under } = textBlock(text, name, r.action)
            for (const mark of entry.marks) {
              expect(line).toContain(mark)
              expect(textLine).toContain(mark)
            }
            const invalid = entry.invalid_findings
            const said = /❌ invalid \((\d+) findings?\)/.exec(line)?.[1]
            const saidText = /invalid \((\d+) findings?\)/.exec(textLine)?.[1]
            expect(said === undefined ? undefined : Number(said)).toBe(invalid)
            expect(saidText === undefined ? undefined : Number(saidText)).toBe(invalid)
            expect(line.includes('open in Kestra')).toBe(entry.page !== undefined)
            if (r.action === 'create') expect(entry.page).toBeUndefined()
            if (entry.page) expect(line).toContain(`href="${entry.page}"`)
            if (r.action === 'orphaned') return

            const review = entry.review as
              | {
                  callers?: { namespace: string; id: string; breaks?: string[] }[]
                  triggers?: { text: string; next_run?: string }[]
                  missing?: { kind: string; name: string }[]
                  unfinished?: unknown[]
                }
              | undefined
            const block = comment.slice(comment.indexOf(line))
            const details = block.slice(0, block.indexOf('</details>') + 1 || undefined)
            for (const caller of review?.callers ?? []) {
              expect(details).toContain(escapeText(`${caller.namespace}.${caller.id}`))
              expect(under).toContain(`${caller.namespace}.${caller.id}`)
              for (const broken of caller.breaks ?? []) {
                expect(details).toContain(escapeText(broken))
                expect(under).toContain(broken)
              }
            }
            for (const trigger of review?.triggers ?? []) {
              if (trigger.next_run) {
                expect(details).toContain(trigger.next_run)
                expect(under).toContain(`next run after the commit: ${trigger.next_run}`)
              }
            }
            for (const missing of review?.missing ?? []) {
              expect(details).toContain(`<code>${escapeText(missing.name)}</code>`)
              expect(under).toContain(missing.name)
            }
            expect(details.includes('not finished')).toBe((review?.unfinished?.length ?? 0) > 0)
            expect(under.includes('not finished')).toBe((review?.unfinished?.length ?? 0) > 0)
          })
        }
      ),
      { numRuns: runs(200, 60) }
    )
    // Every kind of the UI's work and every thing deploying does to it was shown (not each pair: 60 random plans
    // do not always hold the rarest, an orphan enabled in the UI).
    expect(new Set([...seen].map((pair) => pair.split(' ')[0]))).toEqual(
      new Set(['created', 'deleted', 'edited', 'disabled', 'enabled', 'draft'])
    )
    expect(new Set([...seen].map((pair) => pair.split(' ')[1]))).toEqual(
      new Set(['create', 'update', 'delete', 'orphaned'])
    )
  })
})
