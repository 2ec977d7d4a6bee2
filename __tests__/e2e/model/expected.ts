/**
 * The reference model: what Kestra must hold after a deploy of a repository, from what it held before. It is
 * written from the product's pages (docs/guarantees.md, docs/environments.md, docs/kv.md, docs/tests.md,
 * docs/namespace-settings.md), not from the action's code: managed namespaces are those the repository holds a
 * resource in, one that only a kv or settings file holds for that kind alone (docs/resources.md#managed-namespaces);
 * in each, the repository's resources are on the server as sent, and what only the server holds is kept (orphaned)
 * or, with `delete`, gone; a kv file owns its namespace's keys, a settings file its namespace's description and
 * variables (never deleted); the repository owns the tenant's dashboards once it holds one; test suites and
 * namespace settings exist on Enterprise only, dashboards wherever the server can store them.
 */
import { createHash } from 'node:crypto'
import { parse } from 'yaml'
import {
  dashboardSource,
  flowKey,
  flowSource,
  namespacesOf,
  PLUGIN_DEFAULTS,
  suiteSource,
  type Repository,
  type Team
} from './repository.js'
import type { ServerState } from './world.js'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** JSON with a mapping's keys sorted: how KV values compare (docs/kv.md). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner
  )
}

/**
 * Whether the server can store dashboards (2.0 moved their writes to Enterprise), test suites and namespace
 * settings (Enterprise).
 */
export function kindsOn(team: Team): { dashboards: boolean; suites: boolean; namespaces: boolean } {
  const enterprise = team.edition === 'EE'
  return {
    dashboards: enterprise || team.line === '1.3',
    suites: enterprise,
    namespaces: enterprise
  }
}

/**
 * A flow's source as the comparison reads it: the `system.readOnly` label that `read-only` adds to the text sent
 * (docs/environments.md) is not the repository's, and the plan ignores it too.
 */
export function comparableFlow(source: string): string {
  if (!source.includes('system.readOnly')) return source
  const document = parse(source) as Record<string, unknown>
  const labels = document.labels
  if (labels && typeof labels === 'object' && !Array.isArray(labels)) {
    delete (labels as Record<string, unknown>)['system.readOnly']
    if (Object.keys(labels).length === 0) delete document.labels
  } else if (Array.isArray(labels)) {
    const kept = labels.filter(
      (label) => (label as { key?: unknown } | null)?.key !== 'system.readOnly'
    )
    if (kept.length) document.labels = kept
    else delete document.labels
  }
  return JSON.stringify(document)
}

/** The server's state as the comparison reads it: flows without the read-only label, KV as canonical JSON. */
export function comparable(state: ServerState): ServerState {
  return {
    flows: new Map([...state.flows].map(([key, source]) => [key, comparableFlow(source)])),
    files: state.files,
    kv: new Map([...state.kv].map(([key, json]) => [key, canonicalJson(JSON.parse(json))])),
    dashboards: state.dashboards,
    suites: state.suites,
    namespaces: new Map(
      [...state.namespaces].map(([key, json]) => [key, canonicalJson(JSON.parse(json))])
    ),
    records: state.records
  }
}

/**
 * What the server must hold after a deploy of `repository` succeeds, from `before`. `base` is the repository of
 * the commit the deploy compares with (a kv file it held and this one lacks orphans its keys).
 */
