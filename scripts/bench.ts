/**
 * `npm run bench`: the bundled action against a synthetic monorepo and the Kestra emulator with a fixed
 * per-request latency. Measures plan and deploy wall time, Kestra requests by endpoint, peak RSS, cold
 * start and dist size, compares the plan with a per-resource baseline, and sweeps sizes to show how cost
 * grows. Prints Markdown tables and writes a JSON record. Run `npm run bench -- --help` for the flags.
 */
import { readdirSync, rmSync, statSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startFakeGitHub } from '../test-support/fake-github.js'
import { startEmulator, type Emulator } from '../test-support/kestra-emulator/index.js'
import { PROJECT_ROOT } from '../test-support/runner.js'
import { dispatchEvent, pullRequestEvent } from '../test-support/scenario.js'
import { perResourceBaseline, type BaselineResult } from './bench/baseline.js'
import { coldStartMs } from './bench/cold-start.js'
import { measureRun, type Measured } from './bench/measure.js'
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

const HELP = `npm run bench -- [flags]
  --flows N           flows in the repository (default 2000)
  --files N           namespace files (default 10000)
  --namespaces N      namespaces (default 40)
  --changed N         flows the pull request edits (default 200)
  --latency MS        emulator latency per request (default 50)
  --concurrency N     the action's concurrency input (default 32; the action's own default is 8)
  --dist DIR          bundle to run (default dist/)
  --node WHICH        Node.js for the action: runner (Node ${RUNNER_NODE_VERSION}, as GitHub runs it; the
                      default), local (the bench's own) or the path of a node binary
  --json FILE         where to write the JSON record (default $TMPDIR/kestra-gitops-bench/results.json)
  --scale LIST        size multipliers of the sweep (default 1,4,16; 'none' skips it)
  --scale-size F,N,NS sweep base size: flows, files, namespaces (default 50,250,2)
  --scale-latency MS  emulator latency during the sweep (default 0: CPU costs show)
  --no-baseline       skip the per-resource baseline
  --no-first-deploy   skip the first deploy`

const { values: flags } = parseArgs({
  options: {
    flows: { type: 'string', default: '2000' },
    files: { type: 'string', default: '10000' },
    namespaces: { type: 'string', default: '40' },
    changed: { type: 'string', default: '200' },
    latency: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '32' },
    dist: { type: 'string', default: join(PROJECT_ROOT, 'dist') },
    node: { type: 'string', default: 'runner' },
    json: { type: 'string', default: join(tmpdir(), 'kestra-gitops-bench', 'results.json') },
    scale: { type: 'string', default: '1,4,16' },
    'scale-size': { type: 'string', default: '50,250,2' },
    'scale-latency': { type: 'string', default: '0' },
    'no-baseline': { type: 'boolean', default: false },
    'no-first-deploy': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false }
  }
})
if (flags.help) {
  console.log(HELP)
  process.exit(0)
}

