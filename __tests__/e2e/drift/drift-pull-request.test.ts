/**
 * `drift-action: pull-request`: UI edits come back as one pull request from `kestra-gitops/drift-<key>`, built
 * through the git database API (blobs, a tree over the base tree, a commit, the branch ref). The branch's tree
 * is compared with the workspace's own git tree, path by path; nothing is written to Kestra.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { credentialLeaks } from '../../../test-support/credential-leaks.js'
import { flow } from '../../../test-support/scenario.js'
import {
  ANALYTICS,
  blobText,
  branchTree,
  log,
  NS,
  shownDate,
  startDriftStage,
  workspaceTree,
  type DriftStage
} from './stage.js'

const BRANCH = 'kestra-gitops/drift-default'
const PULL_REQUEST = { 'drift-action': 'pull-request' }

let stage: DriftStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

async function prStage(options: Parameters<typeof startDriftStage>[0] = {}) {
  return startDriftStage({
    ...options,
    github: { actionsCanCreatePullRequests: true, ...options.github }
  })
}

/** The server's current source of a flow (what the UI saved). */
function serverSource(s: DriftStage, namespace: string, id: string): string {
  return s.kestra
    .snapshot()
    .flows.find((f) => f.namespace === namespace && f.id === id && !f.deleted)!.source
}

function serverFile(s: DriftStage, namespace: string, path: string): string {
  const file = s.kestra.snapshot().files.find((f) => f.namespace === namespace && f.path === path)!
  return Buffer.from(file.bytes).toString('utf8')
}

/** Paths whose blob differs between the workspace's head and the branch (added, changed or removed). */
function changedPaths(s: DriftStage): string[] {
  const before = workspaceTree(s.repo, s.head)
  const after = branchTree(s.github, BRANCH)
  return [...new Set([...before.keys(), ...after.keys()])]
    .filter((path) => before.get(path) !== after.get(path))
    .sort()
}

/**
 * Amends the branch's commit as `git commit --amend` does: same message, parent and author, the file changed, and
 * the maintainer as committer, a little later.
 */
function amendBranch(s: DriftStage, path: string, text: string): string {
  const { git } = s.github.state
  const ref = `refs/heads/${BRANCH}`
  const ours = git.objects.readCommit(git.refs.get(ref)!)
  const files = git.objects.flatten(ours.tree)
  files.set(path, { mode: '100644', sha: git.objects.put('blob', Buffer.from(text)) })
  const amended = git.objects.writeCommit({
    ...ours,
    tree: git.objects.writeFlat(files),
    committer: { name: 'Ada', email: 'ada@example.com', date: '2026-01-02T00:00:00Z' }
  })
  git.refs.set(ref, amended)
  return amended
}

function openPulls(s: DriftStage) {
  return [...s.github.state.pulls.values()].filter((pull) => pull.state === 'open')
}

