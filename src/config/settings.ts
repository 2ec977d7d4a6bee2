import { lstatSync, readFileSync, realpathSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { ConfigError, errorMessage, SettingsFileError } from '../model/errors.js'
import {
  defaultOf,
  fileMaySet,
  inputNames,
  parserOf,
  type InputName,
  type InputValues
} from '../model/inputs/declared.js'
import {
  parseSettingsFile,
  SETTINGS_FILE_PATHS,
  type ElsewhereWay,
  type SettingsFile
} from '../model/inputs/settings-file.js'
import type { Auth, CamelCased, DeepReadonly, Settings } from '../model/settings.js'
import { isRecord } from '../model/content.js'

interface SettingsSources {
  file?: SettingsFile
  /** Told which inputs the file sets, and of each that the workflow (or the command line) sets over it. */
  log?(message: string): void
  /** As the log names it: 'the workflow' unless told. */
  givenIn?: string
}

/**
 * Parses every input once: `read`'s value ('' when unset) wins over the settings file's, then the default
 * (docs/inputs.md#settings-file).
 */
export function parseSettings(
  read: (name: InputName) => string,
  sources: SettingsSources = {}
): Settings {
  const given = readInputs(read, sources)
  const {
    username,
    password,
    'api-token': apiToken,
    'github-token': githubToken,
    'pull-request-token': pullRequestToken,
    'seal-key': sealKey,
    flows,
    namespaces,
    ...values
  } = given.values
  // A layout that lacks the input it needs: on the layout's line when the file sets it.
  const layoutError = (input: InputName, message: string) => {
    const line = given.fromFile.has('layout') && sources.file?.values.get('layout')?.line
    return line
      ? new SettingsFileError(sources.file!.path, line, message)
      : new ConfigError(input, message)
  }
  if (values.layout === 'namespace' && !values.namespace) {
    throw layoutError(
      'namespace',
      "layout 'namespace' needs the namespace input (the namespace the flows/ and files/ folders belong to)"
    )
  }
  if (values.layout === 'custom' && flows.length === 0 && values['namespace-files'].length === 0) {
    throw layoutError(
      'flows',
      "layout 'custom' needs the flows globs and/or namespace-files mappings"
    )
  }
  // A key a reader of KV could guess would be a verifier of its own (docs/security.md#what-kestra-holds).
  if (sealKey.trim() && sealKey.trim().length < SEAL_KEY_LENGTH) {
    throw new ConfigError(
      'seal-key',
      `it must be at least ${SEAL_KEY_LENGTH} random characters (e.g. the output of 'openssl rand -hex 32'), or empty to key the seal from the Kestra credentials`
    )
  }
  const token = apiToken.trim()
  const auth: Auth = token
    ? { kind: 'bearer', token }
    : username || password
      ? { kind: 'basic', username, password }
      : { kind: 'none' }
  // Built once, never changed: a preview or an environment is a target (config/target.ts), not new settings.
  return deepFreeze({
    ...camelCased(values),
    auth,
    githubToken: githubToken.trim() || undefined,
    pullRequestToken: pullRequestToken.trim() || undefined,
    sealKey: sealKey.trim() || undefined,
    flowGlobs: flows,
    extraNamespaces: namespaces,
    recorded: given.recorded
  })
}

export function deepFreeze<T>(value: T): DeepReadonly<T> {
  if ((isRecord(value) || Array.isArray(value)) && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const held of Object.values(value)) deepFreeze(held)
  }
  return value as DeepReadonly<T>
}

/**
 * The repository's settings file, checked, or undefined; a symbolic link is refused: the file is the repository's.
 */
export function readSettingsFile(
  repositoryRoot: string,
  elsewhere?: ElsewhereWay
): SettingsFile | undefined {
  const present = SETTINGS_FILE_PATHS.filter((path) => kindOf(join(repositoryRoot, path)))
  const [path, other] = present
  if (other) {
    throw new SettingsFileError(
      other,
      1,
      `${present.join(' and ')} are each a settings file (.yml and .yaml, at the root and in .github/, are one file): keep one settings file`
    )
  }
  if (!path) return undefined
  const full = join(repositoryRoot, path)
  const leaving = linkLeavingWorkspace(repositoryRoot, path)
  if (leaving) {
    throw new SettingsFileError(
      path,
      1,
      `'${leaving.link}' is a symbolic link that is never followed: ${leaving.reason}`
    )
  }
  if (kindOf(full) !== 'file') {
    throw new SettingsFileError(path, 1, 'must be a regular file (a symbolic link is not read)')
  }
  let text: string
  try {
    text = readFileSync(full, 'utf8')
  } catch (error) {
    throw new SettingsFileError(path, 1, `cannot be read (${errorMessage(error)})`)
  }
  return parseSettingsFile(path, text, elsewhere)
}

