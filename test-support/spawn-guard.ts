/**
 * The unit project's rule: a unit test starts no process. `unit-setup.ts` replaces every function of
 * `node:child_process` that starts one with `refuseSpawns`'s, which throws naming the rule and records the
 * attempt, so a test whose code caught the error still fails (the setup checks the record after each test).
 */

const attempts: string[] = []

export function spawnRuleMessage(call: string): string {
  return (
    `A unit test started a process (child_process.${call}). The unit project spawns no process: ` +
    'a test that runs git, npm, a shell script or a bundle belongs in __tests__/e2e/ (docs/architecture.md, "Tests").'
  )
}

/**
 * `node:child_process` with every process starter (each function but the ChildProcess class and Node's private
 * ones: spawn, exec, execFile, fork and their Sync forms) replaced by one that throws and records the call.
 */
export function refuseSpawns<T extends object>(actual: T): T {
  const starters = Object.entries(actual)
    .filter(([name, value]) => typeof value === 'function' && name !== 'ChildProcess')
    .map(([name]) => name)
    .filter((name) => !name.startsWith('_'))
  const refused = Object.fromEntries(
    starters.map((name) => [
      name,
      (...args: unknown[]) => {
        attempts.push(`${name} ${String(args[0])}`)
        throw new Error(spawnRuleMessage(name))
      }
    ])
  )
  return { ...actual, ...refused, default: { ...actual, ...refused } }
}

/** Throws, naming the rule and every attempt, when a process was asked for since the last check. */
export function checkNoSpawnAttempts(): void {
  const seen = attempts.splice(0)
  if (seen.length === 0) return
  const first = seen[0].split(' ')[0]
  throw new Error(`${spawnRuleMessage(first)}\nAttempts: ${seen.join('; ')}`)
}
