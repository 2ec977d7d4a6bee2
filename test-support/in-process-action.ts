/**
 * The action's entry (`run()` of src/main.ts, what dist/index.js awaits) in this process, with the runner's
 * environment and files exactly as `runAction` lays them out: for tests that play long histories of events, where
 * a bundle start per event would cost most of the time. Its stdout is captured while the run lasts, as the runner
 * reads a step's; git is still spawned by the action, so only the end-to-end project may use it. One run at a
 * time per process: the environment and stdout are the process's.
 */
import * as core from '@actions/core'
import { run } from '../src/main.js'
import { collectRun, prepareRun, type RunOptions, type RunResult } from './runner.js'

let running = false

export async function runActionInProcess(options: RunOptions): Promise<RunResult> {
  if (running) throw new Error('runActionInProcess: one run at a time per process')
  running = true
  const prepared = prepareRun(options)
  const savedEnv = { ...process.env }
  const savedWarnings = process.listeners('warning')
  const write = process.stdout.write.bind(process.stdout)
  const writeErr = process.stderr.write.bind(process.stderr)
  let stdout = ''
  let stderr = ''
  const capture =
    (into: (text: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
      done?.()
      return true
    }
  // @actions/core's summary keeps the first file path it was given: each run has its own file.
  const summary = core.summary as unknown as { _filePath?: string }
  summary._filePath = undefined
  core.summary.emptyBuffer()
  for (const name of Object.keys(process.env)) {
    if (/^(GITHUB_|INPUT_|RUNNER_|KESTRA_)/.test(name)) delete process.env[name]
  }
  Object.assign(process.env, prepared.env)
  process.exitCode = undefined
  process.stdout.write = capture((text) => (stdout += text)) as typeof process.stdout.write
  process.stderr.write = capture((text) => (stderr += text)) as typeof process.stderr.write
  try {
    await run()
  } catch (error) {
    // The bundle's top-level await would end the process with this error: exit code 1, its stack on stderr.
    stderr += `${String(error instanceof Error ? error.stack : error)}\n`
    process.exitCode = 1
  } finally {
    process.stdout.write = write
    process.stderr.write = writeErr
    for (const name of Object.keys(process.env)) {
      if (!(name in savedEnv)) delete process.env[name]
    }
    Object.assign(process.env, savedEnv)
    process.removeAllListeners('warning')
    for (const listener of savedWarnings) process.on('warning', listener)
    running = false
  }
  const exitCode = Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return collectRun(prepared, exitCode, stdout, stderr)
}
