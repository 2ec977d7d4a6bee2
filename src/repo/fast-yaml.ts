import { Document, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml'
import type { Node } from 'yaml'
// The loader alone (not the dumper), with no implicit typing: values are resolved below, as yaml does.
import loader from 'yaml-ast-parser/dist/src/loader.js'
import failsafeSchema from 'yaml-ast-parser/dist/src/schema/failsafe.js'
import yamlAst from 'yaml-ast-parser/dist/src/yamlAST.js'
import type { YAMLNode } from 'yaml-ast-parser'
import { blockScalar, plainScalar, quotedScalar } from './fast-yaml-scalar.js'

/**
 * A fast path for `parseAllDocuments(source, { lineCounter, uniqueKeys: true, prettyErrors: false })`
 * on the YAML that flows are made of. yaml-ast-parser (about ten times faster) finds the structure;
 * the nodes, values, ranges and comments are then built as `yaml` 2.9's lexer, parser and composer
 * would build them. Anything it is not certain to reproduce (any error, anchors, aliases, tags,
 * directives, document markers, tabs, complex keys, unusual layouts) returns undefined: the caller
 * then runs `yaml` itself, which also keeps every error message `yaml`'s own.
 */
export function parseFastYaml(
  source: string
): { documents: Document.Parsed[]; lineCounter: LineCounter } | undefined {
  if (UNSUPPORTED_TEXT.test(source)) return undefined
  try {
    const root = loader.load(source, { schema: failsafeSchema }) as YAMLNode | undefined
    if (!root || root.errors.length > 0) return undefined
    const lineCounter = new LineCounter()
    const document = new FlowDocumentBuilder(source, lineCounter).build(root)
    lineCounter.addNewLine(0)
    for (let at = source.indexOf('\n'); at !== -1; at = source.indexOf('\n', at + 1)) {
      lineCounter.addNewLine(at + 1)
    }
    return { documents: [document], lineCounter }
  } catch (error) {
    // Very deep nesting exhausts the stack of either parser: yaml reports it properly.
    if (error === BAIL || error instanceof RangeError) return undefined
    throw error
  }
}

/** Tabs, CR, NUL, other line breaks, BOM, directives, document markers. */
const UNSUPPORTED_TEXT = /[\t\r\0\u0085\u2028\u2029\uFEFF]|^%|^(?:---|\.\.\.)(?:[ \n]|$)/m

const BAIL = Symbol('fast-yaml bail')
function bail(): never {
  throw BAIL
}

const { Kind } = yamlAst

/** A lexical token as `yaml`'s parser sees trivia and indicators. */
interface Token {
  type: 'space' | 'comment' | 'newline' | 'indicator'
  offset: number
  source: string
  /** For comments: the parser's indentation when it met them (their column at a line's start). */
  indent: number
}

/** What follows a finished value: blank and comment lines not yet placed, and the next content. */
interface After {
  /** Blank and comment lines that the enclosing collection receives as a new item's start. */
  pending: Token[] | undefined
  /** Offset of the next content (the text's length at its end). */
  next: number
  /** Column of the next content, -1 at the end of the text. */
  column: number
}

interface Props {
  comment: string
  spaceBefore: boolean
  end: number
}

class FlowDocumentBuilder {
  private readonly doc: Document.Parsed

  constructor(
    private readonly src: string,
    lineCounter: LineCounter
  ) {
    this.doc = new Document(undefined, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false
    }) as Document.Parsed
  }

  build(root: YAMLNode): Document.Parsed {
    const start = root.startPosition
    if (this.column(start) !== 0) bail()
    const prelude = this.trivia(0, undefined)
    if (prelude.next !== start) bail()
    let contents: YAMLMap | YAMLSeq
    let after: After
    if (root.kind === Kind.MAP && !this.isFlowStart(start)) {
      ;[contents, after] = this.blockMap(root, [])
    } else if (root.kind === Kind.SEQ && !this.isFlowStart(start)) {
      ;[contents, after] = this.blockSeq(root, [])
    } else bail()
    if (after.column !== -1) bail()
    const doc = this.doc
    doc.contents = contents as unknown as Document.Parsed['contents']
    const contentEnd = (contents.range as [number, number, number])[2]
    const end = resolveEnd(after.pending ?? [], contentEnd)
    if (end.comment) doc.comment = end.comment
    doc.range = [start, contentEnd, end.offset]
    this.decorate(prelude.tokens)
    return doc
  }

  /** The composer's handling of comments before the document (`Composer.decorate`). */
  private decorate(prelude: Token[]): void {
    let comment = ''
    let atComment = false
    let afterEmptyLine = false
    for (const token of prelude) {
      if (token.type === 'comment') {
        comment +=
          (comment === '' ? '' : afterEmptyLine ? '\n\n' : '\n') +
          (token.source.substring(1) || ' ')
        atComment = true
        afterEmptyLine = false
      } else if (token.type === 'newline') {
        if (!atComment) afterEmptyLine = true
        atComment = false
      }
    }
    if (!comment) return
    const contents = this.doc.contents as YAMLMap | YAMLSeq
    if (afterEmptyLine || contents.items.length === 0) {
      this.doc.commentBefore = comment
      return
    }
    const first = contents.items[0]
    const node = (first instanceof Pair ? first.key : first) as Node
    node.commentBefore = node.commentBefore ? `${comment}\n${node.commentBefore}` : comment
  }

  private blockMap(ast: YAMLNode, firstStart: Token[]): [YAMLMap, After] {
    const map = new YAMLMap(this.doc.schema)
    const indent = this.column(ast.startPosition)
    const mappings = ast.mappings as YAMLNode[]
    const keys = new Set<unknown>()
    let start: Token[] | undefined = firstStart
    let offset = ast.startPosition
    let after: After = { pending: undefined, next: this.src.length, column: -1 }
    for (let i = 0; i < mappings.length; i++) {
      const mapping = mappings[i]!
      const keyAst = mapping.key as YAMLNode | null
      if (!keyAst || keyAst.kind !== Kind.SCALAR || keyAst.anchorId !== undefined) bail()
      if (start === undefined || (i > 0 && keyAst.startPosition !== after.next)) bail()
      const key = this.flowScalar(keyAst)
      // `<<` is a plain key in YAML 1.2 but a merge under other options: leave it to yaml.
      if (key.value === '<<' || keys.has(key.value)) bail()
      if (keyAst.endPosition - keyAst.startPosition > 1000) bail()
      keys.add(key.value)
      key.range = [keyAst.startPosition, keyAst.endPosition, keyAst.endPosition]
      applyProps(key, this.props(start, true, 'none'))
      const sep = this.trivia(keyAst.endPosition, ':')
      const valueAst = mapping.value as YAMLNode | null
      let value: Node
      if (valueAst === null) {
        // An empty value: later blank and comment lines go to the next key, from the second newline.
        after = this.at(sep.next, undefined)
        if (after.column > indent) bail()
        if (after.column === indent) {
          const newlines: number[] = []
          sep.tokens.forEach((token, index) => {
            if (token.type === 'newline') newlines.push(index)
            else if (
              token.type !== 'space' &&
              !(token.type === 'comment' && token.indent <= indent)
            ) {
              newlines.length = 0
            }
          })
          if (newlines.length >= 2) after.pending = sep.tokens.splice(newlines[1]!)
        }
        value = this.emptyValue(sep.tokens)
      } else {
        if (sep.next !== valueAst.startPosition) bail()
        ;[value, after] = this.value(valueAst, indent, sep.tokens, 'value')
      }
      map.items.push(new Pair(key, value))
      offset = (value.range as [number, number, number])[2]
      start = after.pending
      if (i + 1 < mappings.length) {
        if (after.column !== indent) bail()
        start ??= []
      }
    }
    if (after.column === indent) bail()
    return this.closeCollection(map, ast, indent, offset, start, after, 'none')
  }

  private blockSeq(ast: YAMLNode, firstStart: Token[]): [YAMLSeq, After] {
    const seq = new YAMLSeq(this.doc.schema)
    const indent = this.column(ast.startPosition)
    const items = (ast as YAMLNode & { items: (YAMLNode | null)[] }).items
    let start: Token[] | undefined = firstStart
    let offset = ast.startPosition
    let after: After = { pending: undefined, next: this.src.length, column: -1 }
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      if (!item || start === undefined) bail()
      const dashAt = this.dashBefore(item.startPosition)
      if (
        (i === 0 ? dashAt !== ast.startPosition : dashAt !== after.next) ||
        this.column(dashAt) !== indent
      ) {
        bail()
      }
      const dash = this.trivia(dashAt, '-')
      if (dash.next !== item.startPosition) bail()
      let value: Node
      ;[value, after] = this.value(item, indent, [...start, ...dash.tokens], 'item')
      seq.items.push(value)
      offset = (value.range as [number, number, number])[2]
      start = after.pending
      if (i + 1 < items.length) {
        if (after.column !== indent) bail()
        start ??= []
      }
    }
    if (after.column > indent) bail()
    return this.closeCollection(seq, ast, indent, offset, start, after, 'seq-item')
  }

  /**
   * The end of a block collection whose last item ends at `offset`: comment lines left at its own
   * indent (`start`) are its trailing comment and widen its range.
   */
  private closeCollection<N extends YAMLMap | YAMLSeq>(
    node: N,
    ast: YAMLNode,
    indent: number,
    offset: number,
    start: Token[] | undefined,
    after: After,
    indicator: 'none' | 'seq-item'
  ): [N, After] {
    let end = offset
    if (start && !this.movesUp(start, indent)) {
      const props = this.props(start, true, indicator)
      if (props.comment) node.comment = props.comment
      end = props.end
      after = { ...after, pending: undefined }
    }
    node.range = [ast.startPosition, offset, end]
    return [node, after]
  }

  /** The `-` that introduces a sequence item starting at `itemStart` (on the same line). */
  private dashBefore(itemStart: number): number {
    let at = itemStart - 1
    while (this.src[at] === ' ') at--
    if (this.src[at] !== '-') bail()
    return at
  }

  /**
   * A map value or sequence item and what follows it. `propsTokens` are the tokens between the
   * indicator (included) and the node, which the composer reads as the node's properties.
   */
  private value(
    ast: YAMLNode,
    parentIndent: number,
    propsTokens: Token[],
    context: 'value' | 'item'
  ): [Node, After] {
    if (ast.anchorId !== undefined) bail()
    const props =
      context === 'item'
        ? this.props(propsTokens, true, 'seq-item')
        : this.props(propsTokens, false, 'value')
    const startsLine = propsTokens.some((token) => token.type === 'newline')
    const at = ast.startPosition
    const ch = this.src[at]
    let node: Node
    let after: After
    if ((ast.kind === Kind.MAP || ast.kind === Kind.SEQ) && ch !== '[' && ch !== '{') {
      // A block collection: on a line of its own, or a compact map right after `- `.
      if (!startsLine && !(ast.kind === Kind.MAP && context === 'item')) bail()
      const column = this.column(at)
      if (
        column < parentIndent ||
        (column === parentIndent && !(ast.kind === Kind.SEQ && context === 'value'))
      ) {
        bail()
      }
      ;[node, after] = ast.kind === Kind.MAP ? this.blockMap(ast, []) : this.blockSeq(ast, [])
    } else if (ast.kind === Kind.SCALAR && (ch === '|' || ch === '>')) {
      ;[node, after] = this.blockScalarNode(ast, parentIndent)
    } else {
      const leaf =
        ast.kind === Kind.SCALAR ? this.flowScalar(ast) : this.flowCollection(ast, parentIndent)
      const valueEnd = leaf.range[1]
      const trivia = this.trivia(valueEnd, undefined)
      const lineEnd = trivia.tokens.findIndex((token) => token.type === 'newline')
      if (lineEnd === -1 && trivia.next < this.src.length) bail()
      const endTokens = lineEnd === -1 ? trivia.tokens : trivia.tokens.slice(0, lineEnd + 1)
      const rest = lineEnd === -1 ? [] : trivia.tokens.slice(lineEnd + 1)
      after = this.afterLeaf(rest, trivia.next, parentIndent, endTokens)
      const resolved = resolveEnd(endTokens, valueEnd)
      if (resolved.comment) leaf.comment = resolved.comment
      leaf.range = [leaf.range[0], valueEnd, resolved.offset]
      node = leaf
    }
    applyProps(node, props)
    return [node, after]
  }

  /**
   * The blank and comment lines after a value that ended its line, routed as `yaml`'s parser does
   * within the innermost collection (indent `indent`): comment lines indented deeper than it join
   * the value's end (when it has one), the rest start a new item.
   */
  private afterLeaf(
    tokens: Token[],
    next: number,
    indent: number,
    valueEnd: Token[] | undefined
  ): After {
    let pending: Token[] | undefined
    for (const token of tokens) {
      if (token.type === 'newline') {
        if (pending) pending.push(token)
        else if (valueEnd?.at(-1)?.type === 'comment') valueEnd.push(token)
        else pending = [token]
      } else if (!pending) {
        pending = [token]
      } else if (
        token.type === 'comment' &&
        token.indent > indent &&
        valueEnd &&
        pending.every((t) => t.type === 'newline' || t.type === 'space')
      ) {
        valueEnd.push(...pending, token)
        pending = undefined
      } else pending.push(token)
    }
    return this.at(next, pending)
  }

  private at(next: number, pending: Token[] | undefined): After {
    return { pending, next, column: next < this.src.length ? this.column(next) : -1 }
  }

  /** Whether a collection's trailing blank/comment lines move to its parent when it ends. */
  private movesUp(start: Token[], indent: number): boolean {
    return indent === 0 || start.every((t) => t.type !== 'comment' || t.indent < indent)
  }

  private blockScalarNode(ast: YAMLNode, parentIndent: number): [Scalar, After] {
    const at = ast.startPosition
    const lineEnd = this.src.indexOf('\n', at)
    if (lineEnd === -1) bail()
    const header = this.src.slice(at, lineEnd)
    if (header !== '|' && header !== '|-' && header !== '>' && header !== '>-') bail()
    // The scalar runs to the end of its last line indented deeper than its parent.
    let end = lineEnd + 1
    let contentEnd = lineEnd
    let lineStart = lineEnd + 1
    let spacesOnly = false
    while (lineStart < this.src.length) {
      let next = this.src.indexOf('\n', lineStart)
      if (next === -1) next = this.src.length
      const spaces = this.skipSpaces(lineStart)
      if (spaces === next) {
        if (next > lineStart) spacesOnly = true
      } else {
        if (spaces - lineStart <= parentIndent) break
        contentEnd = next
        end = Math.min(next + 1, this.src.length)
        spacesOnly = false
      }
      lineStart = next + 1
    }
    // Whitespace-only lines after the last content line: the lexer's rules there are subtle.
    if (contentEnd === lineEnd || spacesOnly) bail()
    const scalar = blockScalar(header, this.src.slice(lineEnd + 1, contentEnd))
    if (!scalar) bail()
    scalar.range = [at, end, end]
    const trivia = this.trivia(end, undefined)
    return [scalar, this.afterLeaf(trivia.tokens, trivia.next, parentIndent, undefined)]
  }

  private flowScalar(ast: YAMLNode): Scalar & { range: [number, number, number] } {
    const { startPosition: start, endPosition: end } = ast
    const raw = this.src.slice(start, end)
    const first = raw[0]
    let scalar: Scalar | undefined
    if (first === '"' || first === "'") {
      scalar = quotedScalar(raw, ast.value)
    } else {
      if (raw === '' || /^[-?:][ \n]|^[-?:]$|^[@`%|>,!&*#[\]{}]|[ \n]$/.test(raw)) bail()
      if (raw !== ast.value && !raw.includes('\n')) bail()
      scalar = plainScalar(raw)
    }
    if (!scalar) bail()
    scalar.range = [start, end, end]
    return scalar as Scalar & { range: [number, number, number] }
  }

  /** A one-line flow collection written `[a, b]` or `{k: v, k2: [x]}`. */
  private flowCollection(
    ast: YAMLNode,
    parentIndent: number
  ): (YAMLMap | YAMLSeq) & { range: [number, number, number] } {
    const open = ast.startPosition
    const isMap = ast.kind === Kind.MAP
    if (this.src[open] !== (isMap ? '{' : '[')) bail()
    const collection = isMap ? new YAMLMap(this.doc.schema) : new YAMLSeq(this.doc.schema)
    collection.flow = true
    let at = this.skipSpaces(open + 1)
    const children = (
      isMap ? ast.mappings : (ast as YAMLNode & { items: unknown }).items
    ) as YAMLNode[]
    const keys = new Set<unknown>()
    children.forEach((child, index) => {
      if (index > 0) {
        if (!this.src.startsWith(', ', at)) bail()
        at += 2
      }
      if (!child || child.startPosition !== at) bail()
      if (isMap) {
        const keyAst = child.key as YAMLNode | null
        const valueAst = child.value as YAMLNode | null
        if (!keyAst || keyAst.kind !== Kind.SCALAR || !valueAst) bail()
        const key = this.flowScalar(keyAst)
        this.checkFlowPlain(key)
        if (key.value === '<<' || keys.has(key.value)) bail()
        keys.add(key.value)
        if (
          !this.src.startsWith(': ', key.range[1]) ||
          valueAst.startPosition !== key.range[1] + 2
        ) {
          bail()
        }
        const value = this.flowItem(valueAst, parentIndent)
        collection.items.push(new Pair(key, value) as never)
        at = value.range[1]
      } else {
        const value = this.flowItem(child, parentIndent)
        collection.items.push(value as never)
        at = value.range[1]
      }
    })
    // Spaces before the closing bracket end the last item (the last pair's value in a map).
    const close = this.skipSpaces(at)
    const last = collection.items.at(-1) as unknown
    const lastNode = (last instanceof Pair ? last.value : last) as Node | undefined
    if (lastNode?.range) lastNode.range[2] += close - at
    if (this.src[close] !== (isMap ? '}' : ']')) bail()
    collection.range = [open, close + 1, close + 1]
    return collection as (YAMLMap | YAMLSeq) & { range: [number, number, number] }
  }

  private flowItem(
    ast: YAMLNode,
    parentIndent: number
  ): Node & { range: [number, number, number] } {
    if (ast.anchorId !== undefined) bail()
    if (ast.kind === Kind.SCALAR) {
      const scalar = this.flowScalar(ast)
      this.checkFlowPlain(scalar)
      return scalar
    }
    if (ast.kind === Kind.MAP || ast.kind === Kind.SEQ)
      return this.flowCollection(ast, parentIndent)
    return bail()
  }

  /** Plain scalars inside flow collections: only simple words (no indicators, one line). */
  private checkFlowPlain(scalar: Scalar & { range: [number, number, number] }): void {
    const text = this.src.slice(scalar.range[0], scalar.range[1])
    if (scalar.type === Scalar.PLAIN && /[\n:#,[\]{}]/.test(text)) bail()
  }

  /** An empty value after `key:`, placed after the `:` and the spaces that follow it. */
  private emptyValue(sep: Token[]): Scalar {
    const props = this.props(sep, false, 'value')
    const indicator = sep[0]!
    let offset = indicator.offset + indicator.source.length
    if (sep[1]?.type === 'space') offset += sep[1].source.length
    const scalar = plainScalar('')
    scalar.range = [offset, offset, offset]
    if (props.spaceBefore) scalar.spaceBefore = true
    if (props.comment) {
      scalar.comment = props.comment
      scalar.range[2] = props.end
    }
    return scalar
  }

  /**
   * Trivia (spaces, comments, newlines) from `from` up to the next content; with `indicator`, the
   * text must first hold that indicator (after optional spaces).
   */
  private trivia(
    from: number,
    indicator: ':' | '-' | undefined
  ): { tokens: Token[]; next: number } {
    const src = this.src
    const tokens: Token[] = []
    let atLineStart = from === 0 || src[from - 1] === '\n'
    // Only comments read the indentation; on a line begun by other tokens it is worked out lazily.
    let lineIndent = atLineStart ? 0 : -1
    let at = from
    if (indicator) {
      const spaces = this.skipSpaces(at)
      if (spaces > at) tokens.push(token('space', src, at, spaces, lineIndent))
      if (src[spaces] !== indicator) bail()
      tokens.push(token('indicator', src, spaces, spaces + 1, lineIndent))
      at = spaces + 1
      atLineStart = false
    }
    while (at < src.length) {
      const ch = src[at]
      let end: number
      if (ch === ' ') {
        end = this.skipSpaces(at)
        if (atLineStart) lineIndent = end - at
        tokens.push(token('space', src, at, end, lineIndent))
        atLineStart = false
      } else if (ch === '#') {
        if (tokens.at(-1)?.type === 'indicator') bail()
        end = src.indexOf('\n', at)
        if (end === -1) end = src.length
        if (lineIndent === -1) lineIndent = this.indentOf(this.lineStart(at))
        tokens.push(token('comment', src, at, end, lineIndent))
        atLineStart = false
      } else if (ch === '\n') {
        end = at + 1
        tokens.push(token('newline', src, at, end, lineIndent))
        lineIndent = 0
        atLineStart = true
      } else break
      at = end
    }
    return { tokens, next: at }
  }

  /** `yaml`'s `resolveProps` for the tokens fast-path sources contain. */
  private props(
    tokens: Token[],
    startOnNewline: boolean,
    indicator: 'none' | 'value' | 'seq-item'
  ): Props {
    let spaceBefore = false
    let atNewline = startOnNewline
    let hasSpace = startOnNewline
    let comment = ''
    let commentSep = ''
    let found = false
    for (const token of tokens) {
      switch (token.type) {
        case 'space':
          hasSpace = true
          break
        case 'comment': {
          if (!hasSpace) bail()
          const text = token.source.substring(1) || ' '
          comment = comment ? comment + commentSep + text : text
          commentSep = ''
          atNewline = false
          break
        }
        case 'newline':
          if (atNewline) {
            if (comment) comment += token.source
            else if (!found || indicator !== 'seq-item') spaceBefore = true
          } else commentSep += token.source
          atNewline = true
          hasSpace = true
          break
        case 'indicator':
          if (found) bail()
          found = true
          atNewline = indicator === 'seq-item'
          hasSpace = false
      }
    }
    const last = tokens.at(-1)
    return { comment, spaceBefore, end: last ? last.offset + last.source.length : 0 }
  }

  private skipSpaces(at: number): number {
    while (this.src[at] === ' ') at++
    return at
  }

  private isFlowStart(at: number): boolean {
    return this.src[at] === '[' || this.src[at] === '{'
  }

  private lineStart(at: number): number {
    return this.src.lastIndexOf('\n', at - 1) + 1
  }

  private column(at: number): number {
    return at - this.lineStart(at)
  }

  /** Indentation as the parser counts it: spaces, and `- ` indicators at the start of a line. */
  private indentOf(lineStart: number): number {
    let at = lineStart
    for (;;) {
      if (this.src[at] === ' ') at++
      else if (this.src[at] === '-' && this.src[at + 1] === ' ') at += 2
      else return at - lineStart
    }
  }
}

function token(
  type: Token['type'],
  src: string,
  start: number,
  end: number,
  indent: number
): Token {
  return { type, offset: start, source: src.slice(start, end), indent }
}

/** `composeNode`: the properties' comment goes before the node, except on an empty scalar. */
function applyProps(node: Node, props: Props): void {
  if (props.spaceBefore) node.spaceBefore = true
  if (props.comment) node.commentBefore = props.comment
}

/** `yaml`'s `resolveEnd`: the comment after a node and where the node's trailing trivia ends. */
function resolveEnd(tokens: Token[], offset: number): { comment: string; offset: number } {
  let comment = ''
  let sep = ''
  let end = offset
  for (const token of tokens) {
    if (token.type === 'comment') {
      const text = token.source.substring(1) || ' '
      comment = comment ? comment + sep + text : text
      sep = ''
    } else if (token.type === 'newline' && comment) sep += token.source
    else if (token.type === 'indicator') bail()
    end += token.source.length
  }
  return { comment, offset: end }
}