const size: RepoSize = {
  flows: Number(flags.flows),
  files: Number(flags.files),
  namespaces: Number(flags.namespaces)
}
const changedFlows = Math.min(Number(flags.changed), size.flows)
const latencyMs = Number(flags.latency)
const concurrency = flags.concurrency
const distDir = resolve(flags.dist)
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`)
const node = actionNode(flags.node, PROJECT_ROOT, log)
/** What every measured run runs: the bundle, on the chosen Node. */
const bundle = { distDir, node: node.path }

const MARKER_WRITES = 1 // per namespace whose deployed commit changes
/** Plans, deploys and re-deploys are each measured this many times; the table shows the median. */
const RUNS = 3

/** The median run by wall time, with the largest peak memory and write count of all the runs. */
function median(runs: Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs)
  return {
    ...sorted[Math.floor(sorted.length / 2)]!,
    peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
    writes: Math.max(...runs.map((r) => r.writes))
  }
}

/** A PR plan, a deploy of the PR's changes, the same deploy again, and optionally a first deploy. */
async function mainScenario(workspace: BenchWorkspace) {
  const github = await startFakeGitHub()
  const kestra = await startEmulator({ latencyMs })
  const inputs = { server: kestra.url, concurrency }
  try {
    // The server as main was last deployed; `files: false` puts back only the flows and markers.
    const serveBase = async (files: boolean) => {
      kestra.seed(
        seedOf(workspace.base.repo, { flows: true, files, deployedCommit: workspace.base.sha })
      )
      await warmUp(kestra, workspace.base.repo.namespaces, latencyMs)
    }
    await serveBase(true)

    log(`plan (pull request): a warm-up run, then the median of ${RUNS}`)
    const planRun = () =>
      measureRun(kestra, {
        ...pullRequestEvent(workspace.git, workspace.base.sha, workspace.head.sha),
        githubApiUrl: github.url,
        inputs,
        ...bundle
      })
    await planRun()
    const plans: Measured[] = []
    for (let i = 0; i < RUNS; i++) plans.push(await planRun())
    const plan = median(plans)
    expectCounts('plan', plan, { updated: changedFlows })

    let baseline: BaselineResult | undefined
    if (!flags['no-baseline']) {
      log('per-resource baseline (this takes a while)')
      kestra.clearLog()
      baseline = await perResourceBaseline({
        serverUrl: kestra.url,
        workspace: workspace.git.dir,
        concurrency: 10
      })
      if (baseline.plan.fingerprint !== plan.result.outputs['plan-fingerprint']) {
        throw new Error('the baseline computed a different plan than the action')
      }
    }

    const deployRun = () =>
      measureRun(kestra, {
        ...dispatchEvent(workspace.git, workspace.head.sha),
        inputs: { ...inputs, mode: 'deploy' },
        ...bundle
      })
    log(
      `deploy of ${changedFlows} changed flows: the median of ${RUNS}, main's flows put back before each`
    )
    const deploys: Measured[] = []
    for (let i = 0; i < RUNS; i++) {
      if (i > 0) await serveBase(false)
      deploys.push(await deployRun())
      expectCounts('deploy', deploys[i]!, { updated: changedFlows })
    }

    log(`no-change re-deploy: the median of ${RUNS}`)
    const redeploys: Measured[] = []
    for (let i = 0; i < RUNS; i++) {
      redeploys.push(await deployRun())
      expectCounts('re-deploy', redeploys[i]!, { updated: 0, created: 0 })
    }
    return { plan, baseline, deploy: median(deploys), redeploy: median(redeploys) }
  } finally {
    await kestra.close()
    await github.close()
  }
}

/** The first deploy of every flow onto a server that already holds the namespace files. */
async function firstDeploy(workspace: BenchWorkspace): Promise<Measured> {
  const kestra = await startEmulator({ latencyMs })
  try {
    kestra.seed(seedOf(workspace.head.repo, { flows: false, files: true }))
    await warmUp(kestra, workspace.head.repo.namespaces, latencyMs)
    log(`first deploy of ${count(size.flows)} flows`)
    const run = await measureRun(kestra, {
      ...dispatchEvent(workspace.git, workspace.head.sha),
      inputs: { server: kestra.url, concurrency, mode: 'deploy' },
      ...bundle
    })
    expectCounts('first deploy', run, { created: size.flows })
    return run
  } finally {
    await kestra.close()
  }
}

interface ScalePoint {
  multiplier: number
  size: RepoSize
  resources: number
  planMs: number
  deployMs: number
}

