import { mkdtempSync, rmSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorMessage } from '../model/errors.js'
import { clientForSettings, settingsTarget, type KestraClient } from '../kestra/client.js'
import { renderComment } from '../decide/render/report.js'
import { upsertDeployedSection } from '../decide/render/deployed.js'
import { countsText, deployTitle, tallyText } from '../decide/render/headline.js'
import { planDocument } from '../decide/render/plan-document.js'
import { outcomeCounts, type DeployResult } from '../model/result.js'
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
import { failureMessage, findingCounts } from '../decide/validate/verdict.js'
import { credentialsFrom } from '../report/redact/credentials.js'
import { bounded, LOG_LINE_BYTES, OutputEdge } from '../report/output-edge.js'
import { publicNames } from '../report/public-names.js'
import { redactingReporter } from '../report/redacting.js'
import type { Settings } from '../model/settings.js'
import type { Reporter } from '../report/reporter.js'
import type { RunContext } from '../model/context.js'
import { resourceName, type Plan } from '../model/plan.js'
import {
  parseArgs,
  UPGRADE_CHECK,
  UsageError,
  wantsDetailedExitCode,
  type CliArgs
} from './args.js'
import { cliWords, usage } from './flags.js'
import { reportText, upgradeText, writeRewrites } from './plan-text.js'
import { cliSettings, cliWorkspace, localRunContext, uncommittedPaths } from './settings.js'
import { CLI_VERSION } from './version.js'

