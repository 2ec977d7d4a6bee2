import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../test-support/runner.js'

describe('README', () => {
  it('compares what the action does after a deploy, with inputs action.yml declares', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'docs/comparison.md'), 'utf8')
    const action = readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')
    const row = readme.split('\n').find((line) => /^\| Run flows after the deploy\s+\|/.test(line))
    expect(row).toBeDefined()
    expect(row).not.toContain('not yet')
    const named = [...row!.split('|')[2]!.matchAll(/`([a-z-]+)(?::[^`]*)?`/g)].map((m) => m[1]!)
    expect(named).toEqual(['smoke-flows', 'smoke-timeout-seconds', 'rollback'])
    for (const input of named) expect(action).toMatch(new RegExp(`^  ${input}:$`, 'm'))
  })

  it('gives the two contributor commands, and .ci/run runs the test one', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toContain('npm test')
    const ci = readFileSync(join(PROJECT_ROOT, '.ci/run'), 'utf8')
    expect(ci).toMatch(/^npm ci\b/m)
    expect(ci).toMatch(/^npm test$/m)
  })
})
