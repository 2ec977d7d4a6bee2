import { execFileSync } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { client, REPO } from '../../adapters/github/fake-http.js'

let fake: FakeGitHub
let repo: GitRepo
const api = client(() => fake)

beforeEach(async () => {
  fake = await startFakeGitHub()
  repo = createGitRepo({
    'flows/a.yml': 'id: a\n',
    'flows/old.yml': 'id: old\n',
    'files/deep/run.py': 'print(1)\n',
    'README.md': 'hi\n'
  })
  fake.seedFromRepository(repo.dir)
})
afterEach(() => fake.close())

async function headOf(branch: string): Promise<{ commit: string; tree: string }> {
  const commit = (await api('GET', `${REPO}/git/ref/heads/${branch}`)).body.object.sha
  return { commit, tree: (await api('GET', `${REPO}/git/commits/${commit}`)).body.tree.sha }
}

/** `git commit-tree` with a fixed author and committer: the sha git gives the same commit. */
function gitCommitTree(tree: string, parent: string, message: string, date: string): string {
  return execFileSync('git', ['commit-tree', tree, '-p', parent, '-m', message], {
    cwd: repo.dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Kestra GitOps',
      GIT_AUTHOR_EMAIL: 'gitops@example.com',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: 'Kestra GitOps',
      GIT_COMMITTER_EMAIL: 'gitops@example.com',
      GIT_COMMITTER_DATE: date
    }
  }).trim()
}

describe('fake GitHub: a git database seeded from a real repository', () => {
  it('lists a tree recursively exactly as `git ls-tree -r -t` does, by branch or commit', async () => {
    const expected = repo
      .git('ls-tree', '-r', '-t', 'HEAD')
      .split('\n')
      .map((line) => line.replace(/\s+/g, ' '))
    for (const name of ['main', repo.head()]) {
      const listed = await api('GET', `${REPO}/git/trees/${name}?recursive=1`)
      expect(listed.status).toBe(200)
      expect(listed.body.truncated).toBe(false)
      expect(
        listed.body.tree.map(
          (e: { mode: string; type: string; sha: string; path: string }) =>
            `${e.mode} ${e.type} ${e.sha} ${e.path}`
        )
      ).toEqual(expected)
    }
    const top = await api('GET', `${REPO}/git/trees/main`)
    expect(top.body.tree.map((e: { path: string }) => e.path)).toEqual([
      'README.md',
      'files',
      'flows'
    ])
    expect(top.body.tree[0]).toMatchObject({ type: 'blob', size: 3 })
  })

  it('reads the repository default branch and file contents from the git database', async () => {
    repo.git('checkout', '-q', '-b', 'trunk')
    fake.seedFromRepository(repo.dir)
    expect((await api('GET', REPO)).body).toMatchObject({
      full_name: 'octo/kestra-repo',
      default_branch: 'trunk'
    })
    const file = await api('GET', `${REPO}/contents/flows/a.yml?ref=main`)
    expect(Buffer.from(file.body.content, 'base64').toString()).toBe('id: a\n')
  })

  it('builds over base_tree the very tree `git write-tree` gives for the same workspace change', async () => {
    const { tree: baseTree } = await headOf('main')
    const binary = Buffer.from([0, 255, 10, 13])
    const blob = await api('POST', `${REPO}/git/blobs`, {
      content: binary.toString('base64'),
      encoding: 'base64'
    })
    expect(blob.status).toBe(201)
    expect((await api('POST', `${REPO}/git/blobs`, { content: '' })).body.sha).toBe(
      'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'
    )
    const built = await api('POST', `${REPO}/git/trees`, {
      base_tree: baseTree,
      tree: [
        { path: 'flows/a.yml', mode: '100644', type: 'blob', content: 'id: a\nv: 2\n' },
        { path: 'flows/old.yml', mode: '100644', type: 'blob', sha: null },
        { path: 'files/deep', mode: '040000', type: 'tree', sha: null },
        { path: 'files/data.bin', mode: '100644', type: 'blob', sha: blob.body.sha },
        { path: 'dashboards/ops.yml', mode: '100644', type: 'blob', content: 'id: ops\n' }
      ]
    })
    expect(built.status).toBe(201)
    repo.write({
      'flows/a.yml': 'id: a\nv: 2\n',
      'flows/old.yml': null,
      'files/deep': null,
      'files/data.bin': binary,
      'dashboards/ops.yml': 'id: ops\n'
    })
    repo.git('add', '-A')
    expect(built.body.sha).toBe(repo.git('write-tree'))
  })

  it('creates the commit `git commit-tree` creates, then a branch that moves only forward unless forced', async () => {
    const base = await headOf('main')
    const date = '2026-02-03T04:05:06Z'
    const person = { name: 'Kestra GitOps', email: 'gitops@example.com', date }
    const commit = await api('POST', `${REPO}/git/commits`, {
      message: 'Bring UI edits back\n',
      tree: base.tree,
      parents: [base.commit],
      author: person
    })
    expect(commit.status).toBe(201)
    expect(commit.body).toMatchObject({
      author: person,
      committer: person,
      message: 'Bring UI edits back\n',
      tree: { sha: base.tree },
      parents: [{ sha: base.commit }],
      verification: { verified: false, reason: 'unsigned' }
    })
    expect(commit.body.sha).toBe(gitCommitTree(base.tree, base.commit, 'Bring UI edits back', date))
    const ref = 'refs/heads/kestra-gitops/drift-main'
    const created = await api('POST', `${REPO}/git/refs`, { ref, sha: commit.body.sha })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ ref, object: { type: 'commit', sha: commit.body.sha } })
    const again = await api('POST', `${REPO}/git/refs`, { ref, sha: base.commit })
    expect([again.status, again.body.message]).toEqual([422, 'Reference already exists'])
    const back = await api('PATCH', `${REPO}/git/refs/heads/kestra-gitops/drift-main`, {
      sha: base.commit
    })
    expect([back.status, back.body.message]).toEqual([422, 'Update is not a fast forward'])
    const forced = await api('PATCH', `${REPO}/git/refs/heads/kestra-gitops/drift-main`, {
      sha: base.commit,
      force: true
    })
    expect(forced.status).toBe(200)
    expect((await headOf('kestra-gitops/drift-main')).commit).toBe(base.commit)
    const forward = await api('PATCH', `${REPO}/git/refs/heads/kestra-gitops/drift-main`, {
      sha: commit.body.sha
    })
    expect(forward.body.object.sha).toBe(commit.body.sha)
    const authorless = await api('POST', `${REPO}/git/commits`, { message: 'm', tree: base.tree })
    expect(authorless.body.author).toMatchObject({
      name: 'github-actions[bot]',
      email: '41898282+github-actions[bot]@users.noreply.github.com'
    })
    expect(authorless.body.parents).toEqual([])
  })
})

