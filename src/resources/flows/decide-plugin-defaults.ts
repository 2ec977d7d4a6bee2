import { canonicalJson, isRecord } from '../../model/content.js'
import type { Finding } from '../../model/finding.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'
import type { FlowDocument } from './decide-document.js'
import type { TaskTree } from './decide-task-tree.js'

/**
 * A flow read as Kestra 1.x reads it before it validates a task: with the flow's own `pluginDefaults` (else the
 * deprecated `taskDefaults`) merged into every plugin they reach, as `PluginDefaultService.innerInjectDefault` of
 * the released 1.3.31 core does it (docs/validation-rules.md#plugin-defaults). Kestra 2.0 has no plugin defaults.
 *
 * The order is Kestra's: non-forced defaults by type (the exact type, or a prefix of it) fill the keys a plugin
 * lacks, the first applied winning; then named defaults (`ref`) on the plugins that ask for them by
 * `pluginDefaultsRef`; then forced defaults stamp over, the last applied winning. Types are grouped in a Java
 * `HashMap`, whose iteration order decides which of two matching types applies first: it is reproduced here.
 * A default written with a type's alias also applies under the class the alias names.
 */

const PLUGIN_DEFAULTS_REF = 'pluginDefaultsRef'

interface PluginDefault {
  type: string
  forced: boolean
  ref?: string
  values: Record<string, unknown>
}

/** The flow with its plugin defaults applied, and where they added something (JSON pointers). */
interface WithDefaults {
  data: unknown
  /** Each key a default added (`/tasks/0/message`), and each list a default merged into. */
  added: ReadonlySet<string>
}

/**
 * `flow` (the document's value, nulls dropped) with its flow-level plugin defaults applied. `classOf` names the
 * class of a plugin type, alias or class, or undefined for a type the release does not have (a prefix, or a
 * plugin outside the core).
 */
export function withFlowDefaults(
  flow: unknown,
  classOf: (type: string) => string | undefined
): WithDefaults {
  const none = { data: flow, added: new Set<string>() }
  if (!isRecord(flow)) return none
  const all = flowDefaults(flow)
  if (all.length === 0) return none
  // `addAliases`: a default declared under an alias also matches the class it names.
  for (const pluginDefault of [...all]) {
    const named = classOf(pluginDefault.type)
    if (named !== undefined && named !== pluginDefault.type)
      all.push({ ...pluginDefault, type: named })
  }
  const typed = all.filter((pluginDefault) => pluginDefault.ref === undefined)
  const refs = refMatches(all.filter((pluginDefault) => pluginDefault.ref !== undefined))
  const defaults = groupedByType(typed.filter((pluginDefault) => !pluginDefault.forced))
  const forced = groupedByType(typed.filter((pluginDefault) => pluginDefault.forced))
  const { pluginDefaults: _, taskDefaults: __, ...rest } = flow
  let merged: unknown = rest
  if (defaults.length > 0) merged = recursiveDefaults(merged, defaults, false)
  const forcedTypes = forced.map(([type]) => type)
  if (refs.size > 0) merged = recursiveRefDefaults(merged, refs, forcedTypes)
  if (forced.length > 0) merged = recursiveDefaults(merged, forced, true)
  if (refs.size > 0) merged = withoutAppliedRefs(merged, refs)
  const data = { ...(merged as Record<string, unknown>) }
  for (const key of ['pluginDefaults', 'taskDefaults']) if (key in flow) data[key] = flow[key]
  const added = new Set<string>()
  changes(flow, data, '', added)
  return { data, added }
}

/** `getFlowDefaults`: `pluginDefaults`, else `taskDefaults`, each entry as Jackson binds a `PluginDefault`. */
function flowDefaults(flow: Record<string, unknown>): PluginDefault[] {
  const list = flow.pluginDefaults ?? flow.taskDefaults
  if (!Array.isArray(list)) return []
  return list.flatMap((item): PluginDefault[] => {
    if (!isRecord(item) || typeof item.type !== 'string' || !isRecord(item.values)) return []
    const forced = item.forced === true || item.forced === 'true'
    const ref = typeof item.ref === 'string' ? item.ref : undefined
    return [{ type: item.type, forced, values: item.values, ...(ref !== undefined && { ref }) }]
  })
}

/** What each `ref` applies (the forced default of the lowest level, else the first) and the types it accepts. */
function refMatches(named: PluginDefault[]) {
  const byRef = new Map<string, PluginDefault[]>()
  for (const pluginDefault of named) {
    byRef.set(pluginDefault.ref!, [...(byRef.get(pluginDefault.ref!) ?? []), pluginDefault])
  }
  return new Map(
    [...byRef].map(([ref, candidates]) => {
      const forced = candidates.filter((candidate) => candidate.forced)
      const winner = forced.at(-1) ?? candidates[0]!
      return [ref, { winner, types: [...new Set(candidates.map((candidate) => candidate.type))] }]
    })
  )
}

