/**
 * Mechanical fixes as GitHub suggested changes (docs/suggested-changes.md), through the bundled action on a pull
 * request against the emulator (1.3) and the fake GitHub, which refuses a review comment outside the pull
 * request's diff as GitHub does: an upgrade rewrite, a quoted Pebble expression and a property renamed as the
 * schema suggests appear as `suggestion` blocks on the pull request's own lines, never on a line it did not
 * change; each once across runs (only this token's own comments count); at most 10 a run, the rest in the
 * comment; warned about, never failed, when the token may not write them.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import type { FakeReviewComment } from '../../test-support/fake-github/types.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent } from '../../test-support/scenario.js'
import { JOURNEY } from '../resources/flows/upgrade-journey.js'

const NS = 'company.team'
const HELLO = `${NS}/flows/hello.yml`
const NIGHTLY = `${NS}/flows/nightly.yml`
const OLD = `${NS}/flows/old.yml`

/** At the base: an unquoted expression on line 6 that the pull request does not touch. */
const HELLO_BASE = `id: hello
namespace: ${NS}
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: {{ flow.id }}
`
/** The pull request adds an unquoted expression (line 9) and a misspelled property (line 12). */
const HELLO_HEAD = `${HELLO_BASE}  - id: again
    type: io.kestra.plugin.core.log.Log
    message: {{ flow.namespace }}
  - id: third
    type: io.kestra.plugin.core.log.Log
    mesage: hi
`

let kestra: Emulator
let github: FakeGitHub

beforeAll(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS, version: '1.3.31' })
  github = await startFakeGitHub()
})

afterAll(async () => {
  await kestra?.close()
  await github?.close()
})

/** A pull request `number` from `feature` (head) into `main` (base), known to the fake GitHub's git database. */
function pullRequest(number: number, base: Record<string, string>, head: Record<string, string>) {
  const repo = createGitRepo(base)
  const baseSha = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  const headSha = repo.commit(head)
  github.seedFromRepository(repo.dir)
  github.seedPull({
    number,
    head: { ref: 'feature', sha: headSha },
    base: { ref: 'main', sha: baseSha }
  })
  return { repo, base: baseSha, head: headSha }
}

function plan(
  pr: { repo: GitRepo; base: string; head: string },
  number: number,
  workspace?: string
) {
  return runAction({
    ...pullRequestEvent(pr.repo, pr.base, pr.head, { number }),
    ...(workspace && { workspace }),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS }
  })
}

/** The head's lines the pull request adds, per file, read from git apart from the action's own reader. */
function addedByPullRequest(repo: GitRepo, base: string, head: string): Map<string, Set<number>> {
  const added = new Map<string, Set<number>>()
  let file = ''
  for (const line of repo.git('diff', '-U0', `${base}...${head}`).split('\n')) {
    const target = /^\+\+\+ b\/(.*)$/.exec(line)
    if (target) added.set((file = target[1]!), new Set())
    const hunk = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/.exec(line)
    if (hunk) {
      const [start, count] = [Number(hunk[1]), hunk[2] === undefined ? 1 : Number(hunk[2])]
      for (let n = start; n < start + count; n++) added.get(file)!.add(n)
    }
  }
  return added
}

/** The replacement a suggestion block holds. */
function suggested(comment: FakeReviewComment): string {
  return /```suggestion\n([\s\S]*?)\n```/.exec(comment.body)?.[1] ?? ''
}

const linesOf = (c: FakeReviewComment) => {
  const first = c.start_line ?? c.line
  return Array.from({ length: c.line - first + 1 }, (_, i) => first + i)
}

