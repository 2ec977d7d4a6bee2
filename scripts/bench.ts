/**
 * `npm run bench`: the bundled action against a synthetic monorepo and the Kestra emulator with a fixed
 * per-request latency. Measures plan and deploy wall time, Kestra requests by endpoint, peak RSS, cold
 * start and dist size, compares the plan with a per-resource baseline, and sweeps sizes to show how cost
 * grows. Prints Markdown tables and writes a JSON record. Run `npm run bench -- --help` for the flags.
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, rmSync, statSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { startFakeGitHub } from '../test-support/fake-github.js'
import { startEmulator, type Emulator } from '../test-support/kestra-emulator/index.js'
import { PROJECT_ROOT } from '../test-support/runner.js'
import { scratchTmpdirUntilExit } from '../test-support/scratch.js'
import { dispatchEvent, pullRequestEvent } from '../test-support/scenario.js'
import { perResourceBaseline, type BaselineResult } from './bench/baseline.js'
import { coldStartMs } from './bench/cold-start.js'
import { engineBench } from './bench/engine.js'
import { measureRun, type Measured } from './bench/measure.js'
import { cpuSplit, seriesOf, spread, type Series } from './bench/series.js'
import { actionNode, RUNNER_NODE_VERSION } from './bench/runner-node.js'
import {
  count,
  machine,
  megabytes,
  requestsTable,
  resultsTable,
  seconds,
  table,
  type Row
} from './bench/report.js'
import type { RepoSize } from './bench/synthetic-repo.js'
import { createWorkspace, seedOf, type BenchWorkspace } from './bench/workspace.js'
import { batchCount } from '../src/adapters/kestra/validate.js'
import { EXPORTED_AT_ONCE } from '../src/adapters/kestra/flows.js'
import { SEARCHED_NAMES_CHARS } from '../src/adapters/kestra/listings.js'
import { inputNames } from '../src/model/inputs/declared.js'
import { scriptFlags } from './flags.js'

const HELP = `npm run bench -- [flags]
  --flows N           flows in the repository (default 2000)
  --files N           namespace files (default 10000)
  --namespaces N      namespaces (default 40)
  --changed N         flows the pull request edits (default 200)
  --latency MS        emulator latency per request (default 50)
  --github-latency MS fake GitHub latency per request (default: --latency)
  --concurrency N     the action's concurrency input, also the baseline's (default 8, the action's default)
  --runs N            measured plans, deploys and re-deploys; the median and min–max are shown (default 5)
  --dist DIR          bundle to run (default dist/)
  --compare DIR       a second bundle, run alternately with the first in the same sitting (e.g. a build
                      of an earlier commit): the report adds a before/after table
  --node WHICH        Node.js for the action: runner (Node ${RUNNER_NODE_VERSION}, as GitHub runs it; the
                      default), local (the bench's own) or the path of a node binary
  --json FILE         where to write the JSON record (default $TMPDIR/kestra-gitops-bench/results.json)
  --scale LIST        size multipliers of the sweep (default 1,4,16; 'none' skips it)
  --scale-size F,N,NS sweep base size: flows, files, namespaces (default 50,250,2)
  --scale-latency MS  emulator and GitHub latency during the sweep (default: --latency)
  --changed-sweep L   flow counts planned with --changed flows changed, --files and --namespaces as
                      given, --runs measured plans each after main's deploy (default 2000,10000; 'none'
                      skips): the plan's cost must follow the change, not the repository
  --cpu-prof DIR      also write a V8 CPU profile (node --cpu-prof) of each measured plan, deploy and re-deploy
                      of the main scenario, per bundle and scenario under DIR (e.g. with --runs 1);
                      scripts/bench/profile-summary.ts sums them by function
  --no-baseline       skip the per-resource baseline
  --no-first-deploy   skip the first deploy
  --seal-key          give the emulator's runs a seal-key input: the seal's key comes from it by HKDF instead of
                      from the credentials by scrypt (about 0.7 s of CPU a run; docs/security.md#what-kestra-holds)
  --input NAME=VALUE  give every run of the emulator's scenarios this action input as well (repeatable), e.g.
                      --input upgrade-check=off to measure without the 2.0 readiness section; not the
                      server, credentials, tokens or keys, nor with --kestra
  --no-credentials    run the emulator without basic authentication (Kestra OSS before 0.24): the action
                      then trusts no stored check (docs/performance.md#what-kv-can-do-to-it) and checks every
                      flow on every run
  --kestra engine:V   instead: Kestra's own engine of release V (1.3.31, 2.0.0; Java 21+ and Maven), started
                      for the sitting; a first deploy, a plan, a deploy and a no-change re-deploy of a smaller
                      repository (default 60 flows, 120 files, 3 namespaces, 12 changed unless given), then the
                      same against the emulator at V with no latency; prints both, request kind by kind`

const { values: flags } = scriptFlags('bench', HELP, {
  flows: { type: 'string', default: '2000' },
  files: { type: 'string', default: '10000' },
  namespaces: { type: 'string', default: '40' },
  changed: { type: 'string', default: '200' },
  latency: { type: 'string', default: '50' },
  'github-latency': { type: 'string' },
  concurrency: { type: 'string', default: '8' },
  runs: { type: 'string', default: '5' },
  dist: { type: 'string', default: join(PROJECT_ROOT, 'dist') },
  compare: { type: 'string' },
  node: { type: 'string', default: 'runner' },
  json: { type: 'string', default: join(tmpdir(), 'kestra-gitops-bench', 'results.json') },
  scale: { type: 'string', default: '1,4,16' },
  'scale-size': { type: 'string', default: '50,250,2' },
  'scale-latency': { type: 'string' },
  'changed-sweep': { type: 'string', default: '2000,10000' },
  'no-baseline': { type: 'boolean', default: false },
  'no-first-deploy': { type: 'boolean', default: false },
  'no-credentials': { type: 'boolean', default: false },
  'seal-key': { type: 'boolean', default: false },
  input: { type: 'string', multiple: true, default: [] },
  kestra: { type: 'string' },
  'cpu-prof': { type: 'string' }
})
// After --json's default, which stays where it is: the sitting's workspaces and runs go in a folder of their own.
scratchTmpdirUntilExit('kga-bench-')

const size: RepoSize = {
  flows: Number(flags.flows),
  files: Number(flags.files),
  namespaces: Number(flags.namespaces)
}
const changedFlows = Math.min(Number(flags.changed), size.flows)
const latencyMs = Number(flags.latency)
const githubLatencyMs = Number(flags['github-latency'] ?? flags.latency)
const scaleLatencyMs = Number(flags['scale-latency'] ?? flags.latency)
const concurrency = flags.concurrency
const RUNS = Number(flags.runs)
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer`)
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`)
const node = actionNode(flags.node, PROJECT_ROOT, log)

/** A bundle the bench runs, on the chosen Node. */
interface Bundle {
  distDir: string
  node: string
}
const bundles: Bundle[] = [flags.dist, ...(flags.compare ? [flags.compare] : [])].map((dir) => ({
  distDir: resolve(dir),
  node: node.path
}))
const [bundle] = bundles as [Bundle]

