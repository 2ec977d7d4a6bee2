import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { coreRequired, coreUnavailable } from './kestra-core.js'
import { PROJECT_ROOT } from './runner.js'

/**
 * Kestra's own engine of one released version behind the action's REST routes, started by
 * `script/kestra-engine` (docs/kestra.md#kestras-engine): the judge of behaviour for the journeys and for the
 * emulator. It needs what the released core needs (Java 21 or later and Maven), so the reasons it cannot run are
 * `coreUnavailable()`'s, and `KESTRA_CORE_REQUIRED=1` (`.ci/run`) makes them a failure.
 */
export interface KestraEngine {
  version: string
  url: string
  username: string
  password: string
  /** Where its data and log (`engine.log`) are. */
  dir: string
  /** Seconds from the command to the first answer. */
  startSeconds: number
}

export const engineUnavailable = coreUnavailable
export const engineRequired = coreRequired

const SCRIPT = join(PROJECT_ROOT, 'script', 'kestra-engine')
const run = promisify(execFile)

export async function startKestraEngine(version: string, dir: string): Promise<KestraEngine> {
  const started = Date.now()
  const { stdout } = await run(SCRIPT, ['start', version, dir], {
    env: process.env,
    maxBuffer: 1 << 20,
    timeout: 600_000
  })
  const [url, username, password] = stdout.trim().split(/\s+/)
  if (!url || !username || !password) throw new Error(`kestra-engine start printed: ${stdout}`)
  return { version, url, username, password, dir, startSeconds: (Date.now() - started) / 1000 }
}

/** An engine that `script/kestra-engine start` left running with this DIR. */
export function startedEngine(dir: string): KestraEngine {
  const [url, username, password] = readFileSync(join(dir, 'engine.url'), 'utf8')
    .trim()
    .split(/\s+/)
  const version = readFileSync(join(dir, 'engine.version'), 'utf8').trim()
  return { version, url: url!, username: username!, password: password!, dir, startSeconds: 0 }
}

export async function stopKestraEngine(engine: Pick<KestraEngine, 'dir'>): Promise<void> {
  await run(SCRIPT, ['stop', engine.dir])
}

/** One request to the engine's API with its credentials; `path` starts after `/api/v1/main`. */
export async function engineFetch(
  engine: KestraEngine,
  path: string,
  init: RequestInit = {}
): Promise<Response> {
  const basic = Buffer.from(`${engine.username}:${engine.password}`).toString('base64')
  return fetch(`${engine.url}/api/v1/main${path}`, {
    ...init,
    headers: { authorization: `Basic ${basic}`, ...(init.headers as Record<string, string>) }
  })
}

/** The JSON answer of a GET that must succeed. */
export async function engineJson<T>(engine: KestraEngine, path: string): Promise<T> {
  const response = await engineFetch(engine, path)
  if (!response.ok)
    throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as T
}

/**
 * Polls an execution until it reaches `state` (or throws after a minute); a 404 right after the start is an
 * execution not recorded yet (docs/kestra.md#read-an-execution).
 */
export async function awaitState(engine: KestraEngine, id: string, state: string): Promise<void> {
  const deadline = Date.now() + 60_000
  let current = 'not recorded'
  while (Date.now() < deadline) {
    const response = await engineFetch(engine, `/executions/${id}`)
    if (response.ok) {
      current = ((await response.json()) as { state: { current: string } }).state.current
    } else if (response.status !== 404) {
      throw new Error(`GET /executions/${id} answered ${response.status}`)
    }
    if (current === state) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`execution ${id} stayed ${current}`)
}

/** The settings the action and the CLI take to reach the engine. */
export function engineEnv(engine: KestraEngine): Record<string, string> {
  return {
    KESTRA_URL: engine.url,
    KESTRA_USERNAME: engine.username,
    KESTRA_PASSWORD: engine.password
  }
}
