import { runCli } from './cli/run.js'

// Bundled, flow files are checked on a second thread too (docs/performance.md#a-second-thread); from source, not.
const checkWorker = import.meta.url.endsWith('.js')
  ? new URL('./check-worker.js', import.meta.url)
  : undefined
process.exitCode = await runCli(process.argv.slice(2), undefined, checkWorker)
