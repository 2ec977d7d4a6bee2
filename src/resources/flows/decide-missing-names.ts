import type { Finding } from '../../model/finding.js'
import {
  kvLookupScopes,
  type DefinedNames,
  type NameListings,
  type NameReference
} from '../../model/names.js'
import type { MissingName, Plan } from '../../model/plan.js'
import type { Outcome } from '../../model/outcome.js'
import { flowKey } from '../../model/targets.js'

/** Which secrets and KV keys the flows read that the server does not define (docs/caught-at-review.md). */

interface NameCheck {
  findings: Finding[]
  /** Per flowKey, the names the server lacks, in the order written, once each. */
  missing: Map<string, MissingName[]>
  checked: number
}

const NOTICE_NAMES = 20

/**
 * A warning on each name the server does not define, by Kestra's lookup rules
 * (docs/kestra.md#kv-inheritance, #secrets); one notice naming what could not be checked.
 */
export function checkNames(
  refs: readonly NameReference[],
  listings: NameListings,
  defined?: DefinedNames
): NameCheck {
  const findings: Finding[] = []
  const missing = new Map<string, MissingName[]>()
  const unchecked: { ref: NameReference; reason: string }[] = []
  let checked = 0
  const secrets = secretLookup(listings.secrets)
  const ownOnly = listings.kvOwnNamespaceOnly === true
  const kv = kvLookup(listings.kv, ownOnly)
  // A name the repository's resources define where Kestra looks (a KV key of a kv file) exists once the plan
  // is deployed: the kind of a reference is the kind that defines it.
  const inRepository = (ref: NameReference) => {
    const scopes =
      ref.kind === 'kv' ? kvLookupScopes(ref, ownOnly) : [ref.namespace ?? ref.flowNamespace]
    return scopes.some((namespace) => defined?.has(ref.kind, namespace, ref.name) === true)
  }
  for (const ref of refs) {
    if (inRepository(ref)) {
      checked++
      continue
    }
    const lookup = ref.kind === 'secret' ? secrets : kv
    if (typeof lookup === 'string') {
      unchecked.push({ ref, reason: lookup })
      continue
    }
    checked++
    if (lookup(ref)) continue
    findings.push(missingFinding(ref, ownOnly))
    const names = missing.get(ref.fromFlow) ?? []
    if (!names.some((m) => m.kind === ref.kind && m.name === ref.name)) {
      names.push({ kind: ref.kind, name: ref.name })
    }
    missing.set(ref.fromFlow, names)
  }
  if (unchecked.length > 0) findings.push(uncheckedNotice(unchecked))
  return { findings, missing, checked }
}

/** Where a secret is looked for: its `namespace` argument, else the flow's namespace. */
function secretLookup(
  listing: NameListings['secrets']
): string | ((ref: NameReference) => boolean) {
  if (!listing) return 'the secrets were not listed'
  if (!listing.listed) return listing.reason
  const tenant = new Set(listing.value.tenant?.map((name) => name.toUpperCase()))
  const byNamespace = new Map(
    Object.entries(listing.value.byNamespace ?? {}).map(([namespace, names]) => [
      namespace,
      new Set(names.map((name) => name.toUpperCase()))
    ])
  )
  return (ref) => {
    const name = ref.name.toUpperCase()
    if (tenant.has(name)) return true
    return byNamespace.get(ref.namespace ?? ref.flowNamespace)?.has(name) === true
  }
}

/**
 * `kv('k')`: the flow's namespace, then each parent, nearest first (only the flow's own on a server that
 * looks nowhere else); `kv('k', namespace='x')`: only `x`.
 */
function kvLookup(
  listing: NameListings['kv'],
  ownOnly: boolean
): string | ((ref: NameReference) => boolean) {
  if (!listing) return 'the KV keys were not listed'
  if (!listing.listed) return listing.reason
  const keys = new Map(Object.entries(listing.value).map(([ns, names]) => [ns, new Set(names)]))
  return (ref) =>
    kvLookupScopes(ref, ownOnly).some((namespace) => keys.get(namespace)?.has(ref.name) === true)
}

/**
 * An error on each `kv()` of a key the plan deletes that no other namespace Kestra looks in holds once the deploy
 * is done, as a deleted namespace file's `read()` is (docs/impact.md): the flow then fails when it runs. A warning
 * where the server's listing cannot tell whether a parent namespace holds it, or where Kestra gives null for a
 * missing key (before 0.22). Names of flows the plan deletes are left out: they read nothing.
 */