describe('suggested changes on a pull request (docs/suggested-changes.md)', () => {
  let pr: ReturnType<typeof pullRequest>

  beforeAll(() => {
    pr = pullRequest(
      7,
      {
        [HELLO]: HELLO_BASE,
        [OLD]: flow(NS, 'old').replace('message: hello from old', 'message: {{ flow.id }}'),
        [`${NS}/flows/upstream.yml`]: flow(NS, 'upstream')
      },
      { [HELLO]: HELLO_HEAD, [NIGHTLY]: JOURNEY }
    )
  })

  it('an upgrade rewrite, a quoting fix and a rename, on the pull request’s lines only', async () => {
    const result = await plan(pr, 7)
    expect(result.stdout).toContain('Suggested changes on #7:')
    const comments = github.reviewComments(7)
    const at = (file: string, line: number) =>
      comments.filter((c) => c.path === file && linesOf(c).includes(line))
    // The quoting fix, on the line the pull request added.
    expect(at(HELLO, 9).map(suggested)).toEqual(['    message: "{{ flow.namespace }}"'])
    // The property the schema suggests.
    expect(at(HELLO, 12).map(suggested)).toEqual(['    message: hi'])
    for (const c of [...at(HELLO, 9), ...at(HELLO, 12)]) expect(c).toMatchObject({ side: 'RIGHT' })
    // The upgrade rewrites of the new flow: ForEach on its line, as `upgrade-check --write` writes it.
    const upgrades = comments.filter((c) => c.path === NIGHTLY)
    expect(upgrades.length).toBeGreaterThan(0)
    expect(upgrades.every((c) => c.body.includes('`upgrade-rewrite`'))).toBe(true)
    expect(at(NIGHTLY, 17).map(suggested).join('\n')).toContain('io.kestra.plugin.core.flow.')
    expect(at(NIGHTLY, 17).map(suggested).join('\n')).not.toContain('flow.ForEach\n')
    // Never on a line the pull request did not change: not the base's line 6, nothing in old.yml.
    expect(at(HELLO, 6)).toEqual([])
    expect(comments.filter((c) => c.path === OLD)).toEqual([])
    const added = addedByPullRequest(pr.repo, pr.base, pr.head)
    for (const c of comments) {
      expect(
        linesOf(c).every((n) => added.get(c.path)?.has(n)),
        `${c.path}:${c.line}`
      ).toBe(true)
    }
    // One review of the head commit, GitHub's shape.
    expect(github.state.reviews).toHaveLength(1)
    expect(github.state.reviews[0]).toMatchObject({ commit_id: pr.head, state: 'COMMENTED' })
  }, 120_000)

  it('a second run posts nothing again; a comment by someone else with the same marker is not ours', async () => {
    const before = github.reviewComments(7).length
    const again = await plan(pr, 7)
    expect(again.stdout).toContain(`Suggested changes on #7: 0 posted, ${before} already there`)
    expect(github.reviewComments(7)).toHaveLength(before)
    // The same comments, as another user wrote them: they are not this token's, so the fixes are posted.
    for (const comment of github.state.reviewComments) {
      comment.user = { login: 'mallory', type: 'User' }
    }
    const third = await plan(pr, 7)
    expect(third.stdout).toContain(`Suggested changes on #7: ${before} posted, 0 already there`)
    expect(github.reviewComments(7)).toHaveLength(2 * before)
  }, 120_000)

  it('without the lines in local history (a shallow clone), GitHub’s patches say them', async () => {
    const shallow = mkdtempSync(join(tmpdir(), 'kga-shallow-'))
    execFileSync('git', [
      'clone',
      '-q',
      '--depth',
      '1',
      '--branch',
      'feature',
      `file://${pr.repo.dir}`,
      shallow
    ])
    github.state.reviewComments.length = 0
    const listed = github.requests.length
    const result = await plan(pr, 7, shallow)
    expect(result.stdout).toContain('Suggested changes on #7:')
    const asked = github.requests.slice(listed).map((r) => `${r.method} ${r.path}`)
    expect(asked).toContain('GET /repos/octo/kestra-repo/pulls/7/files')
    const comments = github.reviewComments(7)
    expect(comments.some((c) => c.path === HELLO && c.line === 9)).toBe(true)
    expect(comments.some((c) => c.path === HELLO && linesOf(c).includes(6))).toBe(false)
  }, 120_000)

  it('a token that may not write review comments: a warning, the run does not fail for it', async () => {
    github.state.reviewComments.length = 0
    github.setPermissions({ 'pull-requests': 'read' })
    try {
      const result = await plan(pr, 7)
      expect(result.stdout).toMatch(/::warning[^\n]*cannot write review comments/)
      expect(github.reviewComments(7)).toEqual([])
      // It fails for the errors of the flow, as it would without suggestions.
      expect(result.outputs.errors).not.toBe('0')
    } finally {
      github.setPermissions({})
    }
  }, 120_000)
})

describe('at most 10 a run; the rest in the comment', () => {
  it('posts 10 and lists the other 2 in the sticky comment', async () => {
    const tasks = Array.from(
      { length: 12 },
      (_, i) =>
        `  - id: t${i}\n    type: io.kestra.plugin.core.log.Log\n    message: {{ flow.id }}\n`
    ).join('')
    const pr = pullRequest(
      8,
      { [`${NS}/flows/upstream.yml`]: flow(NS, 'upstream') },
      { [`${NS}/flows/many.yml`]: `id: many\nnamespace: ${NS}\ntasks:\n${tasks}` }
    )
    const result = await plan(pr, 8)
    expect(result.stdout).toContain('Suggested changes on #8: 10 posted, 0 already there')
    expect(github.reviewComments(8)).toHaveLength(10)
    const body = github.comments(8).at(-1)!.body
    expect(body).toContain('10 mechanical fix(es) are offered as suggested changes')
    expect(body).toContain('2 more, past the 10 a run posts')
    expect(body).toContain(`<code>${NS}/flows/many.yml:36</code>`)
  }, 120_000)
})
