/**
 * The project's contract lives in docs/ (docs/README.md): sources cite `docs/<page>.md#<section>`, never a
 * document outside the repository. This file's own patterns are written with `\u00a7` escapes, so it cites
 * nothing itself and is scanned like every other file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SCANNED = ['src', 'test-support', '__tests__']

/** Citations of documents outside the repository: the product spec, the API reference, issues. */
const OUTSIDE: { pattern: RegExp; what: string }[] = [
  { pattern: /\bSPEC \u00a7/, what: 'the product spec by section' },
  { pattern: /\breference \u00a7/i, what: 'the API reference by section' },
  { pattern: /\u00a7\s*\d/, what: 'a numbered section of a document outside the repository' },
  { pattern: /\bshared\/reference\//, what: 'the shared reference' },
  {
    pattern: /\/work\/shared\b|\bSPEC\.md\b/,
    what: 'a document of this machine, outside the repository'
  },
  { pattern: /\b[Ii]ssue \d/, what: 'an issue number' }
]

/** `docs/<page>.md`, optionally `#<section>`; not part of a longer path (`kestra-io/docs/…`). */
const DOC_CITATION = /(?<![\w/.-])docs\/([\w.-]+\.md)(?:#([\w-]+))?/g

interface Citation {
  page: string
  anchor?: string
}

/** What a text cites outside the repository: one line per hit. */
export function outsideCitations(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, index) =>
      OUTSIDE.filter(({ pattern }) => pattern.test(line)).map(
        ({ what }) => `line ${index + 1} cites ${what}: ${line.trim()}`
      )
    )
}

/** The docs/ pages a text cites. */
export function docCitations(text: string): Citation[] {
  return [...text.matchAll(DOC_CITATION)].map(([, page, anchor]) => ({ page: page!, anchor }))
}

/**
 * The docs/ citations of a TypeScript source: every one in a comment, and in code (test titles) those
 * with a section, since a bare path in a string may name a fixture file of a test repository.
 */
export function sourceCitations(fileName: string, text: string): Citation[] {
  if (!text.includes('docs/')) return []
  // Comments are read from the text by position: the parser need not read doc comments (half its time).
  const file = ts.createSourceFile(
    fileName,
    text,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    false
  )
  const comments = new Map<number, string>()
  const collect = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) comments.set(range.pos, text.slice(range.pos, range.end))
  }
  const visit = (node: ts.Node) => {
    collect(ts.getLeadingCommentRanges(text, node.pos))
    collect(ts.getTrailingCommentRanges(text, node.end))
    ts.forEachChild(node, visit)
  }
  visit(file)
  return [
    ...[...comments.values()].flatMap(docCitations),
    ...docCitations(text).filter((citation) => citation.anchor !== undefined)
  ]
}

/** The anchors GitHub gives a page's headings (github-slugger's rule), and explicit `<a id>`s. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fence: string | undefined
  for (const line of markdown.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1]
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined
      continue
    }
    if (fence !== undefined) continue
    for (const [, id] of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id!)
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1]
    if (heading === undefined) continue
    const base = slug(heading)
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** Each page's anchors, read once: a page is cited hundreds of times. */
const pageAnchors = new Map<string, Set<string>>()

/** Why a citation does not resolve in `docsDir`, or undefined when it does. */
function unresolved(docsDir: string, { page, anchor }: Citation): string | undefined {
  const path = join(docsDir, page)
  if (!existsSync(path)) return `docs/${page} does not exist`
  if (anchor === undefined) return undefined
  let anchors = pageAnchors.get(path)
  if (!anchors) pageAnchors.set(path, (anchors = anchorsOf(readFileSync(path, 'utf8'))))
  if (anchors.has(anchor)) return undefined
  return `docs/${page} has no section #${anchor}`
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]
  )
}

const scanned = SCANNED.flatMap((folder) => filesUnder(join(ROOT, folder)))
const DOCS = join(ROOT, 'docs')

