import { ConfigError } from '../errors.js'

export interface InputParser<T> {
  /**
   * The value of `raw` (the input's default when it was left blank), or a ConfigError naming the
   * input and what it accepts.
   */
  parse(raw: string, input: string): T
  /** How a command line gives it: a switch, one flag per line, or one value. */
  shape: 'switch' | 'lines' | 'value'
  /** What the value looks like, for usage text: 'N', 'URL', 'all|changed'. */
  placeholder: string
}

export type ParsedBy<P> = P extends InputParser<infer T> ? T : never

export function choice<const T extends string>(...values: [T, ...T[]]): InputParser<T> {
  return {
    shape: 'value',
    placeholder: values.join('|'),
    parse(raw, input) {
      const value = raw.trim().toLowerCase()
      if ((values as string[]).includes(value)) return value as T
      throw new ConfigError(input, `'${raw}' is not accepted; use one of: ${values.join(', ')}`)
    }
  }
}

/** A whole number from `min` to `max`; without `max`, any one JavaScript holds exactly. */
export function wholeNumber(min: number, max?: number): InputParser<number> {
  const accepted = max === undefined ? 'a whole number' : `a whole number from ${min} to ${max}`
  return {
    shape: 'value',
    placeholder: 'N',
    parse(raw, input) {
      const value = raw.trim()
      const n = Number(value)
      if (/^\d+$/.test(value) && n >= min && n <= (max ?? Number.MAX_SAFE_INTEGER)) return n
      throw new ConfigError(input, `'${raw}' is not accepted; use ${accepted}`)
    }
  }
}

const boolean: InputParser<boolean> = {
  shape: 'switch',
  placeholder: 'true|false',
  parse(raw, input) {
    const value = raw.trim().toLowerCase()
    if (value === 'true') return true
    if (value === 'false') return false
    throw new ConfigError(input, `'${raw}' is not a boolean; use true or false`)
  }
}

export function text<T>(placeholder: string, parse: InputParser<T>['parse']): InputParser<T> {
  return { shape: 'value', placeholder, parse }
}

/** A value of several lines: on a command line, one flag per line. */
export function lines<T>(placeholder: string, parse: InputParser<T>['parse']): InputParser<T> {
  return { shape: 'lines', placeholder, parse }
}

/**
 * One value per line, each read by `parseLine` (the value, or why the line is not one); blank lines
 * and `#` comments are skipped. The first bad line is named by its number, and `hint` says what to write.
 */
export function lineByLine<T extends object>(
  placeholder: string,
  parseLine: (text: string) => T | string,
  hint: string
): InputParser<T[]> {
  return lines(placeholder, (raw, input) =>
    raw.split(/\r?\n/).flatMap((line, index) => {
      const text = line.trim()
      if (text === '' || text.startsWith('#')) return []
      const value = parseLine(text)
      if (typeof value !== 'string') return [value]
      throw new ConfigError(input, `line ${index + 1} '${text}': ${value}; ${hint}`)
    })
  )
}

export function contentLines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

const asText = text('TEXT', (raw) => raw)

/**
 * The parser of an input that needs none of its own, by its action.yml default: `true`/`false` makes
 * a boolean, a whole number a whole number, anything else text taken as written.
 */
export function plainParser(declaredDefault: string): InputParser<boolean | number | string> {
  if (declaredDefault === 'true' || declaredDefault === 'false') return boolean
  if (/^(?:0|[1-9]\d*)$/.test(declaredDefault)) return wholeNumber(0)
  return asText
}

/** What `plainParser` gives, as a type (`${bigint}` is a number written as JavaScript writes it). */
export type PlainValue<Default extends string> = Default extends 'true' | 'false'
  ? boolean
  : Default extends `-${string}`
    ? string
    : Default extends `${bigint}`
      ? number
      : string