const MARKER_WRITES = 1 // per namespace whose deployed commit changes
const COMPARED_TIME_BUDGET = 1.0 // × the compared bundle's plan, deploy and re-deploy (issue 94)
const CHANGED_SWEEP_BUDGET = 1.5 // × the smallest changed-sweep point's plan

/**
 * --cpu-prof: the folder of a bundle's profiles of one measured scenario, `<bundle>-<n>/<scenario>`
 * (n tells apart two bundles of one folder name).
 */
function cpuProfDir(b: Bundle, scenario: string): string | undefined {
  if (!flags['cpu-prof']) return undefined
  const dir = join(
    resolve(flags['cpu-prof']),
    `${b.distDir.split('/').slice(-2).join('-')}-${bundles.indexOf(b)}`,
    scenario
  )
  mkdirSync(dir, { recursive: true })
  return dir
}

/** Runs `each` for every bundle, `RUNS` times, alternating which bundle goes first. */
async function alternately(
  each: (bundle: Bundle, round: number) => Promise<Measured>
): Promise<Series[]> {
  const runs: Measured[][] = bundles.map(() => [])
  for (let round = 0; round < RUNS; round++) {
    const order = round % 2 === 0 ? bundles : [...bundles].reverse()
    for (const b of order) runs[bundles.indexOf(b)]!.push(await each(b, round))
  }
  return runs.map(seriesOf)
}

interface BundleResults {
  plan: Series
  deploy: Series
  redeploy: Series
}