interface CliIo {
  env: Record<string, string | undefined>
  cwd: string
  stdout: { write(text: string): unknown; isTTY?: boolean }
  stderr: { write(text: string): unknown; isTTY?: boolean }
  /** Where `deploy` reads its `yes`: asked only when it is a terminal. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean }
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
  const err = (text: string) => {
    const lines = cliWords(text).split('\n')
    io.stderr.write(edge.text(lines.map((line) => bounded(line, LOG_LINE_BYTES)).join('\n')))
  }

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
  let upgradeServer: KestraClient | undefined
  let ended = false
  // Scratch space (the plan file, git copies) in a private folder, removed on exit: a fixed name in
  // the shared temp folder could be a symlink planted by another user.
  const scratch = mkdtempSync(join(tmpdir(), 'kestra-gitops-'))
  const progress = io.stderr.isTTY
    ? new ProgressLine({ write: (text) => void io.stderr.write(text), now: Date.now })
    : undefined
  const ticking = progress && setInterval(() => progress.tick(), 250).unref()
  const failed = (failure: string) => {
    ended = true
    err(`${p.red('error')} ${inert(edge.text(failure))}\n`)
    return EXIT_FAILED
  }
  try {
    const settingsFor = (given: CliArgs, log?: (message: string) => void) =>
      cliSettings(given, io.env, io.cwd, { settingsFile: true, log })
    const settings = settingsFor(args, (message) => err(`${message}\n`))
    if (
      args.command !== 'validate' &&
      args.command !== UPGRADE_CHECK &&
      !settingsTarget(settings).server
    ) {
      throw new UsageError(`${args.command} needs the Kestra server: --server URL or KESTRA_URL`)
    }
    // Terraform's apply habit (docs/cli.md#deploy-asks-first): the plan, then `yes` on a terminal.
    const asks = args.command === 'deploy' && !settings.dryRun && !args.autoApprove
    if (asks && !io.stdin?.isTTY) throw new UsageError(NO_TERMINAL)
    const context = await localRunContext({
      cwd: cliWorkspace(io.cwd),
      env: io.env,
      runnerTemp: scratch,
      base: args.base
    })
    edge = new OutputEdge(credentials, publicNames(settings, context, settingsTarget(settings)))
    const writes = args.command === 'deploy' && !settings.dryRun
    if (writes && !context.sha) {
      throw new UsageError(
        'deploy records the deployed commit in Kestra: run it in a git checkout with at least one commit'
      )
    }
    const dirty = writes ? await uncommittedPaths(context.workspace, settings.root) : []
    if (dirty.length > 0) {
      err(
        `${p.yellow('warning')} ${inert(edge.text(`${dirty.length} uncommitted change(s) under ${settings.root}: the working tree is deployed, recorded as commit ${context.sha.slice(0, 12)}.`))}\n`
      )
    }
    let clientLog = (_message: string) => {}
    kestra = clientForSettings(settings, (message) => clientLog(message), 'kestra-gitops-cli')
    upgradeServer = clientForSettings(settings, () => {}, 'kestra-gitops-cli', 'upgradeServer')
    const run = (runSettings: Settings, shown: Shown) =>
      runOnce(runSettings, {
        ...{ args, context, kestra: kestra!, upgradeServer, edge, progress, shown },
        log: err,
        // A retry still under way once the run has failed says nothing after the final error.
        onReporter: (reporter) =>
          (clientLog = (message) => {
            if (!ended) reporter.info(message)
          })
      })

    let approved: string | undefined
    if (asks) {
      // The plan goes to stderr beside the question: stdout keeps the one result the format asks for.
      const errPalette = palette(wantsColour(args.color, Boolean(io.stderr.isTTY), io.env))
      const planSettings = settingsFor({ ...args, command: 'plan' })
      const planned = await run(planSettings, { findings: err, palette: errPalette })
      err(formatResult({ ...args, format: 'text' }, planSettings, planned, errPalette))
      const plan = planned.report.plan
      if (planned.failure !== undefined || !plan) {
        return failed(planned.failure ?? 'no plan was computed')
      }
      progress?.clear()
      const answer = await ask(io, deployQuestion(plan, settings, errPalette))
      if (answer !== 'yes') {
        err(`${p.red('Deploy cancelled')}: nothing was written (only 'yes' deploys).\n`)
        return EXIT_FAILED
      }
      approved = plan.fingerprint
    }
    // After `yes`, only the plan shown is deployed: the same fingerprint, or nothing (reviewed-plan).
    const deploySettings =
      approved === undefined
        ? settings
        : settingsFor({ ...args, inputs: { 'reviewed-plan': approved, ...args.inputs } })
    const result = await run(deploySettings, {
      // Once approved, the findings were shown with the plan.
      findings:
        approved !== undefined
          ? () => {}
          : // upgrade-check's result is its list: the validation's findings go to the log.
            args.format === 'text' && args.command !== UPGRADE_CHECK
            ? (text) => out(cliWords(text))
            : err,
      palette: p
    })
    progress?.clear()
    ended = true
    if (args.command === UPGRADE_CHECK) {
      return upgradeCheckResult(args, context.workspace, result.upgrade, { out, err }, p)
    }
    out(formatResult(args, deploySettings, result, p, approved !== undefined))
    if (result.failure !== undefined) return failed(result.failure)
    return args.detailedExitCode && result.outputs['has-changes'] === 'true'
      ? EXIT_CHANGES
      : EXIT_OK
  } catch (error) {
    ended = true
    if (error instanceof UsageError) return usageFailure(err, error, edge, usageExit)
    err(`${p.red('error')} ${inert(edge.text(errorMessage(error)))}\n`)
    return EXIT_FAILED
  } finally {
    clearInterval(ticking)
    progress?.clear()
    await kestra?.close()
    await upgradeServer?.close()
    rmSync(scratch, { recursive: true, force: true })
  }
}

const NO_TERMINAL =
  "deploy asks for 'yes' on a terminal before it writes, and stdin is not a terminal. Pass --auto-approve to deploy without the question (as in CI), or run 'kestra-gitops plan' first to see what it would change"

interface Shown {
  findings(text: string): void
  palette: Palette
}

interface CliRun {
  report: ReportInput
  deployment?: DeployResult
  receipt?: string
  outputs: Record<string, string>
  failure?: string
  upgrade: RunOutcome['upgrade']
}

async function runOnce(
  settings: Settings,
  run: {
    args: CliArgs
    context: RunContext
    kestra: KestraClient
    upgradeServer: KestraClient | undefined
    edge: OutputEdge
    progress?: ProgressLine
    shown: Shown
    log(text: string): void
    onReporter(reporter: Reporter): void
  }
): Promise<CliRun> {
  const { args, edge } = run
  const terminal = terminalReporter({
    log: run.log,
    findings: (text) => run.shown.findings(cliWords(text)),
    palette: run.shown.palette,
    verbose: args.verbose,
    progress: run.progress
  })
  // The result says the verdict, with the review's findings the checks' summary could not count yet; the
  // text result ends with the repository line too: the log does not say them first.
  const reporter = redactingReporter(
    withoutSummaries(terminal, args.format === 'text' ? [LOADING, VALIDATION] : [VALIDATION]),
    edge
  )
  run.onReporter(reporter)
  const outcome = await executeWithEnvironments(settings, run.context, {
    reporter,
    kestra: run.kestra,
    upgradeServer: run.upgradeServer,
    edge,
    now: () => new Date()
  })
  const { 'plan-file': _planFile, ...outputs } = terminal.outputs()
  return {
    report: edge.shown(outcome.report),
    deployment: edge.shown(outcome.deployment),
    receipt: outcome.receipt && edge.text(outcome.receipt),
    outputs,
    failure: outcome.failure && edge.text(cliFailure(outcome)),
    upgrade: outcome.upgrade
  }
}

function deployQuestion(plan: Plan, settings: Settings, p: Palette): string {
  const deletes = plan.resources.filter((r) => r.action === 'delete')
  const named = deletes.slice(0, 10).map((r) => `${r.kind} ${inert(resourceName(r))}`)
  const more = deletes.length > named.length ? `, and ${deletes.length - named.length} more` : ''
  const deleting =
    deletes.length > 0
      ? `\n${p.red(`It deletes ${deletes.length} resource(s)`)}: ${named.join(', ')}${more}.`
      : ''
  return `\nDeploy this plan (${countsText(plan.counts)}) to ${inert(settingsTarget(settings).server ?? '')}, tenant ${inert(settings.tenant)}?${deleting}\nOnly 'yes' deploys. Enter a value: `
}

async function ask(io: CliIo, question: string): Promise<string> {
  io.stderr.write(question)
  const lines = createInterface({ input: io.stdin!, terminal: false })
  try {
    for await (const line of lines) return line.trim()
    return ''
  } finally {
    lines.close()
  }
}

/** The result as the format asks; `approved`: the plan was shown above the question, so no diffs again. */
function formatResult(
  args: CliArgs,
  settings: Settings,
  { report, deployment, receipt, outputs, failure }: CliRun,
  p: Palette,
  approved = false
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
    const document = planDocument(report, { outputs, failure, deployment })
    return `${JSON.stringify(document, null, 2)}\n`
  }
  // The outputs are the action's; a terminal reader wants them only when asking for detail.
  const text = reportText(report, p, deployment, { diffs: !approved })
  return args.verbose ? `${text}\n${outputLines(outputs, p)}` : text
}

/**
 * `upgrade-check`'s list and exit status (docs/upgrade.md): 1 when a flow would not load on the target
 * (after `--write`, when one still would not), else 0. Its own validation findings went to the log.
 */
function upgradeCheckResult(
  args: CliArgs,
  workspace: string,
  upgrade: RunOutcome['upgrade'],
  { out, err }: { out: (text: string) => void; err: (text: string) => void },
  p: Palette
): number {
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
  return findingCounts(findings).error > 0
    ? `Validation found ${tallyText(findings)}: fix the errors and run again.`
    : `Validation found ${tallyText(findings)} and --fail-on is warning.`
}

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

function processIo(): CliIo {
  // `kestra-gitops plan | head`: once the reader is gone, the rest of the output is dropped, but a
  // deploy under way is not cut short.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin
  }
}
