import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser'
import { describe, expect, it } from 'vitest'
import { ARCHITECTURE_PAGE, renderArchitecturePage } from '../../scripts/architecture-docs.js'
import { PROJECT_ROOT } from '../../test-support/runner.js'

describe('the house (docs/architecture.md)', () => {
  it('src/ and generated/ import only along the allowed arrows, with no cycle and no I/O in decide', async () => {
    const config = createRequire(join(PROJECT_ROOT, 'package.json'))(
      './.dependency-cruiser.cjs'
    ) as IConfiguration & { options: Record<string, unknown> }
    const { options, ...ruleSet } = config
    const cwd = process.cwd()
    process.chdir(PROJECT_ROOT)
    let result: ICruiseResult
    try {
      const cruised = await cruise(['src', 'generated'], { ...options, ruleSet, validate: true })
      result = cruised.output as ICruiseResult
    } finally {
      process.chdir(cwd)
    }
    const violations = result.summary.violations.map(
      (v) =>
        `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`
    )
    expect(violations).toEqual([])
    expect(result.summary.totalCruised).toBeGreaterThan(100)
  })

  it(`${ARCHITECTURE_PAGE} draws exactly the rule's arrows (run \`npm run docs\` when this fails)`, async () => {
    const committed = readFileSync(join(PROJECT_ROOT, ARCHITECTURE_PAGE), 'utf8')
    expect(committed).toBe(await renderArchitecturePage(PROJECT_ROOT))
  })
})
