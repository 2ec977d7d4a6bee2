/** Text-level handling of flow YAML exactly as Kestra does it (docs/kestra.md#flows). */
import { parse } from 'yaml'

const REVISION_LINE = /^revision: \d+\n?/m

/**
 * docs/kestra.md#unchanged-source: sources are "the same" when byte-identical after removing the first
 * `revision: N` line.
 */
export function sameSource(a: string, b: string): boolean {
  return a.replace(REVISION_LINE, '') === b.replace(REVISION_LINE, '')
}

/**
 * docs/kestra.md#validate-flows: `/flows/validate` splits on the regex `\n+---\n*?` (Java split:
 * trailing empties dropped).
 */
export function splitValidateDocuments(body: string): string[] {
  const parts = body.split(/\n+---\n*?/)
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

/**
 * docs/kestra.md#bulk-replace-of-a-namespace: the namespace bulk route splits naively on every `---`,
 * blank pieces ignored.
 */
export function splitNaively(body: string): string[] {
  return body.split('---').filter((part) => part.trim() !== '')
}

/** Rewrites the first `namespace:` line (zip `_flows/` import, bulk `override=true`). */
export function rewriteNamespace(source: string, namespace: string): string {
  return source.replace(/^namespace:.*$/m, `namespace: ${namespace}`)
}

/** Lenient parse (GenericFlow): any mapping, undefined when the YAML is not one. */
export function parseLenient(source: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = parse(source, { uniqueKeys: false })
    return isRecord(value) ? value : undefined
  } catch {
    return undefined
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The mappings of a list; [] when it is not one. */
export function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : []
}

/** The string ids that appear more than once, in first-repeat order. */
export function duplicates(ids: unknown[]): string[] {
  const seen = new Set<string>()
  const repeated = new Set<string>()
  for (const id of ids) {
    if (typeof id !== 'string') continue
    if (seen.has(id)) repeated.add(id)
    seen.add(id)
  }
  return [...repeated]
}

/** Top-level keys of a flow in 1.3 (docs/kestra.md#flow-top-level-keys). */
export const TOP_LEVEL_KEYS = [
  'id',
  'namespace',
  'revision',
  'description',
  'labels',
  'inputs',
  'outputs',
  'variables',
  'tasks',
  'errors',
  'finally',
  'afterExecution',
  'triggers',
  'pluginDefaults',
  'concurrency',
  'retry',
  'sla',
  'checks',
  'disabled',
  'deleted',
  'workerGroup'
]
/** Removed in 1.0; accepted by older servers. */
export const PRE_V1_KEYS = ['listeners', 'taskDefaults']

/**
 * `Flow` JSON (docs/kestra.md#flow-json): non_null inclusion, labels as `[{key,value}]`, revision and
 * deleted from the store. `source` is added by the caller for FlowWithSource.
 */
export function flowJson(
  parsed: Record<string, unknown> | undefined,
  stored: { namespace: string; id: string; revision: number; deleted: boolean; updated?: string }
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: stored.id,
    namespace: stored.namespace,
    revision: stored.revision
  }
  for (const field of [...TOP_LEVEL_KEYS, ...PRE_V1_KEYS]) {
    const value = parsed?.[field]
    if (value !== undefined && value !== null && !(field in json)) json[field] = value
  }
  if (json.labels !== undefined) json.labels = labelsAsList(json.labels)
  json.disabled = parsed?.disabled === true
  json.deleted = stored.deleted
  if (stored.updated) json.updated = stored.updated
  return json
}

function labelsAsList(labels: unknown): unknown {
  if (!isRecord(labels)) return labels
  return Object.entries(labels).map(([key, value]) => ({ key, value: String(value) }))
}
