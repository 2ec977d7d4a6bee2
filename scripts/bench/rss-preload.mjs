// Preloaded into the spawned action (NODE_OPTIONS=--import …): writes its peak resident set size
// (bytes), the CPU time it used (microseconds, user + system, every thread of the process) and, on
// Linux, that time by thread (JSON) to KGA_BENCH_RSS_FILE when it exits. CPU time is the steadier
// measure on a shared machine: waiting for a core does not count.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

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

/**
 * Linux: CPU milliseconds by thread, from /proc/self/task/<tid>/stat (utime and stime, in clock ticks of
 * 1/100 s, Linux's USER_HZ): the main thread (JavaScript), V8's helpers (garbage collection, compilation)
 * and libuv's pool (scrypt, zlib and fs calls run there). Elsewhere: {}.
 */
function cpuByThread() {
  const threads = { main: 0, v8: 0, pool: 0, other: 0 }
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ms = (Number(fields[11]) + Number(fields[12])) * 10
      const group =
        Number(tid) === process.pid
          ? 'main'
          : /^V8/.test(name)
            ? 'v8'
            : /^libuv/.test(name)
              ? 'pool'
              : 'other'
      threads[group] += ms
    }
    return threads
  } catch {
    return {}
  }
}

if (file) {
  process.on('exit', () =>
    writeFileSync(file, `${peakRssBytes()} ${cpuMicros()} ${JSON.stringify(cpuByThread())}`)
  )
}
