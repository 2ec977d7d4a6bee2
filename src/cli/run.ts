import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path'
import { ConfigError, errorMessage, SettingsFileError } from '../model/errors.js'
import { clientForSettings, type KestraClient, settingsTarget } from '../adapters/kestra/client.js'
import { renderComment } from '../report/render/report.js'
import { upsertDeployedSection } from '../report/render/deployed.js'
import {
  countsText,
  deletionsText,
  deployTitle,
  plural,
  tallyText,
  validationFailed
} from '../report/render/headline.js'
import { failureDocument, planDocument } from '../report/render/plan-document.js'
import { uiWorkText } from '../report/render/ui-work.js'
import { type DeployResult, type DeployStatus, outcomeCounts } from '../model/result.js'
import type { ReportInput } from '../report/render/input.js'
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
import { failureMessage, findingCounts, ruleCounts } from '../engine/validate/verdict.js'
import { credentialsFrom } from '../report/redact/credentials.js'
import { bounded, LOG_LINE_BYTES, OutputEdge, publicNames } from '../report/output-edge.js'
import { redactingReporter } from '../report/redacting.js'
import { sarifDocument } from '../report/sarif.js'
import type { Settings } from '../model/settings.js'
import { entryOf } from '../model/content.js'
import type { Reporter } from '../report/reporter.js'
import type { RunContext } from '../model/context.js'
import { planRecord, type PlanRecord } from '../model/plan-record.js'
import { type Plan, type ResourceChange, resourceName } from '../model/plan.js'
import {
  asksJsonOf,
  type CliArgs,
  cliWords,
  CREDENTIAL_VARIABLES,
  FLAG_VARIABLES,
  GITHUB_ONLY,
  LOCAL_DEPLOY,
  LOCAL_VALUES,
  parseArgs,
  UPGRADE_CHECK,
  usage,
  UsageError,
  wantsDetailedExitCode
} from './flags.js'
import { CLI_VERSION } from './version.js'
import {
  type InvalidCount,
  invalidCounts,
  kindAbove,
  kindMarks
} from '../report/render/resource.js'
import type { Upgrade } from '../commands/upgrade.js'
import { inside, parseSettings, readSettingsFile, realOrUndefined } from '../config/settings.js'
import { SETTINGS_FILE_PATHS, type SettingsFile } from '../model/inputs/settings-file.js'
import type { InputName } from '../model/inputs/declared.js'
import { git as gitOutput } from '../adapters/git/git.js'

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
      return upgradeCheckResult(args, context.workspace, result.upgrade, { out, err }, p)
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

const CANCELLED = "Deploy cancelled: nothing was written (only 'yes' deploys)."

const NO_TERMINAL =
  "deploy asks for 'yes' on a terminal before it writes, and stdin is not a terminal. Pass --auto-approve to deploy without the question (as in CI), or run 'kestra-gitops plan' first to see what it would change"

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

const MARK: Record<ResourceChange['action'], { sign: string; colour: keyof Palette }> = {
  create: { sign: '+', colour: 'green' },
  update: { sign: '~', colour: 'yellow' },
  delete: { sign: '-', colour: 'red' },
  orphaned: { sign: '!', colour: 'dim' },
  unchanged: { sign: '=', colour: 'dim' }
}

const DEPLOY_STATUS: Record<DeployStatus, string> = {
  applied: 'applied',
  'nothing-to-do': 'up to date',
  refused: 'not deployed',
  failed: 'failed'
}

/**
 * The report as a terminal shows it: headline, verdict, target, the plan as a coloured diff, what was deployed.
 */
export function reportText(
  report: ReportInput,
  p: Palette,
  deployment?: DeployResult,
  { diffs = true }: { diffs?: boolean } = {}
): string {
  const target = `server ${report.server ? inert(report.server) : 'none'} · tenant ${inert(report.tenant)} · commit ${report.commit.slice(0, 7) || 'unknown'}`
  const counts = ruleCounts(report.findings)
  const deletions = report.plan && deletionsText(report.plan)
  const lines = [
    p.bold(headline(report, deployment)),
    ...(deletions ? [`${p.red(deletions.counts)}: ${inert(deletions.names)}`] : []),
    verdict(report, p),
    ...(counts ? [p.dim(counts)] : []),
    p.dim(target)
  ]
  for (const note of report.notes ?? []) lines.push(p.dim(inert(note)))
  if (report.plan) {
    const invalid = invalidCounts(report.findings)
    lines.push('', ...planLines(report.plan, { kinds: report.kinds, invalid, p, diffs }))
  }
  if (deployment) lines.push(deployedLine(deployment, p))
  return `${lines.join('\n')}\n`
}

