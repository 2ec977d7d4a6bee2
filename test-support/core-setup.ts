/**
 * Global setup of the core project (the end-to-end files that ask the released Kestra core what it accepts):
 * starts the core of each released line once for the whole run, not once per file, and hands the tests their
 * addresses (`releasedCores()`, test-support/kestra-core.ts). Without Java 21+ and Maven the files are skipped,
 * unless `KESTRA_CORE_REQUIRED=1` (`.ci/run`).
 */
import type { TestProject } from 'vitest/node'
import { coreRequired, coreUnavailable, startReleasedCores } from './kestra-core.js'

declare module 'vitest' {
  export interface ProvidedContext {
    kestraCores: { version: string; url: string }[]
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const unavailable = coreUnavailable()
  if (unavailable) {
    if (coreRequired()) throw new Error(`The released Kestra core cannot run: ${unavailable}`)
    project.provide('kestraCores', [])
    return () => {}
  }
  const started = Date.now()
  const cores = [...(await startReleasedCores()).values()]
  console.log(
    `Kestra cores ${cores.map((core) => core.version).join(', ')} started in ${((Date.now() - started) / 1000).toFixed(0)} s`
  )
  project.provide(
    'kestraCores',
    cores.map(({ version, url }) => ({ version, url }))
  )
  return () => {
    for (const core of cores) core.stop()
  }
}
