/** What a run reads of git once, for all its readers (docs/architecture.md#one-read-per-run). */
import { describe, expect, it, vi } from 'vitest'
import { RunReads } from '../../../src/engine/snapshot/run-reads.js'
import type { RunContext } from '../../../src/model/context.js'
import type { Settings } from '../../../src/model/settings.js'
import { createGitRepo } from '../../../test-support/git-repo.js'

describe("a run's readers of one commit", () => {
  it('share one opening of its tree: the drift base of flows and files and that of the other kinds', async () => {
    const repo = createGitRepo({ 'flows/company.team/hello.yml': 'id: hello\n' })
    const commit = repo.head()
    const reads = new RunReads()
    const [first, second] = await Promise.all([
      reads.openCommit(repo.dir, commit, '.'),
      reads.openCommit(repo.dir, commit, '.')
    ])
    expect(first?.tree).toBeDefined()
    expect(second?.tree).toBe(first?.tree)
    await first?.release()
    await second?.release()
    // Released by both, the tree is closed; a later reader takes the same listing, its blobs read on demand.
    const later = await reads.openCommit(repo.dir, commit, '.')
    expect(later?.tree).toBe(first?.tree)
    expect((await later!.tree.read('flows/company.team/hello.yml')).toString()).toBe('id: hello\n')
    await later?.release()
    const other = repo.commit({ 'flows/company.team/hello.yml': 'id: hello\n# two\n' })
    const elsewhere = await reads.openCommit(repo.dir, other, '.')
    expect(elsewhere?.tree).not.toBe(first?.tree)
    await elsewhere?.release()
  })

  it("share the event's base commit with the run's other readers of it, held until the run ends", async () => {
    const repo = createGitRepo({ 'flows/company.team/hello.yml': 'id: hello\n' })
    const before = repo.head()
    repo.commit({ 'flows/company.team/hello.yml': 'id: hello\n# two\n' })
    const reads = new RunReads()
    const context = { workspace: repo.dir, push: { before } } as unknown as RunContext
    const base = await reads.openBase({ root: '.' } as Settings, context)!()
    const other = await reads.openCommit(repo.dir, before, '.')
    expect(other?.tree).toBe(base?.tree)
    await base?.release()
    await other?.release()
    await reads.close()
  })

  it('open a commit held ahead of its readers, and keep it open for them until the run ends', async () => {
    const repo = createGitRepo({ 'flows/company.team/hello.yml': 'id: hello\n' })
    const commit = repo.head()
    const reads = new RunReads()
    reads.holdCommit(repo.dir, commit, '.')
    reads.holdCommit(repo.dir, commit, '.')
    const reader = await reads.openCommit(repo.dir, commit, '.')
    const closing = vi.spyOn(reader!.tree, 'close')
    await reader?.release()
    // Its one reader gone, the held tree stays open for the next, which shares it.
    expect(closing).not.toHaveBeenCalled()
    const next = await reads.openCommit(repo.dir, commit, '.')
    expect(next?.tree).toBe(reader?.tree)
    expect((await next!.tree.read('flows/company.team/hello.yml')).toString()).toBe('id: hello\n')
    await next?.release()
    expect(closing).not.toHaveBeenCalled()
    // Held twice, released once: the run's end closes it.
    await reads.close()
    expect(closing).toHaveBeenCalledTimes(1)
  })
})
