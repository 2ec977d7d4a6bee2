/** Repeated runs of one measure: the median run by wall time, the spread, and the worst memory and writes. */
import type { CpuByThread, Measured } from './measure.js'
import { seconds } from './report.js'

export interface Series {
  /** The median run by wall time, with the largest peak RSS and write count of all the runs. */
  median: Measured
  minMs: number
  maxMs: number
  /** The median CPU time of the runs, each taken on its own (steadier than wall time under load). */
  cpuMs: number
  /** The median of each thread's CPU time, where measured. */
  cpuByThread?: CpuByThread
  runs: number
}

export function seriesOf(runs: Measured[]): Series {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs)
  return {
    median: {
      ...sorted[Math.floor(sorted.length / 2)]!,
      peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
      writes: Math.max(...runs.map((r) => r.writes))
    },
    minMs: sorted[0]!.wallMs,
    cpuMs: median(runs.map((r) => r.cpuMs)),
    cpuByThread: runs.every((r) => r.cpuByThread)
      ? {
          main: median(runs.map((r) => r.cpuByThread!.main)),
          v8: median(runs.map((r) => r.cpuByThread!.v8)),
          pool: median(runs.map((r) => r.cpuByThread!.pool)),
          other: median(runs.map((r) => r.cpuByThread!.other))
        }
      : undefined,
    maxMs: sorted[sorted.length - 1]!.wallMs,
    runs: runs.length
  }
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
}

/** ` (JavaScript 3.9, V8's helpers 1.3, thread pool 1.1)`: the CPU time by thread where measured, else ''. */
export function cpuSplit(series: Pick<Series, 'cpuByThread'>): string {
  const split = series.cpuByThread
  if (!split) return ''
  const s = (ms: number) => (ms / 1000).toFixed(1)
  return ` (JavaScript ${s(split.main)}, V8's helpers ${s(split.v8)}, thread pool ${s(split.pool)})`
}

/** `1.84 s (1.79–1.89)`: the median, then the fastest and slowest run. */
export function spread(series: Series): string {
  if (series.runs === 1) return seconds(series.median.wallMs)
  return `${seconds(series.median.wallMs)} (${seconds(series.minMs).replace(' s', '')}–${seconds(series.maxMs)})`
}
