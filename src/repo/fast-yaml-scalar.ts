import { Scalar } from 'yaml'

/**
 * Scalar values exactly as `yaml` 2.9 resolves them with its default YAML 1.2 core schema, for the
 * scalar spellings the fast path accepts. `undefined` means "not certain": the caller bails out.
 */

/** A plain scalar's value from its source text (which may span lines), as yaml's composer builds it. */
export function plainScalar(text: string): Scalar {
  const value = text.includes('\n') ? unfoldLines(text) : text
  const scalar = resolveCore(value)
  scalar.source = value
  scalar.type = Scalar.PLAIN
  return scalar
}

/** Quoted scalar on one line; `escaped` is the unescaped value from the other parser, checked here. */
export function quotedScalar(raw: string, escaped: unknown): Scalar | undefined {
  if (raw.length < 2 || raw.includes('\n')) return undefined
  const quote = raw[0]
  const inner = raw.slice(1, -1)
  if (raw[raw.length - 1] !== quote) return undefined
  let value: string
  if (quote === "'") value = inner.replace(/''/g, "'")
  else if (!inner.includes('\\')) value = inner
  else if (SAFE_ESCAPES.test(inner) && typeof escaped === 'string') value = escaped
  else return undefined
  const scalar = new Scalar(value)
  scalar.source = value
  scalar.type = quote === "'" ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE
  return scalar
}

/** Double-quoted contents whose escapes both parsers read alike (no `\` + newline, no rare escapes). */
const SAFE_ESCAPES = /^(?:[^\\"]|\\["\\/nrtbf0]|\\u[0-9a-fA-F]{4})*$/

/**
 * A block scalar (`|`, `|-`, `>`, `>-` with no indentation indicator), given the text after its
 * header line up to the end of its last content line (without that line's newline).
 */
export function blockScalar(header: string, body: string): Scalar | undefined {
  const literal = header[0] === '|'
  const lines = body.split('\n')
  const first = lines.findIndex((line) => line.trim() !== '')
  if (first === -1) return undefined
  const trimIndent = indentOf(lines[first]!)
  // More-indented leading empty lines need an indentation indicator: yaml reports an error.
  if (trimIndent === 0 || lines.slice(0, first).some((line) => line.length > trimIndent)) {
    return undefined
  }
  let value = '\n'.repeat(first)
  let sep = ''
  let prevMoreIndented = false
  for (const line of lines.slice(first)) {
    const indent = indentOf(line)
    const empty = indent === line.length
    if (!empty && indent < trimIndent) return undefined
    const content = line.slice(trimIndent)
    if (literal) {
      value += sep + content
      sep = '\n'
    } else if (indent > trimIndent) {
      if (sep === ' ') sep = '\n'
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n'
      value += sep + content
      sep = '\n'
      prevMoreIndented = true
    } else if (empty) {
      if (sep === '\n') value += '\n'
      else sep = '\n'
    } else {
      value += sep + content
      sep = ' '
      prevMoreIndented = false
    }
  }
  if (header.length === 1) value += '\n'
  const scalar = new Scalar(value)
  scalar.source = value
  scalar.type = literal ? Scalar.BLOCK_LITERAL : Scalar.BLOCK_FOLDED
  return scalar
}

function indentOf(line: string): number {
  let spaces = 0
  while (line[spaces] === ' ') spaces++
  return spaces
}

/** yaml's `unfoldLines` for a multi-line plain scalar. */
function unfoldLines(source: string): string {
  const lines = source.split('\n')
  let res = lines[0]!.replace(/[ \t]+$/, '')
  let sep = ' '
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i]!.trim()
    if (line === '') {
      if (sep === '\n') res += sep
      else sep = '\n'
    } else {
      res += sep + line
      sep = ' '
    }
  }
  return res + sep + lines[lines.length - 1]!.replace(/^[ \t]+/, '')
}

/** What every non-string spelling starts with (or the empty string). */
const MAYBE_NOT_STRING = /^(?:$|[-+.~0-9nNtTfF])/
const NULL = /^(?:~|[Nn]ull|NULL)?$/
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/
const INT_OCT = /^0o[0-7]+$/
const INT = /^[-+]?[0-9]+$/
const INT_HEX = /^0x[0-9a-fA-F]+$/
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/

/** The core schema's implicit tags, tried in yaml's order, with yaml's resolve functions. */
function resolveCore(value: string): Scalar {
  if (!MAYBE_NOT_STRING.test(value)) return new Scalar(value)
  if (NULL.test(value)) return new Scalar(null)
  if (BOOL.test(value)) return new Scalar(value[0] === 't' || value[0] === 'T')
  if (INT_OCT.test(value)) return withFormat(new Scalar(parseInt(value.substring(2), 8)), 'OCT')
  if (INT.test(value)) return new Scalar(parseInt(value, 10))
  if (INT_HEX.test(value)) return withFormat(new Scalar(parseInt(value.substring(2), 16)), 'HEX')
  if (FLOAT_NAN.test(value)) {
    const number =
      value.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : value[0] === '-'
          ? Number.NEGATIVE_INFINITY
          : Number.POSITIVE_INFINITY
    return new Scalar(number)
  }
  if (FLOAT_EXP.test(value)) return withFormat(new Scalar(parseFloat(value)), 'EXP')
  if (FLOAT.test(value)) {
    const scalar = new Scalar(parseFloat(value))
    const dot = value.indexOf('.')
    if (dot !== -1 && value[value.length - 1] === '0') {
      scalar.minFractionDigits = value.length - dot - 1
    }
    return scalar
  }
  return new Scalar(value)
}

function withFormat(scalar: Scalar, format: string): Scalar {
  scalar.format = format
  return scalar
}
