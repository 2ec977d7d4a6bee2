import type { PlanCounts } from '../model/plan.js'
import type { Reporter } from './reporter.js'

export function setCountOutputs(reporter: Reporter, counts: PlanCounts): void {
  reporter.setOutput('created', counts.create)
  reporter.setOutput('updated', counts.update)
  reporter.setOutput('deleted', counts.delete)
  reporter.setOutput('unchanged', counts.unchanged)
  reporter.setOutput('orphaned', counts.orphaned)
  reporter.setOutput('drifted', counts.drifted)
}
