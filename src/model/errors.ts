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
  /** Every problem found, each on its own line of the message; `line` is the first one's. */
  readonly problems: readonly { line: number; detail: string }[]
  readonly line: number
  constructor(
    readonly file: string,
    lineOrProblems: number | readonly { line: number; detail: string }[],
    detail = ''
  ) {
    const problems =
      typeof lineOrProblems === 'number' ? [{ line: lineOrProblems, detail }] : lineOrProblems
    super(problems.map((problem) => `${file}:${problem.line}: ${problem.detail}`).join('\n'))
    this.problems = problems
    this.line = problems[0]?.line ?? 1
  }
}

/** Deploy refused or failed part-way; the message names what was and was not applied. */
export class DeployError extends ActionError {
  override name = 'DeployError'
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
