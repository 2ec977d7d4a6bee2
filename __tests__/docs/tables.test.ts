import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { documented, DOCUMENTED_FILES, renderTables } from '../../scripts/action-docs.js'
import { SETTING_DEFAULTS } from '../../src/model/inputs/defaults.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('inputs and outputs tables (docs/inputs.md)', () => {
  it.each(DOCUMENTED_FILES)(
    '%s has the tables action.yml generates (run `npm run docs`)',
    (file) => {
      expect(readFileSync(join(ROOT, file), 'utf8')).toBe(documented(ROOT, file))
    }
  )

  it("follows every default and description of action.yml, and the declared defaults of the file's inputs", () => {
    const actionYml = readFileSync(join(ROOT, 'action.yml'), 'utf8')
    const changed = actionYml.replace(
      /(\n {2}mode:\n\s+description: .*\n\s+default: )auto/,
      '$1plan'
    )
    expect(changed).not.toBe(actionYml)
    expect(renderTables(changed).inputs).toContain('| `mode` | `plan` |')
    expect(renderTables(actionYml).inputs).toContain('| `mode` | `auto` |')
    // An input the settings file may set has no action.yml default: the table shows the declared one.
    expect(renderTables(actionYml).inputs).toContain(
      `| \`max-deletions\` | \`${SETTING_DEFAULTS['max-deletions']}\` |`
    )
  })
})

/** The longest a table cell of docs/ may read, in characters: a sentence or two. */
const CELL_LIMIT = 200
/**
 * A table cell as a reader reads it: a link by its words, without code marks or emphasis. Cells are split
 * on the `|`s GFM splits on (every one not escaped, in code too); fenced code holds no table.
 */
function cellTexts(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) =>
      cell
        .replace(/\\\|/g, '|')
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/[`*]/g, '')
        .trim()
    )
}

/** The cells of a page's tables longer than the limit: line and the cell's opening. */
function longCells(markdown: string): string[] {
  let fenced = false
  return markdown.split('\n').flatMap((line, index) => {
    if (/^\s{0,3}(```|~~~)/.test(line)) fenced = !fenced
    if (fenced || !/^\s{0,3}\|/.test(line)) return []
    return cellTexts(line)
      .filter((text) => text.length > CELL_LIMIT && !/^:?-+:?$/.test(text))
      .map((text) => `line ${index + 1}: ${text.length} characters: ${text.slice(0, 60)}…`)
  })
}

describe('tables of docs/', () => {
  it(`have no cell longer than a sentence or two (${CELL_LIMIT} characters)`, () => {
    const pages = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md'))
    expect(pages.length).toBeGreaterThan(20)
    const long = pages.flatMap((page) =>
      longCells(readFileSync(join(ROOT, 'docs', page), 'utf8')).map((hit) => `docs/${page} ${hit}`)
    )
    expect(long).toEqual([])
  })

  it('finds a long cell, reads a cell as its text (a link by its words, a `|` in code as one), and passes one at the limit', () => {
    const within = 'x'.repeat(CELL_LIMIT)
    const page = [
      '| a | b |',
      '| --- | --- |',
      `| ${within} | [${'y'.repeat(CELL_LIMIT - 10)}](https://example.com/${'z'.repeat(100)}) |`,
      `| \`a \\| b\` | ${within}! |`,
      `| ${'-'.repeat(CELL_LIMIT + 1)} |`
    ].join('\n')
    expect(longCells(page)).toEqual([`line 4: ${CELL_LIMIT + 1} characters: ${'x'.repeat(60)}…`])
    expect(longCells(`text | not a table\n\n\`\`\`\n| ${within}! |\n\`\`\``)).toEqual([])
  })
})
