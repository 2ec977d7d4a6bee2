/**
 * docs/layouts.md#a-folder-that-does-not-exist: a folder an input names that does not exist is an error naming
 * it, with the folder meant when one is a few edits away, never an empty tree. Over typos of every kind in
 * every segment of a `namespace-files` line and of a `flows` glob's fixed part.
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseSettings } from '../../src/config/settings.js'
import type { InputName } from '../../src/model/inputs/declared.js'
import { createWorkTree } from '../../test-support/file-tree.js'
import { flow, loadWorkTree } from './support.js'
import { runs } from '../../test-support/property-runs.js'

const FOLDERS = ['kestra/dbt/models', 'scripts/sql', 'kestra/files/company.team/queries'] as const

const tree = createWorkTree({
  'kestra/flows/hello.yml': flow('hello', 'company.team'),
  ...Object.fromEntries(FOLDERS.map((folder) => [`${folder}/a.sql`, 'select 1\n']))
})

function settings(inputs: Partial<Record<InputName, string>>) {
  return parseSettings((name) => inputs[name] ?? '')
}

/** `path` with one edit in one of its segments (a letter dropped, doubled or changed). */
const typos = fc
  .record({
    folder: fc.constantFrom(...FOLDERS),
    segment: fc.nat(),
    at: fc.nat(),
    edit: fc.constantFrom('drop', 'double', 'change'),
    letter: fc.constantFrom('x', 'q', 'e', '_')
  })
  .map(({ folder, segment, at, edit, letter }) => {
    const segments = folder.split('/')
    const s = segment % segments.length
    const name = segments[s]!
    const i = at % name.length
    segments[s] =
      edit === 'drop'
        ? name.slice(0, i) + name.slice(i + 1)
        : edit === 'double'
          ? name.slice(0, i + 1) + name.slice(i)
          : name.slice(0, i) + letter + name.slice(i + 1)
    return { folder, typed: segments.slice(0, s + 1).join('/'), meant: segments.slice(0, s + 1) }
  })
  .filter(({ typed }) => typed !== '' && !existsSync(join(tree.dir, typed)))

describe('a folder an input names that does not exist', () => {
  it('is an error naming the namespace-files line and the folder meant, and nothing is read for it', async () => {
    await fc.assert(
      fc.asyncProperty(typos, async ({ folder, typed }) => {
        const model = await loadWorkTree(
          settings({ 'namespace-files': `${typed} -> company.mapped:/m` }),
          tree.dir
        )
        const errors = model.readProblems.filter((p) => p.rule === 'missing-folder')
        expect(errors).toEqual([
          expect.objectContaining({
            severity: 'error',
            file: typed,
            message: expect.stringContaining(
              `names '${typed}', which does not exist under root '.'`
            )
          })
        ])
        const meant = /did you mean '([^']+)'\?/.exec(errors[0]!.message)?.[1]
        // A single edit is always close enough: the folder named exists, and is the one meant.
        expect(meant).toBeDefined()
        expect(statSync(join(tree.dir, meant!)).isDirectory()).toBe(true)
        expect(folder === meant || folder.startsWith(`${meant}/`), meant).toBe(true)
        expect(model.files.filter((f) => f.namespace === 'company.mapped')).toEqual([])
      }),
      { numRuns: runs(150, 40), seed: 20261126 }
    )
  })

  it("is an error for a flows glob's fixed part, and none for a folder that exists", async () => {
    await fc.assert(
      fc.asyncProperty(typos, async ({ typed }) => {
        const model = await loadWorkTree(
          settings({ layout: 'custom', flows: `${typed}/**/*.yml` }),
          tree.dir
        )
        expect(model.readProblems.filter((p) => p.rule === 'missing-folder')).toEqual([
          expect.objectContaining({
            file: typed,
            message: expect.stringMatching(
              new RegExp(
                `^The flows glob '${typed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\*\\*/\\*\\.yml' names`
              )
            )
          })
        ])
      }),
      { numRuns: runs(60, 20), seed: 20261126 }
    )
    for (const folder of FOLDERS) {
      const model = await loadWorkTree(
        settings({
          'namespace-files': `${folder} -> company.mapped`,
          layout: 'custom',
          flows: `${folder}/*.yml`
        }),
        tree.dir
      )
      expect(model.readProblems.filter((p) => p.rule === 'missing-folder')).toEqual([])
    }
  })

  it('is an error for a root that does not exist, and for a namespace layout with neither flows/ nor files/', async () => {
    const typo = await loadWorkTree(settings({ root: 'kestar' }), tree.dir)
    expect(typo.readProblems).toEqual([
      expect.objectContaining({
        severity: 'error',
        message:
          "the root folder 'kestar' does not exist in the workspace (did you mean 'kestra'?); check the root input"
      })
    ])
    const empty = await loadWorkTree(
      settings({ namespace: 'company.team', root: 'scripts' }),
      tree.dir
    )
    expect(empty.readProblems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        rule: 'missing-folder',
        message: expect.stringContaining(
          "The namespace layout reads flows/ and files/ under root 'scripts', and neither exists"
        )
      })
    )
  })
})