export function deletedKeysInUse(
  refs: readonly NameReference[],
  plan: Plan,
  read: Outcome<NameListings> | undefined,
  defined?: DefinedNames
): Finding[] {
  const deleted = new Set(
    plan.resources.flatMap((r) =>
      r.kind === 'kv' && r.action === 'delete' ? [`${r.namespace}\0${r.id}`] : []
    )
  )
  if (deleted.size === 0) return []
  const goneFlows = new Set(
    plan.resources.flatMap((r) =>
      r.kind === 'flow' && r.action === 'delete' ? [flowKey(r.namespace, r.id)] : []
    )
  )
  const listings = read?.ok ? read.value : {}
  const ownOnly = listings.kvOwnNamespaceOnly === true
  const server = kvLookup(listings.kv, ownOnly)
  const findings: Finding[] = []
  const heldAfter = (ref: NameReference, namespace: string) =>
    defined?.has('kv', namespace, ref.name) === true ||
    (typeof server !== 'string' && server({ ...ref, namespace }))
  for (const ref of refs) {
    if (ref.kind !== 'kv' || goneFlows.has(ref.fromFlow)) continue
    const scopes = kvLookupScopes(ref, ownOnly)
    const gone = scopes.find((namespace) => deleted.has(`${namespace}\0${ref.name}`))
    if (gone === undefined) continue
    const others = scopes.filter((namespace) => !deleted.has(`${namespace}\0${ref.name}`))
    if (others.some((namespace) => heldAfter(ref, namespace))) continue
    const unknown = typeof server === 'string' && others.length > 0
    findings.push(deletedKeyFinding(ref, gone, ownOnly ? 'null' : unknown ? 'unknown' : 'fails'))
  }
  return findings
}

const DELETED_KEY_EFFECT = {
  fails: 'this flow would fail when it runs',
  unknown:
    "this flow would fail when it runs, unless a parent namespace holds the key (the server's KV keys could not be listed)",
  null: 'kv() would give the task null when it runs (this Kestra does not fail on a missing key)'
}

function deletedKeyFinding(
  ref: NameReference,
  namespace: string,
  outcome: keyof typeof DELETED_KEY_EFFECT
): Finding {
  const effect = DELETED_KEY_EFFECT[outcome]
  return {
    severity: outcome === 'fails' ? 'error' : 'warning',
    file: ref.file,
    line: ref.line,
    column: ref.column,
    rule: 'deletes-resource-in-use',
    message: `kv('${ref.name}') reads KV key ${ref.name} of namespace ${namespace}, which this deploy deletes (delete: true), so ${effect}. Keep the key in the repository, or remove this use first`,
    resource: ref.fromFlow
  }
}

function missingFinding(ref: NameReference, kvOwnOnly: boolean): Finding {
  const namespace = ref.namespace ?? ref.flowNamespace
  const where = ref.namespace === undefined && !kvOwnOnly ? ' nor its parent namespaces' : ''
  const effect = kvOwnOnly
    ? "kv() gives the task null when it runs (this Kestra looks in the flow's own namespace only and does not fail on a missing key)"
    : 'the task using it fails when it runs'
  const message =
    ref.kind === 'secret'
      ? `secret ${ref.name} is not defined for namespace ${namespace}: the task using it fails when it runs. Define the secret on the server (Kestra OSS: the environment variable SECRET_${ref.name.toUpperCase()}, base64-encoded) or fix the name`
      : `KV key ${ref.name} is not defined for namespace ${namespace}${where}: ${effect}. Create the key in the KV store, pass errorOnMissing=false if it is optional, or fix the name`
  return {
    severity: 'warning',
    file: ref.file,
    line: ref.line,
    column: ref.column,
    rule: ref.kind === 'secret' ? 'missing-secret' : 'missing-kv-key',
    message,
    resource: ref.fromFlow
  }
}

function uncheckedNotice(unchecked: { ref: NameReference; reason: string }[]): Finding {
  const parts: string[] = []
  for (const kind of ['secret', 'kv'] as const) {
    const mine = unchecked.filter((u) => u.ref.kind === kind)
    if (mine.length === 0) continue
    const names = [...new Set(mine.map((u) => u.ref.name))]
    const shown = names.slice(0, NOTICE_NAMES).join(', ')
    const more = names.length > NOTICE_NAMES ? ` and ${names.length - NOTICE_NAMES} more` : ''
    const what = kind === 'secret' ? 'Secret names' : 'KV keys'
    parts.push(`${what} were not checked (${mine[0]!.reason}): ${shown}${more}.`)
  }
  const first = unchecked[0]!.ref
  return {
    severity: 'notice',
    file: first.file,
    line: first.line,
    column: first.column,
    rule: 'names-not-checked',
    message: `${parts.join(' ')} They may be missing on the server: check them there.`
  }
}
