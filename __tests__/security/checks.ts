/** Invariants every run must keep, whatever the repository holds: checked on what users and servers see. */
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'
import type { LoggedRequest } from '../../test-support/kestra-emulator/index.js'
import type { RunResult } from '../../test-support/runner.js'
import { expectedState, type Tree } from '../reliability/expected-state.js'

interface MdNode {
  type: string
  value?: string
  children?: MdNode[]
}

const MAX_COMMENT = 65_536

function nodes(tree: MdNode, keep: (node: MdNode) => boolean): MdNode[] {
  const found: MdNode[] = []
  const walk = (node: MdNode) => {
    if (keep(node)) found.push(node)
    node.children?.forEach(walk)
  }
  walk(tree)
  return found
}

/**
 * What is broken in a rendered comment or summary: a marker anywhere but the first line, unbalanced
 * `<details>`, a fence that swallows the plan marker, or an @mention (GitHub would notify) outside code.
 */
export function markdownProblems(body: string, marker?: string): string[] {
  const problems: string[] = []
  const lines = body.split('\n')
  if (marker !== undefined) {
    if (lines[0] !== marker) problems.push(`first line is not the marker: ${lines[0]}`)
    const extra = lines
      .slice(1)
      .filter((line) => line.trimStart().startsWith('<!-- kestra-gitops:'))
    if (extra.length > 0) problems.push(`marker-like line after the first: ${extra[0]}`)
    if (body.length > MAX_COMMENT) problems.push(`comment is ${body.length} characters`)
  }
  const tree = fromMarkdown(body, {
    extensions: [gfm()],
    mdastExtensions: [gfmFromMarkdown()]
  }) as MdNode
  const html = nodes(tree, (n) => n.type === 'html').map((n) => n.value ?? '')
  const count = (pattern: RegExp) =>
    html.reduce((sum, value) => sum + (value.match(pattern)?.length ?? 0), 0)
  if (count(/<details>/g) !== count(/<\/details>/g)) {
    problems.push(
      `unbalanced <details>: ${count(/<details>/g)} open, ${count(/<\/details>/g)} closed`
    )
  }
  if (marker !== undefined && !html.some((value) => value.startsWith('<!-- kestra-gitops-plan:'))) {
    problems.push('the plan marker is not raw HTML any more (swallowed by a code block?)')
  }
  const prose = nodes(tree, (n) => n.type === 'text').map((n) => n.value ?? '')
  const mention = prose.find((text) => /(^|[^\w`])@[A-Za-z0-9-]+/.test(text))
  if (mention !== undefined) problems.push(`@mention outside code: ${mention}`)
  // The action's own link to a resource's page in Kestra's UI is the only anchor it writes.
  const ownLink = /<a href="https?:\/\/[^"<>\s]+\/ui\/[^"<>\s]*">(open in Kestra<\/a>)?/g
  const rawHtml = html.find((value) => /<(script|img|iframe|a )/i.test(value.replace(ownLink, '')))
  if (rawHtml !== undefined) problems.push(`repository HTML rendered: ${rawHtml}`)
  return problems
}

/** Text inside code blocks and inline code. */
export function codeText(body: string): string {
  const tree = fromMarkdown(body, {
    extensions: [gfm()],
    mdastExtensions: [gfmFromMarkdown()]
  }) as MdNode
  return nodes(tree, (n) => n.type === 'code' || n.type === 'inlineCode')
    .map((n) => n.value ?? '')
    .join('\n')
}

/** The step did not crash: no stack trace, no JavaScript error class, exit code 0 or 1. */
export function crashProblems(result: RunResult): string[] {
  const problems: string[] = []
  if (![0, 1].includes(result.exitCode)) problems.push(`exit code ${result.exitCode}`)
  const text = `${result.stdout}\n${result.stderr}`
  const trace = /\n\s+at [\w.<>]+ \(|(TypeError|RangeError|ReferenceError|SyntaxError):/.exec(text)
  if (trace) problems.push(`crash: ${text.slice(trace.index, trace.index + 200)}`)
  if (result.exitCode === 1 && !result.annotations.some((a) => a.severity === 'error')) {
    problems.push('the step failed without saying why')
  }
  return problems
}

/**
 * Uploads that went anywhere but where the repository's files belong, or whose multipart name would make
 * Kestra extract the upload (a name ending in `.zip`).
 */
export function uploadProblems(requests: LoggedRequest[], tree: Tree): string[] {
  const allowed = new Set(expectedState(tree).files.map((f) => `${f.namespace}:${f.path}`))
  const problems: string[] = []
  for (const request of requests.filter((r) => r.route === 'namespaces.files.upload')) {
    const namespace = decodeURIComponent(
      /\/namespaces\/([^/]+)\/files$/.exec(request.path)?.[1] ?? ''
    )
    const key = `${namespace}:${String(request.query.path)}`
    if (!allowed.has(key)) problems.push(`upload outside the intended paths: ${key}`)
    if (/\.zip$/i.test(request.partFilename ?? '')) {
      problems.push(`upload ${key} named ${request.partFilename}: Kestra would extract it`)
    }
  }
  return problems
}
