import { readdir, readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createHash } from 'node:crypto'
import { reusedFlowFile } from '../../model/flow-file.js'
import { sha256Hex } from '../../model/content.js'
import { heldNamespaceIsManaged } from '../../model/namespaces.js'
import type { FlowFile } from '../../model/repository.js'
import type { SentNames } from '../../model/sent-names.js'
import {
  checkDigest,
  entriesWithin,
  storedCheckOf,
  type FileChecks,
  type StoredFlowCheck
} from '../../model/stored-checks.js'
import type { ReuseFlow } from './repo/load.js'
import type { ServerReads } from './server/reads.js'

/**
 * The identity of the checks this process runs: a digest of the action's code (the bundle's `.js` files, or
 * `src/`) and Node's version, so a check another build stored is never reused
 * (docs/performance.md#incremental-planning). Undefined when the code cannot be read: nothing is then reused.
 */
export async function validatorIdentity(): Promise<string | undefined> {
  try {
    const here = dirname(fileURLToPath(import.meta.url))
    const root = codeRoot(here)
    const files = (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && /\.(?:js|mjs|cjs|ts)$/.test(entry.name))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort()
    const hash = createHash('sha256').update(process.version)
    for (const file of files) hash.update(file.slice(root.length)).update(await readFile(file))
    return hash.digest('hex')
  } catch {
    return undefined
  }
}

function codeRoot(here: string): string {
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) === 'src') return dir
  }
  return basename(here) === 'chunks' ? dirname(here) : here
}

interface ReuseOptions {
  reads: ServerReads
  sending: SentNames
  extraNamespaces: readonly string[]
  layout: string
  identity: Promise<string | undefined>
  reused(flow: FlowFile, check: StoredFlowCheck): void
  /** Looks up only the namespaces whose reads have begun: nothing more is read for the others. */
  onlyStarted?: boolean
}

/**
 * A flow file whose every check input (build, path, expected namespace, layout, bytes) is as when a deploy stored
 * its checks in its namespace's marker is not parsed: its checks are those stored. Only layouts that name the
 * namespace by the file's place can look it up.
 */
export function reuseStoredChecks(options: ReuseOptions): ReuseFlow {
  const looked = (namespace: string) =>
    heldNamespaceIsManaged(namespace, options.extraNamespaces)
      ? options.sending.namespace(namespace)
      : undefined
  const reuse = async (
    { file, rel, expectedNamespace }: Parameters<ReuseFlow>[0],
    bytes: Buffer
  ): Promise<FlowFile | undefined> => {
    if (expectedNamespace === undefined) return undefined
    const sent = looked(expectedNamespace)
    if (sent === undefined) return undefined
    const validator = await options.identity
    if (validator === undefined) return undefined
    const stored = await options.reads.storedChecks(sent, options.onlyStarted)
    const digest = { validator, file, rel, expectedNamespace, sha256: sha256Hex(bytes) }
    const check = stored.get(checkDigest({ ...digest, layout: options.layout }))
    if (!check) return undefined
    const raw = bytes.toString('utf8')
    const flow = reusedFlowFile({ file, rel, raw, expectedNamespace }, check)
    options.reused(flow, check)
    return flow
  }
  return Object.assign(reuse, {
    prefetch(namespace: string) {
      const sent = looked(namespace)
      if (sent !== undefined && !options.onlyStarted) void options.reads.storedMarker(sent)
    }
  })
}

/**
 * What each namespace's commit marker stores after this deploy: the checks of every flow file the layout
 * places in it, by the digest of all they depend on, as many as the marker's bound holds.
 */
export function checksToStore(
  flows: readonly FlowFile[],
  checks: FileChecks,
  options: Omit<ReuseOptions, 'reads' | 'identity' | 'reused' | 'onlyStarted'> & {
    identity: string
  }
): Map<string, Record<string, StoredFlowCheck>> {
  const stored = new Map<string, Record<string, StoredFlowCheck>>()
  for (const flow of flows) {
    const check = checks.get(flow)
    const expected = flow.expectedNamespace
    if (!check || expected === undefined) continue
    if (!heldNamespaceIsManaged(expected, options.extraNamespaces)) continue
    const { file, rel, raw } = flow
    const digest = checkDigest({
      validator: options.identity,
      file,
      rel,
      expectedNamespace: expected,
      layout: options.layout,
      sha256: sha256Hex(Buffer.from(raw, 'utf8'))
    })
    const namespace = options.sending.namespace(expected)
    const entries = stored.get(namespace) ?? {}
    stored.set(namespace, entries)
    entries[digest] = storedCheckOf(flow, check)
  }
  for (const [namespace, entries] of stored) stored.set(namespace, entriesWithin(entries))
  return stored
}