describe('drift watch: UI edits brought back as a pull request', () => {
  it('two flows and a namespace file edited in the UI: the branch holds exactly the server sources at their paths', async () => {
    stage = await prStage()
    const solo = await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    const deep = await stage.ui.editFlow(NS, 'deep', flow(NS, 'deep', '\n    # tuned in the UI'))
    await stage.ui.uploadFile(NS, '/scripts/run.py', 'print("fixed in the UI")\n')
    const result = await stage.drift(PULL_REQUEST)
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs).toMatchObject({ drifted: '3', 'has-changes': 'true' })
    expect(stage.kestraWrites()).toEqual([])

    expect(changedPaths(stage)).toEqual([
      `${NS}/files/scripts/run.py`,
      `${NS}/flows/nested/deep.yaml`,
      `${NS}/flows/solo.yml`
    ])
    const tree = branchTree(stage.github, BRANCH)
    expect(blobText(stage.github, tree.get(`${NS}/flows/solo.yml`)!)).toBe(
      serverSource(stage, NS, 'solo')
    )
    expect(blobText(stage.github, tree.get(`${NS}/flows/nested/deep.yaml`)!)).toBe(
      serverSource(stage, NS, 'deep')
    )
    expect(blobText(stage.github, tree.get(`${NS}/files/scripts/run.py`)!)).toBe(
      serverFile(stage, NS, '/scripts/run.py')
    )

    const { git } = stage.github.state
    const commit = git.objects.readCommit(git.refs.get(`refs/heads/${BRANCH}`)!)
    expect(commit.parents).toEqual([stage.head])

    const [pull, ...more] = openPulls(stage)
    expect(more).toEqual([])
    expect(pull).toMatchObject({ head: { ref: BRANCH }, base: { ref: 'main' } })
    const body = pull!.body!
    for (const name of [`${NS}.solo`, `${NS}.deep`, `${NS}:/scripts/run.py`]) {
      expect(body).toContain(name)
    }
    expect(body).toContain(`revision ${solo.revision}`)
    expect(body).toContain(shownDate(solo.updated))
    expect(body).toContain(`revision ${deep.revision}`)
    expect(body).toContain(`${NS}/flows/solo.yml`)
    // The drift issue points at the pull request.
    const [issue] = stage.driftIssues()
    expect(issue!.body).toContain(`/pull/${pull!.number}`)
  })

  it('a second run after another UI edit updates the same branch and pull request; an identical run writes nothing', async () => {
    stage = await prStage()
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    expect((await stage.drift(PULL_REQUEST)).exitCode).toBe(0)
    const [first] = openPulls(stage)
    const firstSha = stage.github.state.git.refs.get(`refs/heads/${BRANCH}`)

    await stage.ui.editFlow(ANALYTICS, 'report', flow(ANALYTICS, 'report', ' (edited too)'))
    const second = await stage.drift(PULL_REQUEST)
    expect(second.exitCode, log(second)).toBe(0)
    const secondSha = stage.github.state.git.refs.get(`refs/heads/${BRANCH}`)
    expect(secondSha).not.toBe(firstSha)
    expect(openPulls(stage).map((pull) => pull.number)).toEqual([first!.number])
    expect(changedPaths(stage)).toEqual([`${ANALYTICS}/flows/report.yml`, `${NS}/flows/solo.yml`])
    expect(openPulls(stage)[0]!.body).toContain(`${ANALYTICS}.report`)

    const mark = stage.github.requests.length
    const third = await stage.drift(PULL_REQUEST)
    expect(third.exitCode, log(third)).toBe(0)
    expect(stage.github.state.git.refs.get(`refs/heads/${BRANCH}`)).toBe(secondSha)
    const calls = stage.githubCalls(mark)
    expect(calls).not.toContain('POST /git/commits')
    expect(calls.filter((call) => call.startsWith('PATCH /git/refs'))).toEqual([])
    expect(calls).not.toContain('POST /pulls')
  })

  it('a flow only on the server goes where the layout keeps its namespace; one deleted there leaves its file', async () => {
    stage = await prStage()
    await stage.ui.createFlow(flow(NS, 'fresh'))
    await stage.ui.createFlow(flow('company.newteam', 'brand_new'))
    await stage.ui.deleteFlow(NS, 'other')
    const result = await stage.drift({ ...PULL_REQUEST, namespaces: 'company.newteam' })
    expect(result.exitCode, log(result)).toBe(0)
    const tree = branchTree(stage.github, BRANCH)
    expect(blobText(stage.github, tree.get(`${NS}/flows/fresh.yml`)!)).toBe(
      serverSource(stage, NS, 'fresh')
    )
    expect(blobText(stage.github, tree.get('company.newteam/flows/brand_new.yml')!)).toBe(
      serverSource(stage, 'company.newteam', 'brand_new')
    )
    // In the tenant layout every file under <namespace>/flows/ is a flow: the deletion is clear.
    expect(tree.has(`${NS}/flows/other.yml`)).toBe(false)
    expect(changedPaths(stage)).toEqual([
      'company.newteam/flows/brand_new.yml',
      `${NS}/flows/fresh.yml`,
      `${NS}/flows/other.yml`
    ])
  })

  it('a flow made in the UI whose id holds dots (etl.v2) is brought back, even as the only drift; each id Kestra accepts', async () => {
    for (const id of ['etl.v2', 'a.b-c_d.1', 'x..y']) {
      stage = await prStage()
      await stage.ui.createFlow(flow(NS, id))
      const result = await stage.drift(PULL_REQUEST)
      expect(result.exitCode, log(result)).toBe(0)
      expect(result.outputs.drifted).toBe('1')
      expect(changedPaths(stage)).toEqual([`${NS}/flows/${id}.yml`])
      const tree = branchTree(stage.github, BRANCH)
      expect(blobText(stage.github, tree.get(`${NS}/flows/${id}.yml`)!)).toBe(
        serverSource(stage, NS, id)
      )
      const [pull, ...more] = openPulls(stage)
      expect(more).toEqual([])
      expect(pull!.body).toContain(`${NS}/flows/${id}.yml`)
      expect(pull!.body).not.toMatch(/not brought back/i)
      await stage.close()
      stage = undefined
    }
  })

  it('in the anywhere layout a flow deleted in Kestra keeps its file, and the body says it was not brought back', async () => {
    const tree = {
      'pipelines/solo.yml': flow(NS, 'solo'),
      'pipelines/other.yml': flow(NS, 'other'),
      'README.md': 'flows\n'
    }
    const seed = {
      flows: ['solo', 'other'].map((id) => ({ namespace: NS, id, source: flow(NS, id) }))
    }
    stage = await prStage({ tree, seed })
    await stage.ui.deleteFlow(NS, 'other')
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited)'))
    await stage.ui.createFlow(flow(NS, 'fresh'))
    const result = await stage.drift({ ...PULL_REQUEST, layout: 'anywhere' })
    expect(result.exitCode, log(result)).toBe(0)
    const branch = branchTree(stage.github, BRANCH)
    expect(branch.has('pipelines/other.yml')).toBe(true)
    expect(blobText(stage.github, branch.get('pipelines/solo.yml')!)).toBe(
      serverSource(stage, NS, 'solo')
    )
    // A flow only on the server lands next to the flows of its namespace.
    expect(blobText(stage.github, branch.get('pipelines/fresh.yml')!)).toBe(
      serverSource(stage, NS, 'fresh')
    )
    const body = openPulls(stage)[0]!.body!
    expect(body).toMatch(/not brought back/i)
    expect(body).toContain('pipelines/other.yml')
  })

  it('without the repository setting that lets Actions open pull requests: the branch is written and a warning names the setting', async () => {
    stage = await startDriftStage({ github: { actionsCanCreatePullRequests: false } })
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    const result = await stage.drift(PULL_REQUEST)
    expect(result.exitCode, log(result)).toBe(0)
    expect(stage.github.state.git.refs.has(`refs/heads/${BRANCH}`)).toBe(true)
    expect(openPulls(stage)).toEqual([])
    const warning = result.annotations.find(
      (a) =>
        a.severity === 'warning' &&
        /Allow GitHub Actions to create and approve pull requests/.test(a.message)
    )
    expect(warning, log(result)).toBeDefined()
    expect(warning!.message).toContain(BRANCH)
  })

  it('a token without contents: write writes no branch and says which permission is missing', async () => {
    stage = await prStage({ github: { permissions: { contents: 'read' } } })
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    const result = await stage.drift(PULL_REQUEST)
    expect(result.exitCode, log(result)).toBe(0)
    expect(stage.github.state.git.refs.has(`refs/heads/${BRANCH}`)).toBe(false)
    expect(
      result.annotations.some((a) => a.severity === 'warning' && /contents: write/.test(a.message))
    ).toBe(true)
    expect(stage.driftIssues()).toHaveLength(1)
  })

  it('a drift branch that someone else pushed to is left as it is', async () => {
    stage = await prStage()
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    expect((await stage.drift(PULL_REQUEST)).exitCode).toBe(0)
    const { git } = stage.github.state
    const ours = git.refs.get(`refs/heads/${BRANCH}`)!
    const tree = git.objects.readCommit(ours).tree
    const person = { name: 'Ada', email: 'ada@example.com', date: '2026-01-02T00:00:00Z' }
    const theirs = git.objects.writeCommit({
      tree,
      parents: [ours],
      author: person,
      committer: person,
      message: 'Reviewer tweak'
    })
    git.refs.set(`refs/heads/${BRANCH}`, theirs)

    await stage.ui.editFlow(NS, 'other', flow(NS, 'other', ' (edited too)'))
    const result = await stage.drift(PULL_REQUEST)
    expect(result.exitCode, log(result)).toBe(0)
    expect(git.refs.get(`refs/heads/${BRANCH}`)).toBe(theirs)
    expect(
      result.annotations.some((a) => a.severity === 'warning' && a.message.includes(BRANCH))
    ).toBe(true)
  })

  it("a maintainer's amend of the action's commit (its message and trailer kept) is never force-pushed over", async () => {
    stage = await prStage()
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    expect((await stage.drift(PULL_REQUEST)).exitCode).toBe(0)
    const amended = amendBranch(
      stage,
      `${NS}/flows/solo.yml`,
      flow(NS, 'solo', ' (fixed in review)')
    )

    await stage.ui.editFlow(NS, 'other', flow(NS, 'other', ' (edited too)'))
    const result = await stage.drift(PULL_REQUEST)
    expect(result.exitCode, log(result)).toBe(0)
    expect(stage.github.state.git.refs.get(`refs/heads/${BRANCH}`)).toBe(amended)
    expect(
      result.annotations.find((a) => a.severity === 'warning' && a.message.includes(BRANCH))
        ?.message
    ).toContain('has commits that the action did not write: it is left as it is')

    // Drift gone: the pull request that holds the maintainer's work stays open, and the run says why.
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo'))
    await stage.ui.editFlow(NS, 'other', flow(NS, 'other'))
    const gone = await stage.drift(PULL_REQUEST)
    expect(gone.exitCode, log(gone)).toBe(0)
    expect(openPulls(stage)).toHaveLength(1)
    expect(stage.github.state.git.refs.get(`refs/heads/${BRANCH}`)).toBe(amended)
    expect(
      gone.annotations.some(
        (a) => a.severity === 'warning' && /left open/.test(a.message) && a.message.includes(BRANCH)
      ),
      log(gone)
    ).toBe(true)
  })

  it('drift gone: the open drift pull request is closed with a comment', async () => {
    stage = await prStage()
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    expect((await stage.drift(PULL_REQUEST)).exitCode).toBe(0)
    const [pull] = openPulls(stage)
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo'))
    const result = await stage.drift(PULL_REQUEST)
    expect(result.exitCode, log(result)).toBe(0)
    expect(stage.github.state.pulls.get(pull!.number)!.state).toBe('closed')
    expect(stage.github.comments(pull!.number).at(-1)!.body).toMatch(
      /no (more )?drift|matches git/i
    )
  })
})

