import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorMessage } from '../model/errors.js'
import { clientForSettings, type KestraClient } from '../kestra/client.js'
import { renderComment, upsertDeployedSection } from '../decide/render/comment.js'
import { deployTitle } from '../decide/render/headline.js'
import { outcomeCounts } from '../model/result.js'
import type { ReportInput } from '../decide/render/input.js'
import {
  outputLines,
  ProgressLine,
  terminalReporter,
  type TerminalReporter
} from '../report/terminal-reporter.js'
import { inert, palette, wantsColour, type Palette } from '../report/terminal-style.js'
import { LOADING, VALIDATION } from '../run/check.js'
import type { RunOutcome } from '../run/execute.js'
import { executeWithEnvironments } from '../run/preview.js'
import { failureMessage, tally } from '../decide/validate/verdict.js'
import { credentialsFrom } from '../report/redact/credentials.js'
import { bounded, LOG_LINE_BYTES, OutputEdge } from '../report/output-edge.js'
import { publicNames } from '../report/public-names.js'
import { redactingReporter } from '../report/redacting.js'
import type { Settings } from '../model/settings.js'
import type { DeployResult } from '../model/result.js'
import {
  parseArgs,
  UPGRADE_CHECK,
  UsageError,
  wantsDetailedExitCode,
  type CliArgs
} from './args.js'
import { upgradeText, writeRewrites } from './upgrade.js'
import { cliWords } from './flags.js'
import { localRunContext, uncommittedPaths } from './local-context.js'
import { reportText } from './plan-text.js'
import { cliSettings } from './settings.js'
import { usage } from './usage.js'
import { CLI_VERSION } from './version.js'

interface CliIo {
  env: Record<string, string | undefined>
  cwd: string
  stdout: { write(text: string): unknown; isTTY?: boolean }
  stderr: { write(text: string): unknown; isTTY?: boolean }
}

const EXIT_OK = 0
const EXIT_FAILED = 1
const EXIT_USAGE = 2
/** `plan --detailed-exitcode`: the plan changes something (as Terraform's `-detailed-exitcode`). */
const EXIT_CHANGES = 2

/**
 * `kestra-gitops <validate|plan|deploy> [flags]`: the action's engine on a local checkout. The result
 * (findings and plan, the PR comment's Markdown, or JSON) goes to stdout, progress to stderr.
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  // Secrets are redacted from the start, in every form the server could echo them, so not even a
  // settings error can show them; stderr is a log: each line of it is cut at 4 KiB.
  const credentials = credentialsFrom(
    [
      ['KESTRA_PASSWORD', io.env.KESTRA_PASSWORD],
      ['KESTRA_API_TOKEN', io.env.KESTRA_API_TOKEN]
    ],
    { username: io.env.KESTRA_USERNAME, password: io.env.KESTRA_PASSWORD }
  )
  let edge = new OutputEdge(credentials)
  const out = (text: string) => void io.stdout.write(edge.text(text))
  const err = (text: string) => void io.stderr.write(edge.text(logLines(cliWords(text))))

  // With --detailed-exitcode, 2 means "changes" only: a usage error exits 1.
  const usageExit = wantsDetailedExitCode(argv) ? EXIT_FAILED : EXIT_USAGE
  let args: CliArgs
  try {
    args = parseArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return usageFailure(err, error, edge, usageExit)
  }
  if (args.help) {
    out(usage())
    return EXIT_OK
  }
  if (args.version) {
    out(`kestra-gitops ${CLI_VERSION}\n`)
    return EXIT_OK
  }
  const p = palette(wantsColour(args.color, Boolean(io.stdout.isTTY), io.env))

  let kestra: KestraClient | undefined
  // Scratch space (the plan file, git copies) in a private folder, removed on exit: a fixed name in
  // the shared temp folder could be a symlink planted by another user.
  const scratch = mkdtempSync(join(tmpdir(), 'kestra-gitops-'))
  const progress = io.stderr.isTTY
    ? new ProgressLine({ write: (text) => void io.stderr.write(text), now: Date.now })
    : undefined
  const ticking = progress && setInterval(() => progress.tick(), 250).unref()
  try {
    const settings = cliSettings(args, io.env, io.cwd, {
      settingsFile: true,
      log: (message) =>
        err(`${message}
`)
    })
    if (args.command !== 'validate' && args.command !== UPGRADE_CHECK && !settings.server) {
      throw new UsageError(`${args.command} needs the Kestra server: --server URL or KESTRA_URL`)
    }
    const context = await localRunContext({
      cwd: io.cwd,
      env: io.env,
      runnerTemp: scratch,
      base: args.base
    })
    edge = new OutputEdge(credentials, publicNames(settings, context))
    const terminal = terminalReporter({
      log: err,
      // upgrade-check's result is its list: the validation's findings go to the log.
      findings:
        args.format === 'text' && args.command !== UPGRADE_CHECK
          ? (text) => out(cliWords(text))
          : err,
      palette: p,
      verbose: args.verbose,
      progress
    })
    // The text result ends with the repository line and the verdict: the log does not say them first.
    const reporter = redactingReporter(
      args.format === 'text' ? withoutSummaries(terminal, [LOADING, VALIDATION]) : terminal,
      edge
    )
    if (args.command === 'deploy' && !settings.dryRun) {
      if (!context.sha) {
        throw new UsageError(
          'deploy records the deployed commit in Kestra: run it in a git checkout with at least one commit'
        )
      }
      const dirty = await uncommittedPaths(io.cwd, settings.root)
      if (dirty.length > 0) {
        reporter.warning(
          `${dirty.length} uncommitted change(s) under ${settings.root}: the working tree is deployed, recorded as commit ${context.sha.slice(0, 12)}.`
        )
      }
    }
    kestra = clientForSettings(settings, (message) => reporter.info(message), 'kestra-gitops-cli')

    const outcome = await executeWithEnvironments(settings, context, {
      reporter,
      kestra,
      edge,
      now: () => new Date()
    })
    if (args.command === UPGRADE_CHECK) {
      progress?.clear()
      return upgradeCheckResult(args, context.workspace, outcome, { out, err }, p)
    }
    // The plan file goes with the scratch folder: the outputs do not point at it.
    const { 'plan-file': _planFile, ...outputs } = terminal.outputs()
    const failure = outcome.failure && edge.text(cliFailure(outcome))
    progress?.clear()
    const shown = {
      report: edge.shown(outcome.report),
      deployment: edge.shown(outcome.deployment),
      receipt: outcome.receipt && edge.text(outcome.receipt)
    }
    out(formatResult(args, settings, shown, outputs, failure, p))
    if (failure) {
      err(`${p.red('error')} ${inert(failure)}\n`)
      return EXIT_FAILED
    }
    return args.detailedExitCode && outputs['has-changes'] === 'true' ? EXIT_CHANGES : EXIT_OK
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(err, error, edge, usageExit)
    err(`${p.red('error')} ${inert(edge.text(errorMessage(error)))}\n`)
    return EXIT_FAILED
  } finally {
    clearInterval(ticking)
    progress?.clear()
    await kestra?.close()
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** The result as the format asks, from the report as shown (redacted) and the failure in CLI words. */
function formatResult(
  args: CliArgs,
  settings: Settings,
  {
    report,
    deployment,
    receipt
  }: { report: ReportInput; deployment?: DeployResult; receipt?: string },
  outputs: Record<string, string>,
  failure: string | undefined,
  p: Palette
): string {
  if (args.format === 'markdown') {
    const comment = renderComment({ ...report, commentKey: settings.commentKey })
    if (!deployment || receipt === undefined) return `${comment}\n`
    // After a deploy: the comment as the merged pull request shows it, headed by the outcome.
    const detail = outcomeCounts(deployment.resources).join(', ')
    const headline = deployTitle(deployment.status, detail, settings.commentKey)
    return `${upsertDeployedSection(comment, receipt, headline)}\n`
  }
  if (args.format === 'json') {
    const json = { outputs, findings: report.findings, failure }
    return `${JSON.stringify(json, null, 2)}\n`
  }
  // The outputs are the action's; a terminal reader wants them only when asking for detail.
  const text = reportText(report, p, deployment)
  return args.verbose ? `${text}\n${outputLines(outputs, p)}` : text
}

