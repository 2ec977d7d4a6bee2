import { canonicalJson, jsonObject, sha256Hex, utf8Length } from '../../model/content.js'
import { z } from 'zod'
import { heldNamespaceIsManaged } from '../../model/namespaces.js'
import type { FlowFile } from '../../model/repository.js'
import type { SentNames } from '../../model/sent-names.js'

/** The commit marker's field holding its namespace's flow checks (docs/performance.md#incremental-planning). */
export const STORED_CHECKS_FIELD = 'checks'

/** All the checks of one flow file depend on; the server's version is applied to `versioned` findings later. */
interface CheckKey {
  validator: string
  file: string
  rel: string
  expectedNamespace: string
  layout: string
  sha256: string
}

export function checkDigest(key: CheckKey): string {
  const { validator, file, rel, expectedNamespace, layout, sha256 } = key
  return sha256Hex(JSON.stringify([validator, file, rel, expectedNamespace, layout, sha256]))
}

/**
 * The namespace whose commit marker stores the checks of a flow file the layout places in `expected`: that
 * namespace as sent, when the run manages it; undefined otherwise (nothing stored, nothing looked up).
 */
export function markerNamespaceOf(
  expected: string,
  options: { sending: SentNames; extraNamespaces: readonly string[] }
): string | undefined {
  return heldNamespaceIsManaged(expected, options.extraNamespaces)
    ? options.sending.namespace(expected)
    : undefined
}

const severity = z.enum(['error', 'warning', 'notice'])
const finding = z.object({
  file: z.string(),
  line: z.number(),
  column: z.number().optional(),
  endLine: z.number().optional(),
  endColumn: z.number().optional(),
  rule: z.string(),
  message: z.string(),
  resource: z.string().optional()
})
const version = z.tuple([z.int(), z.int(), z.int()]).readonly()
/** One thing the newest LTS refuses in a flow file, on its line (docs/upgrade.md). */
const upgradeItem = z.object({
  line: z.number(),
  rule: z.string(),
  message: z.string(),
  /** Fixed by the mechanical rewrite; otherwise left to a person, with the guide's page. */
  mechanical: z.boolean(),
  guide: z.string()
})
export type UpgradeItem = z.infer<typeof upgradeItem>
/**
 * A flow file's checks (format 1: another shape is not reused, docs/performance.md#what-kv-can-do-to-it), each name
 * and reference placed (its file, flow and flow's namespace) as `place` says.
 */
const flowCheckOf = <Place extends z.ZodType<string | undefined>>(place: {
  file: Place
  fromFlow: Place
  flowNamespace: Place
}) => {
  const { file, fromFlow, flowNamespace } = place
  const site = { file, line: z.number(), column: z.number(), fromFlow }
  return z.object({
    id: z.string().optional(),
    namespace: z.string().optional(),
    notAFlow: z.boolean(),
    otherKind: z.string().optional(),
    findings: z.array(finding.extend({ severity })),
    versioned: z.array(
      z.object({
        finding,
        since: version,
        whenUnknown: severity,
        silentBefore: z.literal(true).optional(),
        until: version.optional()
      })
    ),
    identity: z
      .object({
        namespace: z.string(),
        id: z.string(),
        file: z.string(),
        line: z.number(),
        column: z.number()
      })
      .optional(),
    wellFormed: z.boolean(),
    references: z.array(
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('file'), namespace: z.string(), path: z.string(), ...site }),
        z.object({
          kind: z.literal('flow'),
          via: z.enum(['subflow', 'foreach', 'flow-trigger']),
          namespace: z.string(),
          id: z.string(),
          unconditional: z.literal(true).optional(),
          ...site
        })
      ])
    ),
    names: z
      .array(
        z.object({
          kind: z.enum(['secret', 'kv']),
          name: z.string(),
          namespace: z.string().optional(),
          flowNamespace,
          ...site
        })
      )
      .optional(),
    schema: z
      .object({ releases: z.array(z.string()), findings: z.array(finding.extend({ severity })) })
      .optional(),
    upgrade: z.array(upgradeItem).optional()
  })
}
export type StoredFlowCheck = z.infer<ReturnType<typeof flowCheckOf<z.ZodString>>>
/** As the marker keeps it (`compacted`): a site may leave its place to the entry's `sites`. */
const keptPlace = {
  file: z.string().optional(),
  fromFlow: z.string().optional(),
  flowNamespace: z.string().optional()
}
const keptFlowCheck = flowCheckOf(keptPlace).extend({ sites: z.object(keptPlace).optional() })

/** Each repository flow file's own checks, as the loading made or reused them. */
export type FileChecks = ReadonlyMap<
  FlowFile,
  Omit<StoredFlowCheck, 'id' | 'namespace' | 'notAFlow' | 'otherKind'>
>

export function storedCheckOf(
  flow: Pick<StoredFlowCheck, 'id' | 'namespace' | 'notAFlow' | 'otherKind'>,
  check: Omit<StoredFlowCheck, 'id' | 'namespace' | 'notAFlow' | 'otherKind'>
): StoredFlowCheck {
  return {
    id: flow.id,
    namespace: flow.namespace,
    notAFlow: flow.notAFlow,
    otherKind: flow.otherKind,
    findings: check.findings,
    versioned: check.versioned,
    identity: check.identity,
    wellFormed: check.wellFormed,
    references: check.references,
    names: check.names,
    schema: check.schema,
    upgrade: check.upgrade
  }
}

