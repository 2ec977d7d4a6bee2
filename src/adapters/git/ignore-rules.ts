import { entryOf } from '../../model/content.js'
import { childOf, type TreeSource } from './tree-source.js'

export const IGNORE_FILE = '.kestraignore'
export const GIT_IGNORE_FILE = '.gitignore'

/** The rule that leaves a path out: a line of an ignore file, or the rule on names starting with '.'. */
export interface IgnoreRule {
  /** Relative to root; undefined for the dotfile rule (line 0). */
  file?: string
  line: number
  pattern: string
}

/** The verdict after one ignore file spoke of `rel` (relative to its folder), `excluded` the one before. */
function applied(
  rules: IgnoreFile,
  rel: string,
  isDir: boolean,
  excluded: IgnoreRule | undefined
): IgnoreRule | undefined {
  const verdict = rules.test(rel, isDir)
  if (verdict.ignored && verdict.pattern) {
    return { file: rules.path, line: verdict.pattern.line, pattern: verdict.pattern.text }
  }
  return verdict.unignored ? undefined : excluded
}

function isDotName(rel: string): boolean {
  return rel.charCodeAt(rel.lastIndexOf('/') + 1) === 0x2e
}

/** `.kestraignore` leaves out names starting with '.' unless a negation re-includes them. */
const DOTFILE_RULE: IgnoreRule = { line: 0, pattern: '.*' }

/**
 * What the patterns of one ignore file say of `rel` (relative to the file's folder, '/'-separated): the last
 * pattern matching it, unless a folder on the way is ignored (git never looks inside one). The folders' verdicts
 * are kept: a walk asks about each folder many times.
 */
class IgnoreFile {
  private readonly folders = new Map<string, Verdict>()

  constructor(
    readonly path: string,
    private readonly patterns: readonly IgnorePattern[],
    private readonly meter?: Meter
  ) {}

  test(rel: string, isDir: boolean): Verdict {
    return isDir ? this.folder(rel) : (this.ignoredParent(rel) ?? this.own(rel, false))
  }

  private own(rel: string, isDir: boolean): Verdict {
    const pattern = lastMatch(this.patterns, rel.split('/'), isDir, this.meter)
    if (!pattern) return { ignored: false, unignored: false }
    return { ignored: !pattern.negative, unignored: pattern.negative, pattern }
  }

  private folder(rel: string): Verdict {
    let verdict = this.folders.get(rel)
    if (!verdict) this.folders.set(rel, (verdict = this.ignoredParent(rel) ?? this.own(rel, true)))
    return verdict
  }

  private ignoredParent(rel: string): Verdict | undefined {
    const cut = rel.lastIndexOf('/')
    if (cut <= 0) return undefined
    const parent = this.folder(rel.slice(0, cut))
    return parent.ignored ? parent : undefined
  }
}

/**
 * Ignore files (gitignore syntax, `.kestraignore` unless told) in any folder, each relative to its
 * folder, deeper files taking precedence. With `.kestraignore`, names starting with '.' are excluded
 * unless a negation re-includes them.
 */
export class IgnoreRules {
  /**
   * Each folder's ignore file once read (undefined: none), or its reading under way: awaiting a settled promise
   * for every folder of every path cost 12,000 paths tens of milliseconds.
   */
  private readonly byDir = new Map<
    string,
    IgnoreFile | undefined | Promise<IgnoreFile | undefined>
  >()

  constructor(
    private readonly tree: Pick<TreeSource, 'kind' | 'read'>,
    readonly fileName: string = IGNORE_FILE
  ) {}

  /** Whether one entry is excluded, its parent folder being included. `rel` is '/'-separated. */
  async excludes(rel: string, isDir: boolean): Promise<boolean> {
    return (await this.excludedBy(rel, isDir)) !== undefined
  }

  /**
   * The rule excluding one entry (its parent folder being included), undefined when it is read. `.git`
   * and the ignore files themselves are always excluded, by no rule the user wrote: `fixed`.
   */
  async excludedBy(rel: string, isDir: boolean): Promise<IgnoreRule | 'fixed' | undefined> {
    const settled = this.settledVerdict(rel, isDir)
    if (settled) return settled.rule
    const dotfile = this.fileName === IGNORE_FILE && isDotName(rel)
    return this.verdict(rel, isDir, dotfile ? DOTFILE_RULE : undefined)
  }

