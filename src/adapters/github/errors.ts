import type { z } from 'zod'
import { fieldOf } from '../../model/stored-record.js'
import { ActionError, errorMessage } from '../../model/errors.js'

/** A GitHub API call failed for a reason other than a missing permission. */
export class GitHubApiError extends ActionError {
  override name = 'GitHubApiError'
}

export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/** 403/404 on a comment call: the token lacks permission (rate limits were already retried). */
export function isPermissionError(error: unknown): boolean {
  const status = httpStatus(error)
  return (
    status === 404 ||
    (status === 403 && !/rate limit/i.test(errorMessage(error))) ||
    /Resource not accessible by integration/i.test(errorMessage(error))
  )
}

/**
 * GitHub's answer to `request`, read by the schema of the fields the action reads: one lacking is refused by name.
 */
export function readAnswer<T>(request: string, schema: z.ZodType<T>, data: unknown): T {
  const read = schema.safeParse(data)
  if (read.success) return read.data
  throw new ActionError(
    `GitHub's answer to ${request} lacks ${fieldOf(read.error) || 'what it documents'}`
  )
}

export function apiError(operation: string, error: unknown): GitHubApiError {
  const status = httpStatus(error)
  const http = status ? ` (HTTP ${status})` : ''
  return new GitHubApiError(`GitHub API: ${operation} failed${http}: ${errorMessage(error)}`)
}
