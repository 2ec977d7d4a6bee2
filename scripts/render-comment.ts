/**
 * What a reviewer sees of a comment, for the demo: the Markdown rendered as GitHub renders it (an HTML page, and a
 * screenshot of it when Chromium is installed) and as a terminal can show it. GitHub's renderer is cmark-gfm;
 * micromark with its GFM extension reads the same syntax, raw HTML (`<details>`, `<sub>`) included.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import type { Nodes, Parents } from 'mdast'

/** The page GitHub would show for a comment: its HTML in GitHub's typography, sections folded as GitHub folds them. */
export function commentPage(markdown: string, title: string): string {
  const body = micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()]
  })
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>
body { margin: 0; background: #f6f8fa; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; color: #1f2328; }
.comment { max-width: 900px; margin: 24px auto; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
.header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0; color: #59636e; }
.body { padding: 16px; }
h3 { font-size: 1.25em; margin: 0 0 16px; } h4 { font-size: 1em; margin: 24px 0 8px; }
a { color: #0969da; text-decoration: none; }
code { font: 85% ui-monospace, SFMono-Regular, Menlo, monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
pre { background: #f6f8fa; padding: 12px 16px; border-radius: 6px; overflow: auto; }
pre code { background: none; padding: 0; font-size: 85%; }
blockquote { margin: 0 0 16px; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
table { border-collapse: collapse; margin: 0 0 16px; } th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
details { margin: 4px 0; } summary { cursor: pointer; }
sub { color: #59636e; }
</style></head>
<body><div class="comment"><div class="header"><b>github-actions</b> bot commented</div><div class="body">
${body}
</div></div></body></html>
`
}

/** A screenshot of `html`, `height` pixels tall, by headless Chromium (with the flags a closed network needs), or why none could be taken. */
export function screenshot(html: string, png: string, height: number): string | undefined {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) =>
    existsSync(path)
  )
  if (!chromium) return 'no Chromium at /usr/bin/chromium (apt-get install chromium)'
  const dir = mkdtempSync(join(tmpdir(), 'kga-shot-'))
  try {
    const page = join(dir, 'comment.html')
    writeFileSync(page, html)
    execFileSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--window-size=1000,${height}`,
        `--screenshot=${png}`,
        `file://${page}`
      ],
      { stdio: 'ignore', timeout: 60_000 }
    )
    return undefined
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const ansi = (code: string) => (text: string) =>
  process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[${code}m${text}\u001b[0m` : text
const bold = ansi('1')
const dim = ansi('2')
const red = ansi('31')
const green = ansi('32')
const cyan = ansi('36')

/** The comment as a terminal shows it: headings, folded sections as one line each, diffs coloured. */
export function commentText(markdown: string): string {
  const tree = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] })
  const lines: string[] = []
  for (const node of tree.children) block(node, lines, '')
  return lines.join('\n').replace(/\n{3,}/g, '\n\n')
}

function block(node: Nodes, lines: string[], indent: string): void {
  switch (node.type) {
    case 'heading':
      lines.push('', indent + bold(inline(node)))
      return
    case 'paragraph':
      for (const line of inline(node).split('\n')) lines.push(indent + line)
      return
    case 'blockquote':
      for (const child of node.children) block(child, lines, `${indent}${dim('│')} `)
      return
    case 'list':
      for (const item of node.children) {
        const text: string[] = []
        for (const child of item.children) block(child, text, '')
        lines.push(...text.map((line, i) => `${indent}${i === 0 ? '• ' : '  '}${line}`))
      }
      return
    case 'code':
      for (const line of node.value.split('\n')) {
        const paint = line.startsWith('+')
          ? green
          : line.startsWith('-')
            ? red
            : line.startsWith('@@')
              ? cyan
              : dim
        lines.push(`${indent}    ${paint(line)}`)
      }
      return
    case 'table':
      for (const row of node.children) {
        lines.push(indent + row.children.map((cell) => inline(cell)).join(dim(' │ ')))
      }
      return
    case 'html': {
      const summary = /<summary>([\s\S]*?)<\/summary>/.exec(node.value)
      if (summary) lines.push(indent + '▸ ' + htmlText(summary[1]!))
      return
    }
    case 'thematicBreak':
      lines.push(indent + dim('─'.repeat(40)))
      return
    default:
      if ('children' in node)
        for (const child of (node as Parents).children) block(child, lines, indent)
  }
}

function inline(node: Nodes): string {
  switch (node.type) {
    case 'text':
      return node.value
    case 'inlineCode':
      return cyan(node.value)
    case 'strong':
      return bold(children(node))
    case 'break':
      return '\n'
    case 'html':
      return node.value.startsWith('<!--') ? '' : htmlText(node.value)
    default:
      return 'children' in node ? children(node as Parents) : ''
  }
}

const children = (node: Parents) => node.children.map((child) => inline(child)).join('')

function htmlText(html: string): string {
  return html
    .replace(/<b>([\s\S]*?)<\/b>/g, (_, text: string) => bold(text))
    .replace(/<a [^>]*>[\s\S]*?<\/a>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#95;/g, '_')
    .replace(/&amp;/g, '&')
    .replace(/\s*·\s*$/, '')
}