describe('citations in sources', () => {
  it('recognises the citations it forbids and the ones it checks', () => {
    const sample = [
      '/** SPEC \u00a79: compare before write. */',
      '// the reference \u00a72.4 says so',
      "it('works (issue\u002018)', () => {})",
      '/** See docs/guarantees.md#compare-before-write and docs/nowhere.md. */',
      "const fixture = { 'docs/readme.md': 'x', title: 'docs/plan.md\u0023nothing-here' }",
      'as /work\u002fshared/SPEC\u002emd says'
    ].join('\n')
    expect(outsideCitations(sample).map((hit) => hit.slice(0, 7))).toEqual([
      'line 1 ',
      'line 1 ',
      'line 2 ',
      'line 2 ',
      'line 3 ',
      'line 6 '
    ])
    const cited = sourceCitations('sample.ts', sample)
    expect(cited).toContainEqual({ page: 'guarantees.md', anchor: 'compare-before-write' })
    expect(cited).toContainEqual({ page: 'nowhere.md', anchor: undefined })
    expect(cited).toContainEqual({ page: 'plan.md', anchor: 'nothing-here' })
    expect(cited.some((c) => c.page === 'readme.md')).toBe(false)
    expect(cited.map((c) => unresolved(DOCS, c)).filter(Boolean)).toEqual([
      'docs/nowhere.md does not exist',
      'docs/plan.md has no section #nothing-here'
    ])
  })

  it('slugs headings as GitHub does', () => {
    const page = [
      '# Deploy guarantees',
      '## Compare before write',
      '### `auto`: how a layout is chosen',
      '```md',
      '## Not a heading',
      '```',
      '## Compare before write',
      '## Smoke runs & rollback (v2)'
    ].join('\n')
    expect([...anchorsOf(page)]).toEqual([
      'deploy-guarantees',
      'compare-before-write',
      'auto-how-a-layout-is-chosen',
      'compare-before-write-1',
      'smoke-runs--rollback-v2'
    ])
  })

  it(`cite no document outside the repository (${SCANNED.join(', ')})`, () => {
    const hits = scanned.flatMap((path) =>
      outsideCitations(readFileSync(path, 'utf8')).map((hit) => `${relative(ROOT, path)}: ${hit}`)
    )
    expect(hits).toEqual([])
  })

  it('cite only docs/ pages and sections that exist', () => {
    const broken = scanned
      .filter((path) => path.endsWith('.ts'))
      .flatMap((path) =>
        sourceCitations(path, readFileSync(path, 'utf8')).flatMap((citation) => {
          const why = unresolved(DOCS, citation)
          return why ? [`${relative(ROOT, path)}: ${why}`] : []
        })
      )
    expect(broken).toEqual([])
  })
})

/**
 * The README and the behaviour reference: they cite docs/ sections, Kestra's source or public URLs.
 */
const PAGES = [
  join(ROOT, 'README.md'),
  ...readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(DOCS, name))
]

describe('the README and docs/', () => {
  it('cite no document outside the repository', () => {
    const hits = PAGES.flatMap((path) =>
      outsideCitations(readFileSync(path, 'utf8')).map((hit) => `${relative(ROOT, path)}: ${hit}`)
    )
    expect(hits).toEqual([])
  })

  it('link only to pages and sections that exist', () => {
    const broken = PAGES.flatMap((path) => {
      const text = readFileSync(path, 'utf8')
      return [...text.matchAll(/\]\((?!https?:|mailto:)([^)#\s]*)(?:#([^)\s]+))?\)/g)].flatMap(
        ([, target, anchor]) => {
          if (target !== '' && !target!.endsWith('.md')) return []
          const file = target === '' ? path : join(path, '..', target!)
          if (!existsSync(file)) return [`${relative(ROOT, path)}: ${target} does not exist`]
          if (anchor === undefined || anchorsOf(readFileSync(file, 'utf8')).has(anchor)) return []
          return [`${relative(ROOT, path)}: ${target || 'this page'} has no section #${anchor}`]
        }
      )
    })
    expect(broken).toEqual([])
  })
})
