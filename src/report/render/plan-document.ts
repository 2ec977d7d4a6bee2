import { z } from 'zod'
import { jsonObject } from '../../model/content.js'
import { compareFindings } from '../../model/finding.js'
import { resourceName, type ResourceChange } from '../../model/plan.js'
import type { DeployResult } from '../../model/result.js'
import { kindOf } from '../../engine/decide-kind.js'
import { deletionNames, validationFailed } from './headline.js'
import { findingCounts } from '../../engine/validate/verdict.js'
import type { ReportInput } from './input.js'
import { invalidCounts, kestraPageOf, plainMarks } from './resource.js'
import { uiWorkText } from './ui-work.js'

/** It only grows: a field renamed, retyped or removed takes a new version (docs/cli.md#the-json-document). */
const FORMAT_VERSION = 1

const ACTIONS = ['create', 'update', 'delete', 'orphaned', 'unchanged'] as const

const countsSchema = z.record(z.enum([...ACTIONS, 'drifted']), z.number())

/** Its identity (`id`, `path`, `key`) and details are the plan file's (docs/inputs.md#plan-file). */
const resourceSchema = z.looseObject({
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  action: z.enum(ACTIONS),
  revision: z.number().optional(),
  drifted: z.boolean(),
  /** What was done outside Git and what deploying does to it (docs/drift.md#the-uis-work-named). */
  ui_work: z
    .object({
      kind: z.enum(['deleted', 'created', 'edited', 'disabled', 'enabled', 'draft']),
      text: z.string()
    })
    .optional(),
  invalid_findings: z.number().optional(),
  additions: z.number().optional(),
  deletions: z.number().optional(),
  diff_omitted: z.enum(['binary', 'too-large']).optional(),
  diff: z.string().optional(),
  marks: z.array(z.string()),
  remark: z.string().optional(),
  page: z.string().optional(),
  review: jsonObject.optional()
})

const findingSchema = z.object({
  severity: z.enum(['error', 'warning', 'notice']),
  file: z.string(),
  line: z.number(),
  column: z.number().optional(),
  rule: z.string(),
  message: z.string(),
  resource: z.string().optional()
})

/** The document `kestra-gitops plan --json` (and `validate`, `deploy`) prints: what the comment shows. */
export const planDocumentSchema = z.object({
  format_version: z.literal(FORMAT_VERSION),
  command: z.enum(['validate', 'plan', 'deploy', 'drift', 'upgrade']),
  verdict: z.object({
    passed: z.boolean(),
    fail_on: z.enum(['error', 'warning']),
    errors: z.number(),
    warnings: z.number(),
    notices: z.number()
  }),
  server: z.string().nullable(),
  tenant: z.string(),
  commit: z.string(),
  layout: z.object({ layout: z.string(), reason: z.string() }).nullable(),
  notes: z.array(z.string()),
  /** What drift was measured against, per namespace (docs/drift.md#drift-by-default); null when not asked. */
  drift_base: z
    .object({
      from: z.enum(['pull-request', 'push', 'base-flag', 'deployed']),
      commits: z.record(z.string(), z.string()),
      unchecked: z.record(z.string(), z.string())
    })
    .nullable(),
  settings: z.record(z.string(), z.string()),
  fingerprint: z.string().nullable(),
  counts: countsSchema.nullable(),
  deletions: z.array(z.string()),
  resources: z.array(resourceSchema),
  findings: z.array(findingSchema),
  outputs: z.record(z.string(), z.string()),
  failure: z.string().nullable(),
  deployment: z
    .object({
      status: z.enum(['applied', 'nothing-to-do', 'refused', 'failed']),
      applied: z.number(),
      refusal: z.string().optional(),
      resources: z.array(
        z.object({
          kind: z.string(),
          name: z.string(),
          result: z.string(),
          revision: z.number().optional(),
          message: z.string().optional()
        })
      )
    })
    .nullable()
})

type PlanDocument = z.infer<typeof planDocumentSchema>

interface DocumentRun {
  outputs: Readonly<Record<string, string>>
  failure?: string
  deployment?: DeployResult
}

