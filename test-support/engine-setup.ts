/**
 * Global setup of the engine project (`__tests__/e2e/engine/`): starts Kestra's engine of each released line
 * once for the whole run (not per test), and hands the tests their addresses. Without Java 21+ and Maven the
 * suites are skipped with one line naming what is missing, unless `KESTRA_CORE_REQUIRED=1` (`.ci/run`).
 * `KESTRA_ENGINES=DIR,…` uses engines already started by `script/kestra-engine start VERSION DIR` instead (and
 * leaves them running): a loop of edits and runs without a start each time.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import {
  engineRequired,
  engineUnavailable,
  startKestraEngine,
  stopKestraEngine,
  startedEngine,
  type KestraEngine
} from './kestra-engine.js'
import { KESTRA_LINES, KESTRA_RELEASES } from './kestra-releases.js'

declare module 'vitest' {
  export interface ProvidedContext {
    kestraEngines: KestraEngine[]
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const running = process.env.KESTRA_ENGINES
  if (running) {
    project.provide('kestraEngines', running.split(',').map(startedEngine))
    return async () => {}
  }
  const unavailable = engineUnavailable()
  if (unavailable) {
    if (engineRequired()) throw new Error(`Kestra's engine cannot run: ${unavailable}`)
    console.log(`Kestra engine suites not run (${unavailable}): skipped`)
    project.provide('kestraEngines', [])
    return async () => {}
  }
  const root = mkdtempSync(join(tmpdir(), 'kga-engines-'))
  const started = await Promise.allSettled(
    KESTRA_LINES.map((line) =>
      startKestraEngine(KESTRA_RELEASES[line], join(root, KESTRA_RELEASES[line]))
    )
  )
  const engines = started.flatMap((outcome) =>
    outcome.status === 'fulfilled' ? [outcome.value] : []
  )
  const stopAll = async () => {
    await Promise.allSettled(engines.map((engine) => stopKestraEngine(engine)))
    rmSync(root, { recursive: true, force: true })
  }
  const failed = started.find((outcome) => outcome.status === 'rejected')
  if (failed) {
    await stopAll()
    throw failed.reason
  }
  for (const engine of engines) {
    console.log(`Kestra engine ${engine.version} started in ${engine.startSeconds.toFixed(0)} s`)
  }
  project.provide('kestraEngines', engines)
  return stopAll
}
