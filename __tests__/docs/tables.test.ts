import { readFileSync } from 'node:fs'
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
