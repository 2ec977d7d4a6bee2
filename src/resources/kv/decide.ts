import { isMap, isScalar, LineCounter, parseDocument, stringify, type Node } from 'yaml'
import type { DecideKind, KindPlanOptions } from '../../engine/decide-kind.js'
import {
  actionOf,
  applyDiff,
  indexByFile,
  isDrifted,
  manages,
  touched
} from '../../engine/plan/build.js'
import { diffTexts } from '../../engine/plan/diff.js'
import { ROLLBACK_RECORD_KEY } from '../../model/after-deploy.js'
import { COMMIT_MARKER_KEY } from '../../engine/record/marker.js'
import { canonicalJson, compareCodeUnits, isRecord, sha256Hex } from '../../model/content.js'
import type { Finding, Severity } from '../../model/finding.js'
import {
  heldNamespaceIsManaged,
  isKestraNamespace,
  namespaceAndParents,
  SYSTEM_NAMESPACE
} from '../../model/namespaces.js'
import type { ChangeBase, PlanAction } from '../../model/plan.js'
import { PREVIEW_OWNER_KEY } from '../../model/preview.js'
import { nearest } from '../../model/nearest.js'
import { repositoryPath } from '../../model/repository-paths.js'
import { ACTION_KEY_PREFIX, isActionKey } from '../../model/action-keys.js'
import { HIDDEN, isSecretLike } from '../../model/secret-like.js'

/** A KV pair of a managed namespace (docs/kv.md): by key, its namespace as sent. */
interface KvChange extends ChangeBase {
  kind: 'kv'
  id: string
  /** Its value is never shown (docs/kv.md#secret-like-keys). */
  secretLike: boolean
  /** The repository's value (create/update/unchanged), as JSON. */
  desired?: { json: string }
  /** The server's value (update/delete/orphaned/unchanged), as JSON. */
  current?: { json: string }
  /** The namespace's kv file as the server holds it, for the drift pull request (`serverFileText`). */
  serverFile?: string
}

declare module '../../model/plan.js' {
  interface ResourceChanges {
    kv: KvChange
  }
}

/** A kv file of the repository: `<namespace>.yml` in a `kv/` folder (docs/kv.md#where-kv-files-are-found). */
interface HeldKvFile {
  /** Workspace-relative path. */
  file: string
  /** The namespace its name says, as the repository writes it. */
  namespace: string
  text: string
  /**
   * Why it is not read: in a subfolder of its `kv/` folder, in a `kv/` folder beside no flow, or named after
   * no namespace the flows beside its folder (`declared`; for `not-beside`, every flow) declare.
   */
  unread?: {
    why: 'nested' | 'not-beside' | 'unmatched'
    /** Root-relative. */
    folder: string
    declared: readonly string[]
  }
}

/** What the KV kind's decide part takes (what its gather part reads, docs/kv.md). */
export interface HeldKv {
  files: HeldKvFile[]
  /** The base commit's kv files, when the event has a base commit git holds. */
  base?: HeldKvFile[]
  /** The run's namespace prefix (a preview, a prefixed environment): namespaces are sent under it. */
  prefix?: string
  /** The `namespaces` input: `system` is managed only when it lists it. */
  extraNamespaces: readonly string[]
  /** The server's values (JSON text) by namespace as sent; undefined when the run does not read the server. */
  server?: Map<string, Map<string, string>>
}

/**
 * A KV value as a kv file holds it and Kestra stores it (docs/kv.md#the-file): a string (STRING), a
 * number (NUMBER), a boolean (BOOLEAN), or a mapping or a list (JSON), which may hold `null` inside.
 */
export type KvValue = string | number | boolean | KvJson[] | { [key: string]: KvJson }
type KvJson = KvValue | null

interface KvEntry {
  key: string
  value: KvValue
  line: number
}

type KvProblem = Pick<Finding, 'line' | 'message'>

/** Kestra's KV key rule (`KVStore`): anything else is refused with a 422. */
const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/

export const OWN_KEYS = [COMMIT_MARKER_KEY, ROLLBACK_RECORD_KEY, PREVIEW_OWNER_KEY]

