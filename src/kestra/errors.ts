import { ActionError } from '../model/errors.js'
import type { ServerConstraint } from '../model/kestra.js'

const REMEDIATION: Record<number, string> = {
  401: 'check the username/password or api-token inputs (and that the server URL and tenant are right)',
  403: 'the credentials lack permission for this namespace/tenant (or the tenant is wrong)'
}

export interface ApiErrorDetails {
  /** HTTP status; undefined when no answer came (connection refused, reset, timeout). */
  status: number | undefined
  method: string
  /** Request path with its query string; never holds credentials. */
  path: string
  /** What the server said (`message` ?? `detail` ?? `title`), or why the request failed. */
  serverMessage: string
  /** Per-field violations when the server listed them (`_embedded.errors` or `errors`). */
  violations?: ServerConstraint[]
}

/** A request to Kestra failed. The message names the request, the server's answer and what to check. */
export class ApiError extends ActionError {
  override name = 'ApiError'
  readonly status: number | undefined
  readonly method: string
  readonly path: string
  readonly serverMessage: string
  readonly violations: ServerConstraint[]

  constructor(details: ApiErrorDetails) {
    super(describe(details))
    this.status = details.status
    this.method = details.method
    this.path = details.path
    this.serverMessage = details.serverMessage
    this.violations = details.violations ?? []
  }
}

function describe({ status, method, path, serverMessage }: ApiErrorDetails): string {
  if (status === undefined) {
    return `Kestra did not answer ${method} ${path}: ${serverMessage} (check the server input and that Kestra is reachable)`
  }
  const remedy = REMEDIATION[status]
  const said = serverMessage ? `: ${serverMessage}` : ''
  return remedy
    ? `Kestra answered ${status} to ${method} ${path}${said}; ${remedy}`
    : `Kestra answered ${status} to ${method} ${path}${said}`
}
