/**
 * Runs the jobs of a workflow written in the README, docs/workflows.md or docs/environments.md the way GitHub
 * would for one event, as far as those workflows need: a job runs when its `if` holds, once per combination of
 * its `strategy.matrix`; its `permissions:` become the token's (GitHub sets every permission it does not list to `none`,
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#permissions);
 * `actions/checkout` puts the commit in the workspace (or, skipped, leaves it empty);
 * `actions/create-github-app-token` gives the App's installation token when its inputs name the App and ask for
 * no permission the App lacks (https://github.com/actions/create-github-app-token, "permission-<name>"); this
 * action's step runs the bundle with its `with:` values, `${{ … }}` expressions resolved from the event,
 * `inputs`, `vars`, `secrets`, `matrix`, `steps.<id>.outputs` and `needs.<job>.outputs`; after a failed step
 * only the steps whose `if` asks `failure()` or `always()` run, and a `run:` step is evaluated, never run; a job
 * whose `needs` did not all succeed is skipped, as GitHub does without `always()`.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { toString } from 'mdast-util-to-string'
import { parse } from 'yaml'
import {
  SCOPES,
  type Access,
  type FakeGitHub,
  type Scope
} from '../../../test-support/fake-github.js'
import { PROJECT_ROOT, runAction, type RunResult } from '../../../test-support/runner.js'

/** This action's step: pinned to a commit until the first release, to the major tag from then on (README.md). */
const ACTION = /^kestra-gitops\/kestra-gitops-action@(<commit-sha>|v\d+)$/

interface Step {
  uses?: string
  id?: string
  if?: string
  run?: string
  with?: Record<string, unknown>
}

export interface Job {
  if?: string
  needs?: string | string[]
  environment?: string | { name: string }
  permissions?: Record<string, Access>
  outputs?: Record<string, string>
  strategy?: { matrix?: Record<string, unknown[]> }
  steps: Step[]
}

export interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, Access>
  jobs: Record<string, Job>
}

/** The YAML block whose first line is `# <path>`, in a page of WORKFLOW_PAGES. */
export function readmeWorkflow(path: string): Workflow {
  return parse(readmeBlock(path)) as Workflow
}

/** The pages whose workflows users copy: the README's quick start, docs/workflows.md, docs/environments.md. */
const WORKFLOW_PAGES = ['README.md', 'docs/workflows.md', 'docs/environments.md']

/** The text of the YAML block whose first line is `# <title>`, in a page of WORKFLOW_PAGES. */
export function readmeBlock(title: string): string {
  const block = yamlBlocks().find((b) => b.title === title)
  if (!block) throw new Error(`${WORKFLOW_PAGES.join(' and ')} have no YAML block '# ${title}'`)
  return block.text
}

/** A YAML block of a page users copy from: its section's heading and its `# <title>` first line, if any. */
export interface YamlBlock {
  page: string
  section: string
  title?: string
  text: string
  /** `README.md › 4. Bring back edits made outside Git · .github/workflows/kestra-drift.yml` */
  key: string
}

export function yamlBlocks(): YamlBlock[] {
  return WORKFLOW_PAGES.flatMap((page) => {
    let section = ''
    const blocks: YamlBlock[] = []
    for (const node of fromMarkdown(readFileSync(join(PROJECT_ROOT, page), 'utf8')).children) {
      if (node.type === 'heading') section = toString(node)
      if (node.type !== 'code' || node.lang !== 'yaml') continue
      const text = `${node.value}\n`
      const title = /^# (.+)\n/.exec(text)?.[1]
      const key = `${page} › ${section}${title ? ` · ${title}` : ''}`
      blocks.push({ page, section, title, text, key })
    }
    return blocks
  })
}

/** The YAML blocks that hold a step of this action: each must run in a test as written. */
export function workflowBlocks(): YamlBlock[] {
  return yamlBlocks().filter((block) => /kestra-gitops\/kestra-gitops-action@/.test(block.text))
}

/**
 * The workflow a block is, as a user pastes it: a whole workflow as it stands; a list of steps in place of the
 * `host` workflow's step of this action; a `jobs:` mapping in place of the host's jobs.
 */
export function workflowOf(block: YamlBlock, host: Workflow): Workflow {
  const parsed = parse(block.text) as unknown
  if (Array.isArray(parsed)) {
    const jobs = Object.fromEntries(
      Object.entries(host.jobs).map(([name, job]) => [
        name,
        {
          ...job,
          steps: job.steps.flatMap((step) =>
            ACTION.test(step.uses ?? '') ? (parsed as Step[]) : [step]
          )
        }
      ])
    )
    return { ...host, jobs }
  }
  const workflow = parsed as Partial<Workflow>
  if (workflow.on === undefined) return { ...host, jobs: workflow.jobs! }
  return workflow as Workflow
}

