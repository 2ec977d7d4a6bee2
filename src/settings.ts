import { ConfigError } from './errors.js'
import { readInputs, type InputName, type InputValues } from './inputs/read-inputs.js'

export { NAMESPACE_PATTERN } from './inputs/checks.js'
export type { NamespaceFileMapping } from './inputs/namespace-files.js'
export type { InputName }

export type Mode = Exclude<InputValues['mode'], 'auto'>
export type Layout = Exclude<InputValues['layout'], 'auto'>

export type Auth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }

type CamelCase<Name extends string> = Name extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Name

type CamelCased<Values> = { [Name in keyof Values & string as CamelCase<Name>]: Values[Name] }

/** The inputs the settings hold in another form than their value under their camelCase name. */
type Reshaped = 'username' | 'password' | 'api-token' | 'github-token' | 'flows' | 'namespaces'

/** Every input's value under its name in camelCase (`max-deletions` is `maxDeletions`), and: */
export interface Settings extends CamelCased<Omit<InputValues, Reshaped>> {
  /** From username, password and api-token. */
  auth: Auth
  githubToken?: string
  /** Why `layout` is what it is, once `auto` is resolved. */
  layoutReason?: string
  /** A preview's GitHub environment, removed when the pull request closes (docs/environments.md#previews). */
  transientEnvironment?: boolean
  flowGlobs: InputValues['flows']
  extraNamespaces: InputValues['namespaces']
}

/**
 * Parses every input once. `read` returns the raw input value ('' when unset); empty values fall
 * back to the action.yml default, so the CLI and tests behave like the runner.
 */
export function parseSettings(read: (name: InputName) => string): Settings {
  const {
    username,
    password,
    'api-token': apiToken,
    'github-token': githubToken,
    flows,
    namespaces,
    ...values
  } = readInputs(read)
  if (values.layout === 'namespace' && !values.namespace) {
    throw new ConfigError(
      'namespace',
      "layout 'namespace' needs the namespace input (the namespace the flows/ and files/ folders belong to)"
    )
  }
  if (values.layout === 'custom' && flows.length === 0 && values['namespace-files'].length === 0) {
    throw new ConfigError(
      'flows',
      "layout 'custom' needs the flows globs and/or namespace-files mappings"
    )
  }
  const token = apiToken.trim()
  const auth: Auth = token
    ? { kind: 'bearer', token }
    : username || password
      ? { kind: 'basic', username, password }
      : { kind: 'none' }
  return {
    ...camelCased(values),
    auth,
    githubToken: githubToken.trim() || undefined,
    flowGlobs: flows,
    extraNamespaces: namespaces
  }
}

function camelCased<Values extends object>(values: Values): CamelCased<Values> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name.replace(/-([a-z0-9])/g, (_dash, letter: string) => letter.toUpperCase()),
      value
    ])
  ) as CamelCased<Values>
}
