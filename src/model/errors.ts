/** Base for every error the action reports to the user: the message says what to do. */
export class ActionError extends Error {
  override name = 'ActionError'
}

/** An input has a value the action cannot use. */
export class ConfigError extends ActionError {
  override name = 'ConfigError'
  constructor(
    readonly input: string,
    message: string
  ) {
    super(`Input '${input}': ${message}`)
  }
}

/** The settings file (docs/inputs.md#settings-file) cannot be used: the message names its file and line. */
export class SettingsFileError extends ActionError {
  override name = 'SettingsFileError'
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string
  ) {
    super(`${file}:${line}: ${detail}`)
  }
}

/** Deploy refused or failed part-way; the message names what was and was not applied. */
export class DeployError extends ActionError {
  override name = 'DeployError'
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
