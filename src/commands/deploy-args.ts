import type { KestraServer } from '../adapters/kestra/api.js'
import type { Plan } from '../model/plan.js'
import type { Checked } from './check.js'
import type { Kind } from '../resources/resource.js'
import type { RollbackKind } from '../engine/apply/kind.js'
import type { Finding } from '../model/finding.js'
import type { WriteDependency } from '../engine/apply/order.js'
import type { TargetRun } from './ports.js'

export interface ApplyModeArgs extends TargetRun {
  kestra: KestraServer
  checked: Checked
  plan: Plan
  kinds: readonly Kind[]
  findings: Finding[]
  /** The plan's job summary; the receipt is added to it. */
  summary: string
}

/** A deploy's arguments, with what its steps share: the flows' dependencies, the kinds that roll back. */
export type Deploying = ApplyModeArgs & { refs: WriteDependency[]; rollbackKinds: RollbackKind[] }
