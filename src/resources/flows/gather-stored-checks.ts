import { reusedFlowFile } from '../../model/flow-file.js'
import { sha256Hex } from '../../model/content.js'
import type { FlowFile } from '../../model/repository.js'
import {
  checkDigest,
  markerNamespaceOf,
  STORED_CHECKS_FIELD,
  storedChecksOf,
  type StoredFlowCheck
} from './decide-stored-checks.js'
import type { ReuseFlow, ReuseOptions } from '../../layout/load.js'

/**
 * A flow file whose every check input (build, path, expected namespace, layout, bytes) is as when a deploy stored
 * its checks in its namespace's marker is not parsed: its checks are those stored. Only layouts that name the
 * namespace by the file's place can look it up.
 */
export function reuseStoredChecks(options: ReuseOptions): ReuseFlow {
  const looked = (namespace: string) => markerNamespaceOf(namespace, options)
  // Each namespace's checks, parsed once from what its marker keeps (the same object on every read).
  const parsed = new WeakMap<object, Map<string, StoredFlowCheck>>()
  const checksIn = async (namespace: string): Promise<Map<string, StoredFlowCheck>> => {
    const kept = await options.reads.kept(namespace, STORED_CHECKS_FIELD, options.onlyStarted)
    if (typeof kept !== 'object' || kept === null) return new Map()
    let checks = parsed.get(kept)
    if (!checks) parsed.set(kept, (checks = storedChecksOf(kept)))
    return checks
  }
  const reuse = async (
    { file, rel, expectedNamespace }: Parameters<ReuseFlow>[0],
    bytes: Buffer
  ): Promise<FlowFile | undefined> => {
    if (expectedNamespace === undefined) return undefined
    const sent = looked(expectedNamespace)
    if (sent === undefined) return undefined
    const validator = await options.identity
    if (validator === undefined) return undefined
    const stored = await checksIn(sent)
    const digest = { validator, file, rel, expectedNamespace, sha256: sha256Hex(bytes) }
    const check = stored.get(checkDigest({ ...digest, layout: options.layout }))
    if (!check) return undefined
    const raw = bytes.toString('utf8')
    const flow = reusedFlowFile({ file, rel, raw, expectedNamespace }, check)
    options.reused(flow, check, file)
    return flow
  }
  return Object.assign(reuse, {
    prefetch(namespace: string) {
      const sent = looked(namespace)
      if (sent !== undefined && !options.onlyStarted) void options.reads.storedMarker(sent)
    }
  })
}