type Grouped = [type: string, defaults: PluginDefault[]][]

/** `Collectors.groupingBy(PluginDefault::getType)`: a `HashMap`, in the order Java iterates it. */
function groupedByType(defaults: PluginDefault[]): Grouped {
  const groups = new Map<string, PluginDefault[]>()
  for (const pluginDefault of defaults) {
    groups.set(pluginDefault.type, [...(groups.get(pluginDefault.type) ?? []), pluginDefault])
  }
  return javaHashMapOrder([...groups])
}

/**
 * The entries in the order `java.util.HashMap` iterates them once they are put in this order: by bucket, the
 * spread hash of the key masked by the table's size (16, doubled past three quarters full), and by insertion
 * within a bucket.
 */
function javaHashMapOrder<T>(entries: [string, T][]): [string, T][] {
  let size = 16
  while (entries.length > size * 0.75) size *= 2
  const bucket = (key: string) => {
    const hash = javaStringHash(key)
    return (hash ^ (hash >>> 16)) & (size - 1)
  }
  return entries
    .map((entry, index) => ({ entry, index, bucket: bucket(entry[0]) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map(({ entry }) => entry)
}

/** `String.hashCode`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, in 32-bit arithmetic. */
function javaStringHash(text: string): number {
  let hash = 0
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0
  return hash
}

/**
 * `recursiveDefaults`: children first, then the node when it has a `type`; a default that added a typed child
 * (a task runner) lets the others decorate it, never itself again.
 */
function recursiveDefaults(node: unknown, defaults: Grouped, forcedPass: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => recursiveDefaults(item, defaults, forcedPass))
  if (!isRecord(node)) return node
  let result = mapChildren(node, (child) => recursiveDefaults(child, defaults, forcedPass))
  if (!('type' in result)) return result
  const { value, applied } = applyDefaults(result, defaults, forcedPass)
  result = value
  if (applied.length > 0) {
    const remaining = javaHashMapOrder(
      defaults.flatMap(([type, list]): Grouped => {
        const kept = list.filter((pluginDefault) => !applied.includes(pluginDefault))
        return kept.length > 0 ? [[type, kept]] : []
      })
    )
    if (remaining.length > 0) {
      result = mapChildren(result, (child) => recursiveDefaults(child, remaining, forcedPass))
    }
  }
  return result
}

function mapChildren(
  node: Record<string, unknown>,
  map: (child: unknown) => unknown
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, map(child)]))
}

/**
 * `defaults`: every default whose type is the plugin's or a prefix of it, in the map's order. A plugin naming a
 * `pluginDefaultsRef` takes only the forced ones.
 */
function applyDefaults(plugin: Record<string, unknown>, defaults: Grouped, forcedPass: boolean) {
  const unchanged = { value: plugin, applied: [] as PluginDefault[] }
  if (PLUGIN_DEFAULTS_REF in plugin && !forcedPass) return unchanged
  const type = plugin.type
  if (typeof type !== 'string') return unchanged
  const applied = defaults
    .filter(([key]) => key === type || type.startsWith(key))
    .flatMap(([, list]) => list)
  let value = plugin
  for (const pluginDefault of applied) {
    value = pluginDefault.forced
      ? deepMerge(value, pluginDefault.values)
      : deepMerge(pluginDefault.values, value)
  }
  return { value, applied }
}

function typeMatches(type: unknown, types: readonly string[]): boolean {
  return typeof type === 'string' && types.some((known) => type === known || type.startsWith(known))
}

type RefMatches = ReturnType<typeof refMatches>

/** `recursiveRefDefaults`: a plugin's `pluginDefaultsRef`, resolved for its type, unless a forced default takes it. */
function recursiveRefDefaults(node: unknown, refs: RefMatches, forcedTypes: string[]): unknown {
  if (Array.isArray(node)) return node.map((item) => recursiveRefDefaults(item, refs, forcedTypes))
  if (!isRecord(node)) return node
  const value = mapChildren(node, (child) => recursiveRefDefaults(child, refs, forcedTypes))
  const ref = value[PLUGIN_DEFAULTS_REF]
  const match = typeof ref === 'string' ? refs.get(ref) : undefined
  if (!match || !typeMatches(value.type, match.types) || typeMatches(value.type, forcedTypes)) {
    return value
  }
  return match.winner.forced
    ? deepMerge(value, match.winner.values)
    : deepMerge(match.winner.values, value)
}

