import { kindOf, type DecideKind } from '../decide-kind.js'
import type { Mode } from '../../model/settings.js'
import { compareFindings, type Finding } from '../../model/finding.js'
import type { Plan } from '../../model/plan.js'

interface PlanFileMeta {
  mode: Mode
  /** Kestra base URL ('' when none is configured). */
  server: string
  tenant: string
  commit: string
  /** The settings the plan ran with, as it records them (`Settings.recorded`: no credential). */
  settings?: Readonly<Record<string, string>>
  findings: readonly Finding[]
  kinds: readonly DecideKind[]
}

/** The JSON document written to the `plan-file` output (docs/inputs.md#plan-file). */
export function planJson(plan: Plan, meta: PlanFileMeta) {
  return {
    version: 1,
    fingerprint: plan.fingerprint,
    mode: meta.mode,
    server: meta.server,
    tenant: meta.tenant,
    commit: meta.commit,
    settings: { ...meta.settings },
    resources: plan.resources.map((r) => {
      const kind = kindOf(meta.kinds, r)
      return {
        kind: r.kind,
        ...(r.namespace !== '' && { namespace: r.namespace }),
        ...kind.planFileIdentity(r),
        action: r.action,
        ...kind.planFileDetails?.(r),
        ...(r.drifted && { drifted: true as const })
      }
    }),
    findings: [...meta.findings]
      .sort(compareFindings)
      .map(({ severity, file, line, message }) => ({ severity, file, line, message }))
  }
}
