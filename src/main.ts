import * as core from '@actions/core'
import { readRunContext } from './context.js'
import { errorMessage } from './errors.js'
import { createOctokit } from './github/octokit.js'
import { createGitHub } from './github/rest-github.js'
import { clientForSettings, type KestraClient } from './kestra/client.js'
import { actionReporter } from './report/action-reporter.js'
import { redactingGitHub, redactingReporter } from './report/redacting.js'
import { execute } from './run/execute.js'
import { authSecrets, createRedactor, type Redactor } from './secrets.js'
import { parseSettings, secretsOf, type InputName } from './settings.js'
import { ruleCounts } from './validate/verdict.js'

const SECRET_INPUTS = [
  'password',
  'api-token',
  'github-token'
] as const satisfies readonly InputName[]

/** The action: inputs from the runner, results as annotations, outputs, job summary and exit code. */
export async function run(): Promise<void> {
  let kestra: KestraClient | undefined
  const masked = new Set<string>()
  // Raw secret inputs are masked before parsing, so not even an input error can show them.
  let redactor = guard(secretInputs(), masked)
  try {
    const settings = parseSettings((name: InputName) => core.getInput(name))
    redactor = guard([...secretInputs(), ...secretsOf(settings)], masked)
    const context = readRunContext()
    const log = (message: string) => core.info(redactor.text(message))
    kestra = clientForSettings(settings, log)
    const reporter = redactingReporter(actionReporter(), redactor)
    const github =
      settings.githubToken && context.owner
        ? createGitHub(
            await createOctokit(settings.githubToken, {
              baseUrl: context.apiUrl,
              log: (message) => reporter.info(message)
            }),
            { owner: context.owner, repo: context.repo }
          )
        : undefined
    const outcome = await execute(settings, context, {
      reporter,
      kestra,
      github: github && redactingGitHub(github, redactor),
      now: () => new Date()
    })
    const counts = ruleCounts(outcome.report.findings)
    if (counts) reporter.info(counts)
    if (outcome.failure) core.setFailed(redactor.text(outcome.failure))
  } catch (error) {
    core.setFailed(redactor.text(errorMessage(error)))
  } finally {
    await kestra?.close()
  }
}

/** The secret inputs as given, with the Basic value even when api-token wins (a credential all the same). */
function secretInputs(): string[] {
  const [password, token, githubToken] = SECRET_INPUTS.map((name) => core.getInput(name))
  const basic = authSecrets({ kind: 'basic', username: core.getInput('username'), password })
  return [token, githubToken, ...(password ? basic : [])]
}

/** Every form of the secrets is masked in the runner's log and redacted from every output. */
function guard(secrets: string[], masked: Set<string>): Redactor {
  const redactor = createRedactor(secrets)
  for (const form of redactor.forms.filter((f) => !masked.has(f))) {
    masked.add(form)
    core.setSecret(form)
  }
  return redactor
}
