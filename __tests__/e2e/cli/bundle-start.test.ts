/**
 * What every start of the bundle loads (docs/performance.md#the-bundle): `node:http` is required, never imported
 * as a module (on Node 24 its module facade loads Node's own undici), and the libraries' chunk is the minified one.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../../test-support/runner.js'

const dist = process.env.KGA_DIST_DIR ?? join(PROJECT_ROOT, 'dist')
const chunks = [
  'index.js',
  'cli.js',
  ...readdirSync(join(dist, 'chunks')).map((name) => `chunks/${name}`)
]
  .filter((name) => name.endsWith('.js'))
  .map((name) => ({ name, code: readFileSync(join(dist, name), 'utf8') }))

describe('the bundle as it starts', () => {
  it('imports node:http as a module nowhere, and requires it once', () => {
    for (const { name, code } of chunks) {
      expect(code, name).not.toMatch(/(?:from|import)\s*["'](?:node:)?http["']/)
    }
    const required = chunks.flatMap(({ code }) => code.match(/\(["']node:http["']\)/g) ?? [])
    expect(required).toHaveLength(1)
  })

  it('carries its libraries minified, their license comments kept', () => {
    const vendor = chunks.find(({ name }) => name === 'chunks/vendor.js')!.code
    expect(vendor.length).toBeLessThan(1_500_000)
    expect(vendor).toContain('MIT License')
  })
})