/** The keys of a kv file, or the problems that keep it from round-tripping (docs/kv.md#checks). */
export function parseKvFile(text: string): { entries: KvEntry[]; problems: KvProblem[] } {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  const lineOf = (node: Node | null | undefined, fallback = 1) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : fallback
  const entries: KvEntry[] = []
  const problems: KvProblem[] = doc.errors.map((error) => ({
    line: lineCounter.linePos(error.pos[0]).line,
    message: `not a kv file: ${error.message.split('\n')[0]}`
  }))
  const root = doc.contents
  if (problems.length > 0 || root === null || (isScalar(root) && root.value === null)) {
    return { entries, problems }
  }
  if (!isMap(root)) {
    const message = 'a kv file is a mapping of keys to values: `key: value`, one a line'
    return { entries, problems: [{ line: lineOf(root), message }] }
  }
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null
    const line = lineOf(keyNode)
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      problems.push({ line, message: 'a KV key is text: write it as a plain or quoted string' })
      continue
    }
    const key = keyNode.value
    if (!KEY.test(key)) {
      problems.push({
        line,
        message: `KV key ${JSON.stringify(key)} is refused by Kestra: start with a letter or digit, then letters, digits, '.', '_' or '-'`
      })
      continue
    }
    if (isActionKey(key)) {
      problems.push({
        line,
        message: `KV key ${key} is the action's own (keys starting with ${ACTION_KEY_PREFIX} hold its commit marker, rollback record and preview ownership): choose another key`
      })
      continue
    }
    const valueNode = pair.value as Node | null
    const value: unknown = valueNode === null ? null : valueNode.toJS(doc, { maxAliasCount: 100 })
    const problem = valueProblem(value, true)
    if (problem !== undefined) {
      problems.push({ line: lineOf(valueNode, line), message: `KV key ${key}: ${problem}` })
      continue
    }
    entries.push({ key, value: value as KvValue, line })
  }
  return { entries, problems }
}

/** Why a value cannot be stored as written and read back the same. */
function valueProblem(value: unknown, top: boolean): string | undefined {
  if (value === null) {
    return top ? 'no KV type holds an empty value: give it a value, or remove the key' : undefined
  }
  if (typeof value === 'string' || typeof value === 'boolean') return undefined
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      return `${value} is not a number Kestra stores: write it as a string`
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return `${value} is too large to be read back exactly: write it as a string`
    }
    return undefined
  }
  if (
    Array.isArray(value) ||
    (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype)
  ) {
    for (const item of Object.values(value)) {
      const problem = valueProblem(item, false)
      if (problem !== undefined) return problem
    }
    return undefined
  }
  return 'the value is not plain data (text, a number, true or false, a mapping or a list): remove its tag'
}

/** A kv file holding these keys, sorted, as the drift pull request writes it. */
export function kvFileText(entries: readonly (readonly [string, KvValue])[]): string {
  if (entries.length === 0) return '{}\n'
  const sorted = [...entries].sort(([a], [b]) => compareCodeUnits(a, b))
  return stringify(Object.fromEntries(sorted), { lineWidth: 0 })
}

export { HIDDEN, isSecretLike }

/** Every kv file's findings (docs/kv.md#checks). */
export function kvFindings(held: HeldKv): Finding[] {
  const first = new Map<string, string>()
  return held.files.flatMap((file): Finding[] => {
    const error = (line: number, rule: string, message: string, severity: Severity = 'error') => ({
      severity,
      file: file.file,
      line,
      rule,
      message
    })
    if (file.unread) return unreadFindings(file, file.unread, error)
    if (!isKestraNamespace(file.namespace)) {
      const folder = file.file.slice(0, file.file.lastIndexOf('/'))
      return [
        error(
          1,
          'kv-namespace',
          `${file.file} does not name a namespace: a kv file is ${folder}/<namespace>.yml, the namespace in lowercase letters, digits, '.', '_' or '-'`
        )
      ]
    }
    const earlier = first.get(file.namespace)
    if (earlier !== undefined) {
      return [
        error(
          1,
          'kv-duplicate-namespace',
          `namespace ${file.namespace} already has its kv file ${earlier}: keep its keys in one file`
        )
      ]
    }
    first.set(file.namespace, file.file)
    if (!heldNamespaceIsManaged(file.namespace, held.extraNamespaces)) {
      return [
        error(
          1,
          'kv-namespace',
          `${file.file} is not deployed: namespace ${SYSTEM_NAMESPACE} is managed only when the namespaces input lists it`,
          'warning'
        )
      ]
    }
    return parseKvFile(file.text).problems.map((p) => error(p.line, 'kv-file', p.message))
  })
}

