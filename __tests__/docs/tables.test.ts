import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { documented, DOCUMENTED_FILES, renderTables } from '../../scripts/action-docs.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('inputs and outputs tables (README.md, docs/inputs.md)', () => {
  it.each(DOCUMENTED_FILES)(
    '%s has the tables action.yml generates (run `npm run docs`)',
    (file) => {
      expect(readFileSync(join(ROOT, file), 'utf8')).toBe(documented(ROOT, file))
    }
  )

  it('follows every default and description of action.yml', () => {
    const actionYml = readFileSync(join(ROOT, 'action.yml'), 'utf8')
    const changed = actionYml.replace(
      /(max-deletions:\n\s+description: .*\n\s+default: )'10'/,
      "$1'25'"
    )
    expect(changed).not.toBe(actionYml)
    expect(renderTables(changed).inputs).toContain('| `max-deletions` | `25` |')
    expect(renderTables(actionYml).inputs).toContain('| `max-deletions` | `10` |')
  })
})
