/**
 * `npm run bench -- --kestra engine:<version>` (docs/performance.md#against-kestras-engine): the same
 * synthetic repository deployed, planned, deployed again and re-deployed with no change against Kestra's own
 * engine of that release (script/kestra-engine, started for the sitting and stopped after), then against the
 * emulator at the same version with no added latency. Each server sits behind a recording proxy, so both
 * report what every request kind costs as the action sees it: count and time to the last byte.
 */
import { createServer, request as forward, type Server } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeGitHub } from '../../test-support/fake-github.js'
import { startEmulator } from '../../test-support/kestra-emulator/index.js'
import { matchRoute } from '../../test-support/kestra-emulator/routes.js'
import { featuresOf } from '../../test-support/kestra-emulator/version.js'
import { startKestraEngine, stopKestraEngine } from '../../test-support/kestra-engine.js'
import { dispatchEvent, pullRequestEvent } from '../../test-support/scenario.js'
import { measureRun, type Measured } from './measure.js'
import { count, machine, seconds, table } from './report.js'
import type { RepoSize } from './synthetic-repo.js'
import { createWorkspace } from './workspace.js'

interface Timed {
  method: string
  route: string
  ms: number
}

/** A loopback proxy in front of `target` that logs each request's route and its time to the last byte. */
async function recordingProxy(target: string, version: string) {
  const features = featuresOf(version)
  const requests: Timed[] = []
  const server: Server = createServer((incoming, answer) => {
    const started = performance.now()
    const url = new URL(incoming.url ?? '/', target)
    const { route } = matchRoute(incoming.method ?? 'GET', url.pathname, features, 'main', true)
    const outgoing = forward(
      url,
      { method: incoming.method, headers: { ...incoming.headers, host: url.host } },
      (upstream) => {
        answer.writeHead(upstream.statusCode ?? 502, upstream.headers)
        upstream.pipe(answer)
        upstream.on('end', () =>
          requests.push({
            method: incoming.method ?? 'GET',
            route,
            ms: performance.now() - started
          })
        )
      }
    )
    outgoing.on('error', () => answer.destroy())
    incoming.pipe(outgoing)
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    clearLog: () => void requests.splice(0),
    close: () => new Promise<void>((closed) => server.close(() => closed()))
  }
}

/**
 * What both engines load: Kestra's core plugins only (script and JDBC tasks become Log tasks), and the input
 * type `BOOL` for `BOOLEAN`, which 2.0 refuses (docs/upgrade.md).
 */
function coreTasksOnly(source: string): string {
  return source
    .replace(/^( +)type: BOOLEAN$/gm, '$1type: BOOL')
    .replace(
      /( *)type: io\.kestra\.plugin\.scripts\.python\.Script\n\1containerImage: .*\n\1beforeCommands:\n\1 {2}- .*\n\1script: (.*)\n/g,
      '$1type: io.kestra.plugin.core.log.Log\n$1message: $2\n'
    )
    .replace(
      /( *)type: io\.kestra\.plugin\.jdbc\.postgresql\.Query\n\1url: .*\n\1username: .*\n\1password: .*\n\1sql: (.*)\n\1fetchType: NONE\n/g,
      '$1type: io.kestra.plugin.core.log.Log\n$1message: $2\n'
    )
}

const STEPS = ['first deploy', 'plan (pull request)', 'deploy', 'no-change re-deploy'] as const

interface ServerRun {
  server: string
  runs: Record<(typeof STEPS)[number], Measured>
  /** `METHOD route` → every request's time in ms, over the four runs. */
  costs: Map<string, number[]>
}

async function runAgainst(
  server: string,
  target: { url: string; username: string; password: string; version: string },
  size: RepoSize,
  changed: number,
  distDir: string,
  node: string,
  log: (message: string) => void
): Promise<ServerRun> {
  const workspace = createWorkspace(size, changed, coreTasksOnly)
  const proxy = await recordingProxy(target.url, target.version)
  const github = await startFakeGitHub()
  const inputs = {
    server: proxy.url,
    username: target.username,
    password: target.password
  }
  const costs = new Map<string, number[]>()
  const run = async (step: (typeof STEPS)[number], options: Parameters<typeof measureRun>[1]) => {
    log(`${server}: ${step}`)
    const measured = await measureRun(proxy, options)
    for (const { method, route, ms } of proxy.requests) {
      const key = `${method} ${route}`
      costs.set(key, [...(costs.get(key) ?? []), ms])
    }
    return measured
  }
  const deploy = { ...inputs, mode: 'deploy' }
  try {
    workspace.git.git('checkout', '-q', workspace.base.sha)
    const first = await run('first deploy', {
      ...dispatchEvent(workspace.git, workspace.base.sha),
      github,
      inputs: deploy,
      distDir,
      node
    })
    workspace.git.git('checkout', '-q', 'feature')
    const plan = await run('plan (pull request)', {
      ...pullRequestEvent(workspace.git, workspace.base.sha, workspace.head.sha),
      github,
      inputs,
      distDir,
      node
    })
    const head = { ...dispatchEvent(workspace.git, workspace.head.sha), github, distDir, node }
    const second = await run('deploy', { ...head, inputs: deploy })
    const again = await run('no-change re-deploy', { ...head, inputs: deploy })
    for (const [name, measured, updated] of [
      ['plan', plan, changed],
      ['deploy', second, changed],
      ['re-deploy', again, 0]
    ] as const) {
      const outputs = measured.result.outputs
      if (Number(outputs.updated) !== updated || Number(outputs.created) !== 0) {
        throw new Error(
          `${server} ${name}: expected ${updated} updated, the action said ${JSON.stringify(outputs)}`
        )
      }
    }
    return {
      server,
      runs: {
        'first deploy': first,
        'plan (pull request)': plan,
        deploy: second,
        'no-change re-deploy': again
      },
      costs
    }
  } finally {
    await proxy.close()
    await github.close()
    rmSync(workspace.git.dir, { recursive: true, force: true })
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}
const ms = (value: number) => `${value.toFixed(value >= 10 ? 0 : 1)} ms`

export async function engineBench(options: {
  version: string
  size: RepoSize
  changed: number
  distDir: string
  node: string
  log: (message: string) => void
}): Promise<string> {
  const { version, size, changed, distDir, node, log } = options
  const dir = mkdtempSync(join(tmpdir(), 'kga-bench-engine-'))
  log(`starting Kestra's engine ${version} (script/kestra-engine)`)
  const engine = await startKestraEngine(version, dir)
  const load = [loadavg()[0]!]
  let onEngine: ServerRun
  try {
    onEngine = await runAgainst('engine', { ...engine, version }, size, changed, distDir, node, log)
    load.push(loadavg()[0]!)
  } finally {
    await stopKestraEngine(engine)
    rmSync(dir, { recursive: true, force: true })
  }
  const credentials = { username: 'bench@kestra.local', password: 'Bench-Passw0rd-42' }
  const emulator = await startEmulator({ version, basicAuth: credentials })
  let onEmulator: ServerRun
  try {
    onEmulator = await runAgainst(
      'emulator',
      { url: emulator.url, ...credentials, version },
      size,
      changed,
      distDir,
      node,
      log
    )
  } finally {
    await emulator.close()
  }
  const both = [onEngine, onEmulator]
  const keys = [...new Set(both.flatMap((r) => [...r.costs.keys()]))].sort()
  return [
    `## Against Kestra's engine ${version}`,
    '',
    `${machine()}; engine started in ${seconds(engine.startSeconds * 1000)}; load average ${load.map((l) => l.toFixed(1)).join(' → ')} during the engine's runs.`,
    `Synthetic repository (core tasks only): ${count(size.flows)} flows, ${count(size.files)} files, ${size.namespaces} namespaces; the pull request edits ${changed} flows. One run of each step.`,
    '',
    table(
      ['Step', 'engine', 'emulator (no latency)', 'requests (engine / emulator)'],
      STEPS.map((step) => [
        step,
        seconds(onEngine.runs[step].wallMs),
        seconds(onEmulator.runs[step].wallMs),
        `${count(onEngine.runs[step].totalRequests)} / ${count(onEmulator.runs[step].totalRequests)}`
      ])
    ),
    '',
    table(
      [
        'Kestra request',
        'count (engine / emulator)',
        'median (engine)',
        'max (engine)',
        'median (emulator)'
      ],
      keys.map((key) => {
        const engineTimes = onEngine.costs.get(key) ?? []
        const emulatorTimes = onEmulator.costs.get(key) ?? []
        return [
          `\`${key}\``,
          `${count(engineTimes.length)} / ${count(emulatorTimes.length)}`,
          engineTimes.length ? ms(median(engineTimes)) : '',
          engineTimes.length ? ms(Math.max(...engineTimes)) : '',
          emulatorTimes.length ? ms(median(emulatorTimes)) : ''
        ]
      })
    )
  ].join('\n')
}
