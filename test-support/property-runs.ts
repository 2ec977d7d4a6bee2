/**
 * How many runs a heavy property makes: a share of them in the unit loop, all of them in the `properties`
 * project of `npm test` (vitest.config.ts), which runs the same files with `KGA_FULL_RUNS=1`. The property
 * and its generators are the same in both; only the number of inputs tried differs.
 */
export function runs(full: number, unit: number): number {
  return process.env.KGA_FULL_RUNS === '1' ? full : unit
}