describe('pull-request-token: the drift pull request gets its checks', () => {
  const WORKFLOW = 'github-actions[bot]' // who the harness's github.token acts as
  const APP_TOKEN = 'ghs_AppInstallationToken_9f8e7d6c5b4a'
  const APP = { login: 'kestra-gitops-app[bot]', type: 'Bot' as const }

  it('writes the branch and opens, updates and closes the pull request with it; every other call keeps github-token; it is never printed', async () => {
    // The repository keeps GitHub's default: Actions may not open pull requests. The App's token may.
    stage = await startDriftStage({
      github: {
        actionsCanCreatePullRequests: false,
        tokens: {
          [APP_TOKEN]: { user: APP, permissions: { contents: 'write', 'pull-requests': 'write' } }
        },
        permissions: { contents: 'read', issues: 'write', 'pull-requests': 'read' }
      }
    })
    const inputs = { ...PULL_REQUEST, 'pull-request-token': APP_TOKEN }
    const isPullOrBranch = (r: { path: string }) => /\/(git|pulls)(\/|$)/.test(r.path)
    const byToken = (mark: number) => {
      const calls = stage!.github.requests.slice(mark)
      return {
        pull: calls.filter(isPullOrBranch).map((r) => r.actor),
        other: calls.filter((r) => !isPullOrBranch(r)).map((r) => r.actor)
      }
    }

    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    let mark = stage.github.requests.length
    const opened = await stage.drift(inputs)
    expect(opened.exitCode, log(opened)).toBe(0)
    const [pull] = openPulls(stage)
    expect(pull).toMatchObject({ user: APP, head: { ref: BRANCH } }) // opened by the App: its checks run
    let calls = byToken(mark)
    expect(calls.pull.length).toBeGreaterThan(0)
    expect(new Set(calls.pull)).toEqual(new Set([APP.login]))
    expect(calls.other.length).toBeGreaterThan(0) // the drift issue, the default branch
    expect(new Set(calls.other)).toEqual(new Set([WORKFLOW]))
    expect(stage.github.requests.slice(mark).some((r) => /\/issues/.test(r.path))).toBe(true)

    await stage.ui.editFlow(NS, 'other', flow(NS, 'other', ' (edited too)'))
    mark = stage.github.requests.length
    const updated = await stage.drift(inputs)
    expect(updated.exitCode, log(updated)).toBe(0)
    calls = byToken(mark)
    expect(
      stage.github.requests
        .slice(mark)
        .some((r) => r.method === 'PATCH' && /\/pulls\/\d+$/.test(r.path))
    ).toBe(true)
    expect(new Set(calls.pull)).toEqual(new Set([APP.login]))
    expect(new Set(calls.other)).toEqual(new Set([WORKFLOW]))

    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo'))
    await stage.ui.editFlow(NS, 'other', flow(NS, 'other'))
    mark = stage.github.requests.length
    const gone = await stage.drift(inputs)
    expect(gone.exitCode, log(gone)).toBe(0)
    expect(stage.github.state.pulls.get(pull!.number)!.state).toBe('closed')
    calls = byToken(mark)
    expect(new Set(calls.pull)).toEqual(new Set([APP.login]))

    for (const result of [opened, updated, gone]) {
      expect(result.masked).toContain(APP_TOKEN)
      // Masked first thing, then in no form anywhere the step shows.
      const shown = result.everything.replace(/^::add-mask::.*$/gm, '')
      expect(credentialLeaks(shown, APP_TOKEN)).toEqual([])
    }
    const written = [
      ...[...stage.github.state.pulls.values()].flatMap((p) => [p.title, p.body ?? '']),
      ...[...stage.github.state.issues.values()].flatMap((i) => [i.title, i.body ?? '']),
      ...[...stage.github.state.comments.values()].flat().map((c) => c.body)
    ].join('\n')
    expect(credentialLeaks(written, APP_TOKEN)).toEqual([])
  })

  it('without it, github-token opens the pull request, as before', async () => {
    stage = await prStage()
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
    const result = await stage.drift(PULL_REQUEST)
    expect(result.exitCode, log(result)).toBe(0)
    expect(openPulls(stage)[0]!.user.login).toBe('github-actions[bot]')
    expect(new Set(stage.github.requests.map((r) => r.actor))).toEqual(new Set([WORKFLOW]))
  })
})
