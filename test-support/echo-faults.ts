/**
 * Faults of the Kestra emulator that put server text where Kestra puts it: a validation verdict's `warnings`,
 * a JsonError's `message` and `_embedded.errors` (a refused write, a 422 on an execution start, whose message
 * names the input and its value: Kestra's InputOutputValidationException), an execution's state. `say` makes
 * the text from the credentials the request carried.
 */
import type { Fault, SentCredentials } from './kestra-emulator/index.js'

type Say = (sent: SentCredentials) => string

export function validationWarning(say: Say): Fault {
  return {
    route: 'flows.validate',
    afterHandling: true,
    times: 20,
    bodyFrom: (sent, answer) =>
      (answer as { warnings?: string[] }[]).map((verdict) => ({
        ...verdict,
        warnings: [...(verdict.warnings ?? []), say(sent)]
      }))
  }
}

export function refusedWrite(say: Say): Fault {
  return {
    route: 'flows.update',
    status: 422,
    times: 20,
    bodyFrom: (sent) => ({
      message: `Invalid entity: ${say(sent)}`,
      _embedded: { errors: [{ message: say(sent), path: 'tasks[0]' }] }
    })
  }
}

export function refusedSmokeStart(say: Say): Fault {
  return {
    route: 'executions.create',
    status: 422,
    times: 20,
    bodyFrom: (sent) => ({
      message: `Invalid entity: Invalid value for input \`payload\`. Cause: ${say(sent)}`
    })
  }
}

/** Every read of an execution answers with this state: not one the action knows, so it polls on. */
export function executionState(say: Say): Fault {
  return {
    route: 'executions.get',
    afterHandling: true,
    times: 1000,
    bodyFrom: (sent, answer) => {
      const execution = answer as { state?: Record<string, unknown> } | undefined
      return execution?.state
        ? { ...execution, state: { ...execution.state, current: say(sent) } }
        : answer
    }
  }
}