describe('fake GitHub: git database errors', () => {
  it('answers refs errors as GitHub does', async () => {
    const { commit } = await headOf('main')
    const cases: [string, string, unknown, number, string | undefined][] = [
      [
        'POST',
        '/git/refs',
        { ref: 'heads/x', sha: commit },
        422,
        'Reference name must contain at least three slash-separated components.'
      ],
      [
        'POST',
        '/git/refs',
        { ref: 'refs/heads/x', sha: 'f'.repeat(40) },
        422,
        'Object does not exist'
      ],
      [
        'POST',
        '/git/refs',
        { ref: 'refs/heads/x' },
        422,
        'Invalid request.\n\n"sha" wasn\'t supplied.'
      ],
      ['PATCH', '/git/refs/heads/nope', { sha: commit }, 422, 'Reference does not exist'],
      ['PATCH', '/git/refs/heads/main', { sha: 'f'.repeat(40) }, 500, undefined],
      ['DELETE', '/git/refs/heads/nope', undefined, 422, 'Reference does not exist'],
      ['GET', '/git/ref/refs/heads/main', undefined, 404, 'Not Found'],
      ['GET', '/git/ref/heads/nope', undefined, 404, 'Not Found'],
      ['GET', `/git/commits/${'f'.repeat(40)}`, undefined, 404, 'Not Found'],
      ['GET', `/git/trees/${'f'.repeat(40)}`, undefined, 404, 'Not Found']
    ]
    for (const [method, path, body, status, message] of cases) {
      const answer = await api(method, REPO + path, body)
      expect([method, path, answer.status, answer.body?.message]).toEqual([
        method,
        path,
        status,
        message
      ])
    }
    expect((await api('DELETE', `${REPO}/git/refs/heads/main`)).status).toBe(204)
  })

  it('answers tree and commit errors as GitHub does', async () => {
    const { commit, tree } = await headOf('main')
    const entry = { path: 'x.yml', mode: '100644', type: 'blob' }
    const cases: [string, unknown, string][] = [
      [
        '/git/trees',
        { tree: [{ ...entry, sha: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391', content: 'x' }] },
        'Must supply either tree.sha or tree.content. Request will be rejected if both are present.'
      ],
      [
        '/git/trees',
        { tree: [entry] },
        'Must supply either tree.sha or tree.content. Request will be rejected if both are present.'
      ],
      [
        '/git/trees',
        { base_tree: tree, tree: [{ ...entry, sha: null }] },
        'GitRPC::BadObjectState'
      ],
      [
        '/git/trees',
        { tree: [{ ...entry, sha: 'f'.repeat(40) }] },
        `tree.sha ${'f'.repeat(40)} is not a valid blob`
      ],
      [
        '/git/trees',
        { tree: [{ ...entry, type: 'tree', mode: '040000', sha: commit }] },
        `tree.sha ${commit} is not a valid tree`
      ],
      ['/git/trees', { base_tree: commit, tree: [] }, 'base_tree is not a valid tree oid'],
      [
        '/git/trees',
        { tree: [{ ...entry, path: '../x.yml', content: 'x' }] },
        'tree.path contains a malformed path component'
      ],
      [
        '/git/trees',
        { tree: [{ ...entry, path: '/x.yml', content: 'x' }] },
        'tree.path contains a malformed path component'
      ],
      ['/git/commits', { message: 'm', tree: commit }, 'Tree SHA does not exist'],
      [
        '/git/commits',
        { message: 'm', tree, parents: [tree] },
        'Parent SHA does not exist or is not a commit object'
      ],
      ['/git/commits', { tree }, 'Invalid request.\n\n"message" wasn\'t supplied.']
    ]
    for (const [path, body, message] of cases) {
      const answer = await api('POST', REPO + path, body)
      expect([path, answer.status, answer.body.message]).toEqual([path, 422, message])
    }
  })

  it('refuses every write to a repository without a branch with 409', async () => {
    await fake.close()
    fake = await startFakeGitHub()
    for (const [path, body] of [
      ['/git/blobs', { content: 'x' }],
      ['/git/trees', { tree: [] }],
      ['/git/refs', { ref: 'refs/heads/main', sha: 'f'.repeat(40) }]
    ] as const) {
      const answer = await api('POST', REPO + path, body)
      expect([path, answer.status, answer.body.message]).toEqual([
        path,
        409,
        'Git Repository is empty.'
      ])
    }
  })
})
