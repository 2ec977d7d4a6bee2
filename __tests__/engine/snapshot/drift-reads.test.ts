/** A drift run plans the default branch only (docs/drift.md#when-it-runs), refused before any server read. */
import { describe, expect, it } from 'vitest'
import type { RunContext } from '../../../src/model/context.js'
import { driftBranchOf } from '../../../src/engine/snapshot/drift-reads.js'
import type { DriftGitHub } from '../../../src/model/drift-port.js'

function context(extra: Partial<RunContext>): RunContext {
  return {
    eventName: 'schedule',
    workspace: '.',
    runnerTemp: '.',
    sha: 'a'.repeat(40),
    owner: 'o',
    repo: 'r',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: '1',
    ref: 'refs/heads/main',
    ...extra
  }
}

const github = (branch: string) => ({ defaultBranch: async () => branch }) as DriftGitHub

describe('driftBranchOf', () => {
  it('takes the payload’s default branch, else GitHub’s, else the branch a schedule runs on', async () => {
    expect(await driftBranchOf(context({ defaultBranch: 'main' }), undefined)).toBe('main')
    expect(await driftBranchOf(context({ ref: 'refs/heads/trunk' }), github('trunk'))).toBe('trunk')
    expect(await driftBranchOf(context({}), undefined)).toBe('main')
  })

  it('refuses another branch, naming the default one', async () => {
    const dispatch = context({
      eventName: 'workflow_dispatch',
      ref: 'refs/heads/feature',
      defaultBranch: 'main'
    })
    await expect(driftBranchOf(dispatch, undefined)).rejects.toThrow(
      "Input 'mode': mode drift plans the default branch (main), and this run is on refs/heads/feature: run the workflow on main"
    )
  })

  it('refuses other events, and a dispatch whose default branch nobody can tell', async () => {
    await expect(driftBranchOf(context({ eventName: 'push' }), undefined)).rejects.toThrow(
      /schedule or workflow_dispatch/
    )
    await expect(
      driftBranchOf(context({ eventName: 'workflow_dispatch' }), undefined)
    ).rejects.toThrow(/github-token/)
  })
})
