import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'
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

  it('names a Node that every locked package accepts, so npm ci warns of no engine', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')
    const named = [...readme.matchAll(/on a fresh clone \(Node (\d+\.\d+) or later\)/gi)]
    expect(named.length).toBeGreaterThan(0)
    const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string }; optional?: boolean }>
    }
    // npm ci warns EBADENGINE for each installed package whose engines.node the running Node does not satisfy.
    const refusing = (node: string) =>
      Object.entries(lock.packages)
        .filter(([, entry]) => !entry.optional && entry.engines?.node !== undefined)
        .filter(([, entry]) => !semver.satisfies(node, entry.engines!.node!))
        .map(([path, entry]) => `${path} (${entry.engines!.node})`)
    for (const [, version] of named) {
      const major = semver.major(`${version}.0`)
      for (const node of [`${version}.0`, `${major}.99.0`]) expect(refusing(node), node).toEqual([])
    }
  })
})