function headline(report: ReportInput, deployment: DeployResult | undefined): string {
  if (deployment) {
    const detail = outcomeCounts(deployment.resources).join(', ')
    return `Kestra deploy: ${DEPLOY_STATUS[deployment.status]}${detail ? `, ${detail}` : ''}`
  }
  return report.plan ? `Kestra plan: ${countsText(report.plan.counts)}` : 'Kestra validation'
}

function deployedLine(deployment: DeployResult, p: Palette): string {
  switch (deployment.status) {
    case 'applied':
      return p.green(`Deployed: ${deployment.applied} resource(s) written.`)
    case 'nothing-to-do':
      return p.green('Deployed: nothing to write, the server already holds this commit.')
    case 'refused':
      return p.yellow(`Not deployed: ${inert(deployment.refusal ?? 'a newer commit is deployed')}`)
    case 'failed':
      return p.red(
        `Deploy incomplete: ${outcomeCounts(deployment.resources).join(', ')} (${deployment.applied} resource(s) written).`
      )
  }
}

function verdict(report: ReportInput, p: Palette): string {
  const tally = tallyText(report.findings)
  return validationFailed(report.findings, report.failOn)
    ? `${p.red('Validation failed')}: ${tally}`
    : `${p.green('Validation passed')}: ${tally}`
}

interface PlanTextOptions {
  kinds: ReportInput['kinds']
  invalid: InvalidCount
  p: Palette
  /** Print each resource's diff (not when the plan was shown already, above a deploy's question). */
  diffs: boolean
}

function planLines(plan: Plan, options: PlanTextOptions): string[] {
  const { p, diffs } = options
  const lines: string[] = []
  // A namespace's resources under its name; a tenant-wide kind's under its own heading (`Dashboards`), as the
  // comment groups them.
  const byNamespace = new Map<string, ResourceChange[]>()
  const headingOf = (r: ResourceChange) => r.section ?? `Namespace ${r.namespace}`
  for (const r of plan.resources) byNamespace.set(headingOf(r), byNamespace.get(headingOf(r)) ?? [])
  for (const r of plan.resources) byNamespace.get(headingOf(r))!.push(r)
  let quiet = 0
  for (const [heading, resources] of byNamespace) {
    const shown = resources.filter((r) => r.action !== 'unchanged')
    const unchanged = resources.length - shown.length
    if (shown.length === 0) {
      quiet++
      continue
    }
    lines.push(p.bold(inert(heading)))
    for (const r of shown) {
      lines.push(`  ${resourceLine(r, options)}`)
      if (r.action !== 'orphaned') lines.push(...aboveLines(r, options.kinds))
      if (diffs && r.action !== 'orphaned' && r.diff !== undefined) {
        lines.push(...diffLines(r.diff, p))
      }
    }
    if (unchanged > 0) lines.push(p.dim(`  ${unchanged} unchanged`))
    lines.push('')
  }
  if (byNamespace.size === quiet) {
    lines.push('No changes: the server already matches the repository.', '')
  } else if (quiet > 0) {
    lines.push(p.dim(`No changes in ${quiet} other namespace(s).`), '')
  }
  const drifted = plan.resources.filter((r) => r.drifted)
  if (drifted.length > 0) {
    lines.push(
      p.yellow(
        'Drift: the server copy of these resources was changed outside Git since the base commit; deploying overwrites (or deletes) those edits.'
      ),
      ...drifted.map((r) => {
        const ui = uiWorkText(r)
        return `  ${r.kind} ${inert(resourceName(r))}${ui ? `: ${ui}` : ` (${r.action})`}`
      }),
      ''
    )
  }
  lines.push(p.dim(`Plan fingerprint: ${plan.fingerprint}`))
  return lines
}

