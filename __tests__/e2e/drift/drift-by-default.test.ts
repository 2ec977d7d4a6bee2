/**
 * Drift by default, and the UI's work named (docs/drift.md#drift-by-default, #the-uis-work-named): a repository
 * deployed by the bundled action, then changed in Kestra's UI (a flow deleted, one created, one disabled, one
 * edited; on 2.0 a draft). A plain plan (a `workflow_dispatch`, the CLI without `--base`) compares each namespace
 * with the commit its marker names and says so; a pull request's plan compares with its base. Each UI action is
 * named in its own words in the job summary, the comment, the CLI's text and its `--json`, which agree.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions
} from '../../../test-support/kestra-emulator/index.js'
import { runAction } from '../../../test-support/runner.js'
import {
  CREDENTIALS,
  dispatchEvent,
  flow,
  pullRequestEvent
} from '../../../test-support/scenario.js'
import { runCli } from '../cli/run-cli.js'
import { KestraUi, log } from './stage.js'

const NS = 'company.team'
const DATA = 'company.data'
const MARKER = 'kestra-gitops-commit'

interface Stage {
  kestra: Emulator
  github: FakeGitHub
  repo: GitRepo
  ui: KestraUi
  deployed: string
  env: Record<string, string>
}

let stage: Stage | undefined
afterEach(async () => {
  await stage?.kestra.close()
  await stage?.github.close()
  stage = undefined
})

/** A tenant-layout repository deployed by the bundled action on `workflow_dispatch` (which records markers). */
async function deployedStage(emulator: EmulatorOptions = {}): Promise<Stage> {
  const kestra = await startEmulator({ basicAuth: CREDENTIALS, ...emulator })
  const github = await startFakeGitHub()
  const repo = createGitRepo({
    [`${NS}/flows/gone.yml`]: flow(NS, 'gone'),
    [`${NS}/flows/paused.yml`]: flow(NS, 'paused'),
    [`${NS}/flows/edited.yml`]: flow(NS, 'edited'),
    [`${NS}/flows/keep.yml`]: flow(NS, 'keep'),
    [`${NS}/files/scripts/run.py`]: 'print("run")\n',
    [`${DATA}/flows/load.yml`]: flow(DATA, 'load')
  })
  github.seedFromRepository(repo.dir)
  const deployed = repo.head()
  const deploy = await runAction({
    ...dispatchEvent(repo, deployed),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS }
  })
  expect(deploy.exitCode, log(deploy)).toBe(0)
  expect(deploy.outputs.deployed).toBe('true')
  const env = {
    KESTRA_URL: kestra.url,
    KESTRA_USERNAME: CREDENTIALS.username,
    KESTRA_PASSWORD: CREDENTIALS.password,
    GITHUB_REPOSITORY: 'octo/kestra-repo'
  }
  return { kestra, github, repo, ui: new KestraUi(kestra.url), deployed, env }
}

/** What the UI did after the deploy: one of each. */
async function uiWork(ui: KestraUi): Promise<void> {
  await ui.deleteFlow(NS, 'gone')
  await ui.createFlow(flow(NS, 'made-in-ui'))
  await ui.disableFlow(NS, 'paused')
  await ui.editFlow(NS, 'edited', flow(NS, 'edited', ' (a hotfix)'))
}

const WORDS = {
  gone: "deleted in Kestra's UI; deploying re-creates it",
  kept: "created in Kestra's UI; kept (delete is off)",
  deleted: "created in Kestra's UI; deploying deletes it",
  paused: "disabled in Kestra's UI; deploying enables it again",
  edited: "edited in Kestra's UI; deploying overwrites it"
}

interface PlanDocument {
  notes: string[]
  drift_base: {
    from: string
    commits: Record<string, string>
    unchecked: Record<string, string>
  } | null
  counts: Record<string, number>
  resources: {
    name: string
    kind: string
    action: string
    drifted: boolean
    ui_work?: { kind: string; text: string }
  }[]
}

/** The one line of a comment or summary that holds `part` (a resource's one-line summary). */
function lineOf(shown: string, part: string): string {
  const lines = shown.split('\n').filter((line) => line.includes(part))
  expect(lines, part).toHaveLength(1)
  return lines[0]!
}

function uiWorkOf(document: PlanDocument): Record<string, string> {
  return Object.fromEntries(
    document.resources.flatMap((r) => (r.ui_work ? [[r.name, r.ui_work.text]] : []))
  )
}