/**
 * `upgrade-check`'s list and exit status (docs/upgrade.md): 1 when a flow would not load on the target
 * (after `--write`, when one still would not), else 0. Its own validation findings went to the log.
 */
function upgradeCheckResult(
  args: CliArgs,
  workspace: string,
  outcome: RunOutcome,
  { out, err }: { out: (text: string) => void; err: (text: string) => void },
  p: Palette
): number {
  const upgrade = outcome.upgrade
  const skipped = args.write && upgrade ? writeRewrites(workspace, upgrade) : []
  for (const file of skipped) {
    err(`${p.red('error')} ${inert(file)} changed while it was checked: not rewritten; run again\n`)
  }
  out(upgradeText(upgrade, Boolean(args.write) && skipped.length === 0, p))
  if (!upgrade) return EXIT_FAILED
  const manual = upgrade.report.items.some((item) => !item.mechanical)
  const refused = upgrade.report.items.length > 0
  return (args.write ? manual || skipped.length > 0 : refused) ? EXIT_FAILED : EXIT_OK
}

/** The run's failure in CLI words: the action's validation message points at annotations. */
function cliFailure(outcome: RunOutcome): string {
  const { findings, failOn = 'error' } = outcome.report
  if (outcome.failure !== failureMessage(findings, failOn)) return outcome.failure ?? ''
  const { errors, warnings } = tally(findings)
  return errors > 0
    ? `Validation found ${errors} error(s): fix them and run again.`
    : `Validation found ${warnings} warning(s) and --fail-on is warning.`
}

/** The reporter, the summary lines of the phases `titles` left out. */
function withoutSummaries(reporter: TerminalReporter, titles: readonly string[]): TerminalReporter {
  let current = ''
  return {
    ...reporter,
    group(title) {
      current = title
      reporter.group(title)
    },
    endGroup(summary) {
      reporter.endGroup(titles.includes(current) ? undefined : summary)
    }
  }
}

function usageFailure(
  err: (text: string) => void,
  error: UsageError,
  edge: OutputEdge,
  exitCode: number
): number {
  err(`kestra-gitops: ${inert(edge.text(error.message))}\nRun 'kestra-gitops --help' for usage.\n`)
  return exitCode
}

/** Each line cut at 4 KiB: stderr is the CLI's log. */
function logLines(text: string): string {
  return text
    .split('\n')
    .map((line) => bounded(line, LOG_LINE_BYTES))
    .join('\n')
}

function processIo(): CliIo {
  // `kestra-gitops plan | head`: once the reader is gone, the rest of the output is dropped, but a
  // deploy under way is not cut short.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  return { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr }
}