/** A PR plan, a deploy of the PR's changes, the same deploy again, and optionally a first deploy. */
async function mainScenario(workspace: BenchWorkspace) {
  const github = await startFakeGitHub({ latencyMs: githubLatencyMs })
  const kestra = await benchEmulator(latencyMs)
  const inputs = serverInputs(kestra)
  try {
    // The server as main was last deployed; `files: false` puts back only the flows and markers.
    const serveBase = async (files: boolean) => {
      kestra.seed(
        seedOf(workspace.base.repo, { flows: true, files, deployedCommit: workspace.base.sha })
      )
      await warmUp(kestra, workspace.base.repo.namespaces, latencyMs)
    }
    await serveBase(true)
    let markersBy: Bundle | undefined

    log(`plan (pull request): a warm-up run per bundle, then ${RUNS} each`)
    const planRun = async (b: Bundle, profiled = true) => {
      // A plan finds the commit markers its own bundle's deploy of main stored, as it would in use.
      if (markersBy !== b) await deployMain(kestra, workspace, github, inputs, b)
      markersBy = b
      return measureRun(kestra, {
        ...pullRequestEvent(workspace.git, workspace.base.sha, workspace.head.sha),
        github,
        inputs,
        ...b,
        cpuProfDir: profiled ? cpuProfDir(b, 'plan') : undefined
      })
    }
    for (const b of bundles) await planRun(b, false)
    const plans = await alternately((b) => planRun(b))
    for (const series of plans) expectCounts('plan', series.median, { updated: changedFlows })

    let baseline: BaselineResult | undefined
    if (!flags['no-baseline']) {
      log('per-resource baseline (this takes a while)')
      kestra.clearLog()
      baseline = await perResourceBaseline({
        serverUrl: kestra.url,
        headers: authorization(),
        workspace: workspace.git.dir,
        sha: workspace.head.sha,
        concurrency: Number(concurrency)
      })
      if (baseline.plan.fingerprint !== plans[0]!.median.result.outputs['plan-fingerprint']) {
        throw new Error('the baseline computed a different plan than the action')
      }
    }

    const deployRun = (b: Bundle, profile?: string) =>
      measureRun(kestra, {
        ...dispatchEvent(workspace.git, workspace.head.sha),
        github,
        inputs: { ...inputs, mode: 'deploy' },
        ...b,
        cpuProfDir: profile && cpuProfDir(b, profile)
      })
    log(`deploy of ${changedFlows} changed flows: ${RUNS} each, main's flows put back before each`)
    const deploys = await alternately(async (b) => {
      // Each run, the first included, finds main's flows and markers that store nothing: the plans' deploys of
      // main left stored checks, of one bundle only.
      await serveBase(false)
      const run = await deployRun(b, 'deploy')
      expectCounts('deploy', run, { updated: changedFlows })
      return run
    })

    log(`no-change re-deploy: ${RUNS} each, each after an unmeasured one by the same bundle`)
    const redeploys = await alternately(async (b) => {
      // The commit markers hold what this bundle's own deploy stores, not the other bundle's.
      await deployRun(b)
      const run = await deployRun(b, 'redeploy')
      expectCounts('re-deploy', run, { updated: 0, created: 0 })
      return run
    })
    const results: BundleResults[] = bundles.map((_, i) => ({
      plan: plans[i]!,
      deploy: deploys[i]!,
      redeploy: redeploys[i]!
    }))
    return { results, baseline }
  } finally {
    await kestra.close()
    await github.close()
  }
}

/**
 * The deploy of main that left the server as it is, by the bundle whose plans follow (the first unless
 * told): it stores the flow checks that its plans reuse (docs/performance.md#incremental-planning).
 * Unmeasured.
 */
async function deployMain(
  kestra: Emulator,
  workspace: BenchWorkspace,
  github: Awaited<ReturnType<typeof startFakeGitHub>>,
  inputs: Record<string, string>,
  by: Bundle = bundle
): Promise<void> {
  log(`main's deploy by ${by.distDir} (stores its flow checks in the commit markers; not measured)`)
  workspace.git.git('checkout', '-q', workspace.base.sha)
  try {
    await measureRun(kestra, {
      ...dispatchEvent(workspace.git, workspace.base.sha),
      github,
      inputs: { ...inputs, mode: 'deploy' },
      ...by
    })
  } finally {
    workspace.git.git('checkout', '-q', 'feature')
  }
}

interface ChangedPoint {
  flows: number
  plan: Series
}

/**
 * Plans of a pull request changing the same number of flows in repositories of growing size (files and
 * namespaces as given), after main's deploy: one warm-up, then --runs measured plans each (their median,
 * as for every other measure: one plan alone moved the ratio by ±0.1 between sittings).
 */
async function changedSweep(flowCounts: number[]): Promise<ChangedPoint[]> {
  const points: ChangedPoint[] = []
  for (const flows of flowCounts) {
    const scaled = { ...size, flows }
    log(`changed sweep: ${count(flows)} flows, ${changedFlows} changed`)
    const workspace = createWorkspace(scaled, changedFlows)
    const github = await startFakeGitHub({ latencyMs: githubLatencyMs })
    const kestra = await benchEmulator(latencyMs)
    const inputs = serverInputs(kestra)
    try {
      kestra.seed(
        seedOf(workspace.base.repo, {
          flows: true,
          files: true,
          deployedCommit: workspace.base.sha
        })
      )
      await warmUp(kestra, workspace.base.repo.namespaces, latencyMs)
      await deployMain(kestra, workspace, github, inputs)
      const planRun = () =>
        measureRun(kestra, {
          ...pullRequestEvent(workspace.git, workspace.base.sha, workspace.head.sha),
          github,
          inputs,
          ...bundle
        })
      await planRun()
      const plans: Measured[] = []
      for (let run = 0; run < RUNS; run++) {
        const plan = await planRun()
        expectCounts('changed sweep plan', plan, { updated: changedFlows })
        plans.push(plan)
      }
      points.push({ flows, plan: seriesOf(plans) })
    } finally {
      await kestra.close()
      await github.close()
      rmSync(workspace.git.dir, { recursive: true, force: true })
    }
  }
  return points
}

