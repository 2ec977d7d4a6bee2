import { DeployError, errorMessage } from '../../model/errors.js'
import { flowKey } from '../../model/targets.js'
import type { UnfinishedExecution } from '../../model/plan.js'
import type { Settings } from '../../model/settings.js'

export interface UnfinishedGuard {
  policy: Settings['runningExecutions']
  timeoutSeconds: number
  /** The flows the deploy updates or deletes. */
  flows: readonly { namespace: string; id: string }[]
  /** Reads their executions not finished now, per flowKey. */
  read(): Promise<Map<string, UnfinishedExecution[]>>
  log(message: string): void
  sleep(ms: number): Promise<void>
  now(): number
}

/** Between two reads while waiting: short enough to write soon after the last one ends. */
const POLL_MS = 2000

/**
 * Right before the first write (docs/caught-at-review.md#executions-not-finished): `warn` lets the deploy
 * go on (the plan reported them); `fail` refuses while any execution of a flow it updates or deletes is
 * not finished; `wait` reads again until none is, and refuses past the timeout. A read that fails refuses
 * too: the deploy never goes on unchecked.
 */
export async function guardUnfinished(guard: UnfinishedGuard): Promise<void> {
  if (guard.policy === 'warn' || guard.flows.length === 0) return
  const deadline = guard.now() + guard.timeoutSeconds * 1000
  let waited: string | undefined
  for (;;) {
    const found = await readOrRefuse(guard)
    if (found.length === 0) {
      if (waited) guard.log(`The executions waited for have ended: ${waited}.`)
      return
    }
    if (guard.policy === 'fail') {
      throw new DeployError(
        `Nothing was deployed: running-executions is fail and ${listText(found)}`
      )
    }
    const left = deadline - guard.now()
    if (left <= 0) {
      throw new DeployError(
        `Nothing was deployed: after waiting ${guard.timeoutSeconds} s (running-executions-timeout-seconds), ${listText(found)}`
      )
    }
    if (!waited) {
      for (const { name, executions } of found) {
        guard.log(
          `Waiting for ${executions.length} execution${executions.length === 1 ? '' : 's'} not finished of ${name} (up to ${guard.timeoutSeconds} s): ${executions.map((e) => `${e.id} (${e.state})`).join(', ')}`
        )
      }
      waited = found.flatMap((f) => f.executions.map((e) => e.id)).join(', ')
    }
    await guard.sleep(Math.min(POLL_MS, left))
  }
}

interface FlowExecutions {
  name: string
  executions: UnfinishedExecution[]
}

async function readOrRefuse(guard: UnfinishedGuard): Promise<FlowExecutions[]> {
  let byFlow: Map<string, UnfinishedExecution[]>
  try {
    byFlow = await guard.read()
  } catch (error) {
    throw new DeployError(
      `Nothing was deployed: running-executions is ${guard.policy} and the executions of the flows this deploy updates or deletes could not be read: ${errorMessage(error)}`
    )
  }
  return guard.flows.flatMap((flow) => {
    const executions = byFlow.get(flowKey(flow.namespace, flow.id)) ?? []
    return executions.length > 0 ? [{ name: `${flow.namespace}.${flow.id}`, executions }] : []
  })
}

/** Each flow's executions not finished, each with its state and its link in the Kestra UI. */
function listText(found: FlowExecutions[]): string {
  const lines = found.flatMap(({ name, executions }) =>
    executions.map((e) => `- ${name}: execution ${e.id} (${e.state}) ${e.url}`)
  )
  return `these executions are not finished:\n${lines.join('\n')}\nLet them end (or kill them in Kestra), then run the deploy again; running-executions: warn deploys anyway.`
}
