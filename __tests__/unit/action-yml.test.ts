import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ACTION_YML_MODULE, renderActionYmlModule } from '../../scripts/action-yml-module.js'
import { PROJECT_ROOT } from '../../test-support/runner.js'

describe('action.yml as data', () => {
  it(`${ACTION_YML_MODULE} is action.yml's declaration (run \`npm run docs\` when this fails)`, async () => {
    const committed = readFileSync(join(PROJECT_ROOT, ACTION_YML_MODULE), 'utf8')
    expect(committed).toBe(await renderActionYmlModule(PROJECT_ROOT))
  })
})
