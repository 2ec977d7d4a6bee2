/**
 * What a reviewer and a reader of the log meet first (docs/comment.md#what-reviewers-see), through the
 * bundled action.
 * The plan comment names its environment, marks invalid resources and links findings to their line;
 * after the merge the comment and the job summary lead with the deploy's outcome; the log is grouped
 * by phase with one summary line per phase outside the groups.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent, pushEvent } from '../../test-support/scenario.js'
import { nodesOf, parseMarkdown } from '../report/render/fixtures.js'

const NS = 'company.team'
const OTHER = 'company.team.analytics'
const BROKEN = `id: broken\nnamespace: ${NS}\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: one\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: two\n`
const FLOWS = 40

let kestra: Emulator
let github: FakeGitHub

afterEach(async () => {
  await kestra?.close()
  await github?.close()
})

/** The log as the runner folds it: groups with their lines, and the lines outside any group. */
function logStructure(stdout: string) {
  const groups: { title: string; lines: string[] }[] = []
  const outside: string[] = []
  let open: { title: string; lines: string[] } | undefined
  for (const line of stdout.split('\n')) {
    if (line.startsWith('::group::')) {
      expect(open, `group '${line}' opened inside '${open?.title}'`).toBeUndefined()
      open = { title: line.slice('::group::'.length), lines: [] }
      groups.push(open)
    } else if (line === '::endgroup::') {
      open = undefined
    } else if (line && !line.startsWith('::')) {
      ;(open?.lines ?? outside).push(line)
    }
  }
  expect(open).toBeUndefined()
  return { groups, outside }
}