/**
 * docs/kv.md#where-kv-files-are-found: a kv file found and not read is never silent. In a subfolder, or named
 * after no namespace the flows beside its folder can place (a typo), it is an error: a typo must not leave a
 * namespace's keys unmanaged. A `kv/` folder beside no flow is a warning on each file named after a namespace
 * the repository's flows declare; other YAML there is not meant as KV.
 */
function unreadFindings(
  file: HeldKvFile,
  unread: NonNullable<HeldKvFile['unread']>,
  finding: (line: number, rule: string, message: string, severity?: Severity) => Finding
): Finding[] {
  const { folder, declared } = unread
  const meant = [...new Set(declared.flatMap(namespaceAndParents))]
  if (unread.why === 'nested') {
    return [
      finding(
        1,
        'kv-namespace',
        `${file.file} is in a folder under '${folder}/', so it is not read: a kv file sits in its kv folder, named after its namespace (${folder}/<namespace>.yml)`
      )
    ]
  }
  if (unread.why === 'not-beside') {
    if (!meant.includes(file.namespace)) return []
    return [
      finding(
        1,
        'kv-folder',
        `'${folder}/' is not read: a kv folder is read at root (kv/) or beside the flows (kestra/kv/ next to kestra/flows/, <namespace>/kv/), and no flow is beside it. Move ${file.file.slice(file.file.lastIndexOf('/') + 1)} there`,
        'warning'
      )
    ]
  }
  const near = nearest(file.namespace, meant)
  return [
    finding(
      1,
      'kv-namespace',
      `${file.file} names namespace ${file.namespace}, which no flow beside '${folder}/' declares (they declare ${declared.join(', ')}), so it is not read: a kv file there is named after one of their namespaces or a parent of one${near === undefined ? '' : ` (did you mean '${near}.yml'?)`}`
    )
  ]
}

/**
 * The KV pairs' changes (docs/kv.md#plan), compared as canonical JSON; a namespace whose kv file is gone
 * has the keys its file held at the base orphaned.
 */
export function planKv(held: HeldKv, options: KindPlanOptions): KvChange[] {
  const server = held.server
  if (!server) return []
  const sent = (namespace: string) => (held.prefix ? `${held.prefix}.${namespace}` : namespace)
  const now = valid(held.files, held.extraNamespaces)
  const then = valid(held.base ?? [], held.extraNamespaces)
  const changes: KvChange[] = []
  for (const namespace of [...new Set([...now.keys(), ...then.keys()])].sort()) {
    const file = now.get(namespace)
    const base = then.get(namespace)
    if (!touched(options, file?.file, base?.file)) continue
    if (!file && !manages(options, sent(namespace))) continue
    // The action's own keys (its commit marker, rollback record…) are never the repository's.
    const actual = new Map(
      [...(server.get(sent(namespace)) ?? [])].filter(([key]) => !isActionKey(key))
    )
    const desired = file ? entriesOf(file) : undefined
    const before = base ? entriesOf(base) : new Map<string, KvValue>()
    // With its file gone, the namespace's keys are not the repository's: only those its file held go.
    const keys = desired ? [...desired.keys(), ...actual.keys()] : [...before.keys()]
    const serverFile = file && serverFileText(desired!, actual)
    for (const key of [...new Set(keys)].sort()) {
      const wanted = desired?.get(key)
      const currentJson = actual.get(key)
      if (wanted === undefined && currentJson === undefined) continue
      const current = currentJson === undefined ? undefined : canonicalJson(JSON.parse(currentJson))
      const desiredJson = wanted === undefined ? undefined : canonicalJson(wanted)
      const action: PlanAction =
        current === undefined
          ? 'create'
          : actionOf(options, desiredJson !== undefined, desiredJson === current)
      const secretLike = isSecretLike(key)
      const was = before.get(key)
      const change: KvChange = {
        kind: 'kv',
        namespace: sent(namespace),
        id: key,
        action,
        secretLike,
        drifted: isDrifted(
          action,
          held.base !== undefined,
          was === undefined ? undefined : canonicalJson(was) !== current
        ),
        ...((file ?? base) && { file: (file ?? base)!.file }),
        ...(desiredJson !== undefined && { desired: { json: desiredJson } }),
        ...(current !== undefined && { current: { json: current } }),
        ...(serverFile !== undefined && { serverFile })
      }
      if (secretLike) change.remark = 'secret-like key: its value is never shown'
      if (action !== 'unchanged') {
        const shown = (json: string | undefined) =>
          json === undefined ? undefined : lineOf(key, json, secretLike)
        const after = action === 'delete' || action === 'orphaned' ? undefined : desiredJson
        applyDiff(
          change,
          diffTexts(
            `a/kv/${sent(namespace)}/${key}`,
            `b/kv/${sent(namespace)}/${key}`,
            shown(current),
            secretLike && after !== undefined && current !== undefined
              ? `${key}: ${HIDDEN} (changed)\n`
              : shown(after),
            options.limits
          )
        )
      }
      changes.push(change)
    }
  }
  return changes
}

