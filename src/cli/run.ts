import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorMessage } from '../model/errors.js'
import { clientForSettings, type KestraClient, settingsTarget } from '../adapters/kestra/client.js'
import { renderComment } from '../report/render/report.js'
import { upsertDeployedSection } from '../report/render/deployed.js'
import { deployTitle, tallyText } from '../report/render/headline.js'
import { failureDocument, planDocument } from '../report/render/plan-document.js'
import { outcomeCounts } from '../model/result.js'
import {
  outputLines,
  ProgressLine,
  terminalReporter,
  type TerminalReporter
} from '../report/terminal-reporter.js'
import { inert, palette, type Palette, wantsColour } from '../report/terminal-style.js'
import { LOADING, VALIDATION } from '../commands/check.js'
import type { RunOutcome } from '../commands/execute.js'
import { executeWithEnvironments } from '../commands/preview.js'
import { failureMessage, findingCounts } from '../engine/validate/verdict.js'
import { credentialsFrom } from '../report/redact/credentials.js'
import { bounded, LOG_LINE_BYTES, OutputEdge, publicNames } from '../report/output-edge.js'
import { redactingReporter } from '../report/redacting.js'
import { sarifDocument } from '../report/sarif.js'
import type { Settings } from '../model/settings.js'
import type { Reporter } from '../report/reporter.js'
import type { RunContext } from '../model/context.js'
import { planRecord, type PlanRecord } from '../model/plan-record.js'
import {
  asksJsonOf,
  type CliArgs,
  cliWords,
  parseArgs,
  UPGRADE_CHECK,
  usage,
  UsageError,
  wantsDetailedExitCode
} from './flags.js'
import { CLI_VERSION } from './version.js'
import { cliSettings, cliWorkspace } from './settings.js'
import { ask, CANCELLED, deployQuestion, NO_TERMINAL } from './prompt.js'
import { localRunContext, uncommittedPaths } from './local-git.js'
import { reportText } from './report-text.js'
import { upgradeText, writeRewrites } from './upgrade-check.js'

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

