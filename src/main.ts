import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { readRunContext } from './config/context.js'
import { errorMessage, SettingsFileError } from './model/errors.js'
import { gitHubPorts } from './adapters/github/rest-github.js'
import { clientForSettings, settingsTarget, type KestraClient } from './adapters/kestra/client.js'
import { credentialsFrom, maskedValues, type Credentials } from './report/redact/credentials.js'
import { OutputEdge, publicNames } from './report/output-edge.js'
import {
  redactingDriftGitHub,
  redactingGitHub,
  redactingReporter,
  redactingReview
} from './report/redacting.js'
import { actionReporter, runnerLog } from './report/runner-log.js'
import { executeWithEnvironments } from './commands/preview.js'
import { parseSettings, readSettingsFile } from './config/settings.js'
import { type InputName } from './model/inputs/declared.js'
import { SETTINGS_FILE_PATHS } from './model/inputs/settings-file.js'
import { checkoutIsOwn } from './model/context.js'
import { ruleCounts } from './engine/validate/verdict.js'
import { MAX_SARIF_RESULTS, sarifDocument } from './report/sarif.js'
import { writeSarifFile } from './report/plan-file.js'
import { CLI_VERSION } from './cli/version.js'
import type { Finding } from './model/finding.js'
import type { Reporter } from './report/reporter.js'

/** The action: inputs from the runner, results as annotations, outputs, job summary and exit code. */
export async function run(): Promise<void> {
  let kestra: KestraClient | undefined
  let upgradeServer: KestraClient | undefined
  let ended = false
  // The secret inputs, read raw and masked before parsing, so not even an input error can show them.
  const credentials = secretInputs()
  for (const value of maskedValues(credentials)) core.setSecret(value)
  let edge = new OutputEdge(credentials)
  const log = runnerLog(
    (text) => void process.stdout.write(text),
    (text) => edge.text(text)
  )
  // A library's warning is untrusted text (yaml's quotes the file it read, line breaks and all): it goes
  // through the log like any, never raw to stderr, where the runner would obey a command in it.
  process.removeAllListeners('warning')
  process.on('warning', (warning) => log.info(edge.text(`${warning.name}: ${warning.message}`)))
  try {
    const context = readRunContext()
    const own = checkoutIsOwn(context)
    const settings = parseSettings((name: InputName) => core.getInput(name), {
      // A fork's pull request brings its own settings file: never let it choose what the workflow runs.
      file: own ? readSettingsFile(context.workspace) : undefined,
      log: (message) => log.info(edge.text(message))
    })
    if (!own && SETTINGS_FILE_PATHS.some((path) => existsSync(join(context.workspace, path)))) {
      log.info(
        edge.text(
          "The checkout is a fork's pull request: its kestra-gitops.yml is not read. Set what the plan needs as this workflow's inputs (docs/inputs.md#settings-file)."
        )
      )
    }
    edge = new OutputEdge(credentials, publicNames(settings, context, settingsTarget(settings)))
    // A retry still under way once the run has failed says nothing after the final error.
    kestra = clientForSettings(settings, (message) => {
      if (!ended) log.info(edge.text(message))
    })
    upgradeServer = clientForSettings(settings, () => {}, undefined, 'upgradeServer')
    const reporter = redactingReporter(actionReporter(log), edge)
    const ports = await gitHubPorts(settings, context, (message) => reporter.info(message))
    const outcome = await executeWithEnvironments(settings, context, {
      reporter,
      kestra,
      upgradeServer,
      github: ports.github && redactingGitHub(ports.github, edge),
      drift: ports.drift && redactingDriftGitHub(ports.drift, edge),
      deployments: ports.deployments,
      review: ports.review && redactingReview(ports.review, edge),
      edge,
      now: () => new Date()
    })
    const counts = ruleCounts(outcome.report.findings)
    if (counts) reporter.info(counts)
    const sarif = { runnerTemp: context.runnerTemp, commentKey: settings.commentKey }
    writeSarif(outcome.report.findings, sarif, { reporter, edge })
    if (outcome.failure) fail(outcome.failure)
  } catch (error) {
    if (error instanceof SettingsFileError) {
      // Each problem of the settings file on its own line, as its own annotation.
      for (const { line, detail } of error.problems) {
        fail(`${error.file}:${line}: ${detail}`, { file: error.file, line })
      }
    } else fail(errorMessage(error))
  } finally {
    await kestra?.close()
    await upgradeServer?.close()
  }

  /** core.setFailed, through the printer: the step fails with the message as its error annotation. */
  function fail(message: string, at?: { file: string; line: number }): void {
    ended = true
    process.exitCode = 1
    log.command('error', at ? { file: at.file, line: at.line } : {}, edge.text(message))
  }
}

/** The findings as SARIF for GitHub code scanning (docs/code-scanning.md): the `sarif-file` output. */
function writeSarif(
  findings: readonly Finding[],
  at: { runnerTemp: string; commentKey: string },
  { reporter, edge }: { reporter: Reporter; edge: OutputEdge }
): void {
  const sarif = sarifDocument(edge.shown(findings), CLI_VERSION)
  if (sarif.omitted > 0) {
    reporter.warning(
      `The SARIF file holds ${sarif.results} of the ${findings.length} findings, the most severe first: GitHub code scanning rejects a run of more than ${MAX_SARIF_RESULTS.toLocaleString('en-US')} results or a file over 10 MB compressed. The job summary and the plan file list them all.`
    )
  }
  const path = writeSarifFile(at.runnerTemp, at.commentKey, edge.text(sarif.text))
  reporter.setOutput('sarif-file', path)
}

/** The secret inputs as given, with the Basic pair even when api-token wins (a credential all the same). */
function secretInputs(): Credentials {
  const input = (name: InputName) => core.getInput(name)
  return credentialsFrom(
    [
      ['password', input('password')],
      ['api-token', input('api-token')],
      ['github-token', input('github-token')],
      ['pull-request-token', input('pull-request-token')],
      ['seal-key', input('seal-key')]
    ],
    { username: input('username'), password: input('password') }
  )
}
