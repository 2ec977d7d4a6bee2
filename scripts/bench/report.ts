/** The benchmark's Markdown tables (stdout, README) and its JSON record. */
import { cpus, platform, release, totalmem } from 'node:os'

export interface Row {
  measure: string
  result: string
  target: string
  /** undefined: no target. */
  met?: boolean
}

export function machine(): string {
  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU'
  const memory = Math.round(totalmem() / 2 ** 30)
  return `${cpu}, ${cpus().length} cores, ${memory} GiB, ${platform()} ${release()}, bench on Node ${process.versions.node}`
}

export function seconds(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes >= 10e6 ? 0 : 1)} MB`
}

export function count(n: number): string {
  return n.toLocaleString('en-US')
}

export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n')
}

export function resultsTable(rows: Row[]): string {
  return table(
    ['Measure', 'Result', 'Target', 'Met'],
    rows.map((r) => [
      r.measure,
      r.result,
      r.target,
      r.met === undefined ? '' : r.met ? 'yes' : 'NO'
    ])
  )
}

/** `METHOD route → count` for several runs side by side. */
export function requestsTable(runs: { name: string; requests: Record<string, number> }[]): string {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.requests)))].sort()
  return table(
    ['Kestra request', ...runs.map((r) => r.name)],
    keys.map((key) => [`\`${key}\``, ...runs.map((r) => count(r.requests[key] ?? 0))])
  )
}