describe('drift by default', () => {
  it('a plain plan after UI edits compares with the deployed commit, names it, and names each edit', async () => {
    stage = await deployedStage()
    const { repo, kestra, github, ui, deployed, env } = stage
    await uiWork(ui)
    const base = `Drift: compared with commit ${deployed.slice(0, 12)}, the commit Kestra was last deployed from (its commit marker).`

    // The action on workflow_dispatch, mode plan: no event base.
    const planned = await runAction({
      ...dispatchEvent(repo, deployed),
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS, mode: 'plan' }
    })
    expect(planned.exitCode, log(planned)).toBe(0)
    expect(planned.outputs.drifted).toBe('4')
    expect(planned.summary).toContain(`> ${base}`)
    const summaryDrift = planned.summary.slice(planned.summary.indexOf('#### ⚠️ Drift'))
    expect(summaryDrift).toContain(`- flow <b>${NS}.gone</b>: ${WORDS.gone}`)
    expect(summaryDrift).toContain(`- flow <b>${NS}.made-in-ui</b>: ${WORDS.kept}`)
    expect(summaryDrift).toContain(`- flow <b>${NS}.paused</b>: ${WORDS.paused}`)
    expect(summaryDrift).toContain(`- flow <b>${NS}.edited</b>: ${WORDS.edited}`)
    expect(lineOf(planned.summary, `🟢 create flow <b>${NS}.gone</b>`)).toContain(
      `⚠️ drifted: ${WORDS.gone}`
    )

    // The CLI without --base: text, --json and the comment's Markdown, with delete on.
    const text = await runCli(repo.dir, ['plan', '--delete'], env)
    expect(text.exitCode, text.stderr).toBe(0)
    expect(text.stdout).toContain(base)
    expect(text.stdout).toMatch(
      /\+ create flow company\.team\.gone · .*drifted: deleted in Kestra's UI; deploying re-creates it/
    )
    expect(text.stdout).toMatch(
      /- delete flow company\.team\.made-in-ui · .*drifted: created in Kestra's UI; deploying deletes it/
    )
    expect(text.stdout).toMatch(
      /~ update flow company\.team\.paused · .*drifted: disabled in Kestra's UI; deploying enables it again/
    )
    expect(text.stdout).toContain(`  flow ${NS}.edited: ${WORDS.edited}`)

    const json = await runCli(repo.dir, ['plan', '--delete', '--json'], env)
    expect(json.exitCode, json.stderr).toBe(0)
    const document = JSON.parse(json.stdout) as PlanDocument
    expect(document.notes).toContain(base)
    expect(document.drift_base).toEqual({
      from: 'deployed',
      commits: { [DATA]: deployed, [NS]: deployed },
      unchecked: {}
    })
    expect(uiWorkOf(document)).toEqual({
      [`${NS}.gone`]: WORDS.gone,
      [`${NS}.made-in-ui`]: WORDS.deleted,
      [`${NS}.paused`]: WORDS.paused,
      [`${NS}.edited`]: WORDS.edited
    })
    expect(
      Object.fromEntries(
        document.resources.flatMap((r) => (r.ui_work ? [[r.name, r.ui_work.kind]] : []))
      )
    ).toEqual({
      [`${NS}.gone`]: 'deleted',
      [`${NS}.made-in-ui`]: 'created',
      [`${NS}.paused`]: 'disabled',
      [`${NS}.edited`]: 'edited'
    })
    expect(document.counts.drifted).toBe(4)

    // The comment (as `--format markdown` prints it) says what the document says, on each resource's line.
    const markdown = await runCli(repo.dir, ['plan', '--delete', '--format', 'markdown'], env)
    expect(markdown.exitCode, markdown.stderr).toBe(0)
    expect(markdown.stdout).toContain(`> ${base}`)
    for (const r of document.resources.filter((r) => r.ui_work)) {
      const line = markdown.stdout
        .split('\n')
        .find((l) => l.includes(`<b>${r.name}</b>`) && l.startsWith('<details>'))
      expect(line, r.name).toContain(`⚠️ drifted: ${r.ui_work!.text}`)
      expect(markdown.stdout).toContain(`- flow <b>${r.name}</b>: ${r.ui_work!.text}`)
    }
    expect(markdown.stdout).toContain(`${document.counts.drifted} drifted`)
  })

  it("a pull request's plan names the UI's work against its base, in the comment and the summary", async () => {
    stage = await deployedStage()
    const { repo, kestra, github, ui, deployed } = stage
    await uiWork(ui)
    const head = repo.commit({ [`${DATA}/flows/more.yml`]: flow(DATA, 'more') })
    const result = await runAction({
      ...pullRequestEvent(repo, deployed, head),
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS }
    })
    expect(result.exitCode, log(result)).toBe(0)
    const [comment] = github.state.comments.get(7) ?? []
    const body = comment!.body
    const base = `Drift: compared with the pull request's base, commit ${deployed.slice(0, 12)}.`
    for (const shown of [body, result.summary]) {
      expect(shown).toContain(`> ${base}`)
      expect(shown).toContain(`- flow <b>${NS}.gone</b>: ${WORDS.gone}`)
      expect(shown).toContain(`- flow <b>${NS}.made-in-ui</b>: ${WORDS.kept}`)
      expect(shown).toContain(`- flow <b>${NS}.paused</b>: ${WORDS.paused}`)
      expect(shown).toContain(`- flow <b>${NS}.edited</b>: ${WORDS.edited}`)
    }
    expect(lineOf(body, `⚪ orphaned flow <b>${NS}.made-in-ui</b>`)).toContain(
      `⚠️ drifted: ${WORDS.kept}`
    )
    expect(result.outputs.drifted).toBe('4')
  })

  it('says where it could not look: no marker, a marker it cannot read, a commit the clone lacks', async () => {
    stage = await deployedStage()
    const { repo, ui, deployed, env } = stage
    await ui.deleteFlow(NS, 'gone')
    await ui.deleteFlow(DATA, 'load')

    await ui.deleteKv(DATA, MARKER)
    const unmarked = await runCli(repo.dir, ['plan', '--json'], env)
    expect(unmarked.exitCode, unmarked.stderr).toBe(0)
    const first = JSON.parse(unmarked.stdout) as PlanDocument
    expect(first.notes).toEqual(
      expect.arrayContaining([
        `Drift: compared with commit ${deployed.slice(0, 12)} for ${NS}, the commit Kestra was last deployed from (its commit marker).`,
        `Drift not checked for ${DATA}: no commit marker (this action has not deployed it).`
      ])
    )
    // Only the namespace compared is said to have drifted.
    expect(uiWorkOf(first)).toEqual({ [`${NS}.gone`]: WORDS.gone })

    await ui.putKv(DATA, MARKER, 'not a marker')
    const unreadable = await runCli(repo.dir, ['plan'], env)
    expect(unreadable.exitCode, unreadable.stderr).toBe(0)
    expect(unreadable.stdout).toContain(
      `Drift not checked for ${DATA}: its KV entry ${MARKER} is not a commit marker this action reads (commit marker: not JSON).`
    )

    // A shallow clone of a later commit lacks the deployed one.
    const later = repo.commit({ 'README.md': '# later\n' })
    const clone = mkdtempSync(join(tmpdir(), 'kga-shallow-'))
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.dir}`, clone])
    expect(
      execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim()
    ).toBe(later)
    const shallow = await runCli(clone, ['plan', '--json'], env)
    expect(shallow.exitCode, shallow.stderr).toBe(0)
    const third = JSON.parse(shallow.stdout) as PlanDocument
    expect(third.drift_base?.unchecked[NS]).toBe(
      `its commit marker names commit ${deployed.slice(0, 12)}, which this checkout does not have (a shallow clone: check out with fetch-depth: 0)`
    )
    expect(third.notes).toContain(
      `Drift not checked for ${NS}: its commit marker names commit ${deployed.slice(0, 12)}, which this checkout does not have (a shallow clone: check out with fetch-depth: 0).`
    )
    expect(uiWorkOf(third)).toEqual({})
  })

  it('on 2.0, names a draft pending in the UI that deploying saves over', async () => {
    stage = await deployedStage({ version: '2.0.0' })
    const { repo, kestra, env } = stage
    kestra.saveDraft(NS, 'edited', flow(NS, 'edited', ' (a draft)'))
    const json = await runCli(repo.dir, ['plan', '--json'], env)
    expect(json.exitCode, json.stderr).toBe(0)
    const document = JSON.parse(json.stdout) as PlanDocument
    expect(document.resources.find((r) => r.name === `${NS}.edited`)?.ui_work).toEqual({
      kind: 'draft',
      text: "a draft is pending in Kestra's UI; deploying saves Git's copy over it"
    })
    const text = await runCli(repo.dir, ['plan'], env)
    expect(text.stdout).toContain(
      `  flow ${NS}.edited: a draft is pending in Kestra's UI; deploying saves Git's copy over it`
    )
  })
})
