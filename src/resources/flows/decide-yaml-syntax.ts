import { isAlias, isCollection, isPair, isScalar, isSeq, visit } from 'yaml'
import type { Document, Node } from 'yaml'
import type { Finding } from '../../model/finding.js'
import type { FlowFile } from '../../model/repository.js'
import { escape, offsetPosition } from './decide-document.js'

/**
 * What the YAML text itself gets wrong: syntax errors, duplicate keys, a second document, unquoted
 * Pebble expressions.
 */

/**
 * YAML problems of every document, and unquoted Pebble expressions: these explain the syntax errors
 * they cause on their line (`message: {{ a }} b`), which are then left out.
 */
export function syntaxFindings(flow: FlowFile): Finding[] {
  return flow.documents.flatMap((doc) => {
    const pebble = unquotedPebbleFindings(flow, doc)
    const explained = new Set(pebble.map((finding) => finding.line))
    return [
      ...pebble,
      ...yamlFindings(flow, doc).filter(
        (finding) => finding.rule !== 'yaml-syntax' || !explained.has(finding.line)
      )
    ]
  })
}

function yamlFindings(flow: FlowFile, doc: Document.Parsed): Finding[] {
  const findings: Finding[] = []
  const syntaxLines = new Set<number>()
  for (const error of doc.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY'
    const key = duplicate ? keyText(flow.source, error.pos[0]) : ''
    const position = offsetPosition(flow, skipBlank(flow.source, error.pos[0]))
    // One parse error tends to cascade into several on the same line: the first says the most.
    if (!duplicate && syntaxLines.has(position.line)) continue
    if (!duplicate) syntaxLines.add(position.line)
    // Engine 1.3.31 and 2.0.0: saving a flow with a duplicate key is refused ("Duplicate field"),
    // while their validate endpoint keeps the last value (docs/validation-rules.md).
    findings.push({
      severity: 'error',
      file: flow.file,
      ...position,
      rule: duplicate ? 'duplicate-key' : 'yaml-syntax',
      message: duplicate
        ? `Duplicate key${key ? ` '${key}'` : ''}: this mapping already has it above. Kestra refuses to save a flow with a duplicate key (its validate endpoint alone keeps the last value written${lastValue(flow.source, error.pos[0])}): remove the one you do not mean`
        : `YAML syntax error: ${error.message}. Fix the YAML (check indentation and quoting)`
    })
  }
  // Core 1.3.31 and 2.0.0 run: a key that is a sequence or a mapping (or an alias of one), wherever it stands, is
  // "Illegal Flow source: YAML syntax error: Invalid structure" on the key's line.
  visit(doc, {
    Pair(_, { key }) {
      if (!isCollection(isAlias(key) ? key.resolve(doc) : key)) return
      findings.push({
        severity: 'error',
        file: flow.file,
        ...offsetPosition(flow, (key as Node).range![0]),
        rule: 'yaml-syntax',
        message:
          'YAML syntax error: this key is a sequence or a mapping, and Kestra reads a key only as text ("Invalid structure"): write the key as text'
      })
    }
  })
  return findings.concat(
    doc.warnings.map((warning) => ({
      severity: 'warning',
      file: flow.file,
      ...offsetPosition(flow, skipBlank(flow.source, warning.pos[0])),
      rule: 'yaml-warning',
      message: `YAML warning: ${warning.message}`
    }))
  )
}

export function multipleDocumentFindings(flow: FlowFile): Finding[] {
  return flow.documents
    .slice(1)
    .filter((doc) => !isEmptyDocument(doc))
    .map((doc) => ({
      severity: 'error',
      file: flow.file,
      ...offsetPosition(flow, documentStart(flow.source, doc)),
      rule: 'multiple-documents',
      message:
        'A flow file must hold exactly one YAML document: move this document (after `---`) into a file of its own'
    }))
}