/** `kestra-gitops <command> [flags]` on a local checkout: the result to stdout, progress to stderr. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  // Secrets are redacted from the start, in every form the server could echo them, so not even a
  // settings error can show them; stderr is a log: each line of it is cut at 4 KiB.
  const credentials = credentialsFrom(
    [
      ['KESTRA_PASSWORD', io.env.KESTRA_PASSWORD],
      ['KESTRA_API_TOKEN', io.env.KESTRA_API_TOKEN],
      ['KESTRA_GITOPS_SEAL_KEY', io.env.KESTRA_GITOPS_SEAL_KEY]
    ],
    { username: io.env.KESTRA_USERNAME, password: io.env.KESTRA_PASSWORD }
  )
  let edge = new OutputEdge(credentials)
  const out = (text: string) => void io.stdout.write(edge.text(text))
  const err = (text: string) => {
    const lines = cliWords(text).split('\n')
    io.stderr.write(edge.text(lines.map((line) => bounded(line, LOG_LINE_BYTES)).join('\n')))
  }

  if (io.stderr === process.stderr) {
    // A library's warning quotes what it read (yaml, the repository's lines): on one line, redacted and cut.
    process.removeAllListeners('warning')
    process.on('warning', (warning) => {
      err(`${inert(`${warning.name}: ${warning.message}`.replace(/\s*[\r\n]\s*/g, ' '))}\n`)
    })
  }
  // With --detailed-exitcode, 2 means "changes" only: a usage error exits 1.
  const usageExit = wantsDetailedExitCode(argv) ? EXIT_FAILED : EXIT_USAGE
  // `--json` prints one document whatever ends the run (docs/cli.md#the-json-document): what it can say of a
  // run that failed before its report is gathered here as it becomes known.
  const asksJson = asksJsonOf(argv)
  const known: { settings?: Settings; commit?: string } = {}
  const failureJson = (failure: string) => {
    if (!asksJson) return
    const { settings, commit } = known
    const document = failureDocument({
      command: asksJson,
      failure: cliWords(failure),
      ...(settings && {
        server: settingsTarget(settings).server,
        tenant: settings.tenant,
        failOn: settings.failOn
      }),
      ...(commit !== undefined && { commit })
    })
    out(`${JSON.stringify(document, null, 2)}\n`)
  }
  const usageFailed = (error: UsageError) => {
    failureJson(error.message)
    return usageFailure(err, error, edge, usageExit)
  }
  let args: CliArgs
  try {
    args = parseArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return usageFailed(error)
  }
  if (args.help || args.version) {
    out(args.help ? usage() : `kestra-gitops ${CLI_VERSION}\n`)
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
  /** `documented`: the JSON document, when asked for, is printed already and says the failure. */
  const failed = (failure: string, documented = false) => {
    ended = true
    if (!documented) failureJson(failure)
    err(`${p.red('error')} ${inert(edge.text(failure))}\n`)
    return EXIT_FAILED
  }
  // `deploy --json` that ends before it writes: the plan's document, saying why, as the deploy's.
  const planFailed = (planned: CliRun, planSettings: Settings, failure: string) => {
    if (args.format !== 'json') return failed(failure)
    const result = { ...planned, failure }
    const document = JSON.parse(formatResult(args, planSettings, result, p)) as object
    out(`${JSON.stringify({ ...document, command: args.command }, null, 2)}\n`)
    return failed(failure, true)
  }
  try {
    const settingsFor = (given: CliArgs, log?: (message: string) => void) =>
      cliSettings(given, io.env, io.cwd, { settingsFile: true, log })
    const settings = settingsFor(args, (message) => err(`${message}\n`))
    known.settings = settings
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
    const context = await localRunContext(cliWorkspace(io.cwd), io.env, scratch, args.base)
    known.commit = context.sha
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
        args,
        context,
        kestra: kestra!,
        upgradeServer,
        edge,
        progress,
        shown,
        log: err,
        // A retry still under way once the run has failed says nothing after the final error.
        onReporter: (reporter) =>
          (clientLog = (message) => {
            if (!ended) reporter.info(message)
          })
      })

    let approved: string | undefined
    let shown: PlanRecord | undefined
    if (asks) {
      // The plan goes to stderr beside the question: stdout keeps the one result the format asks for.
      const errPalette = palette(wantsColour(args.color, Boolean(io.stderr.isTTY), io.env))
      const planSettings = settingsFor({ ...args, command: 'plan' })
      const planned = await run(planSettings, { findings: err, palette: errPalette })
      err(formatResult({ ...args, format: 'text' }, planSettings, planned, errPalette))
      const plan = planned.report.plan
      if (planned.failure !== undefined || !plan) {
        return planFailed(planned, planSettings, planned.failure ?? 'no plan was computed')
      }
      progress?.clear()
      const answer = await ask(io, deployQuestion(plan, settings, errPalette))
      if (answer !== 'yes') {
        if (args.format === 'json') {
          return planFailed(planned, planSettings, CANCELLED)
        }
        err(`${p.red('Deploy cancelled')}: nothing was written (only 'yes' deploys).\n`)
        return EXIT_FAILED
      }
      approved = plan.fingerprint
      shown = planRecord(plan, context.sha, planSettings.recorded)
    }
    // After `yes`, only the plan shown is deployed: the same fingerprint, or nothing (reviewed-plan).
    const deploySettings =
      approved === undefined
        ? settings
        : {
            ...settingsFor({ ...args, inputs: { 'reviewed-plan': approved, ...args.inputs } }),
            shownPlan: shown
          }
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
      return await upgradeCheckResult(args, context.workspace, result.upgrade, { out, err }, p)
    }
    out(formatResult(args, deploySettings, result, p, approved !== undefined))
    if (result.failure !== undefined) return failed(result.failure, args.format === 'json')
    return args.detailedExitCode && result.outputs['has-changes'] === 'true'
      ? EXIT_CHANGES
      : EXIT_OK
  } catch (error) {
    ended = true
    if (error instanceof UsageError) return usageFailed(error)
    return failed(errorMessage(error))
  } finally {
    clearInterval(ticking)
    progress?.clear()
    await kestra?.close()
    await upgradeServer?.close()
    rmSync(scratch, { recursive: true, force: true })
  }
}

interface Shown {
  findings(text: string): void
  palette: Palette
}

type CliRun = Pick<RunOutcome, 'report' | 'deployment' | 'receipt' | 'failure' | 'upgrade'> & {
  outputs: Record<string, string>
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
  if (args.format === 'sarif') return sarifDocument(report.findings, CLI_VERSION).text
  if (args.format === 'json') {
    const document = planDocument(report, { outputs, failure, deployment })
    return `${JSON.stringify(document, null, 2)}\n`
  }
  // The outputs are the action's; a terminal reader wants them only when asking for detail.
  const text = reportText(report, p, deployment, { diffs: !approved })
  return args.verbose ? `${text}\n${outputLines(outputs, p)}` : text
}

/**
 * `upgrade-check`'s list and exit status (docs/upgrade.md): 1 when a flow would not load (after `--write`: still).
 */
async function upgradeCheckResult(
  args: CliArgs,
  workspace: string,
  upgrade: RunOutcome['upgrade'],
  { out, err }: { out: (text: string) => void; err: (text: string) => void },
  p: Palette
): Promise<number> {
  const written = args.write && upgrade ? await writeRewrites(workspace, upgrade) : undefined
  const skipped = written?.skipped ?? []
  for (const file of skipped) {
    err(`${p.red('error')} ${inert(file)} changed while it was checked: not rewritten; run again\n`)
  }
  out(upgradeText(upgrade, skipped.length === 0 ? written : undefined, p))
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
