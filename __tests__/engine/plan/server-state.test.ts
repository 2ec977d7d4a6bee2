import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../../src/engine/plan/build.js'
import { desiredOf } from '../../../src/engine/snapshot/kind.js'
import { ServerReads } from '../../../src/engine/snapshot/server/reads.js'
import type { NamespaceFileEntry } from '../../../src/model/repository.js'
import { startKestra } from '../apply/emulated-kestra.js'
import { sha256 } from './fixtures.js'
import { DECIDE_KINDS, KINDS, serverFilesOf, WALK } from '../../../src/resources/registry.js'
import { placedOf } from '../../../src/layout/walked.js'
import type { Work } from '../../../src/model/target.js'
import { repoModel } from '../../../test-support/repo-model.js'

/** A plan that reads every server file (no content facts used). */
const PLAN_WORK: Work = {
  mode: 'plan',
  server: true,
  serverValidation: false,
  plan: true,
  markers: false,
  reuseChecks: false,
  reuseBase: false,
  facts: undefined,
  writes: undefined,
  notes: []
}

function entry(path: string, content: string): NamespaceFileEntry {
  const bytes = new TextEncoder().encode(content)
  return {
    file: `team/files${path}`,
    rel: `team/files${path}`,
    namespace: 'team',
    path,
    size: bytes.length,
    sha256: sha256(bytes),
    binary: false,
    symlink: false,
    symlinkEscapes: false,
    // Never read: a file the server holds unchanged must not be read again for the plan.
    absPath: '/nonexistent/never-read'
  }
}

describe('server state for the plan', () => {
  it('keeps the bytes of server files a diff may show, and only those', async () => {
    const server = await startKestra()
    server.seedFile('team', '/same.sql', 'select 1\n')
    server.seedFile('team', '/gone.sql', 'select 3\n')
    const files = [entry('/same.sql', 'select 1\n')]
    const model = repoModel({ files, managedNamespaces: ['team'] })

    const state = await new ServerReads(
      server.client,
      KINDS.flatMap((kind) => kind.gather ?? []),
      { markers: false, work: PLAN_WORK }
    ).state(model, placedOf(model, WALK))
    const held = serverFilesOf(state.get('team'))
    // The client lists a namespace's files sorted by path.
    expect(held.map((f) => [f.path, f.bytes !== undefined, f.summary.size])).toEqual([
      ['/gone.sql', true, 9],
      ['/same.sql', false, 9]
    ])

    const plan = buildPlan(
      {
        namespaces: ['team'],
        desired: await desiredOf(
          KINDS.flatMap((kind) => (kind.gather ? [kind.gather] : [])),
          { model: model, state: state }
        ),
        actual: state,
        scope: 'all',
        deleteEnabled: true
      },
      DECIDE_KINDS
    )
    expect(plan.resources.map((r) => [r.action, r.diff?.includes('-select 3') ?? false])).toEqual([
      ['delete', true],
      ['unchanged', false]
    ])
  })

  it('names the commit the first commit marker read holds, for drift by default to open early', async () => {
    const server = await startKestra()
    server.seedKv('team', 'kestra-gitops-commit', {
      commit: 'ABCDEF1234567',
      repository: 'acme/flows'
    })
    server.seedKv('other', 'kestra-gitops-commit', 'not a marker')
    const reads = new ServerReads(server.client, [], { markers: true, work: PLAN_WORK })
    let named: string | undefined
    void reads.firstCommit.then((commit) => (named = commit))
    await reads.markerOf('other')
    await reads.markerOf('empty')
    await Promise.resolve()
    // A namespace without a marker, or with one it cannot read, names none.
    expect(named).toBeUndefined()
    await reads.markerOf('team')
    // Read as the base of drift reads it: lower case, and only a well-formed commit id.
    expect(await reads.firstCommit).toBe('abcdef1234567')
  })
})