  /** `excludedBy` without waiting when every ignore file on the way is read (`{ rule }`), else undefined. */
  settledVerdict(
    rel: string,
    isDir: boolean
  ): { rule: IgnoreRule | 'fixed' | undefined } | undefined {
    const name = rel.slice(rel.lastIndexOf('/') + 1)
    // Never re-included: .git may hold credentials, and ignore files are configuration.
    if (name.toLowerCase() === '.git' || name === this.fileName) return { rule: 'fixed' }
    let excluded = this.fileName === IGNORE_FILE && name.startsWith('.') ? DOTFILE_RULE : undefined
    for (let cut = -1; ;) {
      const dir = cut === -1 ? '' : rel.slice(0, cut)
      if (!this.byDir.has(dir)) return undefined
      const rules = this.byDir.get(dir)
      if (rules instanceof Promise) return undefined
      if (rules) excluded = applied(rules, rel.slice(cut + 1), isDir, excluded)
      const next = rel.indexOf('/', cut + 1)
      if (next === -1) return { rule: excluded }
      cut = next
    }
  }

  private async verdict(
    rel: string,
    isDir: boolean,
    excluded: IgnoreRule | undefined
  ): Promise<IgnoreRule | undefined> {
    // Each folder on the way, from root down: `rel` up to a '/' (root is ''), the rest after it.
    for (let cut = -1; ;) {
      const dir = cut === -1 ? '' : rel.slice(0, cut)
      const held = this.byDir.has(dir) ? this.byDir.get(dir) : this.readRules(dir)
      const rules = held instanceof Promise ? await held : held
      if (rules) excluded = applied(rules, rel.slice(cut + 1), isDir, excluded)
      const next = rel.indexOf('/', cut + 1)
      if (next === -1) return excluded
      cut = next
    }
  }

  /** Whether the folder holds an ignore file that is a regular file: spares the walk a probe of each folder. */
  knowListing(dirRel: string, hasRegularIgnoreFile: boolean): void {
    if (this.byDir.has(dirRel)) return
    if (hasRegularIgnoreFile) void this.readRules(dirRel)
    else this.byDir.set(dirRel, undefined)
  }

  /** The rule excluding a path or a folder on the way to it (a link's target, a drift write); undefined if none. */
  async pathExcludedBy(rel: string): Promise<IgnoreRule | 'fixed' | undefined> {
    const segments = rel.split('/')
    for (let depth = 1; depth <= segments.length; depth++) {
      const rule = await this.excludedBy(
        segments.slice(0, depth).join('/'),
        depth < segments.length
      )
      if (rule !== undefined) return rule
    }
    return undefined
  }

  /** Starts reading a folder's ignore file (`load` never rejects); the file replaces the reading once read. */
  private readRules(dirRel: string): Promise<IgnoreFile | undefined> {
    const reading = this.load(dirRel).then((file) => {
      this.byDir.set(dirRel, file)
      return file
    })
    this.byDir.set(dirRel, reading)
    return reading
  }

  private async load(dirRel: string): Promise<IgnoreFile | undefined> {
    const path = childOf(dirRel, this.fileName)
    try {
      // Only a regular file is read: a linked ignore file could point anywhere.
      if ((await this.tree.kind(path)) !== 'file') return undefined
      const text = (await this.tree.read(path)).toString('utf8')
      return new IgnoreFile(path, parseIgnoreFile(text))
    } catch {
      return undefined
    }
  }
}

/**
 * Gitignore patterns (git's `dir.c` and `wildmatch.c` semantics), matched in time bounded by the product
 * of the pattern's and the path's lengths whatever the pattern: `*` within a name and `**` across names
 * are matched by the greedy last-star algorithm, never by a backtracking regular expression.
 */

