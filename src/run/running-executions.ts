import { setTimeout as sleep } from 'node:timers/promises'
import type { UnfinishedGuard } from '../kinds/index.js'
import type { FlowChange } from '../model/plan.js'
import { readUnfinished } from '../gather/server/unfinished-executions.js'
import type { KestraServer } from '../kestra/api.js'
import type { Plan } from '../model/plan.js'
import type { Settings } from '../model/settings.js'
import type { RunPorts } from './ports.js'

/** The guard of this deploy: the flows it updates or deletes, read again through the server's search. */
export function unfinishedGuard(args: {
  settings: Settings
  kestra: KestraServer
  plan: Plan
  ports: RunPorts
}): UnfinishedGuard {
  const { settings, kestra, ports } = args
  const flows = args.plan.resources.filter(
    (r): r is FlowChange => r.kind === 'flow' && (r.action === 'update' || r.action === 'delete')
  )
  return {
    policy: settings.runningExecutions,
    timeoutSeconds: settings.runningExecutionsTimeoutSeconds,
    flows,
    read: () => readUnfinished(kestra, flows),
    log: ports.reporter.info,
    sleep: (ms) => sleep(ms),
    now: () => ports.now().getTime()
  }
}
