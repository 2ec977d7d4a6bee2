import { ConfigError } from '../model/errors.js'
import {
  defaultOf,
  inputNames,
  parserOf,
  type InputName,
  type InputValues
} from '../model/inputs/declared.js'
import type { Auth, CamelCased, Settings } from '../model/settings.js'

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
    'pull-request-token': pullRequestToken,
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
    pullRequestToken: pullRequestToken.trim() || undefined,
    flowGlobs: flows,
    extraNamespaces: namespaces
  }
}

/**
 * Every input's value. `read` returns the raw text ('' when unset); a blank one takes the action.yml
 * default, so the CLI and tests behave like the runner. The first bad input throws its ConfigError.
 */
function readInputs(read: (name: InputName) => string): InputValues {
  const values: Partial<Record<InputName, unknown>> = {}
  for (const name of inputNames()) {
    const raw = read(name) ?? ''
    values[name] = parserOf(name).parse(raw.trim() === '' ? defaultOf(name) : raw, name)
  }
  return values as InputValues
}

function camelCased<Values extends object>(values: Values): CamelCased<Values> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name.replace(/-([a-z0-9])/g, (_dash, letter: string) => letter.toUpperCase()),
      value
    ])
  ) as CamelCased<Values>
}
