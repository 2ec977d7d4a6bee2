import { run } from './main.js'

// Bundled, flow files are checked on a second thread too (docs/performance.md#a-second-thread); from source, not.
const checkWorker = import.meta.url.endsWith('.js')
  ? new URL('./check-worker.js', import.meta.url)
  : undefined
// Awaited: a run left waiting on nothing ends with exit code 13 (a failed step), never a silent 0.
await run(checkWorker)
