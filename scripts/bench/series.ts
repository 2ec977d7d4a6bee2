/** Repeated runs of one measure: the median run by wall time, the spread, and the worst memory and writes. */
import type { Measured } from './measure.js'
import { seconds } from './report.js'

export interface Series {
  /** The median run by wall time, with the largest peak RSS and write count of all the runs. */
  median: Measured
  minMs: number
  maxMs: number
  /** The median CPU time of the runs, each taken on its own (steadier than wall time under load). */
  cpuMs: number
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
    cpuMs: runs.map((r) => r.cpuMs).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!,
    maxMs: sorted[sorted.length - 1]!.wallMs,
    runs: runs.length
  }
}

/** `1.84 s (1.79–1.89)`: the median, then the fastest and slowest run. */
export function spread(series: Series): string {
  if (series.runs === 1) return seconds(series.median.wallMs)
  return `${seconds(series.median.wallMs)} (${seconds(series.minMs).replace(' s', '')}–${seconds(series.maxMs)})`
}
