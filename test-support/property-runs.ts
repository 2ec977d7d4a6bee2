/**
 * How many runs a heavy property makes, or how large a heavy test's generated input is: a share in the unit
 * loop, all of it in the `properties` project of `npm test` (vitest.config.ts), which runs the same files with
 * `KGA_FULL_RUNS=1`. The test and its generators are the same in both; only the number of inputs differs.
 */
export function runs(full: number, unit: number): number {
  return process.env.KGA_FULL_RUNS === '1' ? full : unit
}