/** A bare trailing `---` parses as a document holding an empty scalar: not a second flow. */
function isEmptyDocument({ errors, contents }: Document.Parsed): boolean {
  return (
    errors.length === 0 &&
    (contents === null || (isScalar(contents) && contents.value === null && contents.source === ''))
  )
}

function documentStart(source: string, doc: Document.Parsed): number {
  const [start] = doc.range
  const contentStart = doc.contents?.range?.[0] ?? doc.range[1]
  const marker = /^---/gm
  marker.lastIndex = start
  const found = marker.exec(source)
  return found && found.index <= contentStart ? found.index : start
}

/** Parser errors sometimes start on the blank line before the culprit: point at the culprit. */
function skipBlank(source: string, offset: number): number {
  let at = offset
  while (at < source.length && /\s/.test(source[at] ?? '')) at++
  return at < source.length ? at : offset
}

/**
 * ` (here, \`value\`)` when this occurrence is the last one and its value fits on its line; else
 * nothing.
 */
function lastValue(source: string, offset: number): string {
  const end = source.indexOf('\n', offset)
  const line = source.slice(offset, end === -1 ? undefined : end)
  const value = /^[^:\n]{1,100}:[ \t]+([^\n#]{1,60})$/.exec(line)?.[1]?.trim()
  if (!value || value.includes('`')) return ''
  const key = keyText(source, offset)
  const later = source.slice(offset + line.length)
  const indent =
    /^[ \t-]*/.exec(source.slice(source.lastIndexOf('\n', offset) + 1, offset))?.[0].length ?? 0
  const again = new RegExp(`\\n[ \\t]{${indent}}${escape(key)}[ \\t]*:`)
  return again.test(later) ? '' : ` (here, \`${value}\`)`
}

function keyText(source: string, offset: number): string {
  const match = /^[^:\n]{1,100}/.exec(source.slice(offset, offset + 120))
  return match ? match[0].trim().replace(/^["']|["']$/g, '') : ''
}

/**
 * `message: {{ name }}` is YAML for a flow mapping whose key is another mapping, not a string: Kestra
 * then fails to read the flow with an error that does not say why. Same for `{% … %}` (a syntax error)
 * and for a flow sequence item. Works on documents with syntax errors too: it explains them.
 */
function unquotedPebbleFindings(flow: FlowFile, doc: Document.Parsed): Finding[] {
  const findings: Finding[] = []
  visit(doc, {
    Map(key, node, path) {
      const [start = -1, end = start] = node.range ?? []
      if (!node.flow || start < 0 || !/^\{[{%]/.test(flow.source.slice(start, start + 2))) {
        return undefined
      }
      const parent = path[path.length - 1]
      const inFlow = isSeq(parent) && parent.flow === true
      const expression = inFlow ? flow.source.slice(start, end) : expressionText(flow.source, start)
      const prefix =
        key === 'value' && isPair(parent) && isScalar(parent.key)
          ? `${String(parent.key.value)}: `
          : isSeq(parent) && !inFlow
            ? '- '
            : ''
      findings.push({
        severity: 'error',
        file: flow.file,
        ...offsetPosition(flow, start),
        rule: 'unquoted-pebble',
        message: `Unquoted Pebble expression: YAML reads \`${expression}\` as a mapping, not a string, and Kestra rejects the flow: quote the expression: ${prefix}${quoted(expression)}`,
        fix: { text: expression, with: quoted(expression) }
      })
      return visit.SKIP
    }
  })
  return findings
}

/** Up to the end of its line, without a trailing ` # comment`. */
function expressionText(source: string, start: number): string {
  const end = source.indexOf('\n', start)
  const line = source.slice(start, end < 0 ? source.length : end)
  const comment = line.search(/\s#(?![^{]*[}%]\})/)
  return (comment < 0 ? line : line.slice(0, comment)).trimEnd()
}

function quoted(text: string): string {
  if (!text.includes('"') && !text.includes('\\')) return `"${text}"`
  return `'${text.replace(/'/g, "''")}'`
}
