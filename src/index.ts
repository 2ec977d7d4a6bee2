import { getHeapStatistics } from 'node:v8'
import { isMainThread, Worker } from 'node:worker_threads'
import { EVAL_HOST, serveEvaluation } from './eval-worker.js'

/**
 * The action runs on a worker thread, whose heap can be sized. Node 24, which runs the action on
 * GitHub, sizes the main thread's from the machine's memory: with 24 GiB its young generation grew to
 * 134 MB during a large plan and stayed there. The action's live data is tens of MB (about 5 kB per
 * flow or file): Node 20's young generation (16 MB semi-spaces) and an old generation of at most
 * 1 GB hold its peak memory near that. V8 lets a smaller old generation grow less between
 * collections: at 2 GB, one run in ten of the benchmark's deploy peaked 30 to 50 MB higher.
 */
const YOUNG_GENERATION_MB = 48
const OLD_GENERATION_MB = Math.min(
  1024,
  Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20) - YOUNG_GENERATION_MB
)

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url), {
    resourceLimits: {
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
      maxOldGenerationSizeMb: OLD_GENERATION_MB
    },
    // This thread is idle while the action runs: it hashes files for it, without a heap of its own.
    workerData: { [EVAL_HOST]: true }
  })
  let failed = false
  const fail = (reason: string) => {
    const message = `The action stopped unexpectedly: ${reason}. Re-run the job; if it stops again, report this message.`
    process.stdout.write(`::error::${escapeCommandData(message)}\n`)
    failed = true
  }
  worker.on('message', serveEvaluation)
  worker.on('error', (error) => {
    fail(error.message)
    process.exitCode = 1
  })
  // The worker's exit code is the action's: core.setFailed sets it there (1). Any other code means
  // the action never finished, e.g. 13 when it was left waiting with nothing to wait for.
  worker.on('exit', (code) => {
    if (failed) return
    if (code !== 0 && code !== 1) fail(`it ended before finishing (exit code ${code})`)
    process.exitCode = code
  })
} else {
  const { run } = await import('./main.js')
  await run()
}

/** As @actions/core escapes a workflow command's message. */
function escapeCommandData(message: string): string {
  return message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}
