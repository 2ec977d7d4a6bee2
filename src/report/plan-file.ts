import { join } from 'path'

/** Where the plan file goes: under RUNNER_TEMP, one per comment-key. */
export function planFilePath(runnerTemp: string, commentKey: string): string {
  return join(runnerTemp, `kestra-gitops-plan-${commentKey}.json`)
}
