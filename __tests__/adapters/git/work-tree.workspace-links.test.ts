/**
 * A root that a symbolic link takes out of the workspace is refused before anything under it is read
 * (docs/inputs.md#reading-inputs, docs/security.md#repository-content-is-data): over every placement of the
 * link (root itself, a folder on the way, a chain of links, relative and absolute targets, nowhere, a loop),
 * the refusal names the first link that leaves, and a root whose links all stay inside is accepted. The
 * settings file is held to the same rule, and a kind's folder reached through a linked folder is a link.
 * The bundled action and CLI are driven by __tests__/e2e/security/root-links.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { confineRoot, linkLeavingWorkspace } from '../../../src/config/settings.js'
import { readSettingsFile } from '../../../src/config/settings.js'
import { ConfigError, SettingsFileError } from '../../../src/model/errors.js'
import { WorkTree } from '../../../src/adapters/git/work-tree.js'
import { buildLinkPlacement, linkPlacements } from '../../../test-support/link-placements.js'
import { runs } from '../../../test-support/property-runs.js'

describe('a root that leaves the workspace through a link', () => {
  it('is refused naming the first link that leaves; a root whose links stay inside is accepted', () => {
    fc.assert(
      fc.property(linkPlacements, (placement) => {
        const built = buildLinkPlacement(placement)
        try {
          const refuse = () => confineRoot(built.workspace, built.root)
          if (!built.escapes) {
            expect(refuse).not.toThrow()
            expect(linkLeavingWorkspace(built.workspace, built.root)).toBeUndefined()
            return
          }
          expect(refuse).toThrow(ConfigError)
          expect(refuse).toThrow(
            new RegExp(`^Input 'root': '${built.link.replace(/\./g, '\\.')}' is a symbolic link`)
          )
          expect(linkLeavingWorkspace(built.workspace, built.root)?.link).toBe(built.link)
          // The message names the link, never where it points.
          try {
            refuse()
          } catch (error) {
            expect((error as Error).message).not.toContain(dirname(built.workspace))
          }
        } finally {
          built.done()
        }
      }),
      { numRuns: runs(60, 20) }
    )
  })

  it('accepts a root with no link, root as the workspace itself, and a root that does not exist', () => {
    const top = mkdtempSync(join(tmpdir(), 'kga-links-'))
    mkdirSync(join(top, 'kestra', 'flows'), { recursive: true })
    for (const root of ['.', '', 'kestra', 'kestra/flows', 'missing', 'missing/deeper']) {
      expect(() => confineRoot(top, root), root).not.toThrow()
    }
    rmSync(top, { recursive: true, force: true })
  })
})

describe('the settings file', () => {
  it.each(['.github', '.github/kestra-gitops.yml'])(
    'is refused when %s is a link leaving the workspace, before it is read',
    (link) => {
      const top = mkdtempSync(join(tmpdir(), 'kga-links-'))
      const workspace = join(top, 'workspace')
      const outside = join(top, 'outside')
      mkdirSync(workspace)
      mkdirSync(outside)
      writeFileSync(join(outside, 'kestra-gitops.yml'), 'require-reviewed-plan: false\n')
      if (link === '.github') symlinkSync(outside, join(workspace, '.github'))
      else {
        mkdirSync(join(workspace, '.github'))
        symlinkSync(join(outside, 'kestra-gitops.yml'), join(workspace, link))
      }
      const read = () => readSettingsFile(workspace)
      expect(read).toThrow(SettingsFileError)
      expect(read).toThrow(
        link === '.github'
          ? /^\.github\/kestra-gitops\.yml:1: '\.github' is a symbolic link that is never followed: it leads outside the workspace/
          : /^\.github\/kestra-gitops\.yml:1: '\.github\/kestra-gitops\.yml' is a symbolic link/
      )
      rmSync(top, { recursive: true, force: true })
    }
  )
})

describe("a kind's folder reached through a linked folder", () => {
  it('is a link, never a folder to walk', async () => {
    const top = mkdtempSync(join(tmpdir(), 'kga-links-'))
    mkdirSync(join(top, 'outside', 'dashboards'), { recursive: true })
    mkdirSync(join(top, 'workspace', 'kv'), { recursive: true })
    symlinkSync(join(top, 'outside'), join(top, 'workspace', '_global'))
    const tree = new WorkTree(join(top, 'workspace'), '.')
    expect(await tree.kind('_global/dashboards')).toBe('symlink')
    expect(await tree.kind('_global')).toBe('symlink')
    expect(await tree.kind('kv')).toBe('folder')
    expect(await tree.kind('kv/missing.yml')).toBeUndefined()
    rmSync(top, { recursive: true, force: true })
  })
})