/** `stripAppliedRefMarkers`: a `pluginDefaultsRef` that resolved is consumed; one that did not stays. */
function withoutAppliedRefs(node: unknown, refs: RefMatches): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutAppliedRefs(item, refs))
  if (!isRecord(node)) return node
  const value = mapChildren(node, (child) => withoutAppliedRefs(child, refs))
  const ref = value[PLUGIN_DEFAULTS_REF]
  const match = typeof ref === 'string' ? refs.get(ref) : undefined
  if (match && typeMatches(value.type, match.types)) delete value[PLUGIN_DEFAULTS_REF]
  return value
}

/**
 * `MapUtils.deepMerge`: `b` over `a`, maps merged key by key, a list followed by those of the other's items it
 * lacks; a missing or null value of `b` keeps `a`'s.
 */
function deepMerge(
  a: Record<string, unknown>,
  b: Record<string, unknown>
): Record<string, unknown> {
  if (Object.keys(a).length === 0) return b
  if (Object.keys(b).length === 0) return a
  const result: Record<string, unknown> = structuredClone(a)
  for (const [key, valueB] of Object.entries(b)) {
    const valueA = result[key]
    result[key] =
      valueB === null || valueB === undefined
        ? valueA
        : valueA === null || valueA === undefined
          ? valueB
          : isRecord(valueA) && isRecord(valueB)
            ? deepMerge(valueA, valueB)
            : Array.isArray(valueA) && Array.isArray(valueB)
              ? [...valueA, ...valueB.filter((item) => !contains(valueA, item))]
              : valueB
  }
  return result
}

function contains(list: unknown[], item: unknown): boolean {
  const text = canonicalJson(item)
  return list.some((other) => canonicalJson(other) === text)
}

/** The keys `after` has that `before` lacks, and the lists that differ in length, as JSON pointers. */
function changes(before: unknown, after: unknown, pointer: string, out: Set<string>) {
  if (isRecord(after)) {
    for (const [key, value] of Object.entries(after)) {
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
      if (!isRecord(before) || !Object.hasOwn(before, key)) out.add(at)
      else changes(before[key], value, at, out)
    }
  } else if (Array.isArray(after)) {
    if (!Array.isArray(before) || before.length !== after.length) out.add(pointer)
    else after.forEach((item, index) => changes(before[index], item, `${pointer}/${index}`, out))
  }
}

/**
 * `TaskDefaultValidator` (0.16) then `PluginDefaultValidator`: core 1.3.31 run refuses a default
 * without a `values` map ("…getValues() is null") and accepts a key of it whose value is null.
 */
const VALUES_CHECKED: KestraVersion = [0, 16, 0]

/**
 * `pluginDefaults` (pre-1.0 `taskDefaults`) entries need a `values` map; a missing `type` is the
 * schema's.
 */
export function pluginDefaultFindings(document: FlowDocument): VersionedFinding[] {
  return ['pluginDefaults', 'taskDefaults'].flatMap((key) =>
    document.items(document.get(document.root, key)?.value).flatMap((item, index) => {
      const entry = document.map(item)
      const values = document.get(entry, 'values')
      if (!entry || (values && !document.isNull(values.value))) return []
      return document.versioned(
        VALUES_CHECKED,
        'error',
        values?.key ?? item,
        'plugin-default-values',
        `${key}[${index}] has no \`values\`: Kestra rejects a plugin default without them ("No 'values' provided"). Add the property values or remove the entry`
      )
    })
  )
}

/**
 * A `pluginDefaultsRef` (2.0 `FlowPluginDefault.ref`) no `ref` of the flow's `pluginDefaults`
 * names: a warning, as a namespace or instance default may have it; else Kestra rejects the flow
 * (core 1.3.31 run: "No plugin-defaults exists for pluginDefaultsRef"), as the server's validation
 * reports.
 */
export function pluginDefaultsRefFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const refs = new Set(
    document
      .items(document.get(document.root, 'pluginDefaults')?.value)
      .map((item) => document.string(document.get(item, 'ref')?.value))
  )
  const findings: Finding[] = []
  const visit = (plugin: unknown) => {
    for (const entry of document.entries(plugin)) {
      if (String(entry.key.value) === 'pluginDefaultsRef') {
        const ref = document.string(entry.value)
        if (ref === undefined || refs.has(ref)) continue
        findings.push(
          document.finding(
            'warning',
            entry.value,
            'plugin-defaults-ref',
            `pluginDefaultsRef '${ref}' names no \`ref\` of this flow's pluginDefaults: unless a namespace or instance plugin default has it, Kestra rejects the flow. Add a pluginDefaults entry with \`ref: ${ref}\`, or fix the name`
          )
        )
      } else if (document.get(entry.value, 'type')) {
        visit(entry.value) // a plugin inside the plugin: a task runner
      }
    }
  }
  for (const node of [...tree.tasks, ...tree.triggers]) visit(node.map)
  return findings
}
