import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { isRecord } from './content.js'
import { CONTENT_FACTS_FIELD } from './content-facts.js'
import type { Auth } from './settings.js'
import { STORED_CHECKS_FIELD } from './stored-checks.js'

/** The field of the commit marker that holds its seal (docs/performance.md#what-kv-can-do-to-it). */
const SEAL_FIELD = 'seal'

const SEAL = /^hmac-sha256:([0-9a-f]{64}):([0-9a-f]{64})$/

/**
 * Proves a commit marker's stored checks and content facts were written by this action's deploy
 * (docs/performance.md#what-kv-can-do-to-it): HMACs of its namespace and its JSON, keyed from the job's Kestra
 * credentials, so a KV writer without them can neither forge a seal nor move a sealed marker elsewhere.
 */
export interface MarkerSeal {
  sealed(namespace: string, marker: Record<string, unknown>): Record<string, unknown>
  holds(namespace: string, marker: Record<string, unknown>): boolean
}

/**
 * Undefined without credentials: nothing stored is then trusted. The HKDF-derived key lives only in this
 * closure, never logged, stored or sent; other credentials make other seals, trusted once a deploy rewrites them.
 */
export function markerSeal(auth: Auth, tenant: string | undefined): MarkerSeal | undefined {
  const secret =
    auth.kind === 'basic'
      ? `basic\u0000${auth.username}\u0000${auth.password}`
      : auth.kind === 'bearer'
        ? `bearer\u0000${auth.token}`
        : undefined
  if (secret === undefined) return undefined
  const key = Buffer.from(
    hkdfSync('sha256', secret, 'kestra-gitops marker seal 1', tenant ?? '', 32)
  )
  const sealOf = (namespace: string, text: string) =>
    createHmac('sha256', key)
      .update(`${JSON.stringify(namespace)}\n`)
      .update(text)
      .digest('hex')
  const same = (seal: string, namespace: string, text: string) =>
    timingSafeEqual(Buffer.from(seal), Buffer.from(sealOf(namespace, text)))
  return {
    // Two HMACs: of the JSON as written (a server that keeps key order costs one native stringify to check)
    // and of its sorted form (for a server that reorders keys).
    sealed(namespace, marker) {
      const { [SEAL_FIELD]: _seal, ...held } = marker
      // Sorted, so one marker has one seal however its fields were put together.
      const sorted = JSON.stringify(held, sortedKeys)
      const seal = sealOf(namespace, sorted)
      return { ...(JSON.parse(sorted) as typeof held), [SEAL_FIELD]: `hmac-sha256:${seal}:${seal}` }
    },
    holds(namespace, marker) {
      const seal = SEAL.exec(String(marker[SEAL_FIELD]))
      if (!seal) return false
      const { [SEAL_FIELD]: _seal, ...held } = marker
      const read = JSON.stringify(held)
      if (same(seal[1]!, namespace, read)) return true
      const sorted = JSON.stringify(held, sortedKeys)
      return sorted !== read && same(seal[2]!, namespace, sorted)
    }
  }
}

/** A `JSON.stringify` replacer that writes each object's keys sorted: one text for one JSON value. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (!isRecord(value)) return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, value[key]])
  )
}

/** A marker as a plan or deploy may use it: whole if it stores nothing or its seal holds, else stripped. */
export function trustedMarker(
  seal: MarkerSeal | undefined,
  namespace: string,
  marker: Record<string, unknown>
): { marker: Record<string, unknown>; trusted: boolean } {
  const stores = STORED_CHECKS_FIELD in marker || CONTENT_FACTS_FIELD in marker
  if (!stores || seal?.holds(namespace, marker)) return { marker, trusted: true }
  const {
    [STORED_CHECKS_FIELD]: _checks,
    [CONTENT_FACTS_FIELD]: _facts,
    [SEAL_FIELD]: _seal,
    ...rest
  } = marker
  return { marker: rest, trusted: false }
}