/** Plan and first deploy (everything) at growing sizes: time per resource must stay flat. */
async function scaleSweep(multipliers: number[], unit: RepoSize): Promise<ScalePoint[]> {
  const points: ScalePoint[] = []
  const latency = Number(flags['scale-latency'])
  for (const multiplier of multipliers) {
    const scaled = {
      flows: unit.flows * multiplier,
      files: unit.files * multiplier,
      namespaces: unit.namespaces * multiplier
    }
    log(`scale ${multiplier}×: ${scaled.flows} flows, ${scaled.files} files`)
    const workspace = createWorkspace(scaled, Math.ceil(scaled.flows / 10))
    const github = await startFakeGitHub()
    const kestra = await startEmulator({ latencyMs: latency })
    try {
      kestra.seed(seedOf(workspace.base.repo, { flows: true, files: true }))
      await warmUp(kestra, workspace.base.repo.namespaces, latency)
      const plan = await measureRun(kestra, {
        ...pullRequestEvent(workspace.git, workspace.base.sha, workspace.head.sha),
        githubApiUrl: github.url,
        inputs: { server: kestra.url, concurrency },
        ...bundle
      })
      const empty = await startEmulator({ latencyMs: latency })
      let deploy: Measured
      try {
        deploy = await measureRun(empty, {
          ...dispatchEvent(workspace.git, workspace.head.sha),
          inputs: { server: empty.url, concurrency, mode: 'deploy' },
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
 * The emulator's own caches (parsed and validated seeds, file exports) are filled before measuring:
 * a real server's CPU is not the runner's, and the emulator shares this machine with the action.
 */
async function warmUp(kestra: Emulator, namespaces: string[], latency: number): Promise<void> {
  await kestra.warmedUp()
  kestra.setLatency(0)
  await Promise.all(
    namespaces.map(async (namespace) => {
      const response = await fetch(`${kestra.url}/api/v1/main/namespaces/${namespace}/files/export`)
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
  const { plan, baseline, deploy, redeploy } = await mainScenario(workspace)
  const first = flags['no-first-deploy'] ? undefined : await firstDeploy(workspace)
  rmSync(workspace.git.dir, { recursive: true, force: true })
  log('cold start')
  const coldStart = await coldStartMs(distDir, node.path)
  const dist = distBytes(distDir)
  const multipliers = flags.scale === 'none' ? [] : flags.scale.split(',').map(Number)
  const [unitFlows, unitFiles, unitNamespaces] = flags['scale-size'].split(',').map(Number)
  const sweep = await scaleSweep(multipliers, {
    flows: unitFlows!,
    files: unitFiles!,
    namespaces: unitNamespaces!
  })

  const namespaces = workspace.base.repo.namespaces.length
  const requestBudget = 3 * namespaces + Math.ceil(size.flows / 100) + 1
  const peakRss = Math.max(
    ...[plan, deploy, redeploy, first].filter((r) => r !== undefined).map((r) => r.peakRssBytes)
  )
  const speedup = baseline ? baseline.wallMs / plan.wallMs : undefined
  // The re-deploy reads what the deploy reads but writes nothing: the difference is the reads of the
  // race check, each resource's server state read right before its own write.
  const raceReads = reads(deploy) - reads(redeploy)
  const rows: Row[] = [
    {
      measure: `Plan (pull request editing ${changedFlows} flows; median of ${RUNS} after a warm-up run)`,
      result: `${seconds(plan.wallMs)}, ${count(plan.totalRequests)} requests`,
      target: `≤ 2 s, ≤ ${requestBudget} requests (3 × ${namespaces} namespaces + ${Math.ceil(size.flows / 100)} validate + 1 version probe)`,
      met: plan.wallMs <= 2000 && plan.totalRequests <= requestBudget
    },
    ...(baseline
      ? [
          {
            measure:
              'Per-resource baseline (same plan, one request per flow and file, concurrency 10)',
            result: `${seconds(baseline.wallMs)}, ${count(baseline.requests)} requests`,
            target: ''
          },
          {
            measure: 'Plan speed-up over the baseline',
            result: `${speedup!.toFixed(1)}×`,
            target: '≥ 30×',
            met: speedup! >= 30
          }
        ]
      : []),
    {
      measure: `Deploy of the ${changedFlows} changed flows (median of ${RUNS})`,
      result: `${seconds(deploy.wallMs)}, ${count(deploy.writes)} writes (${changedFlows} flows + ${namespaces * MARKER_WRITES} commit markers), ${count(raceReads)} reads right before writes`,
      target: '≤ 1.5 s',
      met: deploy.wallMs <= 1500
    },
    {
      measure: `No-change re-deploy (same commit; median of ${RUNS}, most writes of any)`,
      result: `${seconds(redeploy.wallMs)}, ${count(redeploy.writes)} writes`,
      target: '≤ 2 s, 0 writes',
      met: redeploy.wallMs <= 2000 && redeploy.writes === 0
    },
    ...(first
      ? [
          {
            measure: `First deploy of ${count(size.flows)} flows (server already holds the files)`,
            result: `${seconds(first.wallMs)}, ${count(first.writes)} writes`,
            target: ''
          }
        ]
      : []),
    {
      measure: 'Peak RSS of the action (largest run above)',
      result: megabytes(peakRss),
      target: '≤ 300 MB',
      met: peakRss <= 300e6
    },
    {
      measure: 'Cold start (spawn to first log line, median of 7)',
      result: `${Math.round(coldStart)} ms`,
      target: '≤ 300 ms',
      met: coldStart <= 300
    },
    {
      measure: '`dist/` size (JavaScript, source maps aside)',
      result: megabytes(dist),
      target: '≤ 3 MB',
      met: dist <= 3e6
    }
  ]

  const runs = [
    { name: 'plan', requests: plan.requests },
    { name: 'deploy', requests: deploy.requests },
    { name: 're-deploy', requests: redeploy.requests },
    ...(first ? [{ name: 'first deploy', requests: first.requests }] : [])
  ]
  const out: string[] = [
    `## Benchmark: ${count(size.flows)} flows, ${count(size.files)} namespace files, ${namespaces} namespaces, ${latencyMs} ms per request, concurrency ${concurrency}`,
    '',
    `Machine: ${machine()}. Bundle: ${distDir}.`,
    '',
    `The action ran on Node ${node.version}${node.fallback ? ` (not the runner's Node ${RUNNER_NODE_VERSION}: ${node.fallback})` : ", the runner's"}.`,
    '',
    resultsTable(rows),
    '',
    requestsTable(runs)
  ]
  if (sweep.length > 0) {
    out.push(
      '',
      `Scale sweep (${flags['scale-latency']} ms latency, plan = pull request editing 10% of the flows, deploy = first deploy of everything):`,
      '',
      table(
        [
          'Scale',
          'Flows',
          'Files',
          'Namespaces',
          'Plan',
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
          `${((p.planMs * 1000) / p.resources).toFixed(0)} µs`,
          seconds(p.deployMs),
          `${((p.deployMs * 1000) / p.resources).toFixed(0)} µs`
        ])
      )
    )
  }
  const record = {
    machine: machine(),
    date: new Date().toISOString(),
    size,
    changedFlows,
    latencyMs,
    concurrency: Number(concurrency),
    dist: distDir,
    actionNode: { version: node.version, fallback: node.fallback },
    results: rows,
    plan: summary(plan),
    baseline: baseline && {
      wallMs: baseline.wallMs,
      requests: baseline.requests,
      speedup
    },
    deploy: { ...summary(deploy), raceReads },
    redeploy: summary(redeploy),
    firstDeploy: first && summary(first),
    coldStartMs: coldStart,
    distBytes: dist,
    scale: sweep,
    benchWallMs: performance.now() - started
  }
  mkdirSync(dirname(flags.json), { recursive: true })
  writeFileSync(flags.json, JSON.stringify(record, null, 2) + '\n')
  out.push('', `JSON: ${flags.json} (bench took ${seconds(record.benchWallMs)})`)
  console.log(out.join('\n'))
}

function reads(run: Measured): number {
  return run.totalRequests - run.writes
}

function summary(run: Measured) {
  return {
    wallMs: run.wallMs,
    peakRssBytes: run.peakRssBytes,
    requests: run.requests,
    totalRequests: run.totalRequests,
    writes: run.writes
  }
}

await main()