/** The first file (by path) of each managed namespace read: its duplicates are findings. */
function valid(files: HeldKvFile[], extraNamespaces: readonly string[]): Map<string, HeldKvFile> {
  const managed = files.filter(
    (file) =>
      !file.unread &&
      isKestraNamespace(file.namespace) &&
      heldNamespaceIsManaged(file.namespace, extraNamespaces)
  )
  return indexByFile(managed, (file) => file.namespace)
}

function entriesOf(file: HeldKvFile): Map<string, KvValue> {
  return new Map(parseKvFile(file.text).entries.map((entry) => [entry.key, entry.value]))
}

function lineOf(key: string, json: string, secretLike: boolean): string {
  if (secretLike) return `${key}: ${HIDDEN}\n`
  return kvFileText([[key, JSON.parse(json) as KvValue]])
}

/**
 * The server's values, a secret-like key keeping the repository's value (left out when it has none), so
 * the drift pull request never writes a secret to Git.
 */
function serverFileText(desired: Map<string, KvValue>, actual: Map<string, string>): string {
  const entries: [string, KvValue][] = []
  for (const [key, json] of actual) {
    if (!isSecretLike(key)) entries.push([key, JSON.parse(json) as KvValue])
    else if (desired.has(key)) entries.push([key, desired.get(key)!])
  }
  return kvFileText(entries)
}

/** KV pairs in a plan (docs/kv.md): fingerprinted by their values' hashes, never their text. */
export const kvDecide: DecideKind<KvChange, HeldKv> = {
  name: 'kv',
  order: 3,
  label: 'KV pairs',
  idOf: (change) => change.id,
  planFileIdentity: (change) => ({ key: change.id }),
  fingerprintOf: (r) => [
    'kv',
    r.namespace,
    r.id,
    r.action,
    r.desired === undefined ? null : sha256Hex(r.desired.json),
    r.current === undefined ? null : sha256Hex(r.current.json)
  ],
  validate: kvFindings,
  // Its keys as sent: a flow's kv('k') finds a key that the same plan creates.
  defines: (held) =>
    [...valid(held.files, held.extraNamespaces).values()].flatMap((file) => {
      const namespace = held.prefix ? `${held.prefix}.${file.namespace}` : file.namespace
      return [...entriesOf(file).keys()].map((name) => ({ namespace, name }))
    }),
  plan: (held, options) => (held ? planKv(held, options) : []),
  sharesFiles: true,
  serverContent: (change) => change.serverFile,
  newPath: (change, shape) => ({
    path: repositoryPath(shape.rootRel, 'kv', `${change.namespace}.yml`)
  })
}
