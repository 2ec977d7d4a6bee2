// Preloaded into the spawned action (NODE_OPTIONS=--import …): writes its peak resident set size
// (bytes) to KGA_BENCH_RSS_FILE when it exits.
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

if (file) process.on('exit', () => writeFileSync(file, String(peakRssBytes())))
