/**
 * The custom layout's `flows` globs (docs/layouts.md#custom): a YAML file is a flow when an include glob matches it
 * and no `!` glob does, each read by picomatch with dotfiles matched, whatever the globs and the path.
 */
import fc from 'fast-check'
import picomatch from 'picomatch'
import { describe, expect, it } from 'vitest'
import { isYamlFile, layoutRules } from '../../src/layout/layout.js'
import { runs } from '../../test-support/property-runs.js'

const segment = fc.constantFrom(
  'a',
  'b',
  '.d',
  'x.yml',
  'y.yaml',
  '*',
  '**',
  '*.yml',
  '?.yml',
  '{a,b}'
)
const glob = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'))
const name = fc.constantFrom('a', 'b', '.d', 'x.yml', 'y.yaml', 'a.yml', 'b.yml')
const path = fc.array(name, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'))

describe('the flows globs', () => {
  it('place a YAML file as a flow exactly when an include matches it and no exclusion does', () => {
    fc.assert(
      fc.property(
        fc.array(glob, { minLength: 1, maxLength: 3 }),
        fc.array(glob, { maxLength: 3 }),
        fc.array(path, { minLength: 1, maxLength: 8 }),
        (include, exclude, paths) => {
          const rules = layoutRules(
            {
              namespace: undefined,
              namespaceFiles: [],
              flowGlobs: [...include, ...exclude.map((g) => `!${g}`)]
            },
            'custom'
          )
          const matches = (globs: string[], rel: string) =>
            globs.some((g) => picomatch(g, { dot: true })(rel))
          for (const rel of paths) {
            const expected = isYamlFile(rel) && matches(include, rel) && !matches(exclude, rel)
            expect(rules.place(rel).flow !== undefined, rel).toBe(expected)
          }
        }
      ),
      { numRuns: runs(500, 100) }
    )
  })
})