interface IgnorePattern {
  /** As written, for messages: trailing spaces removed, `!` kept. */
  text: string
  line: number
  negative: boolean
  dirOnly: boolean
  /** Holds a `/` before its end: matched against the whole path, else against the last name. */
  anchored: boolean
  /** One entry per name; undefined when the pattern can never match (an unclosed `[`, a final `\`). */
  names?: NameToken[]
}

interface Verdict {
  ignored: boolean
  unignored: boolean
  pattern?: IgnorePattern
}

/** Counts the elementary comparisons a match makes (the bound's proof in the tests). */
export interface Meter {
  steps: number
}

type CharToken =
  | { kind: 'char'; char: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'class'; negated: boolean; test: (char: string) => boolean }

type NameToken = { kind: 'globstar' } | { kind: 'name'; chars: CharToken[] }

const POSIX_CLASSES: Record<string, RegExp> = {
  alnum: /[A-Za-z0-9]/,
  alpha: /[A-Za-z]/,
  blank: /[ \t]/,
  cntrl: /[\x00-\x1f\x7f]/,
  digit: /[0-9]/,
  graph: /[\x21-\x7e]/,
  lower: /[a-z]/,
  print: /[\x20-\x7e]/,
  punct: /[!-/:-@[-`{-~]/,
  space: /[ \t\n\r\f\v]/,
  upper: /[A-Z]/,
  xdigit: /[0-9A-Fa-f]/
}

export function parseIgnoreFile(text: string): IgnorePattern[] {
  return text
    .split('\n')
    .flatMap((raw, index) => parsePattern(raw.replace(/\r$/, ''), index + 1) ?? [])
}

function parsePattern(raw: string, line: number): IgnorePattern | undefined {
  const text = trimTrailingSpaces(raw)
  if (text === '' || text.startsWith('#')) return undefined
  let body = text
  const negative = body.startsWith('!')
  if (negative) body = body.slice(1)
  const dirOnly = body.endsWith('/') && !body.endsWith('\\/')
  if (dirOnly) body = body.slice(0, -1)
  if (body === '') return undefined
  const anchored = body.includes('/')
  if (body.startsWith('/')) body = body.slice(1)
  const names = compileNames(body.split('/'))
  return { text, line, negative, dirOnly, anchored, ...(names ? { names } : {}) }
}

/** Git drops trailing spaces unless the last one is escaped with a backslash. */
function trimTrailingSpaces(line: string): string {
  let end = line.length
  while (end > 0 && line[end - 1] === ' ') {
    let backslashes = 0
    for (let i = end - 2; i >= 0 && line[i] === '\\'; i--) backslashes++
    if (backslashes % 2 === 1) break
    end--
  }
  return line.slice(0, end)
}

function compileNames(parts: string[]): NameToken[] | undefined {
  const tokens: NameToken[] = []
  for (const [index, part] of parts.entries()) {
    if (part === '**') {
      // A trailing `/**` matches everything inside, not the folder itself: one name at least.
      if (index === parts.length - 1 && index > 0) tokens.push({ kind: 'name', chars: [STAR] })
      tokens.push({ kind: 'globstar' })
      continue
    }
    const chars = compileName(part)
    if (!chars) return undefined
    tokens.push({ kind: 'name', chars })
  }
  return tokens
}

const STAR: CharToken = { kind: 'star' }

/** One name's tokens; undefined when wildmatch would abort on it (it then matches nothing). */
function compileName(name: string): CharToken[] | undefined {
  const part = [...name]
  const tokens: CharToken[] = []
  for (let i = 0; i < part.length; i++) {
    const char = part[i]!
    if (char === '\\') {
      if (i + 1 >= part.length) return undefined
      tokens.push({ kind: 'char', char: part[++i]! })
    } else if (char === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push(STAR)
    } else if (char === '?') {
      tokens.push({ kind: 'any' })
    } else if (char === '[') {
      const parsed = compileClass(part, i)
      if (!parsed) return undefined
      tokens.push(parsed.token)
      i = parsed.end
    } else {
      tokens.push({ kind: 'char', char })
    }
  }
  return tokens
}

/** A bracket expression starting at `start`, as wildmatch reads it; undefined when it is not closed. */
function compileClass(
  part: string[],
  start: number
): { token: CharToken; end: number } | undefined {
  let i = start + 1
  const negated = part[i] === '!' || part[i] === '^'
  if (negated) i++
  const tests: ((char: string) => boolean)[] = []
  let first = true
  for (; i < part.length; i++, first = false) {
    let char = part[i]!
    if (char === ']' && !first) {
      const token: CharToken = {
        kind: 'class',
        negated,
        test: (c) => tests.some((t) => t(c))
      }
      return { token, end: i }
    }
    if (char === '[' && part[i + 1] === ':') {
      const close = indexOfPair(part, ':', ']', i + 2)
      const name = close < 0 ? undefined : part.slice(i + 2, close).join('')
      const posix = name === undefined ? undefined : entryOf(POSIX_CLASSES, name)
      if (close < 0 || !posix) return undefined
      tests.push((c) => posix.test(c))
      i = close + 1
      continue
    }
    if (char === '\\') {
      if (i + 1 >= part.length) return undefined
      char = part[++i]!
    }
    if (part[i + 1] === '-' && i + 2 < part.length && part[i + 2] !== ']') {
      let high = part[i + 2]!
      i += 2
      if (high === '\\') {
        if (i + 1 >= part.length) return undefined
        high = part[++i]!
      }
      const low = char
      tests.push((c) => c >= low && c <= high)
      continue
    }
    const literal = char
    tests.push((c) => c === literal)
  }
  return undefined
}

function indexOfPair(chars: string[], first: string, second: string, from: number): number {
  for (let k = from; k + 1 < chars.length; k++) {
    if (chars[k] === first && chars[k + 1] === second) return k
  }
  return -1
}

export function testPath(
  patterns: readonly IgnorePattern[],
  rel: string,
  isDir: boolean,
  meter?: Meter
): Verdict {
  return new IgnoreFile('', patterns, meter).test(rel, isDir)
}

function lastMatch(
  patterns: readonly IgnorePattern[],
  names: string[],
  isDir: boolean,
  meter?: Meter
): IgnorePattern | undefined {
  for (let i = patterns.length - 1; i >= 0; i--) {
    if (patternMatches(patterns[i]!, names, isDir, meter)) return patterns[i]
  }
  return undefined
}

function patternMatches(
  pattern: IgnorePattern,
  names: readonly string[],
  isDir: boolean,
  meter?: Meter
): boolean {
  if (!pattern.names || (pattern.dirOnly && !isDir)) return false
  const subject = pattern.anchored ? names : names.slice(-1)
  return greedyMatch(
    pattern.names,
    subject,
    (token) => token.kind === 'globstar',
    (token, name) => token.kind === 'name' && nameMatches(token.chars, name, meter),
    meter
  )
}

function nameMatches(tokens: CharToken[], name: string, meter?: Meter): boolean {
  return greedyMatch(
    tokens,
    [...name],
    (token) => token.kind === 'star',
    (token, char) => charMatches(token, char),
    meter
  )
}

function charMatches(token: CharToken, char: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === char
    case 'any':
      return true
    case 'class':
      return token.test(char) !== token.negated
    default:
      return false
  }
}

/**
 * Wildcard matching where a star stands for any run of items and every other token for exactly one:
 * on a mismatch, the last star takes one more item. At most (tokens + 1) × (items + 1) comparisons.
 */
function greedyMatch<T, I>(
  tokens: readonly T[],
  items: readonly I[],
  isStar: (token: T) => boolean,
  matchesOne: (token: T, item: I) => boolean,
  meter?: Meter
): boolean {
  let t = 0
  let i = 0
  let star = -1
  let resume = 0
  while (i < items.length) {
    if (meter) meter.steps++
    if (t < tokens.length && isStar(tokens[t]!)) {
      star = t++
      resume = i
    } else if (t < tokens.length && matchesOne(tokens[t]!, items[i]!)) {
      t++
      i++
    } else if (star >= 0) {
      t = star + 1
      i = ++resume
    } else {
      return false
    }
  }
  while (t < tokens.length && isStar(tokens[t]!)) t++
  return t === tokens.length
}
