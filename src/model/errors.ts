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

/** Deploy refused or failed part-way; the message names what was and was not applied. */
export class DeployError extends ActionError {
  override name = 'DeployError'
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