/** The first deploy of every flow onto a server that already holds the namespace files. */
async function firstDeploy(workspace: BenchWorkspace): Promise<Measured> {
  const github = await startFakeGitHub({ latencyMs: githubLatencyMs })
  const kestra = await benchEmulator(latencyMs)
  try {
    kestra.seed(seedOf(workspace.head.repo, { flows: false, files: true }))
    await warmUp(kestra, workspace.head.repo.namespaces, latencyMs)
    log(`first deploy of ${count(size.flows)} flows`)
    const run = await measureRun(kestra, {
      ...dispatchEvent(workspace.git, workspace.head.sha),
      github,
      inputs: { ...serverInputs(kestra), mode: 'deploy' },
      ...bundle
    })
    expectCounts('first deploy', run, { created: size.flows })
    return run
  } finally {
    await kestra.close()
    await github.close()
  }
}

interface ScalePoint {
  multiplier: number
  size: RepoSize
  resources: number
  planMs: number
  planCpuMs: number
  deployMs: number
}

/**
 * Plan and first deploy (everything) at growing sizes, one run each: time per resource must stay
 * flat.
 */
async function scaleSweep(multipliers: number[], unit: RepoSize): Promise<ScalePoint[]> {
  const points: ScalePoint[] = []
  const latency = scaleLatencyMs
  for (const multiplier of multipliers) {
    const scaled = {
      flows: unit.flows * multiplier,
      files: unit.files * multiplier,
      namespaces: unit.namespaces * multiplier
    }
    log(`scale ${multiplier}×: ${scaled.flows} flows, ${scaled.files} files`)
    const workspace = createWorkspace(scaled, Math.ceil(scaled.flows / 10))
    const github = await startFakeGitHub({ latencyMs: latency })
    const kestra = await benchEmulator(latency)
    try {
      kestra.seed(seedOf(workspace.base.repo, { flows: true, files: true }))
      await warmUp(kestra, workspace.base.repo.namespaces, latency)
      const plan = await measureRun(kestra, {
        ...pullRequestEvent(workspace.git, workspace.base.sha, workspace.head.sha),
        github,
        inputs: serverInputs(kestra),
        ...bundle
      })
      const empty = await benchEmulator(latency)
      let deploy: Measured
      try {
        deploy = await measureRun(empty, {
          ...dispatchEvent(workspace.git, workspace.head.sha),
          github,
          inputs: { ...serverInputs(empty), mode: 'deploy' },
          ...bundle
        })
        expectCounts('scale deploy', deploy, { created: scaled.flows + scaled.files })
      } finally {
        await empty.close()
      }
      points.push({
        multiplier,
        size: scaled,
        resources: scaled.flows + scaled.files,
        planMs: plan.wallMs,
        planCpuMs: plan.cpuMs,
        deployMs: deploy.wallMs
      })
    } finally {
      await kestra.close()
      await github.close()
      rmSync(workspace.git.dir, { recursive: true, force: true })
    }
  }
  return points
}

/**
 * Kestra OSS asks for basic authentication from 0.24 on (docs/kestra.md#authentication), so the emulator
 * does too, unless --no-credentials: the action's stored checks are trusted only under a seal of the
 * credentials it holds (docs/performance.md#what-kv-can-do-to-it).
 */
const CREDENTIALS = flags['no-credentials']
  ? undefined
  : { username: 'bench@example.com', password: 'Bench-passw0rd' }

function benchEmulator(latencyMs: number): Promise<Emulator> {
  return startEmulator({ latencyMs, ...(CREDENTIALS && { basicAuth: CREDENTIALS }) })
}

/** --seal-key: one key for the sitting, as a workflow passes it from a secret. */
const SEAL_KEY = flags['seal-key'] ? randomBytes(32).toString('hex') : undefined

/** The inputs the bench sets, and those that hold a secret the report would print. */
const NOT_GIVEN = ['server', 'concurrency', 'mode', 'username', 'password', 'api-token', 'seal-key']
const SECRET_INPUTS = ['github-token', 'pull-request-token']

/** --input NAME=VALUE: inputs every run takes besides those the bench sets. */
const EXTRA_INPUTS = extraInputs(flags.input)

