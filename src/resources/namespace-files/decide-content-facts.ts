import { isRecord, utf8Length, type ContentSummary } from '../../model/content.js'
import type { ServerFile } from '../../model/plan-input.js'
import { isWrite, type Plan } from '../../model/plan.js'
import type { NamespaceFileEntry } from '../../model/repository.js'
import { fileKey } from '../../model/targets.js'

/**
 * Content summaries (size, SHA-256, text or binary) of git blobs and server export entries, true wherever the same
 * blob or entry is met again: stored with a deploy's marker, a plan takes them rather than hash the bytes
 * (docs/performance.md#what-a-plan-knows-without-reading).
 */
interface ContentFacts {
  /** Git object id → the summary of that blob's bytes. */
  blobs: ReadonlyMap<string, ContentSummary>
  /** Export entry digest (`RemoteFile.digest`) → the summary of the entry's bytes. */
  zipped: ReadonlyMap<string, ContentSummary>
}

export const CONTENT_FACTS_FIELD = 'contents'

/** With the stored checks' 512 KiB and the marker, its KV write stays within nginx's default 1 MiB body. */
export const MAX_CONTENT_FACTS_BYTES = 384 * 1024

const NO_CONTENT_FACTS: ContentFacts = { blobs: new Map(), zipped: new Map() }

/** As stored: `"<sha256 hex>,<size>,<1 binary | 0 text>"` by key. */
interface StoredContentFacts {
  blobs: Record<string, string>
  zipped: Record<string, string>
}

const BLOB_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/
const ZIP_DIGEST = /^[sd][A-Za-z0-9_-]{43}$/
const SUMMARY = /^([0-9a-f]{64}),(0|[1-9][0-9]{0,14}),([01])$/

/**
 * What a marker keeps under `CONTENT_FACTS_FIELD`, format 1, the only one: entries not exactly of the stored shape
 * are left out, and a value that is not a map is read as no facts; the marker's seal held (`trustedMarker`,
 * docs/performance.md#what-kv-can-do-to-it).
 */
export function contentFactsOf(kept: unknown): ContentFacts {
  if (!isRecord(kept)) return NO_CONTENT_FACTS
  let facts = parsed.get(kept)
  if (!facts) {
    facts = { blobs: factsIn(kept.blobs, BLOB_ID), zipped: factsIn(kept.zipped, ZIP_DIGEST) }
    parsed.set(kept, facts)
  }
  return facts
}

// The walk and the server's files both ask for the same namespace's facts: the value a marker keeps is parsed once.
const parsed = new WeakMap<object, ContentFacts>()

function factsIn(value: unknown, key: RegExp): Map<string, ContentSummary> {
  const facts = new Map<string, ContentSummary>()
  if (!isRecord(value)) return facts
  for (const [id, text] of Object.entries(value)) {
    const summary = typeof text === 'string' ? SUMMARY.exec(text) : null
    if (summary && key.test(id)) {
      facts.set(id, { sha256: summary[1]!, size: Number(summary[2]), binary: summary[3] === '1' })
    }
  }
  return facts
}

/**
 * Per namespace: the repository files' blobs, and the export digests of server files the deploy does not write.
 */
export function contentFactsToStore(
  plan: Pick<Plan, 'resources'>,
  server: ReadonlyMap<string, readonly ServerFile[]>,
  files: readonly Pick<NamespaceFileEntry, 'namespace' | 'blob' | 'size' | 'sha256' | 'binary'>[]
): Map<string, StoredContentFacts> {
  const written = new Set(
    plan.resources.flatMap((change) =>
      change.kind === 'file' && isWrite(change) ? [fileKey(change.namespace, change.path)] : []
    )
  )
  const facts = new Map<string, { blobs: Map<string, string>; zipped: Map<string, string> }>()
  const of = (namespace: string) => {
    let held = facts.get(namespace)
    if (!held) facts.set(namespace, (held = { blobs: new Map(), zipped: new Map() }))
    return held
  }
  for (const file of files) {
    const text = file.blob === undefined ? undefined : storedSummary(file)
    if (text !== undefined) of(file.namespace).blobs.set(file.blob!, text)
  }
  for (const [namespace, held] of server) {
    for (const file of held) {
      if (file.digest === undefined || written.has(fileKey(namespace, file.path))) continue
      const text = storedSummary(file.summary)
      if (text !== undefined) of(namespace).zipped.set(file.digest, text)
    }
  }
  return new Map(
    [...facts].map(([namespace, { blobs, zipped }]) => [namespace, within(blobs, zipped)])
  )
}

/** Undefined for a file over the upload limit, whose bytes are never read (it has no SHA-256). */
function storedSummary(summary: ContentSummary): string | undefined {
  if (summary.sha256.length !== 64) return undefined
  return `${summary.sha256},${summary.size},${summary.binary ? 1 : 0}`
}

/**
 * As many facts as fit, in key order: the same facts, the same choice; one left out is hashed as if never stored.
 */
function within(blobs: Map<string, string>, zipped: Map<string, string>): StoredContentFacts {
  const stored: StoredContentFacts = { blobs: {}, zipped: {} }
  let bytes = utf8Length(JSON.stringify(stored))
  for (const [field, entries] of [
    ['blobs', blobs],
    ['zipped', zipped]
  ] as const) {
    for (const key of [...entries.keys()].sort()) {
      const text = entries.get(key)!
      // `"<key>":"<text>"` and a comma
      const size = key.length + text.length + 6
      if (bytes + size > MAX_CONTENT_FACTS_BYTES) continue
      stored[field][key] = text
      bytes += size
    }
  }
  return stored
}
