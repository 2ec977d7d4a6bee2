/**
 * Flow search filters: 1.x `filters[<field>][<OP>]=value` and the legacy flat params `namespace`
 * (prefix: ns or ns.*) and `q` (docs/kestra.md#list-and-search-flows).
 */
import { queryFilters, TEXT_OPERATORS, unsupportedFilter, valuesOf } from '../paged-search.js'

type Predicate = (namespace: string, id: string) => boolean

/** Query filter fields that do not narrow flows here (accepted, ignored). */
const IGNORED_FIELDS = new Set(['scope'])

export function flowFilter(query: URLSearchParams): Predicate {
  const predicates: Predicate[] = []
  for (const filter of queryFilters(query)) {
    const { field, op } = filter
    const values = valuesOf(filter)
    if (IGNORED_FIELDS.has(field)) continue
    const operator = TEXT_OPERATORS[op]
    if (!operator || !['namespace', 'q', 'flowId'].includes(field)) {
      throw unsupportedFilter(filter)
    }
    if (field === 'namespace') predicates.push((ns) => operator(ns, values))
    if (field === 'flowId') predicates.push((_ns, id) => operator(id, values))
    if (field === 'q') predicates.push((ns, id) => matchesText(ns, id, values[0]))
  }
  const legacyNamespace = query.get('namespace')
  if (legacyNamespace) predicates.push((ns) => TEXT_OPERATORS.PREFIX(ns, [legacyNamespace]))
  const legacyText = query.get('q')
  if (legacyText) predicates.push((ns, id) => matchesText(ns, id, legacyText))
  return (namespace, id) => predicates.every((p) => p(namespace, id))
}

function matchesText(namespace: string, id: string, text: string): boolean {
  const needle = text.toLowerCase()
  return id.toLowerCase().includes(needle) || namespace.toLowerCase().includes(needle)
}
