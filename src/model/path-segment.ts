import { ActionError } from './errors.js'

/** A surrogate half without its other half: such text has no UTF-8 form to send. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Why a value cannot be sent as one URL path segment addressing exactly it (docs/kestra.md#path-segments): `.` and
 * `..` are resolved to another route (even percent-encoded), `/` and `\` decoded into separators before routing.
 */
export function segmentProblem(value: string): string | undefined {
  if (value === '') return 'it is empty'
  if (value === '.' || value === '..') {
    return `'${value}' is a relative path step: every URL parser resolves it to another route`
  }
  if (/[/\\]/.test(value)) {
    return 'it holds a path separator (/ or \\), which servers and proxies decode before routing'
  }
  if (LONE_SURROGATE.test(value)) return 'it holds a lone UTF-16 surrogate, which has no UTF-8 form'
  return undefined
}

/** The value as one percent-encoded path segment; throws for one that could reach another route. */
export function pathSegment(value: string): string {
  const problem = segmentProblem(value)
  if (problem !== undefined) {
    throw new ActionError(
      `${JSON.stringify(value)} cannot be addressed in Kestra's API: ${problem}; nothing was sent for it`
    )
  }
  return encodeURIComponent(value)
}
