/**
 * Runs the jobs of a workflow written in the README the way GitHub would for one event, as far as the
 * README's workflows need: a job runs when its `if` holds; its `permissions:` become the token's (GitHub
 * sets every permission it does not list to `none`, https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#permissions);
 * `actions/checkout` puts the commit in the workspace (or, skipped, leaves it empty); this action's step
 * runs the bundle with its `with:` values, `${{ … }}` expressions resolved from the event, `vars`,
 * `secrets`, `steps.<id>.outputs` and `needs.<job>.outputs`; a job whose `needs` did not all succeed is
 * skipped, as GitHub does without `always()`.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
  with?: Record<string, unknown>
}

export interface Job {
  if?: string
  needs?: string | string[]
  environment?: string | { name: string }
  permissions?: Record<string, Access>
  outputs?: Record<string, string>
  steps: Step[]
}

export interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, Access>
  jobs: Record<string, Job>
}

/** The YAML block whose first line is `# <path>`, in the README or in docs/workflows.md. */
export function readmeWorkflow(path: string): Workflow {
  return parse(readmeBlock(path)) as Workflow
}

/** The pages whose workflows users copy: the README's quick start, then docs/workflows.md. */
const WORKFLOW_PAGES = ['README.md', 'docs/workflows.md']

/** The text of the YAML block whose first line is `# <title>`, in the README or in docs/workflows.md. */
export function readmeBlock(title: string): string {
  for (const page of WORKFLOW_PAGES) {
    const block = readFileSync(join(PROJECT_ROOT, page), 'utf8')
      .split('```yaml\n')
      .slice(1)
      .map((part) => part.slice(0, part.indexOf('```')))
      .find((text) => text.startsWith(`# ${title}\n`))
    if (block) return block
  }
  throw new Error(`${WORKFLOW_PAGES.join(' and ')} have no YAML block '# ${title}'`)
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
  /** Called before each job starts (e.g. while a reviewer approves it). */
  beforeJob?(job: string): void | Promise<void>
}

export interface JobRun {
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
    const scope = { ...expressionScope(event, context), needs: done }
    if (needs.some((need) => done[need]?.result !== 'success')) {
      done[name] = { result: 'skipped', outputs: {} }
      continue
    }
    if (job.if !== undefined && !truthy(evaluate(job.if, scope))) {
      done[name] = { result: 'skipped', outputs: {} }
      continue
    }
    await context.beforeJob?.(name)
    context.github.setPermissions(tokenPermissions(job.permissions ?? workflow.permissions))
    let workspace = mkdtempSync(join(tmpdir(), 'kga-empty-workspace-'))
    const steps: Record<string, { outputs: Record<string, string> }> = {}
    let result = 'success'
    for (const step of job.steps) {
      const stepScope = { ...scope, steps }
      if (step.if !== undefined && !truthy(evaluate(step.if, stepScope))) continue
      if (step.uses?.startsWith('actions/checkout@')) workspace = event.workspace
      if (!ACTION.test(step.uses ?? '')) continue
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([key, value]) => [
          key,
          interpolate(String(value), stepScope)
        ])
      )
      const run = await runAction({
        eventName: event.eventName,
        sha: event.sha,
        ref: event.ref,
        payload: event.payload,
        workspace,
        githubApiUrl: context.github.url,
        inputs
      })
      runs.push({ job: name, result: run })
      if (step.id) steps[step.id] = { outputs: run.outputs }
      if (run.exitCode !== 0) {
        result = 'failure'
        break
      }
    }
    const outputs = Object.fromEntries(
      Object.entries(job.outputs ?? {}).map(([key, value]) => [
        key,
        interpolate(value, { ...scope, steps })
      ])
    )
    done[name] = { result, outputs }
  }
  context.github.setPermissions({})
  return runs
}

function tokenPermissions(
  listed: Record<string, Access> | undefined
): Partial<Record<Scope, Access>> {
  if (!listed) return {}
  return Object.fromEntries(SCOPES.map((scope) => [scope, listed[scope] ?? 'none']))
}

type ExpressionScope = Record<string, unknown>

function expressionScope(event: WorkflowEvent, context: Context): ExpressionScope {
  return {
    github: {
      event_name: event.eventName,
      event: event.payload,
      sha: event.sha,
      repository: 'octo/kestra-repo'
    },
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
 * The README's expressions: property paths, string literals, `==`, `!=`, `&&`, `||`
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
