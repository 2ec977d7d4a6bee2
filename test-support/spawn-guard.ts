/**
 * The unit project's rule: a unit test starts no process. `unit-setup.ts` replaces every function of
 * `node:child_process` that starts one with `refuseSpawns`'s, which throws naming the rule and records the
 * attempt, so a test whose code caught the error still fails (the setup checks the record after each test).
 */

import { createRequire, syncBuiltinESMExports } from 'node:module'

const require = createRequire(import.meta.url)
const REFUSED = Symbol.for('kga.spawns-refused')
/** Kept on the process: the replaced functions outlive this module when a worker evaluates it again. */
const attempts: string[] = ((globalThis as Record<symbol, string[]>)[
  Symbol.for('kga.spawn-attempts')
] ??= [])

export function spawnRuleMessage(call: string): string {
  return (
    `A unit test started a process (child_process.${call}). The unit project spawns no process: ` +
    'a test that runs git, npm, a shell script or a bundle belongs in __tests__/e2e/ (docs/architecture.md, "Tests").'
  )
}

/**
 * Replaces, in `node:child_process` itself, every process starter (each function but the ChildProcess class
 * and Node's private ones: spawn, exec, execFile, fork and their Sync forms) by one that throws and records
 * the call; the ES module's named and default exports follow (`syncBuiltinESMExports`). Once per worker: a
 * `vi.mock` of the module would be made again for every test file.
 */
export function refuseSpawns(): void {
  const actual = require('node:child_process') as Record<string | symbol, unknown>
  if (actual[REFUSED] === true) return
  const starters = Object.keys(actual)
    .filter((name) => typeof actual[name] === 'function' && name !== 'ChildProcess')
    .filter((name) => !name.startsWith('_'))
  for (const name of starters) {
    actual[name] = (...args: unknown[]) => {
      attempts.push(`${name} ${String(args[0])}`)
      throw new Error(spawnRuleMessage(name))
    }
  }
  Object.defineProperty(actual, REFUSED, { value: true })
  syncBuiltinESMExports()
}

/** Throws, naming the rule and every attempt, when a process was asked for since the last check. */
export function checkNoSpawnAttempts(): void {
  const seen = attempts.splice(0)
  if (seen.length === 0) return
  const first = seen[0].split(' ')[0]
  throw new Error(`${spawnRuleMessage(first)}\nAttempts: ${seen.join('; ')}`)
}
