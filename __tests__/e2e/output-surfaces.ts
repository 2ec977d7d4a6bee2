/** Every output channel of a run of the bundled action, by name, as users and reviewers see them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FakeGitHub } from '../../test-support/fake-github.js'
import type { RunResult } from '../../test-support/runner.js'

/** The log without the `::add-mask::` lines, the one place a credential must go (to the runner). */
export function visibleLog(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
}

export function actionSurfaces(result: RunResult, github: FakeGitHub): Record<string, string> {
  const planFile = result.outputs['plan-file']
  return {
    stdout: visibleLog(result.stdout),
    stderr: visibleLog(result.stderr),
    annotations: JSON.stringify(result.annotations),
    summary: result.summary,
    outputs: JSON.stringify(result.outputs),
    'plan file': planFile && existsSync(planFile) ? readFileSync(planFile, 'utf8') : '',
    'files under RUNNER_TEMP': filesUnder(result.runnerTemp),
    comments: [...github.state.comments.values()].map((c) => JSON.stringify(c)).join('\n'),
    'review comments': [...github.state.reviews, ...github.state.reviewComments]
      .map((c) => JSON.stringify(c))
      .join('\n')
  }
}

function filesUnder(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n')
}