/** The report as one JSON document (docs/cli.md#the-json-document), from the report as shown (redacted). */
export function planDocument(report: ReportInput, run: DocumentRun): PlanDocument {
  const counts = findingCounts(report.findings)
  const failOn = report.failOn ?? 'error'
  const plan = report.plan
  const invalid = invalidCounts(report.findings)
  return {
    format_version: FORMAT_VERSION,
    command: report.mode,
    verdict: {
      passed: !validationFailed(report.findings, failOn),
      fail_on: failOn,
      errors: counts.error,
      warnings: counts.warning,
      notices: counts.notice
    },
    server: report.server ?? null,
    tenant: report.tenant,
    commit: report.commit,
    layout: report.layout ? { layout: report.layout.layout, reason: report.layout.reason } : null,
    notes: [...(report.notes ?? [])],
    drift_base: report.driftBase
      ? {
          from: report.driftBase.from,
          commits: Object.fromEntries(report.driftBase.commits),
          unchecked: Object.fromEntries(report.driftBase.unchecked)
        }
      : null,
    settings: { ...report.settings },
    fingerprint: plan?.fingerprint ?? null,
    counts: plan ? { ...plan.counts } : null,
    deletions: plan ? deletionNames(plan) : [],
    resources: (plan?.resources ?? []).map((r) => resourceEntry(r, report, invalid(r))),
    // The schema keeps its own fields only, in its order.
    findings: [...report.findings].sort(compareFindings).map((f) => findingSchema.parse(f)),
    outputs: { ...run.outputs },
    failure: run.failure ?? null,
    deployment: run.deployment
      ? {
          status: run.deployment.status,
          applied: run.deployment.applied,
          ...(run.deployment.refusal !== undefined && { refusal: run.deployment.refusal }),
          resources: run.deployment.resources.map((r) => ({
            kind: r.change.kind,
            name: resourceName(r.change),
            result: r.result,
            ...(r.revision !== undefined && { revision: r.revision }),
            ...(r.message !== undefined && { message: r.message })
          }))
        }
      : null
  }
}

/** What a run that failed before its report knew (docs/cli.md#the-json-document): none of it a credential. */
interface FailedRun {
  command: PlanDocument['command']
  failure: string
  server?: string
  tenant?: string
  commit?: string
  failOn?: 'error' | 'warning'
}

/**
 * The document of a run that ended before it had a report (a usage error, a server that does not answer): the
 * same fields, empty where nothing was read, `failure` saying why and `verdict.passed` false.
 */
export function failureDocument(run: FailedRun): PlanDocument {
  return {
    format_version: FORMAT_VERSION,
    command: run.command,
    verdict: { passed: false, fail_on: run.failOn ?? 'error', errors: 0, warnings: 0, notices: 0 },
    server: run.server ?? null,
    tenant: run.tenant ?? '',
    commit: run.commit ?? '',
    layout: null,
    notes: [],
    drift_base: null,
    settings: {},
    fingerprint: null,
    counts: null,
    deletions: [],
    resources: [],
    findings: [],
    outputs: {},
    failure: run.failure,
    deployment: null
  }
}

function resourceEntry(
  r: ResourceChange,
  report: ReportInput,
  invalid: number | undefined
): PlanDocument['resources'][number] {
  const kind = kindOf(report.kinds, r)
  const review = kind.review?.(r)
  const page = kestraPageOf(r, report.kinds, report.kestraUi)
  const ui = uiWorkText(r)
  return {
    kind: r.kind,
    ...(r.namespace !== '' && { namespace: r.namespace }),
    ...kind.planFileIdentity(r),
    name: resourceName(r),
    action: r.action,
    ...kind.planFileDetails?.(r),
    drifted: r.drifted,
    ...(ui !== undefined && r.outside !== undefined && { ui_work: { kind: r.outside, text: ui } }),
    ...(invalid !== undefined && { invalid_findings: invalid }),
    ...(r.additions !== undefined && { additions: r.additions }),
    ...(r.deletions !== undefined && { deletions: r.deletions }),
    ...(r.diffOmitted !== undefined && { diff_omitted: r.diffOmitted }),
    ...(r.diff !== undefined && { diff: r.diff }),
    marks: plainMarks(report.kinds, r),
    ...(r.remark !== undefined && { remark: r.remark }),
    ...(page !== undefined && { page }),
    ...(review !== undefined && { review })
  }
}
