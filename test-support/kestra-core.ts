import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { inject } from 'vitest'
import { KESTRA_LINES, KESTRA_RELEASES, type KestraLine } from './kestra-releases.js'

/**
 * The released Kestra core of one version (`io.kestra:core` on Maven Central) running its own flow validation on
 * loopback: `test-support/kestra-core/CoreValidation.java`. The tests' judge of what that release accepts
 * (docs/kestra.md, "The released core, run"). It needs Java 21 or later and Maven, which fetches the jars.
 */
export interface KestraCore {
  version: string
  /** The base address: `${url}/api/v1/main/flows/validate` answers as the server's validate does. */
  url: string
  /** Kestra's answer to a validate request, one entry a document of the body. */
  validate(body: string): Promise<CoreVerdict[]>
  /** Those of the type names that the core's plugin registry resolves. */
  knownTypes(types: Iterable<string>): Promise<Set<string>>
  stop(): void
}

/** One entry of validate's answer, as Kestra writes it. */
export interface CoreVerdict {
  index: number
  flow?: string
  namespace?: string
  constraints?: string
  outdated?: boolean
  deprecationPaths?: string[]
  warnings?: string[]
  infos?: string[]
}

const HERE = join(import.meta.dirname, 'kestra-core')

/**
 * Why the released core cannot run here, or undefined when it can. `KESTRA_CORE_REQUIRED=1` (`.ci/run`) turns
 * this reason into a failure rather than a skip.
 */
export function coreUnavailable(): string | undefined {
  if (!javaHome()) return 'no Java 21 or later (JAVA_HOME, /usr/lib/jvm or PATH)'
  if (!commandVersion('mvn', ['-v'])) return 'no Maven (mvn) on PATH'
  return undefined
}

export function coreRequired(): boolean {
  return process.env.KESTRA_CORE_REQUIRED === '1'
}

/**
 * Each release of test-support/kestra-releases.ts started once, by its line (`1.3`, `2.0`): one after the other,
 * as two JVMs starting together on a loaded machine take longer than in turn.
 */
export async function startReleasedCores(): Promise<Map<KestraLine, KestraCore>> {
  const cores = new Map<KestraLine, KestraCore>()
  try {
    for (const line of KESTRA_LINES) cores.set(line, await startKestraCore(KESTRA_RELEASES[line]))
  } catch (error) {
    for (const core of cores.values()) core.stop()
    throw error
  }
  return cores
}

export async function startKestraCore(version: string): Promise<KestraCore> {
  const home = javaHome()
  if (!home) throw new Error(`The released Kestra core cannot run: ${coreUnavailable()}`)
  const classpathFile = join(tmpdir(), `kestra-core-${version}.classpath`)
  execFileSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      join(HERE, 'pom.xml'),
      `-Dkestra.version=${version}`,
      'dependency:build-classpath',
      `-Dmdep.outputFile=${classpathFile}`
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, JAVA_HOME: home } }
  )
  const child = spawn(
    join(home, 'bin', 'java'),
    [
      `-Dlogback.configurationFile=${join(HERE, 'logback.xml')}`,
      '-cp',
      readFileSync(classpathFile, 'utf8').trim(),
      join(HERE, 'CoreValidation.java')
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8_000)
  })
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      const listening = /^listening (\d+)$/.exec(line)
      if (listening) resolve(Number(listening[1]))
    })
    child.once('exit', (code) =>
      reject(new Error(`Kestra core ${version} exited (${code}) before it listened:\n${stderr}`))
    )
  })
  return {
    ...connectedCore(version, `http://127.0.0.1:${port}`),
    stop: () => child.kill('SIGKILL')
  }
}

/** A core already listening at `url` (started by this run's global setup): its `stop` is the setup's. */
function connectedCore(version: string, url: string): KestraCore {
  const post = async (path: string, body: string): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-yaml' },
      body
    })
    if (!response.ok) throw new Error(`Kestra core ${version}: ${path} answered ${response.status}`)
    return response.json()
  }
  return {
    version,
    url,
    validate: async (body) => (await post('/api/v1/main/flows/validate', body)) as CoreVerdict[],
    knownTypes: async (types) =>
      new Set((await post('/known-types', [...new Set(types)].join('\n'))) as string[]),
    stop: () => {}
  }
}

/**
 * The core of each released line, started once for the whole run by the global setup of the core project
 * (test-support/core-setup.ts), not by each file. Empty when the cores cannot run here (and that is allowed).
 */
export function releasedCores(): Map<KestraLine, KestraCore> {
  return new Map(
    inject('kestraCores').map(({ version, url }) => [
      KESTRA_LINES.find((line) => KESTRA_RELEASES[line] === version)!,
      connectedCore(version, url)
    ])
  )
}

/** A JDK of release 21 or later: JAVA_HOME, then the newest under /usr/lib/jvm, then `java` on PATH. */
function javaHome(): string | undefined {
  const candidates = [
    process.env.JAVA_HOME,
    ...(existsSync('/usr/lib/jvm')
      ? readdirSync('/usr/lib/jvm')
          .map((name) => join('/usr/lib/jvm', name))
          .sort()
          .reverse()
      : [])
  ].filter((home): home is string => Boolean(home))
  for (const home of candidates) {
    if (javaRelease(join(home, 'bin', 'java')) >= 21) return home
  }
  const onPath = commandVersion('java', ['-XshowSettings:properties', '-version'])
  const pathHome = onPath && /java\.home = (.+)/.exec(onPath)?.[1]
  return pathHome && javaRelease(join(pathHome, 'bin', 'java')) >= 21 ? pathHome : undefined
}

function javaRelease(java: string): number {
  if (!existsSync(java)) return 0
  const version = commandVersion(java, ['-version'])
  const match = version && /version "(\d+)/.exec(version)
  return match ? Number(match[1]) : 0
}

/** What a command prints on both streams (`java -version` writes to stderr), or undefined when it fails. */
function commandVersion(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  return result.status === 0 ? `${result.stdout}${result.stderr}` : undefined
}