function resourceLine(r: ResourceChange, { kinds, invalid, p }: PlanTextOptions): string {
  const mark = MARK[r.action]
  const parts = [
    p[mark.colour](`${mark.sign} ${r.action} ${r.kind} ${p.bold(inert(resourceName(r)))}`)
  ]
  const findings = invalid(r)
  if (findings !== undefined) {
    parts.push(p.red(`invalid (${plural(findings, 'finding')})`))
  }
  if (r.additions !== undefined && r.deletions !== undefined) {
    const counts = `${p.green(`+${r.additions}`)} ${p.red(`-${r.deletions}`)}`
    parts.push(r.diffOmitted === 'too-large' ? `${counts} (diff too large to show)` : counts)
  }
  parts.push(...kindMarks(kinds, r).map(inert))
  const ui = uiWorkText(r)
  if (r.drifted) parts.push(p.yellow(ui ? `drifted: ${ui}` : 'drifted'))
  if (r.remark !== undefined) parts.push(p.dim(inert(r.remark)))
  else if (r.action === 'orphaned' && !ui) parts.push(p.dim('kept: --delete is off'))
  return parts.join(' · ')
}

/** What the comment says above the resource's diff (callers, triggers, missing names…), as plain lines. */
function aboveLines(r: ResourceChange, kinds: ReportInput['kinds']): string[] {
  return kindAbove(kinds, r).flatMap((paragraph) =>
    paragraph.split('\n').map((line) => `      ${inert(plainText(line))}`)
  )
}

