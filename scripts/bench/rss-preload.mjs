// Preloaded into the spawned action (NODE_OPTIONS=--import …): writes its peak resident set size
// (bytes) and the CPU time it used (microseconds, user + system, every thread of the process) to
// KGA_BENCH_RSS_FILE when it exits. CPU time is the steadier measure on a shared machine: waiting for
// a core does not count.
import { readFileSync, writeFileSync } from 'node:fs'

const file = process.env.KGA_BENCH_RSS_FILE

/**
 * Linux: VmHWM, the peak of this process image. getrusage's maxRSS is no good here: it survives
 * fork and exec, so a child reports at least the RSS its parent (the bench, which holds the whole
 * synthetic repository and the emulator) had when it spawned it.
 */
function peakRssBytes() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm) return Number(hwm[1]) * 1024
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024
}

function cpuMicros() {
  const { user, system } = process.cpuUsage()
  return user + system
}

if (file) process.on('exit', () => writeFileSync(file, `${peakRssBytes()} ${cpuMicros()}`))