function kindOf(path: string): 'file' | 'other' | undefined {
  try {
    return lstatSync(path).isFile() ? 'file' : 'other'
  } catch {
    return undefined
  }
}

/** Every input's value, which the file gave, and what a plan records (non-default, as text); a bad one throws. */
function readInputs(
  read: (name: InputName) => string,
  { file, log, givenIn = 'the workflow' }: SettingsSources
): { values: InputValues; fromFile: Set<InputName>; recorded: Record<string, string> } {
  if (file && file.values.size > 0) {
    log?.(`Settings from ${file.path}: ${[...file.values.keys()].join(', ')}.`)
  }
  const values: Partial<Record<InputName, unknown>> = {}
  const fromFile = new Set<InputName>()
  const recorded: Record<string, string> = {}
  for (const name of inputNames()) {
    const given = read(name) ?? ''
    const inFile = file?.values.get(name)
    const set = given.trim() !== ''
    if (set && inFile)
      log?.(`Input '${name}' from ${givenIn} overrides ${file!.path} line ${inFile.line}.`)
    if (!set && inFile) fromFile.add(name)
    const raw = set ? given : (inFile?.text ?? defaultOf(name))
    const parser = parserOf(name)
    const value = parser.parse(raw, name)
    values[name] = value
    // full-plan changes how a plan is computed, never what it is; upgrade inputs only add notices
    // (docs/upgrade.md); preview writes only under pr-<n> on the pull request, never what the merge deploys.
    const planned = fileMaySet(name) && !NOT_PLANNED.has(name)
    if (planned && JSON.stringify(value) !== JSON.stringify(parser.parse(defaultOf(name), name))) {
      recorded[name] = isRecord(value) || Array.isArray(value) ? raw.trim() : String(value)
    }
  }
  return { values: values as InputValues, fromFile, recorded }
}

const NOT_PLANNED = new Set<InputName>(['full-plan', 'upgrade-check', 'upgrade-server', 'preview'])

/** The shortest `seal-key` taken: 32 characters, 128 bits at the least for hex. */
const SEAL_KEY_LENGTH = 32

function camelCased<Values extends object>(values: Values): CamelCased<Values> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name.replace(/-([a-z0-9])/g, (_dash, letter: string) => letter.toUpperCase()),
      value
    ])
  ) as CamelCased<Values>
}

/**
 * The first link on the way to `rel` whose real path leaves the workspace or leads nowhere (relative to the
 * workspace), and why; only lstat and realpath are asked (docs/security.md#what-the-action-reads).
 */
export function linkLeavingWorkspace(
  workspace: string,
  rel: string
): { link: string; reason: string } | undefined {
  const base = realOrUndefined(workspace)
  if (base === undefined) return undefined
  const parts = rel.split(/[\\/]/).filter((part) => part !== '' && part !== '.')
  let at = resolve(workspace)
  for (let i = 0; i < parts.length; i++) {
    at = join(at, parts[i]!)
    let stats
    try {
      stats = lstatSync(at, { throwIfNoEntry: false })
    } catch {
      return undefined
    }
    // Nothing there: what reads it says so (a root that does not exist is its own error).
    if (!stats) return undefined
    if (!stats.isSymbolicLink()) continue
    const link = parts.slice(0, i + 1).join('/')
    let real: string
    try {
      real = realpathSync(at)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      return { link, reason: code === 'ELOOP' ? 'it loops' : 'its target does not exist' }
    }
    if (!inside(base, real)) return { link, reason: 'it leads outside the workspace' }
  }
  return undefined
}

/**
 * `root` is refused when a link on the way leaves the workspace; the error names the link, never its target
 * (docs/inputs.md#reading-inputs).
 */
export function confineRoot(workspace: string, root: string): void {
  const leaving = linkLeavingWorkspace(workspace, root)
  if (!leaving) return
  const { link, reason } = leaving
  const through = link === root.replace(/^\.\/+|\/+$/g, '') ? '' : ` (on the way to '${root}')`
  throw new ConfigError(
    'root',
    `'${link}' is a symbolic link${through} that is never followed: ${reason}. Nothing under it is read; ` +
      'make root a folder of the checkout'
  )
}

export function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

export function inside(base: string, path: string): boolean {
  const rel = relative(base, path)
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`))
}
