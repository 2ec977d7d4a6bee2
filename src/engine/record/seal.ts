import { createHash, createHmac, hkdfSync, scrypt, timingSafeEqual } from 'node:crypto'
import { isRecord } from '../../model/content.js'
import type { Auth } from '../../model/settings.js'
import { commitMarker } from './marker.js'

/** The field of the commit marker that holds its seal (docs/performance.md#what-kv-can-do-to-it). */
const SEAL_FIELD = 'seal'

/** Format 2; format 1 (`hmac-sha256:…`, keyed without a KDF) is read as no seal: its stores are not used. */
const SEAL = /^seal2:([0-9a-f]{64}):([0-9a-f]{64})$/

/**
 * scrypt's cost for a key derived from credentials (docs/security.md#what-kestra-holds): OWASP's minimum for scrypt,
 * 128 MiB and about half a second of one core for every guess a reader of KV would test against a seal.
 */
const SEAL_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const

/** What keys the seal: the job's credentials, or a dedicated key (`seal-key`), with where it is used. */
export interface SealSource {
  auth: Auth
  /** The server as the settings hold it, and the tenant: the derivation's salt, so no guess serves two. */
  server?: string
  tenant?: string
  /** `seal-key`: a high-entropy key of its own, preferred; the credentials then take no part. */
  sealKey?: string
}

/**
 * Proves that what a commit marker keeps (the kinds' fields: checks, content facts) was written by this action's deploy
 * (docs/performance.md#what-kv-can-do-to-it): HMACs of its namespace and its JSON, so a KV writer without the key can
 * neither forge a seal nor move a sealed marker elsewhere. Nothing stored is a credential verifier: the key comes
 * from `seal-key`, else from the credentials through scrypt (`SEAL_SCRYPT`), never from a fast hash of them.
 */
export interface MarkerSeal {
  sealed(namespace: string, marker: Record<string, unknown>): Record<string, unknown>
  holds(namespace: string, marker: Record<string, unknown>): boolean
}

const derived = new WeakMap<object, Map<string, Promise<MarkerSeal>>>()

/**
 * The run's seal, derived once for its credentials, server and tenant (scrypt runs off the main thread); undefined
 * without credentials nor key: nothing stored is then trusted; rejected when scrypt fails twice (short of memory).
 * The key lives only in the returned closure, never logged, stored or sent; another key makes other seals, trusted
 * once a deploy rewrites them. `cost` and `kdf` are scrypt's (tests of the seal's logic take a cheaper one, or one
 * that fails; the action always takes `SEAL_SCRYPT`).
 */
export function markerSeal(
  source: SealSource,
  cost: { N: number; r: number; p: number } = SEAL_SCRYPT,
  kdf: typeof scrypt = scrypt
): Promise<MarkerSeal | undefined> {
  const salt = createHash('sha256')
    .update(`kestra-gitops seal 2\u0000${source.server ?? ''}\u0000${source.tenant ?? ''}`)
    .digest()
  if (source.sealKey) {
    const key = hkdfSync('sha256', source.sealKey, salt, 'kestra-gitops seal-key 2', 32)
    return Promise.resolve(sealWith(Buffer.from(key)))
  }
  const { auth } = source
  const secret =
    auth.kind === 'basic'
      ? `basic\u0000${auth.username}\u0000${auth.password}`
      : auth.kind === 'bearer'
        ? `bearer\u0000${auth.token}`
        : undefined
  if (secret === undefined) return Promise.resolve(undefined)
  let byAuth = derived.get(auth)
  if (!byAuth) derived.set(auth, (byAuth = new Map()))
  const at = `${salt.toString('hex')} ${cost.N} ${cost.r} ${cost.p}`
  let seal = byAuth.get(at)
  if (!seal) {
    const derive = () =>
      new Promise<Buffer>((done, fail) =>
        kdf(
          secret,
          salt,
          32,
          { ...cost, maxmem: 256 * cost.N * cost.r + (1 << 20) },
          (error, key) => (error ? fail(error) : done(key))
        )
      )
    // scrypt's 128 MiB can fail to allocate on a runner short of memory: tried once more, and a failure is not
    // kept, so a later run of the same process derives it again.
    const deriving = derive()
      .catch(derive)
      .then(sealWith, (error: unknown) => {
        byAuth.delete(at)
        throw error
      })
    byAuth.set(at, deriving)
    seal = deriving
  }
  return seal
}

function sealWith(key: Buffer): MarkerSeal {
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
      const sorted = JSON.stringify(sortedCopy(held))
      const seal = sealOf(namespace, sorted)
      return { ...(JSON.parse(sorted) as typeof held), [SEAL_FIELD]: `seal2:${seal}:${seal}` }
    },
    holds(namespace, marker) {
      const seal = SEAL.exec(String(marker[SEAL_FIELD]))
      if (!seal) return false
      const { [SEAL_FIELD]: _seal, ...held } = marker
      const read = JSON.stringify(held)
      if (same(seal[1]!, namespace, read)) return true
      const sorted = JSON.stringify(sortedCopy(held))
      return sorted !== read && same(seal[2]!, namespace, sorted)
    }
  }
}

/**
 * A copy of a JSON value with each object's keys sorted: one text for one JSON value, as a sorting replacer would
 * write it (the native stringify then walks it without calling back into JS). A marker holds plain JSON, so a
 * `toJSON` is refused rather than guessed at.
 */
export function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy)
  if (!isRecord(value)) return value
  if (typeof value.toJSON === 'function') throw new Error('a commit marker holds plain JSON only')
  // Entries, not assignments: a key `__proto__` stays a key.
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedCopy(value[key])])
  )
}

/** The marker's own fields: every other one is what a kind keeps in it (`KeptByKinds`). */
const OWN_FIELDS: ReadonlySet<string> = new Set([...Object.keys(commitMarker.shape), SEAL_FIELD])

/** Whether a marker keeps anything besides its own fields, which only a seal lets a run use. */
export function storesAny(marker: Record<string, unknown>): boolean {
  return Object.keys(marker).some((field) => !OWN_FIELDS.has(field))
}

/** A marker as a plan or deploy may use it: whole if it keeps nothing or its seal holds, else its own fields only. */
export function trustedMarker(
  seal: MarkerSeal | undefined,
  namespace: string,
  marker: Record<string, unknown>
): { marker: Record<string, unknown>; trusted: boolean } {
  if (!storesAny(marker) || seal?.holds(namespace, marker)) return { marker, trusted: true }
  const own = Object.entries(marker).filter(
    ([field]) => OWN_FIELDS.has(field) && field !== SEAL_FIELD
  )
  return { marker: Object.fromEntries(own), trusted: false }
}
