/**
 * A fault of the Kestra emulator that stands for something between the action and Kestra rewriting an answer: the
 * write takes effect, and the answer's `field` (a text) comes back as `rewrite` makes it.
 */
import type { Fault, LoggedRequest } from './kestra-emulator/index.js'

export function rewrittenAnswer(
  route: string,
  field: string,
  rewrite: (text: string) => string,
  where?: (request: LoggedRequest) => boolean
): Fault {
  return {
    route,
    ...(where && { where }),
    afterHandling: true,
    status: 200,
    bodyFrom: (_sent, answer) => {
      const body = answer as Record<string, unknown>
      return { ...body, [field]: rewrite(String(body[field])) }
    }
  }
}