/**
 * With the rest of the marker, its KV write stays within the 1 MiB body nginx accepts by default
 * (docs/performance.md#incremental-planning).
 */
export const MAX_STORED_CHECKS_BYTES = 512 * 1024

/** Entries within `bound` JSON bytes, in digest order: a re-deploy finds its marker holding exactly these. */
export function entriesWithin<T>(
  entries: Readonly<Record<string, T>>,
  bound = MAX_STORED_CHECKS_BYTES
): Record<string, T> {
  const kept: Record<string, T> = {}
  // `{}` less the comma the first entry goes without
  let bytes = '{}'.length - 1
  for (const digest of Object.keys(entries).sort()) {
    const entry = entries[digest]!
    // `,"<digest>":<entry>`
    const size = utf8Length(JSON.stringify(entry)) + digest.length + 4
    if (bytes + size > bound) continue
    kept[digest] = entry
    bytes += size
  }
  return kept
}

/** Whether two entries say the same, as JSON says it (a stored entry went through JSON). */
export function sameStoredCheck(a: StoredFlowCheck, b: StoredFlowCheck): boolean {
  return (
    canonicalJson(JSON.parse(JSON.stringify(a))) === canonicalJson(JSON.parse(JSON.stringify(b)))
  )
}

/**
 * What a marker keeps under `STORED_CHECKS_FIELD`. KV is anyone's who may write the namespace: an entry not exactly
 * of the stored shape is left out.
 */
export function storedChecksOf(kept: unknown): Map<string, StoredFlowCheck> {
  const found = new Map<string, StoredFlowCheck>()
  const stored = jsonObject.safeParse(kept)
  for (const [digest, entry] of Object.entries(stored.data ?? {})) {
    if (!/^[0-9a-f]{64}$/.test(digest)) continue
    const kept = keptFlowCheck.safeParse(entry)
    const check = kept.success ? expanded(kept.data) : undefined
    if (check) found.set(digest, check)
  }
  return found
}

/** The place fields each name and reference of one file repeats: its file, its flow, the flow's namespace. */
const PLACE = {
  references: ['file', 'fromFlow'],
  names: ['file', 'fromFlow', 'flowNamespace']
} as const

type Place = z.infer<z.ZodObject<typeof keptPlace>>

/** A stored check as the marker keeps it (`compacted`). */
export type KeptFlowCheck = z.infer<typeof keptFlowCheck>

/**
 * A check as the marker keeps it: the place every name and reference of the file repeats is kept once, under
 * `sites`, and left out of each site that has the same. A flow reading many secrets or KV keys takes about half the
 * bytes, which every later run reads, parses and checks the seal of.
 */
function compacted(check: StoredFlowCheck): KeptFlowCheck {
  const sites: Place = {}
  const all: Place[] = [...check.references, ...(check.names ?? [])]
  for (const field of PLACE.names) {
    const first = all.find((site) => site[field] !== undefined)?.[field]
    if (first !== undefined) sites[field] = first
  }
  const compact = <T extends Place>(site: T, fields: readonly (keyof Place)[]): T => {
    const kept = { ...site }
    for (const field of fields) if (kept[field] === sites[field]) delete kept[field]
    return kept
  }
  const { references, names, ...rest } = check
  return {
    ...rest,
    ...(Object.keys(sites).length > 0 && { sites }),
    references: references.map((site) => compact(site, PLACE.references)),
    ...(names && { names: names.map((site) => compact(site, PLACE.names)) })
  }
}

/** A kept entry with each site's place put back from `sites`; undefined when a site is then still without one. */
function expanded(kept: KeptFlowCheck): StoredFlowCheck | undefined {
  const { sites = {}, ...check } = kept
  let whole = true
  const fill = (site: Place, fields: readonly (keyof Place)[]) => {
    for (const field of fields) {
      site[field] ??= sites[field]
      if (site[field] === undefined) whole = false
    }
  }
  for (const site of check.references) fill(site, PLACE.references)
  for (const site of check.names ?? []) fill(site, PLACE.names)
  return whole ? (check as StoredFlowCheck) : undefined
}

/**
 * What each namespace's commit marker stores after this deploy: the checks of every flow file the layout
 * places in it, by the digest of all they depend on, as many as the marker's bound holds.
 */
export function checksToStore(
  flows: readonly FlowFile[],
  checks: FileChecks,
  options: {
    sending: SentNames
    extraNamespaces: readonly string[]
    layout: string
    identity: string
  }
): Map<string, Record<string, KeptFlowCheck>> {
  const stored = new Map<string, Record<string, KeptFlowCheck>>()
  for (const flow of flows) {
    const check = checks.get(flow)
    const expected = flow.expectedNamespace
    if (!check || expected === undefined) continue
    const namespace = markerNamespaceOf(expected, options)
    if (namespace === undefined) continue
    const { file, rel, raw } = flow
    const digest = checkDigest({
      validator: options.identity,
      file,
      rel,
      expectedNamespace: expected,
      layout: options.layout,
      sha256: sha256Hex(Buffer.from(raw, 'utf8'))
    })
    const entries = stored.get(namespace) ?? {}
    stored.set(namespace, entries)
    entries[digest] = compacted(storedCheckOf(flow, check))
  }
  for (const [namespace, entries] of stored) stored.set(namespace, entriesWithin(entries))
  return stored
}
