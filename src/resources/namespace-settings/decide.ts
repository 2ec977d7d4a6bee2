import { stringify } from 'yaml'
import type { DecideKind, KindPlanOptions } from '../../engine/decide-kind.js'
import { applyDiff, indexByFile, isDrifted, manages, touched } from '../../engine/plan/build.js'
import { diffTexts } from '../../engine/plan/diff.js'
import { canonicalJson, isRecord, sha256Hex } from '../../model/content.js'
import type { Finding, Severity } from '../../model/finding.js'
import {
  heldNamespaceIsManaged,
  isKestraNamespace,
  namespaceAndParents,
  SYSTEM_NAMESPACE
} from '../../model/namespaces.js'
import { nearest } from '../../model/nearest.js'
import type { ChangeBase, PlanAction } from '../../model/plan.js'
import { HIDDEN, isSecretLike } from '../../model/secret-like.js'
import { atLeast, parseVersion, type KestraVersion } from '../../model/version.js'
import {
  FIELDS,
  implicit,
  managedView,
  parseSettingsFile,
  type Field,
  type ParsedSettings
} from './decide-file.js'

/** A namespace's settings (docs/namespace-settings.md): one change per namespace, its id `settings`. */
interface NamespaceSettingsChange extends ChangeBase {
  kind: 'namespace'
  id: 'settings'
  /** The fields the repository manages: those its file holds; the others are kept as the server has them. */
  fields: Field[]
  /** A key of the settings names a credential: its value is never shown, nor a failed write's answer. */
  secretLike: boolean
  /** The managed fields as the file holds them (create/update/unchanged), canonical JSON. */
  desired?: { json: string }
  /** The managed fields as the server holds them (update/orphaned/unchanged), canonical JSON. */
  current?: { json: string }
}

declare module '../../model/plan.js' {
  interface ResourceChanges {
    namespace: NamespaceSettingsChange
  }
}

/** A settings file: `<namespace>.yml` in a `namespaces/` folder (docs/namespace-settings.md#the-file). */
interface HeldSettingsFile {
  /** Workspace-relative path. */
  file: string
  /** The namespace its name says, as the repository writes it. */
  namespace: string
  text: string
  /** Beside flows that declare neither this namespace nor a child of it (`declared`): not read. */
  unread?: { folder: string; declared: readonly string[] }
}

/** What the namespace settings kind's decide part takes (what its gather part reads). */
export interface HeldNamespaceSettings {
  files: HeldSettingsFile[]
  /** The base commit's settings files, when the event has a base commit git holds. */
  base?: HeldSettingsFile[]
  /** The run's namespace prefix: namespaces are sent under it. */
  prefix?: string
  /** The `namespaces` input: `system` is managed only when it lists it. */
  extraNamespaces: readonly string[]
  /** The server's edition when it is not Enterprise: the files are checked, never planned or written. */
  edition?: string
  /** The Enterprise server's release, as its `info()` says, when it was asked. */
  release?: string
  /** Each namespace's entity by namespace as sent, null when the server has none (404); undefined: not read. */
  server?: Map<string, Record<string, unknown> | null>
}

/** Whether a key anywhere in the value names a credential. */
function holdsSecretLike(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsSecretLike)
  if (!isRecord(value)) return false
  return Object.entries(value).some(([key, inner]) => isSecretLike(key) || holdsSecretLike(inner))
}

/**
 * The value with each secret-like key's value hidden (docs/namespace-settings.md#secrets); `(changed)` where it
 * differs from `other`'s, when there is one.
 */
function masked(value: unknown, other: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item, i) => masked(item, Array.isArray(other) ? other[i] : undefined))
  }
  if (!isRecord(value)) return value
  const theirs = isRecord(other) ? other : undefined
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (!isSecretLike(key)) return [key, masked(inner, theirs?.[key])]
      const changed =
        theirs !== undefined && canonicalJson(inner) !== canonicalJson(theirs[key] ?? null)
      return [key, `${HIDDEN}${changed ? ' (changed)' : ''}`]
    })
  )
}

/** The fields as the diff shows them: YAML, each hidden value written as KV's diffs write it (unquoted). */
function settingsText(json: string, other?: string): string {
  const view = JSON.parse(json) as unknown
  const text = stringify(masked(view, other === undefined ? undefined : JSON.parse(other)), {
    lineWidth: 0
  })
  return text.replace(/"(<hidden: secret-like key>(?: \(changed\))?)"$/gm, '$1')
}

