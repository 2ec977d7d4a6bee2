/**
 * The stage of the dashboards end-to-end tests (docs/dashboards.md): a tenant-layout repository whose
 * `dashboards/` folder holds Kestra dashboards, a Kestra emulator seeded with what the base commit holds,
 * a fake GitHub API, and the bundled action run on a pull request or a push. Helpers read back what users
 * see: the live dashboards, a comment's Dashboards section, a table row of the job summary.
 */
import { readFileSync } from 'node:fs'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import {
  startEmulator,
  WRITE_ROUTES,
  type Emulator,
  type EmulatorOptions,
  type LoggedRequest,
  type SeedState
} from '../../test-support/kestra-emulator/index.js'
import { runAction, type RunResult } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent, pushEvent } from '../../test-support/scenario.js'
import { seedOf, type Tree } from '../reliability/expected-state.js'

export const NS = 'company.team'
export const PR = 7
export const TIMESERIES = 'io.kestra.plugin.core.dashboard.chart.TimeSeries'

/**
 * A dashboard as Kestra's own tests write one: an id, a title, one time-series chart of executions with its
 * columns (without them 1.3.31's validation throws, docs/kestra.md#the-emulator-against-the-engine).
 */
export function dashboard(id: string, title: string, extra = ''): string {
  return `id: ${id}
title: ${title}
${extra}charts:
  - id: executions_timeseries
    type: ${TIMESERIES}
    data:
      type: io.kestra.plugin.core.dashboard.data.Executions
      columns:
        date:
          field: START_DATE
        total:
          agg: COUNT
`
}

export const HELLO = flow(NS, 'hello')
export const HELLO_V2 = flow(NS, 'hello', ' v2')
export const SALES = dashboard('sales', 'Sales')
export const SALES_V2 = dashboard('sales', 'Sales v2')
export const OPS = dashboard('ops', 'Operations', 'description: What runs and what fails\n')
export const SAME = dashboard('same', 'Same')
export const LEGACY = dashboard('legacy', 'Legacy')

/** A push that updates a flow, updates sales, creates ops and deletes legacy: the fault tests' deploy. */
export const FAULT_STAGE: DashStageOptions = {
  base: {
    [`${NS}/flows/hello.yml`]: HELLO,
    'dashboards/team/sales.yaml': SALES,
    'dashboards/legacy.yml': LEGACY,
    'dashboards/same.yml': SAME
  },
  change: {
    [`${NS}/flows/hello.yml`]: HELLO_V2,
    'dashboards/team/sales.yaml': SALES_V2,
    'dashboards/ops.yml': OPS,
    'dashboards/legacy.yml': null
  }
}

/** Each dashboard FAULT_STAGE's deploy changes, as the server holds it before and after (undefined: absent). */
export const FAULT_CHANGED: Record<string, { before?: string; deployed?: string }> = {
  sales: { before: SALES, deployed: SALES_V2 },
  ops: { deployed: OPS },
  legacy: { before: LEGACY }
}

export type Held = 'before' | 'deployed' | 'other'

/** What the server holds of a dashboard FAULT_STAGE's deploy changes. */
export function heldDashboard(kestra: Emulator, id: string): Held {
  const now = kestra.snapshot().dashboards.find((d) => d.id === id && !d.deleted)?.source
  if (now === FAULT_CHANGED[id]!.before) return 'before'
  return now === FAULT_CHANGED[id]!.deployed ? 'deployed' : 'other'
}

export interface DashStage {
  kestra: Emulator
  github: FakeGitHub
  repo: GitRepo
  base: string
  head: string
}

export interface DashStageOptions {
  /** The repository at the base commit; the server holds it (flows, files and dashboards). */
  base: Tree
  /** Committed on top of the base (null deletes). */
  change: Tree
  /** Server content besides the base, applied after it (a dashboard seeded again replaces the base's). */
  seed?: SeedState
  /** Default: Kestra 1.3.25, whose dashboard answers carry `sourceCode`. */
  emulator?: EmulatorOptions
}

