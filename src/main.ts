import * as core from '@actions/core'
import { readRunContext } from './context.js'
import { errorMessage } from './errors.js'
import { createOctokit } from './github/octokit.js'
import { createGitHub } from './github/rest-github.js'
import { clientForSettings, type KestraClient } from './kestra/client.js'
import { actionReporter } from './report/action-reporter.js'
import { execute } from './run/execute.js'
import { parseSettings, secretsOf, type InputName } from './settings.js'

/** The action: inputs from the runner, results as annotations, outputs, job summary and exit code. */
export async function run(): Promise<void> {
  let kestra: KestraClient | undefined
  try {
    // Raw secret inputs are masked before parsing, so not even an input error can show them.
    const masked = new Set<string>()
    const mask = (secret: string) => {
      if (secret.length < 4 || masked.has(secret)) return
      masked.add(secret)
      core.setSecret(secret)
    }
    for (const name of ['password', 'api-token', 'github-token'] as const) {
      mask(core.getInput(name))
    }
    const settings = parseSettings((name: InputName) => core.getInput(name))
    for (const secret of secretsOf(settings)) mask(secret)
    const context = readRunContext()
    kestra = clientForSettings(settings, (message) => core.info(message))
    const github =
      settings.githubToken && context.owner
        ? createGitHub(createOctokit(settings.githubToken, { baseUrl: context.apiUrl }), {
            owner: context.owner,
            repo: context.repo
          })
        : undefined
    const outcome = await execute(settings, context, {
      reporter: actionReporter(),
      kestra,
      github,
      now: () => new Date()
    })
    if (outcome.failure) core.setFailed(outcome.failure)
  } catch (error) {
    core.setFailed(errorMessage(error))
  } finally {
    await kestra?.close()
  }
}