function extraInputs(given: readonly string[]): Record<string, string> {
  const refuse = (message: string): never => {
    console.error(`bench: ${message}`)
    process.exit(2)
  }
  if (given.length > 0 && flags.kestra) {
    refuse("--input: for the emulator's scenarios, not --kestra")
  }
  return Object.fromEntries(
    given.map((pair) => {
      const match = /^([a-z][a-z0-9-]*)=(.*)$/s.exec(pair)
      if (!match) return refuse(`--input ${JSON.stringify(pair)}: expected NAME=VALUE`)
      const name = match[1]!
      // The action ignores an input action.yml does not declare: a misspelt one would measure the defaults.
      if (!(inputNames() as string[]).includes(name)) {
        refuse(`--input ${name}: not an input of action.yml`)
      }
      if (NOT_GIVEN.includes(name)) {
        refuse(`--input ${name}: the bench sets it (--seal-key, --no-credentials, --concurrency)`)
      }
      if (SECRET_INPUTS.includes(name)) {
        refuse(`--input ${name}: a token, which the report would print`)
      }
      return [name, match[2]!]
    })
  )
}

/** The --input inputs, as the report names them. */
function inputsGiven(): string {
  const given = Object.entries(EXTRA_INPUTS).map(([name, value]) => `\`${name}: ${value}\``)
  return given.length === 0 ? '' : ` Every run also takes ${given.join(', ')} (--input).`
}

/** The action's inputs that reach the emulator. */
function serverInputs(kestra: Emulator): Record<string, string> {
  return {
    ...EXTRA_INPUTS,
    server: kestra.url,
    concurrency,
    ...CREDENTIALS,
    ...(SEAL_KEY && { 'seal-key': SEAL_KEY })
  }
}

