// Preloaded into the spawned action (NODE_OPTIONS=--import …): writes its peak resident set size
// (bytes) to KGA_BENCH_RSS_FILE when it exits.
import { writeFileSync } from 'node:fs'

const file = process.env.KGA_BENCH_RSS_FILE
if (file) {
  process.on('exit', () => {
    // maxRSS is in kilobytes.
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024))
  })
}