export function afterDeploy(
  team: Team,
  before: ServerState,
  repository: Repository,
  base: Repository | undefined
): ServerState {
  const managed = new Set(namespacesOf(repository))
  // Flows, files and suites: not where a kv or settings file is all the repository holds.
  const whole = new Set(
    [...repository.flows, ...repository.files, ...repository.suites].map((r) => r.namespace)
  )
  // A key is `<namespace>/<id>`, a file's `<namespace>/<path>`.
  const namespaceOf = (key: string) => key.slice(0, key.indexOf('/'))
  const inManaged = (key: string) => whole.has(namespaceOf(key))
  const expected = comparable(before)
  const orphans = (
    current: Map<string, string>,
    wanted: Map<string, string>,
    owned: (key: string) => boolean
  ) => {
    const next = new Map<string, string>()
    for (const [key, value] of current) {
      if (!owned(key) || !team.settings.delete || wanted.has(key)) next.set(key, value)
    }
    for (const [key, value] of wanted) next.set(key, value)
    return next
  }

  // Byte for byte, but for the label `read-only` adds to what is sent: then both sides are compared parsed.
  const sent = (source: string) => (team.settings.readOnly ? JSON.stringify(parse(source)) : source)
  const flows = new Map(
    repository.flows.map((flow) => [flowKey(flow), sent(flowSource(flow, team.line))])
  )
  expected.flows = orphans(expected.flows, flows, inManaged)

  const files = new Map(
    repository.files.map((file) => [`${file.namespace}${file.path}`, sha256(file.bytes)])
  )
  expected.files = orphans(expected.files, files, inManaged)

  const kvFiles = new Set(repository.kv.map((entry) => entry.namespace))
  // A removed kv file's keys go only where the repository still manages the namespace: one it left is never touched.
  const baseKeys = new Set(
    (base?.kv ?? [])
      .filter((entry) => !kvFiles.has(entry.namespace) && managed.has(entry.namespace))
      .map((e) => `${e.namespace}/${e.key}`)
  )
  const kv = new Map(
    repository.kv.map((entry) => [`${entry.namespace}/${entry.key}`, canonicalJson(entry.value)])
  )
  expected.kv = orphans(
    expected.kv,
    kv,
    (key) => kvFiles.has(namespaceOf(key)) || baseKeys.has(key)
  )

  const can = kindsOn(team)
  if (can.dashboards && repository.dashboards.length) {
    const dashboards = new Map(repository.dashboards.map((d) => [d.id, dashboardSource(d)]))
    expected.dashboards = orphans(expected.dashboards, dashboards, () => true)
  }
  if (can.suites) {
    const suites = new Map(repository.suites.map((s) => [`${s.namespace}/${s.id}`, suiteSource(s)]))
    expected.suites = orphans(expected.suites, suites, inManaged)
  }
  if (can.namespaces) {
    // Never deleted: a namespace whose file is gone keeps what it holds, even with `delete`.
    // A file's pluginDefaults: deployed where the release keeps them (1.3), else the server's left as they are, as
    // when the file holds none (a field it leaves out is the server's).
    for (const spec of repository.namespaceSettings) {
      const held = expected.namespaces.get(spec.namespace)
      const pluginDefaults =
        spec.pluginDefaults && team.line === '1.3'
          ? PLUGIN_DEFAULTS
          : held === undefined
            ? undefined
            : (JSON.parse(held) as { pluginDefaults?: unknown }).pluginDefaults
      const settings = {
        description: spec.description,
        variables: { region: spec.region },
        ...(pluginDefaults !== undefined && { pluginDefaults })
      }
      expected.namespaces.set(spec.namespace, canonicalJson(settings))
    }
  }
  return expected
}

export type Kind = 'flows' | 'files' | 'kv' | 'dashboards' | 'suites' | 'namespaces'
export const KINDS: readonly Kind[] = ['flows', 'files', 'kv', 'dashboards', 'suites', 'namespaces']

/** Each resource (and, with `records`, each record of the action's) that differs between two states, as `kind key`. */
export function differences(a: ServerState, b: ServerState, records = false): string[] {
  const out: string[] = []
  for (const kind of records ? [...KINDS, 'records' as const] : KINDS) {
    const keys = new Set([...a[kind].keys(), ...b[kind].keys()])
    for (const key of [...keys].sort()) {
      if (a[kind].get(key) !== b[kind].get(key)) out.push(`${kind} ${key}`)
    }
  }
  return out
}