/** Runs `body` on a fresh stage, closed whatever happens. */
export async function onDashStage(
  options: DashStageOptions,
  body: (s: DashStage) => Promise<void>
): Promise<void> {
  const kestra = await startEmulator({
    basicAuth: CREDENTIALS,
    version: '1.3.25',
    ...options.emulator
  })
  const github = await startFakeGitHub()
  try {
    kestra.seed({ ...seedOf(options.base), dashboards: dashboardsOf(options.base) })
    if (options.seed) kestra.seed(options.seed)
    const repo = createGitRepo(options.base)
    const base = repo.head()
    repo.git('checkout', '-q', '-b', 'feature')
    const head = repo.commit(options.change, 'change')
    github.setCommitPulls(head, [
      { number: PR, merged_at: '2026-11-22T10:00:00Z', merge_commit_sha: head }
    ])
    await body({ kestra, github, repo, base, head })
  } finally {
    kestra.onRequest(undefined)
    await kestra.close()
    await github.close()
  }
}

/** The dashboards of a tree's `dashboards/` folder, as the server holds them once deployed. */
function dashboardsOf(tree: Tree): { source: string }[] {
  return Object.entries(tree)
    .filter(([path, spec]) => path.startsWith('dashboards/') && typeof spec === 'string')
    .map(([, spec]) => ({ source: spec as string }))
}

/** The bundled action on the pull request from base to head. */
export function planRun(s: DashStage, inputs: Record<string, string> = {}): Promise<RunResult> {
  return runAction({
    ...pullRequestEvent(s.repo, s.base, s.head, { number: PR }),
    githubApiUrl: s.github.url,
    inputs: { server: s.kestra.url, ...CREDENTIALS, ...inputs }
  })
}

/** The bundled action on the push of head (the merge of the pull request). */
export function pushRun(
  s: DashStage,
  inputs: Record<string, string> = {},
  signal?: AbortSignal
): Promise<RunResult> {
  return runAction({
    ...pushEvent(s.repo, s.base, s.head),
    githubApiUrl: s.github.url,
    signal,
    inputs: { server: s.kestra.url, ...CREDENTIALS, ...inputs }
  })
}

/** Live dashboards by id: their stored source. */
export function liveDashboards(kestra: Emulator): Record<string, string> {
  return Object.fromEntries(
    kestra
      .snapshot()
      .dashboards.filter((d) => !d.deleted)
      .map((d) => [d.id, d.source])
  )
}

export function dashboardRequests(kestra: Emulator): LoggedRequest[] {
  return kestra.requests.filter((r) => r.route.startsWith('dashboards.'))
}

export function writes(kestra: Emulator): LoggedRequest[] {
  return kestra.requests.filter((r) => WRITE_ROUTES.includes(r.route))
}

/** From a `#### ` heading to the next heading or the fingerprint line; '' when the heading is absent. */
export function sectionOf(markdown: string, heading: string): string {
  const lines = markdown.split('\n')
  const start = lines.indexOf(heading)
  if (start < 0) return ''
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((l) => /^#{3,4} /.test(l) || l.startsWith('Plan fingerprint:'))
  return [heading, ...(end < 0 ? rest : rest.slice(0, end))].join('\n')
}

/**
 * A dashboard's cell in the column `column` of a report table (the Deployed table's `Result`, the rollback
 * table's `Deploy did` and `Rollback`), or undefined when no such table has a row for it.
 */
export function cell(markdown: string, id: string, column: string): string | undefined {
  let at = -1
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    if (!line.startsWith('|')) at = -1
    else if (cells.includes(column)) at = cells.indexOf(column)
    else if (at > 0 && cells[1] === id && cells[2] === 'dashboard') return cells[at]
  }
  return undefined
}

/** The Deployed table's result of a dashboard. */
export function deployed(markdown: string, id: string): string | undefined {
  return cell(markdown, id, 'Result')
}

/** The plan file's dashboard entries. */
export function plannedDashboards(result: RunResult): Record<string, unknown>[] {
  const planFile = JSON.parse(readFileSync(result.outputs['plan-file']!, 'utf8')) as {
    resources: Record<string, unknown>[]
  }
  return planFile.resources.filter((r) => r.kind === 'dashboard')
}

/** The step's failure and the annotations without a file, as one text. */
export function failureText(result: RunResult): string {
  return result.annotations
    .filter((a) => a.severity === 'error' && !a.file)
    .map((a) => a.message)
    .join('\n')
}
