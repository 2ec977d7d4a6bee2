/**
 * A runner short of memory, for the model's event of that name: `node:crypto` as it is, but for a `scrypt` whose
 * next `scryptFault.failing` calls (Infinity: all, while it is set) fail as OpenSSL does when it cannot allocate
 * scrypt's memory (measured with `ulimit -v 900000`: "error:030C0100:digital envelope routines::malloc failure").
 * A test file takes it with `vi.mock('node:crypto', …)`, as __tests__/e2e/model/model.test.ts does; a unit test
 * gives its `scrypt` to `markerSeal` (the unit project shares modules between files, where a mock would leak).
 */
import type * as Crypto from 'node:crypto'

export const scryptFault = { failing: 0 }

export function withScryptFault(crypto: typeof Crypto): typeof Crypto {
  const scrypt = ((...args: Parameters<typeof Crypto.scrypt>) => {
    if (scryptFault.failing <= 0) return crypto.scrypt(...args)
    scryptFault.failing -= 1
    const done = args.at(-1) as (error: Error | null) => void
    setImmediate(() => done(new Error('error:030C0100:digital envelope routines::malloc failure')))
  }) as typeof Crypto.scrypt
  return { ...crypto, scrypt }
}