describe('what users meet first', () => {
  it('a plan comment per environment, invalid resources marked, findings linked; then the deploy outcome on top', async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    github = await startFakeGitHub()
    const repo = createGitRepo({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello') })
    const base = repo.head()
    kestra.seed({ flows: [{ namespace: NS, id: 'hello', source: flow(NS, 'hello') }] })
    const many = Object.fromEntries(
      Array.from({ length: FLOWS }, (_, i) => [`${OTHER}/flows/f${i}.yml`, flow(OTHER, `f${i}`)])
    )
    const head = repo.commit(
      {
        [`${NS}/flows/hello.yml`]: flow(NS, 'hello', '!'),
        [`${NS}/flows/broken.yml`]: BROKEN,
        ...many
      },
      'change flows'
    )
    const inputs = { server: kestra.url, ...CREDENTIALS, 'comment-key': 'staging' }

    const plan = await runAction({
      ...pullRequestEvent(repo, base, head),
      githubApiUrl: github.url,
      inputs
    })
    expect(plan.exitCode).toBe(1) // the broken flow fails validation
    const comment = github.comments(7)[0]!.body
    const lines = comment.split('\n')
    expect(lines[0]).toBe('<!-- kestra-gitops:staging -->')
    expect(lines[1]).toMatch(/^### Kestra plan · staging: 41 to create, 1 to update/)
    expect(comment).toContain(`🟢 create flow <b>${NS}.broken</b> · ❌ invalid (2 findings)`)
    expect(comment).not.toMatch(/hello<\/b> · ❌ invalid/)
    const link = `](https://github.com/octo/kestra-repo/blob/${head}/${NS}/flows/broken.yml#L7)`
    expect(comment).toContain(link)
    expect(plan.summary.split('\n')[0]).toMatch(/^### Kestra plan · staging: /)
    expect(plan.summary).toContain(link)
    expect(plan.summary).toContain(`<b>${NS}.broken</b> · ❌ invalid (2 findings)`)
    expect(comment).toMatch(/^#### Namespace company\.team$/m)

    const planLog = logStructure(plan.stdout)
    expect(planLog.groups.map((g) => g.title)).toEqual([
      'Loading the repository',
      'Reading the server',
      'Validation',
      'Plan'
    ])
    expect(planLog.groups[0]!.lines).toContain(`${OTHER}: ${FLOWS} flow(s), 0 file(s)`)
    expect(planLog.groups[1]!.lines).toEqual([
      `${NS}: 1 flow(s), 0 file(s)`,
      `${OTHER}: 0 flow(s), 0 file(s)`
    ])
    expect(planLog.groups[2]!.lines).toEqual(
      expect.arrayContaining([
        'Local checks: 1 finding(s).',
        "The server's validation: 1 finding(s)."
      ])
    )
    expect(planLog.outside).toEqual(
      expect.arrayContaining([
        `Checked ${FLOWS + 2} flow(s) and 0 namespace file(s) in 2 namespace(s): ${NS}, ${OTHER}.`,
        'Read 2 namespace(s) from the server: 1 flow(s), 0 file(s).',
        'Validation failed: 2 errors, 0 warnings.'
      ])
    )

    // The fix is pushed to the pull request, which is merged: the deploy.
    const fixed = repo.commit({ [`${NS}/flows/broken.yml`]: null }, 'drop the broken flow')
    repo.git('checkout', '-q', '-B', 'main')
    github.setCommitPulls(fixed, [
      { number: 7, merged_at: '2026-11-22T10:00:00Z', merge_commit_sha: fixed }
    ])
    const replan = await runAction({
      ...pullRequestEvent(repo, base, fixed),
      githubApiUrl: github.url,
      inputs
    })
    expect(replan.exitCode, replan.stdout).toBe(0)
    const deploy = await runAction({
      ...pushEvent(repo, base, fixed),
      githubApiUrl: github.url,
      inputs
    })
    expect(deploy.exitCode, deploy.stdout).toBe(0)
    const headline = `### Kestra deploy · staging: ✅ applied, ${FLOWS} created, 1 updated`
    const after = github.comments(7)
    expect(after).toHaveLength(1)
    expect(after[0]!.body.split('\n').slice(0, 2)).toEqual([
      '<!-- kestra-gitops:staging -->',
      headline
    ])
    expect(after[0]!.body).toContain('#### Deployed')
    // Rendered: under the headline every section is an H4 (Deployed a sibling of the namespaces); each flow
    // links to its editor in Kestra; one commit spelling, linked; the deploy's time as readable UTC.
    const rendered = parseMarkdown(after[0]!.body)
    const depths = nodesOf(rendered, 'heading').map((h) => (h as { depth?: number }).depth)
    expect(depths[0]).toBe(3)
    expect(depths.slice(1).every((depth) => depth === 4)).toBe(true)
    expect(after[0]!.body).toContain(
      `<a href="${kestra.url}/ui/main/flows/edit/${NS}/hello">open in Kestra</a>`
    )
    const commits = nodesOf(rendered, 'link')
      .map((l) => (l as { url?: string }).url ?? '')
      .filter((url) => url.includes('/commit/'))
    expect(commits).toEqual([
      `https://github.com/octo/kestra-repo/commit/${fixed}`,
      `https://github.com/octo/kestra-repo/commit/${fixed}`
    ])
    expect(after[0]!.body).toMatch(/ at \d{4}-\d\d-\d\d \d\d:\d\d UTC: /)
    expect(deploy.summary.split('\n')[0]).toBe(headline)
    // The Deployed table: no Details column when nothing failed.
    expect(deploy.summary).toMatch(/^\| Resource \| Kind \| Result \| Revision \|$/m)

    // The log: phases grouped, each namespace's writes in one group, a summary line outside each.
    const log = logStructure(deploy.stdout)
    expect(log.groups.map((g) => g.title)).toEqual([
      'Loading the repository',
      'Reading the server',
      'Validation',
      'Plan',
      expect.stringMatching(/^Writes to company\.team(\.analytics)?$/),
      expect.stringMatching(/^Writes to company\.team(\.analytics)?$/)
    ])
    const writes = log.groups.find((g) => g.title === `Writes to ${OTHER}`)!
    expect(writes.lines).toHaveLength(FLOWS)
    expect(writes.lines).toContain(`flow ${OTHER}.f7: created (revision 1)`)
    expect(log.outside).toEqual(
      expect.arrayContaining([
        `${OTHER}: ${FLOWS} created`,
        `${NS}: 1 updated`,
        'Deployed: 41 resource(s) written.'
      ])
    )
    // However many resources, the lines outside the groups stay a handful.
    expect(log.outside.length).toBeLessThan(15)
    expect(log.outside.join('\n')).not.toContain(`${OTHER}.f7`)
  })

  it('a deploy stopped by a validation error says so on top of the merged pull request and the summary', async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    github = await startFakeGitHub()
    const repo = createGitRepo({ [`${NS}/flows/hello.yml`]: flow(NS, 'hello') })
    const base = repo.head()
    const head = repo.commit({ [`${NS}/flows/broken.yml`]: BROKEN }, 'add a broken flow')
    github.seedComments(7, [
      { body: '<!-- kestra-gitops:default -->\n### Kestra plan: 1 to create' }
    ])
    github.setCommitPulls(head, [
      { number: 7, merged_at: '2026-11-22T10:00:00Z', merge_commit_sha: head }
    ])
    const deploy = await runAction({
      ...pushEvent(repo, base, head),
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS }
    })
    expect(deploy.exitCode).toBe(1)
    const failed = '### Kestra deploy: ❌ failed, nothing written'
    expect(deploy.summary.split('\n')[0]).toBe(failed)
    const body = github.comments(7)[0]!.body
    expect(body.split('\n')[1]).toBe(failed)
    expect(body).toContain('Nothing was deployed: 2 validation errors')
  })
})
