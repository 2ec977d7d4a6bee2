/** Runs the bundled action once as the runner does and measures it: wall time, peak RSS, Kestra requests. */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FakeGitHub } from '../../test-support/fake-github.js'
import type { Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction, type RunOptions, type RunResult } from '../../test-support/runner.js'

const RSS_PRELOAD = fileURLToPath(new URL('./rss-preload.mjs', import.meta.url))

export interface Measured {
  wallMs: number
  peakRssBytes: number
  /** CPU time of the action's process (user + system, all its threads; git's processes aside). */
  cpuMs: number
  /** That CPU time by thread, on Linux: JavaScript's, V8's helpers' (GC, compilation) and libuv's pool's (scrypt, zlib). */
  cpuByThread?: CpuByThread
  /** `METHOD route` → count, as the emulator logged them. */
  requests: Record<string, number>
  totalRequests: number
  /** Requests that change server state. */
  writes: number
  githubRequests: number
  result: RunResult
}

export interface CpuByThread {
  main: number
  v8: number
  pool: number
  other: number
}

/** Routes that only read, though some are POSTs. */
const READ_ROUTES = new Set(['flows.validate', 'flows.export.by-ids', 'flows.export.by-query'])

/** What is read of a request: the emulator's own log, or a recording proxy's (bench/engine.ts). */
type Logged = Pick<Emulator['requests'][number], 'method' | 'route'>

function isWrite(request: Logged): boolean {
  return request.method !== 'GET' && !READ_ROUTES.has(request.route)
}

function countRequests(requests: Logged[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const { method, route } of requests) {
    const key = `${method} ${route}`
    counts[key] = (counts[key] ?? 0) + 1
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)))
}

export async function measureRun(
  emulator: { clearLog(): void; readonly requests: readonly Logged[] },
  {
    distDir,
    github,
    cpuProfDir,
    ...options
  }: RunOptions & {
    distDir: string
    github?: FakeGitHub
    /** Where the action writes a V8 CPU profile of this run (node --cpu-prof), if anywhere. */
    cpuProfDir?: string
  }
): Promise<Measured> {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'kga-bench-rss-')), 'max-rss')
  emulator.clearLog()
  const githubBefore = github?.requests.length ?? 0
  // The emulator lives in this process, which holds the whole synthetic repository: its garbage is
  // collected now, not in a pause that would delay the server's answers during the run.
  ;(globalThis as { gc?: () => void }).gc?.()
  const started = performance.now()
  const result = await runAction({
    ...options,
    githubApiUrl: github?.url,
    script: join(distDir, 'index.js'),
    timeoutMs: 600_000,
    env: {
      ...options.env,
      NODE_OPTIONS: `--import ${RSS_PRELOAD}${cpuProfDir ? ` --cpu-prof --cpu-prof-dir=${cpuProfDir}` : ''}`,
      KGA_BENCH_RSS_FILE: rssFile
    }
  })
  const wallMs = performance.now() - started
  const requests = [...emulator.requests]
  if (result.exitCode !== 0) {
    throw new Error(
      `the action failed (exit ${result.exitCode}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`
    )
  }
  const [peakRss, cpuMicros, threads] = readFileSync(rssFile, 'utf8').split(' ')
  const byThread = JSON.parse(threads ?? '{}') as Partial<CpuByThread>
  return {
    wallMs,
    peakRssBytes: Number(peakRss),
    cpuMs: Number(cpuMicros) / 1000,
    cpuByThread: byThread.main === undefined ? undefined : (byThread as CpuByThread),
    requests: countRequests(requests),
    totalRequests: requests.length,
    writes: requests.filter(isWrite).length,
    githubRequests: (github?.requests.length ?? 0) - githubBefore,
    result
  }
}
