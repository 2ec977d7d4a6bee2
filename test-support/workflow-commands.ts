/**
 * The GitHub runner's reading of a step's output, written from its grammar (docs.github.com, "Workflow
 * commands for GitHub Actions") and from how actions/runner applies it (src/Runner.Common/ActionCommand.cs,
 * src/Runner.Worker/ActionCommandManager.cs):
 * - the output is read line by line, a line ending at `\r\n`, `\r` or `\n` (.NET's StreamReader.ReadLine);
 * - a line is a command `::name k=v,k=v::data` when, after its leading white space, it starts with `::` and
 *   `name` is a registered command (any case); properties are split at `,` and `=`, then unescaped;
 * - otherwise the legacy form `##[name k=v;k=v]data` anywhere in the line is a command;
 * - after `::stop-commands::TOKEN` no line is a command until one whose name is TOKEN.
 * Lenient where the runner might be: every command the runner registers is known, `notice` included.
 */

export interface RunnerCommand {
  /** Lower case; for the line that resumes commands, the stop token. */
  name: string
  properties: Record<string, string>
  data: string
  /** 0-based line number in the output. */
  line: number
  /** `::TOKEN::` ending a `::stop-commands::TOKEN` block. */
  resumes?: true
}

export interface RunnerReading {
  commands: RunnerCommand[]
  /** Commands are still stopped at the end of the output (what followed the stop was never read). */
  stoppedAtEnd: boolean
}

/** ActionCommandManager's extensions (every one the runner registers), plus the stop command. */
export const REGISTERED_COMMANDS = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo'
]

/** .NET's Char.IsWhiteSpace, which String.TrimStart removes. */
const LEADING_WHITE_SPACE =
  /^[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/

export function readRunnerCommands(output: string): RunnerReading {
  const registered = new Set(REGISTERED_COMMANDS)
  const commands: RunnerCommand[] = []
  let stopToken: string | undefined
  output.split(/\r\n|\r|\n/).forEach((text, line) => {
    const parsed = parseV2(text, registered) ?? parseLegacy(text, registered)
    if (!parsed) return
    if (stopToken !== undefined) {
      if (parsed.name !== stopToken.toLowerCase()) return
      registered.delete(parsed.name)
      stopToken = undefined
      commands.push({ ...parsed, line, resumes: true })
      return
    }
    commands.push({ ...parsed, line })
    if (parsed.name === 'stop-commands') {
      stopToken = parsed.data
      registered.add(parsed.data.toLowerCase())
    }
  })
  return { commands, stoppedAtEnd: stopToken !== undefined }
}

type Parsed = Omit<RunnerCommand, 'line'>

function parseV2(text: string, registered: Set<string>): Parsed | undefined {
  const message = text.replace(LEADING_WHITE_SPACE, '')
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const info = commandInfo(message.slice(2, end), ',', unescapeProperty, registered)
  return info && { ...info, data: unescapeData(message.slice(end + 2)) }
}

function parseLegacy(text: string, registered: Set<string>): Parsed | undefined {
  const prefix = text.indexOf('##[')
  if (prefix < 0) return undefined
  const bracket = text.indexOf(']', prefix)
  if (bracket < 0) return undefined
  const info = commandInfo(text.slice(prefix + 3, bracket), ';', unescapeLegacy, registered)
  return info && { ...info, data: unescapeLegacy(text.slice(bracket + 1)) }
}

/**
 * `name k=v<separator>k=v`: the name up to the first space, a registered one, then the properties (trimmed
 * first in the `::` form, as the runner does).
 */
function commandInfo(
  info: string,
  separator: string,
  unescape: (value: string) => string,
  registered: Set<string>
): Omit<Parsed, 'data'> | undefined {
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties: Record<string, string> = {}
  const rest = info.slice(space + 1)
  const pairs = space > 0 ? (separator === ',' ? rest.trim() : rest).split(separator) : []
  for (const pair of pairs.filter(Boolean)) {
    const [key, value] = splitPair(pair)
    if (key !== undefined && value !== undefined) properties[key] = unescape(value)
  }
  return { name, properties }
}

/** `Split('=', 2, RemoveEmptyEntries)`: both halves non-empty, or no pair. */
function splitPair(pair: string): [string?, string?] {
  const at = pair.indexOf('=')
  if (at < 0) return []
  const parts = [pair.slice(0, at), pair.slice(at + 1)].filter((part) => part !== '')
  return parts.length === 2 ? [parts[0], parts[1]] : []
}

function unescapeData(text: string): string {
  return text.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%')
}

function unescapeProperty(text: string): string {
  return text
    .replaceAll('%0D', '\r')
    .replaceAll('%0A', '\n')
    .replaceAll('%3A', ':')
    .replaceAll('%2C', ',')
    .replaceAll('%25', '%')
}

function unescapeLegacy(text: string): string {
  return text
    .replaceAll('%3B', ';')
    .replaceAll('%0D', '\r')
    .replaceAll('%0A', '\n')
    .replaceAll('%5D', ']')
    .replaceAll('%25', '%')
}

/** The commands the action itself issues: masks, groups, annotations, and its own stop blocks. */
const OWN_COMMANDS = new Set([
  'add-mask',
  'group',
  'endgroup',
  'warning',
  'error',
  'notice',
  'stop-commands'
])

/**
 * The commands in `output` that are not the action's own: any other name, a stop that never resumes, or
 * a command whose data or a property starts with `marker`, which only injected text does (the action's own
 * commands start theirs with its own words).
 */
export function foreignCommands(output: string, marker: string): RunnerCommand[] {
  const reading = readRunnerCommands(output)
  const foreign = reading.commands.filter(
    (command) =>
      (!command.resumes && !OWN_COMMANDS.has(command.name)) ||
      command.data.startsWith(marker) ||
      command.name.includes(marker.toLowerCase()) ||
      Object.values(command.properties).some((value) => value.startsWith(marker))
  )
  if (reading.stoppedAtEnd) {
    foreign.push({ name: 'stop-commands never resumed', properties: {}, data: '', line: -1 })
  }
  return foreign
}
