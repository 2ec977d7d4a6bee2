import { sha256Hex } from '../../model/content.js'
import type { FlowFile } from '../../model/repository.js'
import type { SentNames } from '../../model/sent-names.js'
import {
  checkDigest,
  entriesWithin,
  markerNamespaceOf,
  storedCheckOf,
  type FileChecks,
  type StoredFlowCheck
} from '../../model/stored-checks.js'

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
): Map<string, Record<string, StoredFlowCheck>> {
  const stored = new Map<string, Record<string, StoredFlowCheck>>()
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
    entries[digest] = storedCheckOf(flow, check)
  }
  for (const [namespace, entries] of stored) stored.set(namespace, entriesWithin(entries))
  return stored
}