/** Every settings file's findings (docs/namespace-settings.md#checks). */
export function settingsFindings(held: HeldNamespaceSettings): Finding[] {
  const first = new Map<string, string>()
  return held.files.flatMap((file): Finding[] => {
    const finding = (
      line: number,
      rule: string,
      message: string,
      severity: Severity = 'error'
    ) => ({
      severity,
      file: file.file,
      line,
      rule,
      message
    })
    const folder = file.file.slice(0, file.file.lastIndexOf('/'))
    if (file.unread) {
      const { declared } = file.unread
      const near = nearest(file.namespace, new Set(declared.flatMap(namespaceAndParents)))
      return [
        finding(
          1,
          'namespace-settings-namespace',
          `${file.file} names namespace ${file.namespace}, which no flow beside '${file.unread.folder}/' declares (they declare ${declared.join(', ')}), so it is not read: a settings file there is named after one of their namespaces or a parent of one${near === undefined ? '' : ` (did you mean '${near}.yml'?)`}`
        )
      ]
    }
    const parsed = parseSettingsFile(file.text)
    if (parsed.otherKind !== undefined) {
      return [
        finding(
          1,
          'namespace-settings-file',
          `${file.file} is not read as namespace settings: its key ${parsed.otherKind} is another kind's (a flow, a test suite…)`,
          'notice'
        )
      ]
    }
    if (!isKestraNamespace(file.namespace)) {
      return [
        finding(
          1,
          'namespace-settings-namespace',
          `${file.file} does not name a namespace: a namespace settings file is ${folder}/<namespace>.yml, the namespace in lowercase letters, digits, '.', '_' or '-'`
        )
      ]
    }
    const earlier = first.get(file.namespace)
    if (earlier !== undefined) {
      return [
        finding(
          1,
          'namespace-settings-duplicate',
          `namespace ${file.namespace} already has its settings file ${earlier}: keep its settings in one file`
        )
      ]
    }
    first.set(file.namespace, file.file)
    if (!heldNamespaceIsManaged(file.namespace, held.extraNamespaces)) {
      return [
        finding(
          1,
          'namespace-settings-namespace',
          `${file.file} is not deployed: namespace ${SYSTEM_NAMESPACE} is managed only when the namespaces input lists it`,
          'warning'
        )
      ]
    }
    const found = parsed.problems.map((p) =>
      finding(p.line, 'namespace-settings-file', p.message, p.severity)
    )
    if (held.edition !== undefined) {
      found.push(
        finding(
          1,
          'namespace-settings-edition',
          `namespace settings are a Kestra Enterprise Edition feature and the server is ${held.edition}: ${file.file} is checked, never deployed`,
          'warning'
        )
      )
    } else if (keepsNoPluginDefaults(held) && parsed.lines.pluginDefaults !== undefined) {
      found.push(
        finding(
          parsed.lines.pluginDefaults,
          'namespace-settings-plugin-defaults',
          `Kestra ${held.release}'s ${NO_PLUGIN_DEFAULTS}: pluginDefaults is not deployed; ${ON_THE_TASKS}`,
          'warning'
        )
      )
    }
    return found
  })
}

/** EE OpenAPI 2.0.0 (client-sdk `kestra-ee.yml` @50cb46f4): `Namespace` has no `pluginDefaults`. */
const PLUGIN_DEFAULTS_GONE: KestraVersion = [2, 0, 0]
const NO_PLUGIN_DEFAULTS =
  "namespaces keep no plugin defaults (its Enterprise API's Namespace has none since 2.0), nor do its flows"
// Engine 2.0.0: a flow's `pluginDefaults` is `Unrecognized field "pluginDefaults"`, so the flows cannot take them.
const ON_THE_TASKS = 'set these values on the tasks themselves'

/** Whether the Enterprise server's namespaces keep no plugin defaults (Kestra 2.0 and later). */
function keepsNoPluginDefaults(held: HeldNamespaceSettings): boolean {
  const release = parseVersion(held.release)
  return release !== undefined && atLeast(release, PLUGIN_DEFAULTS_GONE)
}

/** Settings files named in one sentence: the first few paths in path order (quoted), then a count. */
const NAMED = 5

/**
 * Upgrade readiness beyond flows (docs/upgrade.md#where-you-see-it): an Enterprise server before 2.0 keeps the
 * plugin defaults of the repository's settings files, which 2.0's namespaces no longer do.
 */
function settingsOnUpgrade(held: HeldNamespaceSettings, target: KestraVersion): string[] {
  const release = parseVersion(held.release)
  if (!release || atLeast(release, PLUGIN_DEFAULTS_GONE)) return []
  if (!atLeast(target, PLUGIN_DEFAULTS_GONE)) return []
  const files = [...valid(held.files, held).values()]
    .filter(
      ({ settings }) => Array.isArray(settings.pluginDefaults) && settings.pluginDefaults.length > 0
    )
    .map(({ file }) => file)
    .sort()
    .map((file) => JSON.stringify(file))
  if (files.length === 0) return []
  const more = files.length > NAMED ? ` and ${files.length - NAMED} more` : ''
  return [
    `Namespace settings: Kestra ${target[0]}.${target[1]}'s ${NO_PLUGIN_DEFAULTS}, so the pluginDefaults of the repository's ${files.length} settings file(s), ${files.slice(0, NAMED).join(', ')}${more}, would no longer be deployed. Before upgrading, ${ON_THE_TASKS}.`
  ]
}