/** The header the bench's own requests carry. */
function authorization(): Record<string, string> {
  if (!CREDENTIALS) return {}
  const { username, password } = CREDENTIALS
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` }
}

/**
 * The emulator's own caches (parsed and validated seeds, file exports) are filled before measuring:
 * a real server's CPU is not the runner's, and the emulator shares this machine with the action.
 */
async function warmUp(kestra: Emulator, namespaces: string[], latency: number): Promise<void> {
  await kestra.warmedUp()
  kestra.setLatency(0)
  await Promise.all(
    namespaces.map(async (namespace) => {
      const response = await fetch(
        `${kestra.url}/api/v1/main/namespaces/${namespace}/files/export`,
        {
          headers: authorization()
        }
      )
      await response.arrayBuffer()
    })
  )
  kestra.setLatency(latency)
  kestra.clearLog()
}

function expectCounts(name: string, run: Measured, expected: Record<string, number>): void {
  for (const [output, value] of Object.entries(expected)) {
    if (run.result.outputs[output] !== String(value)) {
      throw new Error(
        `${name}: output ${output} is ${run.result.outputs[output]}, expected ${value}\n${run.result.stdout.slice(-3000)}`
      )
    }
  }
}

/** The code the runner loads: source maps are read only for a stack trace. */
function distBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0)
}

async function main(): Promise<void> {
  const started = performance.now()
  log(
    `synthetic repository: ${count(size.flows)} flows, ${count(size.files)} files, ${size.namespaces} namespaces`
  )
  const workspace = createWorkspace(size, changedFlows)
  const { results, baseline } = await mainScenario(workspace)
  const first = flags['no-first-deploy'] ? undefined : await firstDeploy(workspace)
  rmSync(workspace.git.dir, { recursive: true, force: true })
  log('cold start')
  const coldStarts: number[] = []
  for (const b of bundles) coldStarts.push(await coldStartMs(b.distDir, b.node))
  const dist = distBytes(bundle.distDir)
  const multipliers = flags.scale === 'none' ? [] : flags.scale.split(',').map(Number)
  const [unitFlows, unitFiles, unitNamespaces] = flags['scale-size'].split(',').map(Number)
  const sweep = await scaleSweep(multipliers, {
    flows: unitFlows!,
    files: unitFiles!,
    namespaces: unitNamespaces!
  })
  const changedPoints =
    flags['changed-sweep'] === 'none'
      ? []
      : await changedSweep(flags['changed-sweep'].split(',').map(Number))

  const { plan, deploy, redeploy } = results[0]!
  const namespaces = workspace.base.repo.namespaces.length
  const validateRequests = Math.ceil(size.flows / batchCount(size.flows, Number(concurrency)))
  // One more when every listing under way answers before the walk reveals the next namespace: the export being
  // filled then leaves part full (docs/performance.md#where-the-requests-go).
  const exportRequests = Math.ceil(size.flows / EXPORTED_AT_ONCE) + 1
  // What the review adds (docs/caught-at-review.md#requests): one secrets listing for the tenant (OSS), one
  // KV search, and the executions searches of the namespaces holding a flow the pull request updates, as
  // many as `SEARCHED_NAMES_CHARS` of their names and flow ids (a pair at most 256) need.
  const headFlows = new Map(
    workspace.head.repo.flows.map((f) => [`${f.namespace}/${f.id}`, f.source])
  )
  const updatedFlows = workspace.base.repo.flows.filter(
    (f) => headFlows.get(`${f.namespace}/${f.id}`) !== f.source
  )
  const searchedChars = [
    ...new Set(updatedFlows.map((f) => f.namespace)),
    ...new Set(updatedFlows.map((f) => f.id))
  ].reduce((sum, name) => sum + name.length + 3, 0)
  const searches =
    updatedFlows.length === 0 ? 0 : Math.ceil(searchedChars / (SEARCHED_NAMES_CHARS - 256))
  const calls = (name: string) =>
    workspace.head.repo.flows.some((f) => new RegExp(`\\b${name}\\(`).test(f.source)) ? 1 : 0
  const reviewRequests = calls('secret') + calls('kv') + searches
  // Per namespace: the flow listing, its files' export and its commit marker (whose stored checks the plan
  // reuses); the flows' sources in shared exports, their verdicts in `batchCount`'s requests.
  const requestBudget = 3 * namespaces + exportRequests + validateRequests + 1 + reviewRequests
  const peakRssOf = (r: BundleResults, extra: Measured[] = []) =>
    Math.max(
      ...[r.plan.median, r.deploy.median, r.redeploy.median, ...extra].map((m) => m.peakRssBytes)
    )
  const peakRss = peakRssOf(results[0]!, first ? [first] : [])
  const coldStart = coldStarts[0]!
  const speedup = baseline ? baseline.wallMs / plan.median.wallMs : undefined
  // The re-deploy reads what the deploy reads but writes nothing: the difference is the reads of the
  // race check, each resource's server state read right before its own write.
  const raceReads = reads(deploy.median) - reads(redeploy.median)
  const ofRuns = RUNS === 1 ? 'one run' : `median and min–max of ${RUNS}`
  const rows: Row[] = [
    {
      measure: `Plan (pull request editing ${changedFlows} flows; ${ofRuns} after a warm-up run)`,
      result: `${spread(plan)}, ${seconds(plan.cpuMs)} CPU${cpuSplit(plan)}, ${count(plan.median.totalRequests)} Kestra requests, ${count(plan.median.githubRequests)} GitHub request${plan.median.githubRequests === 1 ? '' : 's'}`,
      target: `at most ${requestBudget} Kestra requests (3 × ${namespaces} namespaces + ${exportRequests} flow exports (one part full) + ${validateRequests} validate + 1 version probe + ${reviewRequests} review: names listings and the executions searches, namespaces sharing them)`,
      met: plan.median.totalRequests <= requestBudget
    },
    ...(baseline
      ? [
          {
            measure: `Per-resource baseline (same plan, one request per flow and file, concurrency ${concurrency})`,
            result: `${seconds(baseline.wallMs)}, ${count(baseline.requests)} requests`,
            target: ''
          },
          {
            measure: 'Plan speed-up over the baseline (median plan)',
            result: `${speedup!.toFixed(1)}×`,
            target: '≥ 30×',
            met: speedup! >= 30
          }
        ]
      : []),
    {
      measure: `Deploy of the ${changedFlows} changed flows (${ofRuns})`,
      result: `${spread(deploy)}, ${seconds(deploy.cpuMs)} CPU${cpuSplit(deploy)}, ${count(deploy.median.writes)} writes (${changedFlows} flows + ${namespaces * MARKER_WRITES} commit markers), ${count(raceReads)} reads right before writes`,
      target: ''
    },
    {
      measure: `No-change re-deploy (same commit; ${ofRuns}, most writes of any)`,
      result: `${spread(redeploy)}, ${seconds(redeploy.cpuMs)} CPU${cpuSplit(redeploy)}, ${count(redeploy.median.writes)} writes`,
      target: '0 writes',
      met: redeploy.median.writes === 0
    },
    {
      measure: 'KV values the no-change re-deploy reads (`GET kv.get`)',
      result: count(redeploy.median.requests['GET kv.get'] ?? 0),
      target: `one per namespace: ${namespaces} (the commit markers)`,
      met: redeploy.median.requests['GET kv.get'] === namespaces
    },
    ...(first
      ? [
          {
            measure: `First deploy of ${count(size.flows)} flows (server already holds the files; one run)`,
            result: `${seconds(first.wallMs)}, ${count(first.writes)} writes`,
            target: ''
          }
        ]
      : []),
    {
      measure: 'Peak RSS of the action (largest run above)',
      result: megabytes(peakRss),
      target: '≤ 600 MB',
      met: peakRss <= 600e6
    },
    {
      measure: 'Cold start (spawn to first log line, median of 7)',
      result: `${Math.round(coldStart)} ms`,
      target: '≤ 350 ms',
      met: coldStart <= 350
    },
    {
      measure: '`dist/` size (JavaScript, source maps aside)',
      result: megabytes(dist),
      target: '≤ 3 MB',
      met: dist <= 3e6
    }
  ]

  const runs = [
    { name: 'plan', requests: plan.median.requests },
    { name: 'deploy', requests: deploy.median.requests },
    { name: 're-deploy', requests: redeploy.median.requests },
    ...(first ? [{ name: 'first deploy', requests: first.requests }] : [])
  ]
  const out: string[] = [
    `## Benchmark: ${count(size.flows)} flows, ${count(size.files)} namespace files, ${namespaces} namespaces, ${latencyMs} ms per Kestra request, ${githubLatencyMs} ms per GitHub request, concurrency ${concurrency}`,
    '',
    `Machine: ${machine()}. Bundle: ${bundle.distDir}.`,
    '',
    `The seal of what deploys store is keyed ${SEAL_KEY ? 'by a `seal-key` input (HKDF)' : 'by scrypt of the credentials (no `seal-key` input)'}.${inputsGiven()}`,
    '',
    `The action ran on Node ${node.version}${node.fallback ? ` (not the runner's Node ${RUNNER_NODE_VERSION}: ${node.fallback})` : ", the runner's"}.`,
    '',
    `The Kestra emulator is warmed before anything is measured (its parse and validation caches and every namespace's file export filled, and one unmeasured plan per bundle) and answers from memory after the fixed latency: it costs no server CPU per request, so a real Kestra's own time per request is not in these figures. It runs in the bench's process, on the same cores as the action.`,
    '',
    resultsTable(rows),
    '',
    requestsTable(runs)
  ]
  if (bundles.length > 1) {
    out.push('', comparisonTable(results, coldStarts, peakRssOf))
  }
  if (sweep.length > 0) {
    out.push(
      '',
      `Scale sweep (${scaleLatencyMs} ms per request, concurrency ${concurrency}, one run per size; plan = pull request editing 10% of the flows, deploy = first deploy of everything):`,
      '',
      table(
        [
          'Scale',
          'Flows',
          'Files',
          'Namespaces',
          'Plan',
          'Plan CPU',
          'Plan per resource',
          'Deploy',
          'Deploy per resource'
        ],
        sweep.map((p) => [
          `${p.multiplier}×`,
          count(p.size.flows),
          count(p.size.files),
          count(p.size.namespaces),
          seconds(p.planMs),
          seconds(p.planCpuMs),
          `${((p.planMs * 1000) / p.resources).toFixed(0)} µs`,
          seconds(p.deployMs),
          `${((p.deployMs * 1000) / p.resources).toFixed(0)} µs`
        ])
      )
    )
  }
  if (changedPoints.length > 0) {
    const smallest = changedPoints[0]!
    out.push(
      '',
      `Changed sweep (${changedFlows} flows changed, ${count(size.files)} files, ${namespaces} namespaces, ${latencyMs} ms per request; ${RUNS} measured plans after a warm-up, on the server main's deploy left; median, min–max):`,
      '',
      table(
        [
          'Flows',
          'Plan',
          'Plan CPU',
          'Peak RSS',
          'Kestra requests',
          `Plan / ${count(smallest.flows)}-flow plan`
        ],
        changedPoints.map((p) => {
          const ratio = p.plan.median.wallMs / smallest.plan.median.wallMs
          return [
            count(p.flows),
            spread(p.plan),
            seconds(p.plan.cpuMs),
            megabytes(p.plan.median.peakRssBytes),
            count(p.plan.median.totalRequests),
            `${ratio.toFixed(2)}× (CPU ${(p.plan.cpuMs / smallest.plan.cpuMs).toFixed(2)}×)${p === smallest ? '' : ` ≤ ${CHANGED_SWEEP_BUDGET}×: ${ratio <= CHANGED_SWEEP_BUDGET ? 'met' : 'NOT met'}`}`
          ]
        })
      )
    )
  }
  const record = {
    machine: machine(),
    date: new Date().toISOString(),
    size,
    changedFlows,
    latencyMs,
    githubLatencyMs,
    concurrency: Number(concurrency),
    runs: RUNS,
    actionNode: { version: node.version, fallback: node.fallback },
    results: rows,
    bundles: bundles.map((b, i) => ({
      dist: b.distDir,
      plan: summary(results[i]!.plan),
      deploy: summary(results[i]!.deploy),
      redeploy: summary(results[i]!.redeploy),
      coldStartMs: coldStarts[i]
    })),
    baseline: baseline && {
      wallMs: baseline.wallMs,
      requests: baseline.requests,
      speedup
    },
    raceReads,
    firstDeploy: first && measuredSummary(first),
    distBytes: dist,
    scale: sweep,
    changedSweep: changedPoints,
    benchWallMs: performance.now() - started
  }
  mkdirSync(dirname(flags.json), { recursive: true })
  writeFileSync(flags.json, JSON.stringify(record, null, 2) + '\n')
  out.push('', `JSON: ${flags.json} (bench took ${seconds(record.benchWallMs)})`)
  console.log(out.join('\n'))
}

/** This bundle against the compared one, run alternately in this sitting. */
function comparisonTable(
  results: BundleResults[],
  coldStarts: number[],
  peakRssOf: (r: BundleResults) => number
): string {
  const [after, before] = results as [BundleResults, BundleResults]
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`
  const timed = (name: string, pick: (r: BundleResults) => Series, budget = '') => [
    name,
    spread(pick(before)),
    spread(pick(after)),
    ratio(pick(after).median.wallMs, pick(before).median.wallMs),
    budget
  ]
  const cpu = (name: string, pick: (r: BundleResults) => Series) => {
    const [was, now] = [pick(before).cpuByThread, pick(after).cpuByThread]
    return [
      name,
      seconds(pick(before).cpuMs) + cpuSplit(pick(before)),
      seconds(pick(after).cpuMs) + cpuSplit(pick(after)),
      ratio(pick(after).cpuMs, pick(before).cpuMs) +
        (was && now ? ` (JavaScript ${ratio(now.main, was.main)})` : ''),
      ''
    ]
  }
  const withinBudget = (pick: (r: BundleResults) => Series) => {
    const met = pick(after).median.wallMs / pick(before).median.wallMs <= COMPARED_TIME_BUDGET
    return `≤ ${COMPARED_TIME_BUDGET}×: ${met ? 'met' : 'NOT met'}`
  }
  return [
    `Before/after, run alternately (${RUNS} runs each; median, min–max): before = ${bundles[1]!.distDir}, after = ${bundles[0]!.distDir}`,
    '',
    table(
      ['Measure', 'Before', 'After', 'After / before', 'Budget'],
      [
        timed(
          'Plan',
          (r) => r.plan,
          withinBudget((r) => r.plan)
        ),
        timed(
          'Deploy',
          (r) => r.deploy,
          withinBudget((r) => r.deploy)
        ),
        timed(
          'Re-deploy',
          (r) => r.redeploy,
          withinBudget((r) => r.redeploy)
        ),
        cpu('Plan CPU', (r) => r.plan),
        cpu('Deploy CPU', (r) => r.deploy),
        cpu('Re-deploy CPU', (r) => r.redeploy),
        [
          'Re-deploy Kestra requests',
          count(before.redeploy.median.totalRequests),
          count(after.redeploy.median.totalRequests),
          '',
          ''
        ],
        [
          'Plan Kestra requests',
          count(before.plan.median.totalRequests),
          count(after.plan.median.totalRequests),
          '',
          ''
        ],
        [
          'Peak RSS',
          megabytes(peakRssOf(before)),
          megabytes(peakRssOf(after)),
          ratio(peakRssOf(after), peakRssOf(before)),
          '≤ 600 MB'
        ],
        [
          'Cold start',
          `${Math.round(coldStarts[1]!)} ms`,
          `${Math.round(coldStarts[0]!)} ms`,
          ratio(coldStarts[0]!, coldStarts[1]!),
          '≤ 350 ms'
        ]
      ]
    )
  ].join('\n')
}

function reads(run: Measured): number {
  return run.totalRequests - run.writes
}

function summary(series: Series) {
  return {
    ...measuredSummary(series.median),
    minMs: series.minMs,
    maxMs: series.maxMs,
    medianCpuMs: series.cpuMs,
    medianCpuByThreadMs: series.cpuByThread
  }
}

function measuredSummary(run: Measured) {
  return {
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    cpuByThreadMs: run.cpuByThread,
    peakRssBytes: run.peakRssBytes,
    requests: run.requests,
    totalRequests: run.totalRequests,
    githubRequests: run.githubRequests,
    writes: run.writes
  }
}

if (flags.kestra) {
  const version = /^engine:(\d+\.\d+\.\d+)$/.exec(flags.kestra)?.[1]
  if (!version) throw new Error('--kestra takes engine:<version>, e.g. engine:1.3.31')
  const given = (name: 'flows' | 'files' | 'namespaces' | 'changed', fallback: number) =>
    process.argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))
      ? Number(flags[name])
      : fallback
  const report = await engineBench({
    version,
    size: {
      flows: given('flows', 60),
      files: given('files', 120),
      namespaces: given('namespaces', 3)
    },
    changed: given('changed', 12),
    distDir: bundle.distDir,
    node: bundle.node,
    log
  })
  console.log(report)
} else {
  await main()
}
