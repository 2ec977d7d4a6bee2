import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Where the plan file goes: under RUNNER_TEMP, one per comment-key. */
export function planFilePath(runnerTemp: string, commentKey: string): string {
  return join(runnerTemp, `kestra-gitops-plan-${commentKey}.json`)
}

export function writePlanFile(runnerTemp: string, commentKey: string, text: string): string {
  const path = planFilePath(runnerTemp, commentKey)
  mkdirSync(runnerTemp, { recursive: true })
  writeFileSync(path, text)
  return path
}
