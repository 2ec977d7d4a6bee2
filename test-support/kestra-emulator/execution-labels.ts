/**
 * Execution labels (docs/kestra.md#execution-labels): the `labels=key:value` query parameters of a
 * start (and of the legacy search), and the flow's labels an execution inherits.
 */
import { ApiError, illegalArgument } from './errors.js'
import { isRecord } from './flow-source.js'
import type { Features } from './version.js'

export interface ExecutionLabel {
  key: string
  value: string
}

/**
 * `key:value` items as Kestra's `RequestUtils.toMap` reads them. 1.x [W/utils/RequestUtils.java, `toMap`]:
 * split at the first `:`, both parts trimmed and non-empty, no whitespace in the key, a repeated key is a
 * 422. 0.20.7 [S21 webserver/.../utils/RequestUtils.java:12-26]: split on `[: ]+` into exactly two parts,
 * a repeated key is `Collectors.toMap`'s IllegalStateException, a 409. Which release switched is unknown:
 * taken as 1.0.
 */
export function parseLabelParams(values: string[], features: Features): ExecutionLabel[] {
  const labels = values.map((item) => (features.v1 ? splitV1(item) : split020(item)))
  const seen = new Map<string, string>()
  for (const { key, value } of labels) {
    const first = seen.get(key)
    if (first !== undefined) {
      const java = `Duplicate key ${key} (attempted merging values ${first} and ${value})`
      if (!features.v1) throw new ApiError(409, 'Illegal state', java, 'conflict')
      throw unprocessable(`The queryString parameter keys contains duplicities: ${java}`)
    }
    seen.set(key, value)
  }
  return labels
}

/**
 * A start refuses `system.` labels except those Kestra lets callers set [W/controllers/api/
 * ExecutionController.java `parseLabels`]: `system.correlationId`, and from 1.x `system.from` (1.3.25).
 */
export function checkStartLabels(labels: ExecutionLabel[], features: Features): void {
  const allowed = features.v1 ? ['system.correlationId', 'system.from'] : ['system.correlationId']
  const offending = labels.find((l) => l.key.startsWith('system.') && !allowed.includes(l.key))
  if (offending) {
    throw illegalArgument(
      `System labels can only be set by Kestra itself, offending label: ${offending.key}=${offending.value}`
    )
  }
}

/**
 * The flow's labels (a map or a list of `{key, value}`) without its `system.` ones, which are never copied
 * to executions [C/models/executions/Execution.java:203, `LabelService.labelsExcludingSystem`].
 */
export function flowLabels(flow: Record<string, unknown> | undefined): ExecutionLabel[] {
  const raw = flow?.labels
  const pairs: [unknown, unknown][] = Array.isArray(raw)
    ? raw.filter(isRecord).map((l) => [l.key, l.value])
    : isRecord(raw)
      ? Object.entries(raw)
      : []
  return pairs.flatMap(([key, value]) =>
    typeof key === 'string' && !key.startsWith('system.') && value !== undefined && value !== null
      ? [{ key, value: String(value) }]
      : []
  )
}

function splitV1(item: string): ExecutionLabel {
  const at = item.indexOf(':')
  if (at <= 0) throw unprocessable("Can't split the queryString parameter by ':'")
  const key = item.slice(0, at).trim()
  const value = item.slice(at + 1).trim()
  if (key === '' || value === '') throw unprocessable("Can't have an empty part of queryString")
  if (/\s/.test(key)) throw unprocessable("Key of queryString can't contain a whitespace character")
  return { key, value }
}

function split020(item: string): ExecutionLabel {
  const parts = item.split(/[: ]+/)
  if (parts.length !== 2) throw unprocessable('Invalid queryString parameter')
  return { key: parts[0]!, value: parts[1]! }
}

/** Micronaut's `HttpStatusException(UNPROCESSABLE_ENTITY, message)`. */
function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Unprocessable Entity', message, 'invalid-argument')
}