/** The first valid file (by path) of each managed namespace, parsed. */
function valid(files: HeldSettingsFile[], held: HeldNamespaceSettings) {
  const managed = files.filter(
    (file) =>
      !file.unread &&
      isKestraNamespace(file.namespace) &&
      heldNamespaceIsManaged(file.namespace, held.extraNamespaces)
  )
  const parsed = new Map<string, { file: string; settings: ParsedSettings['settings'] }>()
  for (const [namespace, file] of indexByFile(managed, (f) => f.namespace)) {
    const { settings, problems, otherKind } = parseSettingsFile(file.text)
    if (otherKind === undefined && problems.length === 0) {
      parsed.set(namespace, { file: file.file, settings })
    }
  }
  return parsed
}

const NEVER_DELETED =
  'namespace settings are never deleted (deleting an Enterprise namespace removes its access rules and more): change them in Kestra'

/**
 * The settings' changes (docs/namespace-settings.md#plan): create when the server has no such namespace, update
 * when a managed field differs; a namespace whose file is gone is orphaned, never deleted.
 */
export function planSettings(
  held: HeldNamespaceSettings,
  options: KindPlanOptions
): NamespaceSettingsChange[] {
  const server = held.server
  if (!server || held.edition !== undefined) return []
  const sent = (namespace: string) => (held.prefix ? `${held.prefix}.${namespace}` : namespace)
  const now = valid(held.files, held)
  const then = valid(held.base ?? [], held)
  const changes: NamespaceSettingsChange[] = []
  for (const namespace of [...new Set([...now.keys(), ...then.keys()])].sort()) {
    const file = now.get(namespace)
    const base = then.get(namespace)
    if (!touched(options, file?.file, base?.file)) continue
    if (!file && !manages(options, sent(namespace))) continue
    const entity = server.get(sent(namespace))
    const fields = FIELDS.filter(
      (field) =>
        (file ?? base)!.settings[field] !== undefined &&
        !(field === 'pluginDefaults' && keepsNoPluginDefaults(held))
    )
    if (fields.length === 0 || entity === undefined) continue
    const json = (source: Record<string, unknown>) => canonicalJson(managedView(fields, source))
    const current = entity === null || implicit(entity) ? undefined : json(entity)
    const desired = file && json(file.settings)
    // Only the server's settings of a file gone are left: none, nothing to say.
    if (!file && (current === undefined || current === json({}))) continue
    const action: PlanAction = !file
      ? 'orphaned'
      : current === undefined
        ? 'create'
        : desired === current
          ? 'unchanged'
          : 'update'
    const secretLike = [desired, current].some(
      (text) => text !== undefined && holdsSecretLike(JSON.parse(text))
    )
    const change: NamespaceSettingsChange = {
      kind: 'namespace',
      id: 'settings',
      namespace: sent(namespace),
      action,
      fields,
      secretLike,
      drifted: isDrifted(
        action,
        held.base !== undefined,
        base === undefined ? undefined : json(base.settings) !== current
      ),
      file: (file ?? base)!.file,
      ...(desired !== undefined && { desired: { json: desired } }),
      ...(current !== undefined && { current: { json: current } })
    }
    if (action === 'orphaned') change.remark = NEVER_DELETED
    else if (secretLike) change.remark = 'secret-like keys: their values are never shown'
    if (action !== 'unchanged') {
      const path = `namespaces/${sent(namespace)}.yml`
      applyDiff(
        change,
        diffTexts(
          `a/${path}`,
          `b/${path}`,
          current === undefined ? undefined : settingsText(current),
          desired === undefined ? undefined : settingsText(desired, current),
          options.limits
        )
      )
    }
    changes.push(change)
  }
  return changes
}

/** Namespace settings in a plan (docs/namespace-settings.md): written before anything else of a namespace. */
export const namespaceSettingsDecide: DecideKind<NamespaceSettingsChange, HeldNamespaceSettings> = {
  name: 'namespace',
  order: -1,
  label: 'Namespace settings',
  idOf: (change) => change.id,
  planFileIdentity: (change) => ({ settings: change.fields.join(',') }),
  fingerprintOf: (r) => [
    'namespace',
    r.namespace,
    r.action,
    r.fields,
    r.desired === undefined ? null : sha256Hex(r.desired.json),
    r.current === undefined ? null : sha256Hex(r.current.json)
  ],
  validate: settingsFindings,
  plan: (held, options) => (held ? planSettings(held, options) : []),
  upgradeNotes: settingsOnUpgrade
}