export interface WorkflowEvent {
  eventName: string
  sha: string
  ref?: string
  payload: Record<string, unknown>
  /** The repository checked out at `sha`. */
  workspace: string
}

export interface Context {
  vars: Record<string, string>
  secrets: Record<string, string>
  github: FakeGitHub
  /**
   * The GitHub App that `actions/create-github-app-token` signs in as: its client id, its private key (the
   * workflow must pass these), the installation token the fake GitHub knows, and the permissions it was granted.
   */
  app?: { clientId: string; privateKey: string; token: string; permissions: Record<string, Access> }
  /** Called before each job starts (e.g. while a reviewer approves it). */
  beforeJob?(job: string): void | Promise<void>
}

export interface JobRun {
  /** The job's name, with its matrix values when it has a matrix: `plan (sales)`. */
  job: string
  result: RunResult
}

/** Every job the event starts, in the workflow's order; each action step's result. */
export async function runWorkflow(
  workflow: Workflow,
  event: WorkflowEvent,
  context: Context
): Promise<JobRun[]> {
  const runs: JobRun[] = []
  const done: Record<string, { result: string; outputs: Record<string, string> }> = {}
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const needs = job.needs === undefined ? [] : [job.needs].flat()
    const scope = {
      ...expressionScope(workflow, event, context),
      needs: done,
      job: { status: 'success' }
    }
    if (needs.some((need) => done[need]?.result !== 'success')) {
      done[name] = { result: 'skipped', outputs: {} }
      continue
    }
    if (job.if !== undefined && !truthy(evaluate(job.if, scope))) {
      done[name] = { result: 'skipped', outputs: {} }
      continue
    }
    let result = 'success'
    let outputs: Record<string, string> = {}
    for (const matrix of combinations(job.strategy?.matrix)) {
      const label = Object.keys(matrix).length
        ? `${name} (${Object.values(matrix).join(', ')})`
        : name
      await context.beforeJob?.(name)
      const ran = await runJob(workflow, job, event, context, { ...scope, matrix })
      for (const run of ran.runs) runs.push({ job: label, result: run })
      if (ran.result !== 'success') result = ran.result
      outputs = ran.outputs
    }
    done[name] = { result, outputs }
  }
  context.github.setPermissions({})
  return runs
}

async function runJob(
  workflow: Workflow,
  job: Job,
  event: WorkflowEvent,
  context: Context,
  scope: ExpressionScope & { job: { status: string } }
): Promise<{ result: string; outputs: Record<string, string>; runs: RunResult[] }> {
  context.github.setPermissions(tokenPermissions(job.permissions ?? workflow.permissions))
  let workspace = mkdtempSync(join(tmpdir(), 'kga-empty-workspace-'))
  const steps: Record<string, { outputs: Record<string, string> }> = {}
  const runs: RunResult[] = []
  for (const step of job.steps) {
    const stepScope = { ...scope, steps }
    const failed = scope.job.status !== 'success'
    // GitHub runs a step after a failure only when its `if` asks for a status (failure(), always()).
    const asksStatus = /\b(failure|always)\(\)/.test(step.if ?? '')
    if (failed && !asksStatus) continue
    if (step.if !== undefined && !truthy(evaluate(step.if, stepScope))) continue
    if (step.run !== undefined) continue
    const inputs = Object.fromEntries(
      Object.entries(step.with ?? {}).map(([key, value]) => [
        key,
        interpolate(String(value), stepScope)
      ])
    )
    if (step.uses?.startsWith('actions/checkout@')) workspace = event.workspace
    if (step.uses?.startsWith('actions/create-github-app-token@')) {
      if (step.id) steps[step.id] = { outputs: { token: appToken(inputs, context) } }
      continue
    }
    if (!ACTION.test(step.uses ?? '')) continue
    const run = await runAction({
      eventName: event.eventName,
      sha: event.sha,
      ref: event.ref,
      payload: event.payload,
      workspace,
      githubApiUrl: context.github.url,
      inputs
    })
    runs.push(run)
    if (step.id) steps[step.id] = { outputs: run.outputs }
    if (run.exitCode !== 0) scope.job.status = 'failure'
  }
  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([key, value]) => [
      key,
      interpolate(value, { ...scope, steps })
    ])
  )
  return { result: scope.job.status, outputs, runs }
}

/**
 * What `actions/create-github-app-token` does with the workflow's inputs: it needs the App's client id (or its
 * older `app-id`) and private key, and refuses a `permission-<name>` the installation does not have. A refusal
 * throws: the workflow as written could not get its token.
 */
