import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Where the plan file goes: under RUNNER_TEMP, one per comment-key. */
export function planFilePath(runnerTemp: string, commentKey: string): string {
  return join(runnerTemp, `kestra-gitops-plan-${commentKey}.json`)
}

/** Where the findings go as SARIF (docs/code-scanning.md): under RUNNER_TEMP, one per comment-key. */
export function sarifFilePath(runnerTemp: string, commentKey: string): string {
  return join(runnerTemp, `kestra-gitops-${commentKey}.sarif`)
}

export function writePlanFile(runnerTemp: string, commentKey: string, text: string): string {
  return writeRunnerFile(runnerTemp, planFilePath(runnerTemp, commentKey), text)
}

export function writeSarifFile(runnerTemp: string, commentKey: string, text: string): string {
  return writeRunnerFile(runnerTemp, sarifFilePath(runnerTemp, commentKey), text)
}

function writeRunnerFile(runnerTemp: string, path: string, text: string): string {
  mkdirSync(runnerTemp, { recursive: true })
  writeFileSync(path, text)
  return path
}