/** Escaped Markdown (`escapeText`, `<code>`, `**bold**`) as the text it stands for. */
function plainText(markdown: string): string {
  return markdown
    .replace(/<\/?code>/g, '')
    .replace(/\*\*/g, '')
    .replace(/@&#8203;/g, '@')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&(amp|lt|gt|quot);/g, (_, name: 'amp' | 'lt' | 'gt' | 'quot') => ENTITIES[name])
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"' }

function diffLines(diff: string, p: Palette): string[] {
  const lines = diff.replace(/\n$/, '').split('\n')
  return lines.map((line) => {
    const text = `      ${inert(line)}`
    if (line.startsWith('+++') || line.startsWith('---')) return p.bold(text)
    if (line.startsWith('@@')) return p.cyan(text)
    if (line.startsWith('+')) return p.green(text)
    if (line.startsWith('-')) return p.red(text)
    return line.startsWith('\\') ? p.dim(text) : text
  })
}

/** `upgrade-check`'s list (docs/upgrade.md), compiler-style: `file:line: why`, the fix, then the counts. */
function upgradeText(upgrade: Upgrade | undefined, written: boolean, p: Palette): string {
  if (!upgrade) return 'Upgrade readiness was not checked.\n'
  const { target, flows, loading, items } = upgrade.report
  const lines = items.map((item) => {
    const fix = item.mechanical
      ? written
        ? 'rewritten in place'
        : 'mechanical: `kestra-gitops upgrade-check --write` rewrites it'
      : `manual: see ${item.guide}`
    const level = item.mechanical && written ? p.green('fixed') : p.red('error')
    return `${item.file}:${item.line}: ${level}: ${item.message}\n  fix: ${fix}\n`
  })
  const manual = items.filter((item) => !item.mechanical)
  const left = written ? new Set(manual.map((item) => item.file)).size : flows - loading
  const files = upgrade.rewrites().length
  const done = written && files > 0 ? ` ${files} file(s) rewritten.` : ''
  const verdict =
    left === 0
      ? `Ready for Kestra ${target}: all ${flows} flow(s) would load${written ? ' now' : ''}.${done}`
      : `Not ready for Kestra ${target}: ${left} of ${flows} flow(s) would not load${written ? ' after the rewrites' : ''} (${items.length - manual.length} mechanical, ${manual.length} manual refusal(s)).${done}`
  return `${lines.join('')}${verdict}\n`
}

/** Writes each rewritten flow file in place under `workspace`, only when it still holds what was checked. */
function writeRewrites(workspace: string, upgrade: Upgrade): string[] {
  const skipped: string[] = []
  for (const { file, raw, source } of upgrade.rewrites()) {
    const path = resolve(workspace, file)
    if (!path.startsWith(resolve(workspace) + sep) || readFileSync(path, 'utf8') !== raw) {
      skipped.push(file)
      continue
    }
    writeFileSync(path, source)
  }
  return skipped
}

type Env = Record<string, string | undefined>

/**
 * The action's settings from the command line, the environment and, with `settingsFile`, the repository's
 * settings file (docs/inputs.md#settings-file); values a local run fixes win over the file's, silently.
 */
export function cliSettings(
  args: CliArgs,
  env: Env,
  cwd: string,
  { settingsFile = false, log }: { settingsFile?: boolean; log?(message: string): void } = {}
): Settings {
  // Run from a subfolder of a repository whose settings file is at its Git root, the run reads the repository
  // from there, root being the subfolder unless a flag or the file says otherwise.
  const workspace = settingsFile ? cliWorkspace(cwd) : cwd
  const below = relative(workspace, cwd).split(sep).join('/')
  let root = args.inputs.root?.trim()
  if (root !== undefined && isAbsolute(root)) root = rootInside(root, workspace)
  else if (root !== undefined && below !== '') root = posix.join(below, root)
  if (root !== args.inputs.root) args = { ...args, inputs: { ...args.inputs, root } }
  try {
    const file = settingsFile
      ? localFile(readSettingsFile(workspace, cliWay), args, log)
      : undefined
    if (file && workspace !== cwd) {
      log?.(
        `Settings file: ${relative(cwd, join(workspace, file.path))}, at the Git root ${workspace}: the repository is read from there` +
          (root === undefined && !file.values.has('root') ? `, with root ${below}` : '')
      )
    }
    const read = (name: InputName): string => {
      // upgrade-check validates locally, then checks against the release `--to` names (default: 2.0).
      if (name === 'mode') return args.command === UPGRADE_CHECK ? 'validate' : (args.command ?? '')
      if (name === 'upgrade-check' && args.command === UPGRADE_CHECK) return args.to ?? '2.0'
      if (name === 'root' && args.inputs.root === undefined && !file?.values.has('root'))
        return below
      const credential = entryOf(CREDENTIAL_VARIABLES, name)
      if (credential) return env[credential] ?? ''
      const fixed = entryOf(LOCAL_VALUES, name)
      if (fixed !== undefined) return fixed
      const variable = entryOf(FLAG_VARIABLES, name)
      return args.inputs[name] ?? (variable && env[variable]) ?? ''
    }
    return parseSettings(read, { file, log, givenIn: 'the command line' })
  } catch (error) {
    if (error instanceof SettingsFileError)
      throw new UsageError(settingsFileMessage(error, cwd, workspace))
    if (!(error instanceof ConfigError)) throw error
    const detail = error.message.replace(/^Input '[^']*': /, '')
    throw new UsageError(`${sourceOf(error.input, args)}: ${detail}`)
  }
}

/** `cwd`, unless it holds no settings file and is below a Git root that does (docs/inputs.md#settings-file). */
function cliWorkspace(cwd: string): string {
  const holdsFile = (dir: string) => SETTINGS_FILE_PATHS.some((path) => existsSync(join(dir, path)))
  if (holdsFile(cwd)) return cwd
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return holdsFile(dir) ? dir : cwd
    if (dirname(dir) === dir) return cwd
  }
}

function settingsFileMessage(error: SettingsFileError, cwd: string, workspace: string): string {
  const shown = relative(cwd, join(workspace, error.file)).split(sep).join('/')
  return error.problems.map(({ line, detail }) => `${shown}:${line}: ${detail}`).join('\n')
}

function cliWay(name: string): string {
  const variable = entryOf(CREDENTIAL_VARIABLES, name)
  if (variable) return `give it to the CLI in the environment variable ${variable}`
  if (name === 'mode') return 'the command names it (kestra-gitops validate, plan or deploy)'
  const local = entryOf(GITHUB_ONLY, name)
  if (local) return `and the CLI does not take it: ${local}`
  return `give it to the CLI as --${name}`
}

function sourceOf(input: string, args: CliArgs): string {
  const credential = entryOf(CREDENTIAL_VARIABLES, input)
  if (credential) return credential
  const variable = entryOf(FLAG_VARIABLES, input)
  if (variable && args.inputs[input as InputName] === undefined) return variable
  return `--${input}`
}

/**
 * The file's values but those a local run fixes. A `deploy` names, in one line, those the file sets that would
 * make a deploy in GitHub Actions do more, with what this one does instead; no other run is concerned by them
 * (docs/cli.md#settings-the-cli-does-not-use).
 */
function localFile(
  file: SettingsFile | undefined,
  args: Pick<CliArgs, 'command' | 'autoApprove' | 'inputs'>,
  log: ((message: string) => void) | undefined
): SettingsFile | undefined {
  if (!file) return undefined
  // A dry run writes nothing: none of them concerns it.
  const dryRun = (args.inputs['dry-run'] ?? file.values.get('dry-run')?.text.trim()) === 'true'
  const concerned: string[] = []
  const instead: string[] = []
  const values = [...file.values].filter(([name, { text, line }]) => {
    const fixed = entryOf(LOCAL_VALUES, name)
    if (fixed === undefined) return true
    const local = entryOf(LOCAL_DEPLOY, name)
    if (args.command === 'deploy' && !dryRun && local && text.trim() !== fixed) {
      concerned.push(`${name} (line ${line})`)
      const said = local(args.autoApprove)
      if (!instead.includes(said)) instead.push(said)
    }
    return false
  })
  if (concerned.length > 0) {
    log?.(
      `notice ${file.path}: ${concerned.join(', ')} ${concerned.length > 1 ? 'apply' : 'applies'} in GitHub Actions only: this deploy ${instead.join(', ')} (docs/cli.md#settings-the-cli-does-not-use).`
    )
  }
  return { path: file.path, values: new Map(values) }
}

/** `root` (absolute) as a path relative to `cwd`, following symbolic links when they make it so. */
function rootInside(root: string, cwd: string): string {
  const real = (path: string) => realOrUndefined(path) ?? resolve(path)
  for (const [from, to] of [
    [resolve(cwd), resolve(root)],
    [real(cwd), real(root)]
  ] as const) {
    if (inside(from, to)) return relative(from, to).split(sep).join('/') || '.'
  }
  throw new UsageError(
    `--root: '${root}' is not inside the current folder ${cwd}; run kestra-gitops from the repository that holds it (cd there), or give --root relative to it`
  )
}

/**
 * A run on a local checkout: like `workflow_dispatch` (every file changed), or with `base` like a push from
 * that ref to HEAD (its changes, and drift measured against it).
 */
async function localRunContext(
  cwd: string,
  env: Env,
  runnerTemp: string,
  base: string | undefined
): Promise<RunContext> {
  const head = await git(cwd, ['rev-parse', '--verify', 'HEAD^{commit}'])
  const [owner, repo] = await repositoryName(cwd, env)
  const context: RunContext = {
    eventName: 'workflow_dispatch',
    workspace: cwd,
    runnerTemp,
    sha: head ?? '',
    owner,
    repo,
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: '',
    local: true
  }
  if (base === undefined) return context
  if (!head) throw new UsageError('--base needs a git repository with at least one commit')
  // The ref is a single argument after --end-of-options: never an option, never a shell word.
  if (base.startsWith('-')) throw new UsageError(`--base '${base}' is not a git ref`)
  const before = await git(cwd, ['rev-parse', '--verify', '--end-of-options', `${base}^{commit}`])
  if (!before) throw new UsageError(`--base '${base}' names no commit of this repository`)
  return { ...context, eventName: 'push', push: { before, after: head, ref: '' } }
}

async function uncommittedPaths(cwd: string, root: string): Promise<string[]> {
  const status = await git(cwd, ['status', '--porcelain', '-z', '--', root])
  return (status ?? '').split('\0').filter(Boolean)
}

/** `owner/repo` so markers agree: GITHUB_REPOSITORY, else the origin remote, else the folder. */
async function repositoryName(cwd: string, env: Env): Promise<[string, string]> {
  const fromEnv = /^([^/\s]+)\/([^/\s]+)$/.exec(env.GITHUB_REPOSITORY ?? '')
  if (fromEnv) return [fromEnv[1]!, fromEnv[2]!]
  // Userinfo (a token in an https remote) is dropped before anything is taken from the URL.
  const remote = (await git(cwd, ['config', '--get', 'remote.origin.url']))?.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i,
    '$1'
  )
  const fromRemote = /([^/:@\s]+)\/([^/:@\s]+?)(?:\.git)?\/?$/.exec(remote ?? '')
  if (fromRemote) return [fromRemote[1]!, fromRemote[2]!]
  const toplevel = await git(cwd, ['rev-parse', '--show-toplevel'])
  return ['', (toplevel ?? cwd).split(/[\\/]/).pop() ?? '']
}

/** Trimmed stdout, or undefined when git fails, is missing or says nothing. */
async function git(cwd: string, args: string[]): Promise<string | undefined> {
  return (await gitOutput(cwd, args))?.trim() || undefined
}
