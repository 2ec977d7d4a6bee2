/**
 * How many runs a heavy property makes, or how large a heavy test's generated input is: a share in the unit
 * loop, all of it in the `properties` project of `npm test` (vitest.config.ts), which runs the same files with
 * `KGA_FULL_RUNS=1`. The test and its generators are the same in both; only the number of inputs differs.
 */
export function runs(full: number, unit: number): number {
  return process.env.KGA_FULL_RUNS === '1' ? full : unit
}

/**
 * The cases a test that tries each of a list takes: every one in the `properties` project, `unit` of them in
 * the unit loop (at least two), spread evenly from the first to the last, both included.
 */
export function cases<T>(all: readonly T[], unit: number): T[] {
  const count = runs(all.length, Math.max(2, unit))
  if (count >= all.length) return [...all]
  return Array.from(
    { length: count },
    (_, i) => all[Math.round((i * (all.length - 1)) / (count - 1))]!
  )
}
