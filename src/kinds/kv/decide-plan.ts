import type { KindPlanOptions } from '../../decide/kind.js'
import { actionOf, applyDiff } from '../../decide/plan/build.js'
import { diffTexts } from '../../decide/plan/diff.js'
import type { Finding } from '../../model/finding.js'
import {
  heldNamespaceIsManaged,
  isKestraNamespace,
  SYSTEM_NAMESPACE
} from '../../model/namespaces.js'
import type { PlanAction, ResourceChanges } from '../../model/plan.js'
import { canonicalJson } from '../../model/content.js'
import { isOwnKey, isSecretLike, kvFileText, parseKvFile, type KvValue } from './decide-format.js'
import type { HeldKv, HeldKvFile } from './decide-held.js'

type KvChange = ResourceChanges['kv']

/** What is shown of a secret-like key's value: never the value, in any output. */
export const HIDDEN = '<hidden: secret-like key>'

/**
 * Every kv file's findings (docs/kv.md#checks): its YAML, keys and values as `parseKvFile` refuses them,
 * on their lines; a file name that is no namespace; two files for one namespace.
 */
export function kvFindings(held: HeldKv): Finding[] {
  const first = new Map<string, string>()
  return held.files.flatMap((file): Finding[] => {
    const error = (line: number, rule: string, message: string): Finding => ({
      severity: 'error',
      file: file.file,
      line,
      rule,
      message
    })
    if (!isKestraNamespace(file.namespace)) {
      return [
        error(
          1,
          'kv-namespace',
          `${file.file} does not name a namespace: a kv file is kv/<namespace>.yml, the namespace in lowercase letters, digits, '.', '_' or '-'`
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
        {
          ...error(
            1,
            'kv-namespace',
            `${file.file} is not deployed: namespace ${SYSTEM_NAMESPACE} is managed only when the namespaces input lists it`
          ),
          severity: 'warning'
        }
      ]
    }
    return parseKvFile(file.text).problems.map((p) => ({
      ...error(p.line, 'kv-file', p.message)
    }))
  })
}

/**
 * The KV pairs' changes (docs/kv.md#plan): each key of each kv file against the server's value (compared
 * as canonical JSON), drift against the base commit, and the namespace's other keys orphaned (deleted only
 * with `delete`); a namespace whose kv file is gone has the keys its file held at the base orphaned.
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
    if (!inScope(options, file, base)) continue
    // The action's own keys (its commit marker, rollback record…) are never the repository's.
    const actual = new Map(
      [...(server.get(sent(namespace)) ?? [])].filter(([key]) => !isOwnKey(key))
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
      const change: KvChange = {
        kind: 'kv',
        namespace: sent(namespace),
        id: key,
        action,
        secretLike,
        drifted: false,
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
            current === undefined ? '' : `a/kv/${sent(namespace)}/${key}`,
            after === undefined ? '' : `b/kv/${sent(namespace)}/${key}`,
            shown(current),
            secretLike && after !== undefined && current !== undefined
              ? `${key}: ${HIDDEN} (changed)\n`
              : shown(after),
            options.limits
          )
        )
      }
      if (held.base && current !== undefined && action !== 'unchanged' && action !== 'create') {
        const was = before.get(key)
        change.drifted = was !== undefined ? canonicalJson(was) !== current : action === 'update'
      }
      changes.push(change)
    }
  }
  return changes
}

/**
 * The files that name a managed namespace (`system` only when listed), the first file of each (by path)
 * kept, its duplicates being findings.
 */
function valid(
  files: readonly HeldKvFile[],
  extraNamespaces: readonly string[]
): Map<string, HeldKvFile> {
  const byNamespace = new Map<string, HeldKvFile>()
  for (const file of files) {
    const managed =
      isKestraNamespace(file.namespace) && heldNamespaceIsManaged(file.namespace, extraNamespaces)
    if (managed && !byNamespace.has(file.namespace)) {
      byNamespace.set(file.namespace, file)
    }
  }
  return byNamespace
}

function entriesOf(file: HeldKvFile): Map<string, KvValue> {
  return new Map(parseKvFile(file.text).entries.map((entry) => [entry.key, entry.value]))
}

/** `changed` scope: a namespace whose kv file the change touched (now or at the base commit). */
function inScope(
  options: KindPlanOptions,
  file: HeldKvFile | undefined,
  base: HeldKvFile | undefined
): boolean {
  const changed = options.changedFiles
  if (options.scope === 'all' || changed === undefined) return true
  return [file?.file, base?.file].some((path) => path !== undefined && changed.has(path))
}

/** One key as the plan's diff shows it: `key: <value as YAML>`, or hidden for a secret-like key. */
function lineOf(key: string, json: string, secretLike: boolean): string {
  if (secretLike) return `${key}: ${HIDDEN}\n`
  return kvFileText([[key, JSON.parse(json) as KvValue]])
}

/**
 * The namespace's kv file as the server holds it: its values, a secret-like key keeping the repository's
 * value (or left out when the repository has none), so the drift pull request never writes one to Git.
 */
function serverFileText(desired: Map<string, KvValue>, actual: Map<string, string>): string {
  const entries: [string, KvValue][] = []
  for (const [key, json] of actual) {
    if (!isSecretLike(key)) entries.push([key, JSON.parse(json) as KvValue])
    else if (desired.has(key)) entries.push([key, desired.get(key)!])
  }
  return kvFileText(entries)
}