function appToken(inputs: Record<string, string>, context: Context): string {
  const app = context.app
  if (!app) throw new Error('create-github-app-token: this test gives no GitHub App')
  const id = inputs['client-id'] || inputs['app-id']
  if (id !== app.clientId) throw new Error(`create-github-app-token: no App '${id ?? ''}'`)
  if (inputs['private-key'] !== app.privateKey)
    throw new Error("create-github-app-token: the private key is not the App's")
  for (const [input, level] of Object.entries(inputs)) {
    const scope = /^permission-(.+)$/.exec(input)?.[1]
    if (!scope) continue
    const granted = app.permissions[scope] ?? 'none'
    if (granted === 'none' || (level === 'write' && granted !== 'write'))
      throw new Error(`create-github-app-token: the installation has no ${scope}: ${level}`)
  }
  return app.token
}

/** Each combination of a job's matrix (one empty one without a matrix), in GitHub's order. */
function combinations(matrix: Record<string, unknown[]> | undefined): Record<string, unknown>[] {
  return Object.entries(matrix ?? {}).reduce<Record<string, unknown>[]>(
    (all, [key, values]) =>
      all.flatMap((combination) => values.map((value) => ({ ...combination, [key]: value }))),
    [{}]
  )
}

function tokenPermissions(
  listed: Record<string, Access> | undefined
): Partial<Record<Scope, Access>> {
  if (!listed) return {}
  return Object.fromEntries(SCOPES.map((scope) => [scope, listed[scope] ?? 'none']))
}

type ExpressionScope = Record<string, unknown>

function expressionScope(
  workflow: Workflow,
  event: WorkflowEvent,
  context: Context
): ExpressionScope {
  // `inputs` holds a dispatch's inputs, each defaulted as the workflow declares it.
  const declared = (
    workflow.on.workflow_dispatch as { inputs?: Record<string, { default?: unknown }> } | null
  )?.inputs
  const given = (event.payload.inputs ?? {}) as Record<string, unknown>
  const inputs = Object.fromEntries(
    Object.entries(declared ?? {}).map(([name, input]) => [name, given[name] ?? input.default])
  )
  return {
    github: {
      event_name: event.eventName,
      event: event.payload,
      sha: event.sha,
      repository: 'octo/kestra-repo'
    },
    inputs,
    vars: context.vars,
    secrets: context.secrets
  }
}

/** `${{ expr }}` pieces of a `with:` value, replaced by their values. */
function interpolate(text: string, scope: ExpressionScope): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_all, expression: string) =>
    String(evaluate(expression, scope) ?? '')
  )
}

function truthy(value: unknown): boolean {
  return value !== false && value !== '' && value !== 0 && value !== null && value !== undefined
}

/**
 * The README's expressions: property paths, string literals, `==`, `!=`, `&&`, `||`, `success()`, `failure()`,
 * `always()`
 * (https://docs.github.com/actions/reference/workflows-and-actions/expressions). Anything else throws,
 * so a README that outgrows this cannot pass silently.
 */
function evaluate(expression: string, scope: ExpressionScope): unknown {
  const text = expression.replace(/^\s*\$\{\{|\}\}\s*$/g, '').trim()
  for (const [operator, combine] of [
    ['||', (a: unknown, b: () => unknown) => (truthy(a) ? a : b())],
    ['&&', (a: unknown, b: () => unknown) => (truthy(a) ? b() : a)]
  ] as const) {
    const at = text.indexOf(operator)
    if (at >= 0) {
      const left = evaluate(text.slice(0, at), scope)
      return combine(left, () => evaluate(text.slice(at + operator.length), scope))
    }
  }
  const comparison = /^(.*?)\s*(==|!=)\s*(.*)$/.exec(text)
  if (comparison) {
    const equal = evaluate(comparison[1]!, scope) === evaluate(comparison[3]!, scope)
    return comparison[2] === '==' ? equal : !equal
  }
  const status = /^(success|failure|always)\(\)$/.exec(text)?.[1]
  if (status) {
    const jobStatus = (scope.job as { status?: string } | undefined)?.status ?? 'success'
    return status === 'always' || (status === 'success') === (jobStatus === 'success')
  }
  const literal = /^'((?:[^']|'')*)'$/.exec(text)
  if (literal) return literal[1]!.replace(/''/g, "'")
  if (/^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(text)) {
    return text.split('.').reduce<unknown>((value, key) => {
      if (value === null || typeof value !== 'object') return undefined
      return (value as Record<string, unknown>)[key]
    }, scope)
  }
  throw new Error(`The README workflow uses an expression this runner does not read: ${text}`)
}
