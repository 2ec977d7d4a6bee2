import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { CONTENT_FACTS_FIELD } from './content-facts.js'
import type { Auth } from './settings.js'
import { STORED_CHECKS_FIELD } from './stored-checks.js'

/** The field of the commit marker that holds its seal (docs/performance.md#what-kv-can-do-to-it). */
const SEAL_FIELD = 'seal'

const SEAL = /^hmac-sha256:([0-9a-f]{64}):([0-9a-f]{64})$/

/**
 * What proves that a commit marker's stored checks and content facts were written by this action's own
 * deploy (docs/performance.md#what-kv-can-do-to-it): HMAC-SHA256s of the namespace it is stored in and of the
 * whole marker as JSON, keyed from the Kestra credentials the job holds. Anyone who may write KV but does not hold
 * them can neither forge a seal nor move a sealed marker, or a part of one, to another namespace or beside
 * another commit.
 */
export interface MarkerSeal {
  /** The marker with its seal, as a deploy stores it in `namespace` (as sent). */
  sealed(namespace: string, marker: Record<string, unknown>): Record<string, unknown>
  /** Whether a marker read from `namespace` carries the seal of exactly what it holds. */
  holds(namespace: string, marker: Record<string, unknown>): boolean
}

/**
 * The seal of this job's credentials (undefined without any: nothing stored is then trusted, every file is
 * checked and read). The key is derived (HKDF-SHA256) from the credentials and the tenant and lives only in
 * this closure: it is never logged, stored or sent, and a seal (an HMAC) tells nothing of it. Other
 * credentials (rotated, or another identity for plans than for deploys) make other seals: stored markers are
 * then not trusted until a deploy with them rewrites them.
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
    // Two HMACs of the same marker: of its JSON as written, which a server that keeps the keys' order gives
    // back, so that checking it costs one native JSON.stringify (its sorted form costs several times more);
    // and of its sorted form, for a server that gives the keys back in another order.
    sealed(namespace, marker) {
      const { [SEAL_FIELD]: _seal, ...held } = marker
      // Written with its keys sorted, so that one marker has one seal however its fields were put together
      // (a record read back through its schema comes out in the schema's order).
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
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  const record = value as Record<string, unknown>
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]])
  )
}

/**
 * A marker read from `namespace` as a plan or a deploy may use it: whole when it holds neither stored checks
 * nor content facts, or when its seal holds; else without them (and its seal), as a marker that stores
 * nothing. `trusted` is false when something was left out.
 */
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
