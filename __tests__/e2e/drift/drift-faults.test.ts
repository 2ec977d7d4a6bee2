/**
 * Failure handling of a drift run's GitHub writes, position by position: the k-th write (blob, tree,
 * commit, ref, pull request, issue) fails, for every k. The failed run says so and exits 1; a re-run
 * without faults leaves exactly the state a run without faults leaves (one branch commit over the planned
 * commit holding the server's sources, one open pull request, one open issue pointing at it).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../../test-support/scenario.js'
import { blobText, branchTree, log, NS, startDriftStage, type DriftStage } from './stage.js'

const BRANCH = 'kestra-gitops/drift-default'
const PULL_REQUEST = { 'drift-action': 'pull-request' }

let stage: DriftStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

async function editedStage(): Promise<DriftStage> {
  const s = await startDriftStage({ github: { actionsCanCreatePullRequests: true } })
  await s.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
  await s.ui.editFlow(NS, 'deep', flow(NS, 'deep', ' (tuned)'))
  await s.ui.uploadFile(NS, '/scripts/run.py', 'print("fixed in the UI")\n')
  return s
}

/** What a run without faults leaves on GitHub: the branch's files, the open pull request and issue. */
function gitHubState(s: DriftStage) {
  const tree = branchTree(s.github, BRANCH)
  const pulls = [...s.github.state.pulls.values()].filter((p) => p.state === 'open')
  const issues = s.driftIssues().filter((i) => i.state === 'open')
  const { git } = s.github.state
  const commit = git.objects.readCommit(git.refs.get(`refs/heads/${BRANCH}`)!)
  return {
    files: Object.fromEntries([...tree].map(([path, sha]) => [path, blobText(s.github, sha)])),
    // One commit, on the planned commit (each stage's repository has its own head).
    onHead: commit.parents.length === 1 && commit.parents[0] === s.head,
    pulls: pulls.map((p) => ({ head: p.head.ref, base: p.base.ref })),
    issues: issues.length,
    linked: issues.every((i) => pulls.every((p) => (i.body ?? '').includes(`/pull/${p.number}`)))
  }
}

describe('drift pull request: the k-th GitHub write fails, for every k', () => {
  it('each failed run says what failed and a re-run finishes the job', async () => {
    stage = await editedStage()
    const mark = stage.github.requests.length
    const clean = await stage.drift(PULL_REQUEST)
    expect(clean.exitCode, log(clean)).toBe(0)
    const expected = gitHubState(stage)
    const writes = stage.github.requests
      .slice(mark)
      .filter((r) => r.method !== 'GET')
      .map((r) => ({ method: r.method, path: r.path }))
    expect(writes.length).toBeGreaterThanOrEqual(8)
    await stage.close()
    stage = undefined

    for (const [k, write] of writes.entries()) {
      stage = await editedStage()
      const before = writes
        .slice(0, k)
        .filter((w) => w.method === write.method && w.path === write.path)
      stage.github.failNext({
        method: write.method,
        path: write.path,
        status: 422,
        body: { message: `injected fault at write ${k}` },
        skip: before.length
      })
      const failed = await stage.drift(PULL_REQUEST)
      expect(failed.exitCode, `write ${k} (${write.method} ${write.path})\n${log(failed)}`).toBe(1)
      expect(log(failed)).toContain(`injected fault at write ${k}`)
      expect(stage.kestraWrites()).toEqual([])
      const again = await stage.drift(PULL_REQUEST)
      expect(again.exitCode, `re-run after write ${k}\n${log(again)}`).toBe(0)
      expect(gitHubState(stage), `after write ${k} failed`).toEqual(expected)
      await stage.close()
      stage = undefined
    }
  }, 600_000)
})
