/**
 * `mode: drift` with the default `drift-action: report`: the bundled action plans the default branch's head
 * against the emulator, writes nothing to Kestra, and keeps one GitHub issue per `comment-key` current.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../../test-support/scenario.js'
import {
  ANALYTICS,
  driftMarker,
  log,
  NS,
  shownDate,
  startDriftStage,
  type DriftStage
} from './stage.js'

let stage: DriftStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

const EDITED = flow(NS, 'solo', ' (edited in the UI)')
const MAX_ISSUE_BODY = 65_536

describe('drift watch: one issue per comment-key', () => {
  it('without drift: exit 0, drifted 0, no issue, nothing written to Kestra', async () => {
    stage = await startDriftStage()
    const result = await stage.drift()
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs).toMatchObject({ mode: 'drift', drifted: '0', 'has-changes': 'false' })
    expect(stage.driftIssues()).toEqual([])
    expect(stage.kestraWrites()).toEqual([])
    expect(stage.githubCalls().filter((call) => !call.startsWith('GET'))).toEqual([])
  })

  it('a UI edit opens one issue with the diff, the revision and its date, and writes nothing to Kestra', async () => {
    stage = await startDriftStage()
    const saved = await stage.ui.editFlow(NS, 'solo', EDITED)
    const result = await stage.drift()
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs).toMatchObject({ mode: 'drift', drifted: '1', 'has-changes': 'true' })
    expect(stage.kestraWrites()).toEqual([])

    const [issue, ...others] = stage.driftIssues()
    expect(others).toEqual([])
    expect(issue).toMatchObject({ state: 'open', user: { login: 'github-actions[bot]' } })
    expect(issue!.labels).toContain('kestra-gitops-drift')
    expect(issue!.title).toMatch(/drift/i)
    const body = issue!.body!
    expect(body.split('\n', 1)[0]).toBe(driftMarker())
    expect(body).toContain(`${NS}.solo`)
    // What changed in Kestra, from Git's copy to the server's.
    expect(body).toContain('-    message: hello from solo\n')
    expect(body).toContain('+    message: hello from solo (edited in the UI)\n')
    expect(body).toContain(`revision ${saved.revision}`)
    expect(body).toContain(shownDate(saved.updated))
    // Kestra records no author: the body says so and never invents one.
    expect(body).toMatch(/not who/i)
    for (const untouched of [`${NS}.other`, `${NS}.deep`, `${ANALYTICS}.report`]) {
      expect(body).not.toContain(untouched)
    }
    expect(result.summary).toContain(`${NS}.solo`)
    expect(
      result.annotations.some((a) => a.severity === 'warning' && /drift/i.test(a.message))
    ).toBe(true)
  })

  it('a second run with the same drift updates the same issue and opens no other', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', EDITED)
    expect((await stage.drift()).exitCode).toBe(0)
    const [first] = stage.driftIssues()
    const mark = stage.github.requests.length
    const again = await stage.drift()
    expect(again.exitCode, log(again)).toBe(0)
    expect(stage.driftIssues().map((issue) => issue.number)).toEqual([first!.number])
    const calls = stage.githubCalls(mark)
    expect(calls).toContain(`PATCH /issues/${first!.number}`)
    expect(calls).not.toContain('POST /issues')
    expect(stage.driftIssues()[0]!.state).toBe('open')
  })

  it('a drift that changes between runs rewrites the issue: the new diff, the new revision', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', EDITED)
    await stage.drift()
    const saved = await stage.ui.editFlow(NS, 'other', flow(NS, 'other', ' (also edited)'))
    const again = await stage.drift()
    expect(again.outputs.drifted).toBe('2')
    const [issue, ...others] = stage.driftIssues()
    expect(others).toEqual([])
    expect(issue!.body).toContain(`${NS}.other`)
    expect(issue!.body).toContain('+    message: hello from other (also edited)\n')
    expect(issue!.body).toContain(`revision ${saved.revision}`)
  })

  it('drift gone: the issue is closed with a comment; drift back: the same issue reopens', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', EDITED)
    await stage.drift()
    const [issue] = stage.driftIssues()

    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo'))
    const clean = await stage.drift()
    expect(clean.exitCode, log(clean)).toBe(0)
    expect(clean.outputs).toMatchObject({ drifted: '0', 'has-changes': 'false' })
    const closed = stage.driftIssues()[0]!
    expect(closed).toMatchObject({
      number: issue!.number,
      state: 'closed',
      state_reason: 'completed'
    })
    const comments = stage.github.comments(issue!.number)
    expect(comments).toHaveLength(1)
    expect(comments[0]!.body).toMatch(/no (more )?drift|matches git/i)

    // A run that still finds no drift leaves the closed issue alone.
    const mark = stage.github.requests.length
    expect((await stage.drift()).exitCode).toBe(0)
    expect(stage.githubCalls(mark).filter((call) => !call.startsWith('GET'))).toEqual([])

    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited again)'))
    const back = await stage.drift()
    expect(back.outputs.drifted).toBe('1')
    expect(stage.driftIssues().map((i) => [i.number, i.state])).toEqual([[issue!.number, 'open']])
    expect(stage.driftIssues()[0]!.body).toContain('(edited again)')
  })

  it('two comment-keys keep two issues, each updated by its own runs only', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', EDITED)
    await stage.drift({ 'comment-key': 'staging' })
    await stage.drift({ 'comment-key': 'prod' })
    const [staging] = stage.driftIssues('staging')
    const [prod] = stage.driftIssues('prod')
    expect(staging).toBeDefined()
    expect(prod).toBeDefined()
    expect(staging!.number).not.toBe(prod!.number)
    expect(staging!.title).toContain('staging')
    expect(prod!.title).toContain('prod')

    const mark = stage.github.requests.length
    await stage.drift({ 'comment-key': 'staging' })
    const writes = stage.githubCalls(mark).filter((call) => !call.startsWith('GET'))
    expect(writes).toEqual([`PATCH /issues/${staging!.number}`])
    expect(stage.driftIssues('staging')).toHaveLength(1)
    expect(stage.driftIssues('prod')).toHaveLength(1)
  })

  it.each([
    { by: 'a person', author: { login: 'octocat', type: 'User' as const } },
    { by: 'another App', author: { login: 'other-app[bot]', type: 'Bot' as const } }
  ])(
    'an issue that carries the marker but was written by $by is never taken over',
    async ({ author }) => {
      stage = await startDriftStage()
      const { github } = stage
      const human = await fetch(`${github.url}/repos/octo/kestra-repo/issues`, {
        method: 'POST',
        headers: { authorization: 'token ghp_human', 'content-type': 'application/json' },
        body: JSON.stringify({
          title: 'copied',
          body: `${driftMarker()}\nI copied this marker`,
          labels: ['kestra-gitops-drift']
        })
      })
      expect(human.status).toBe(201)
      // The fake records the token's user as author: make the copy someone else's.
      const copied = [...github.state.issues.values()][0]!
      copied.user = author

      await stage.ui.editFlow(NS, 'solo', EDITED)
      const result = await stage.drift()
      expect(result.exitCode, log(result)).toBe(0)
      const ours = stage.driftIssues().filter((issue) => issue.user.login === 'github-actions[bot]')
      expect(ours).toHaveLength(1)
      expect(copied.body).toBe(`${driftMarker()}\nI copied this marker`)
      expect(copied.state).toBe('open')
    }
  )

  it('a flow created or deleted in the UI is drift too, named as such', async () => {
    stage = await startDriftStage()
    await stage.ui.createFlow(flow(NS, 'fresh'))
    await stage.ui.deleteFlow(NS, 'other')
    await stage.ui.uploadFile(NS, '/scripts/run.py', 'print("edited in the UI")\n')
    const result = await stage.drift()
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs).toMatchObject({ drifted: '3', 'has-changes': 'true' })
    const body = stage.driftIssues()[0]!.body!
    expect(body).toContain(`${NS}.fresh`)
    expect(body).toContain(`${NS}.other`)
    expect(body).toContain(`${NS}:/scripts/run.py`)
    expect(body).toContain('+print("edited in the UI")')
    expect(body).toMatch(/only in Kestra/i)
    expect(body).toMatch(/deleted in Kestra/i)
    expect(stage.kestraWrites()).toEqual([])
  })

  it('fail-on: warning fails the step on drift; the default does not', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', EDITED)
    expect((await stage.drift()).exitCode).toBe(0)
    const strict = await stage.drift({ 'fail-on': 'warning' })
    expect(strict.exitCode).toBe(1)
    expect(strict.annotations.some((a) => a.severity === 'error' && /drift/i.test(a.message))).toBe(
      true
    )
    expect(stage.driftIssues()).toHaveLength(1)
  })

  it('a token without issues: write still reports the drift, and says which permission is missing', async () => {
    stage = await startDriftStage({ github: { permissions: { issues: 'read' } } })
    await stage.ui.editFlow(NS, 'solo', EDITED)
    const result = await stage.drift()
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs.drifted).toBe('1')
    expect(result.summary).toContain(`${NS}.solo`)
    const warning = result.annotations.find(
      (a) => a.severity === 'warning' && /issues: write/.test(a.message)
    )
    expect(warning, log(result)).toBeDefined()
    expect(stage.driftIssues()).toEqual([])
  })

  it('the issue body fits GitHub limits when the diffs do not, and names every drifted flow', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `flow_${String(i).padStart(2, '0')}`)
    const big = (id: string, tag: string) =>
      flow(NS, id, `\n    description: ${`${tag} `.repeat(1500)}`)
    const tree = Object.fromEntries(ids.map((id) => [`${NS}/flows/${id}.yml`, big(id, 'git')]))
    stage = await startDriftStage({ tree })
    for (const id of ids) await stage.ui.editFlow(NS, id, big(id, 'ui'))
    const result = await stage.drift()
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs.drifted).toBe('40')
    const body = stage.driftIssues()[0]!.body!
    expect(body.length).toBeLessThanOrEqual(MAX_ISSUE_BODY)
    for (const id of ids) expect(body).toContain(`${NS}.${id}`)
    expect(body).toMatch(/job summary/i)
    expect(result.summary).toContain(`${NS}.${ids[0]}`)
  })

  it('refuses to plan another branch than the default one, before reading the server', async () => {
    stage = await startDriftStage()
    stage.repo.git('checkout', '-q', '-b', 'feature')
    const result = await stage.dispatch({}, 'refs/heads/feature')
    expect(result.exitCode).toBe(1)
    expect(log(result)).toMatch(/default branch/i)
    expect(log(result)).toContain('main')
    expect(stage.kestra.requests.filter((r) => r.route !== 'configs')).toEqual([])
    expect(stage.driftIssues()).toEqual([])
  })

  it('on workflow_dispatch of the default branch: the same report', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', EDITED)
    const result = await stage.dispatch()
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs).toMatchObject({ mode: 'drift', drifted: '1' })
    expect(stage.driftIssues()).toHaveLength(1)
  })
})
