import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { client, REPO } from '../../adapters/github/fake-http.js'

let fake: FakeGitHub
let repo: GitRepo
let first: string
let head: string
const api = client(() => fake)

beforeEach(async () => {
  fake = await startFakeGitHub()
  repo = createGitRepo({ 'flows/a.yml': 'id: a\n' })
  first = repo.head()
  head = repo.commit({ 'flows/a.yml': 'id: a\nv: 2\n' })
  fake.seedFromRepository(repo.dir)
})
afterEach(() => fake.close())

const deploy = (body: Record<string, unknown>) => api('POST', `${REPO}/deployments`, body)
const status = (id: number, body: Record<string, unknown>) =>
  api('POST', `${REPO}/deployments/${id}/statuses`, body)

describe('fake GitHub: create a deployment', () => {
  it('answers 201 with the documented defaults and creates the environment it names', async () => {
    const created = await deploy({ ref: 'main' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      sha: head,
      ref: 'main',
      task: 'deploy',
      payload: {},
      environment: 'production',
      original_environment: 'production',
      description: '',
      transient_environment: false,
      production_environment: true,
      creator: { login: 'github-actions[bot]' }
    })
    const staging = await deploy({
      ref: head,
      environment: 'staging',
      transient_environment: true,
      payload: { commit: head },
      description: 'preview'
    })
    expect(staging.body).toMatchObject({
      production_environment: false,
      transient_environment: true,
      payload: { commit: head }
    })
    const environments = await api('GET', `${REPO}/environments`)
    expect(environments.body.total_count).toBe(2)
    expect(environments.body.environments.map((e: { name: string }) => e.name)).toEqual([
      'production',
      'staging'
    ])
  })

  it('takes a branch, a tag, a full or an abbreviated sha, and answers 422 for anything else', async () => {
    repo.git('tag', 'v1', head)
    fake.seedFromRepository(repo.dir)
    for (const ref of ['main', 'v1', head, head.slice(0, 7)]) {
      expect((await deploy({ ref })).body.sha).toBe(head)
    }
    const unknown = await deploy({ ref: 'nope' })
    expect(unknown.status).toBe(422)
    expect(unknown.body.message).toBe('No ref found for: nope')
    const missing = await deploy({ environment: 'x' })
    expect(missing.status).toBe(422)
    expect(missing.body.message).toBe('Invalid request.\n\n"ref" wasn\'t supplied.')
  })

  it('refuses a sha behind the default branch with 409 unless auto_merge is false', async () => {
    const behind = await deploy({ ref: first })
    expect(behind.status).toBe(409)
    expect(behind.body.message).toBe(`Conflict merging main into ${first}`)
    expect((await deploy({ ref: first, auto_merge: false })).status).toBe(201)
  })

  it('merges the default branch into a branch behind it (202), or refuses a conflicting one (409)', async () => {
    repo.git('checkout', '-q', '-b', 'topic', first)
    const topic = repo.commit({ 'flows/b.yml': 'id: b\n' })
    repo.git('checkout', '-q', '-b', 'clash', first)
    repo.commit({ 'flows/a.yml': 'id: a\nv: clash\n' })
    repo.git('checkout', '-q', 'main')
    fake.seedFromRepository(repo.dir)
    const merged = await deploy({ ref: 'topic' })
    expect(merged.status).toBe(202)
    expect(merged.body).toEqual({ message: 'Auto-merged main into topic on deployment.' })
    const tip = (await api('GET', `${REPO}/git/ref/heads/topic`)).body.object.sha
    const commit = await api('GET', `${REPO}/git/commits/${tip}`)
    expect(commit.body.parents.map((p: { sha: string }) => p.sha)).toEqual([topic, head])
    const files = await api('GET', `${REPO}/git/trees/${tip}?recursive=1`)
    expect(files.body.tree.map((e: { path: string }) => e.path)).toEqual([
      'flows',
      'flows/a.yml',
      'flows/b.yml'
    ])
    const clash = await deploy({ ref: 'clash' })
    expect(clash.status).toBe(409)
    expect(clash.body.message).toBe('Conflict merging main into clash')
  })

  it('answers 409 when a required context is not success, and bypasses the check with []', async () => {
    fake.setCommitStatuses(head, [
      { context: 'ci/test', state: 'success' },
      { context: 'ci/lint', state: 'failure' }
    ])
    const failed = await deploy({ ref: 'main' })
    expect(failed.status).toBe(409)
    expect(failed.body.message).toBe('Conflict: Commit status checks failed for main.')
    expect((await deploy({ ref: 'main', required_contexts: ['ci/test'] })).status).toBe(201)
    expect((await deploy({ ref: 'main', required_contexts: ['ci/other'] })).status).toBe(409)
    expect((await deploy({ ref: 'main', required_contexts: [] })).status).toBe(201)
  })
})

describe('fake GitHub: list and read deployments', () => {
  it('lists newest first, filtered by sha, ref, task and environment, paginated', async () => {
    const ids: number[] = []
    for (const [environment, task] of [
      ['staging', 'deploy'],
      ['production', 'deploy'],
      ['staging', 'deploy:migrations']
    ]) {
      ids.push((await deploy({ ref: 'main', environment, task })).body.id)
    }
    const all = await api('GET', `${REPO}/deployments`)
    expect(all.body.map((d: { id: number }) => d.id)).toEqual([...ids].reverse())
    const staging = await api('GET', `${REPO}/deployments?environment=staging&task=deploy`)
    expect(staging.body.map((d: { id: number }) => d.id)).toEqual([ids[0]])
    expect((await api('GET', `${REPO}/deployments?sha=${first}`)).body).toEqual([])
    const page = await api('GET', `${REPO}/deployments?per_page=2`)
    expect(page.body).toHaveLength(2)
    expect(page.headers.get('link')).toContain('rel="next"')
    expect((await api('GET', `${REPO}/deployments/${ids[1]}`)).body.environment).toBe('production')
    expect((await api('GET', `${REPO}/deployments/999999`)).status).toBe(404)
  })
})

describe('fake GitHub: deployment statuses', () => {
  it('creates a status (201): log_url sets target_url, environment defaults to the deployment', async () => {
    const { id } = (await deploy({ ref: 'main', environment: 'staging' })).body
    const created = await status(id, {
      state: 'in_progress',
      log_url: 'https://github.com/octo/kestra-repo/actions/runs/4242',
      environment_url: 'https://kestra.example.com/ui/main/namespaces/team',
      description: 'deploying'
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      state: 'in_progress',
      environment: 'staging',
      target_url: 'https://github.com/octo/kestra-repo/actions/runs/4242',
      log_url: 'https://github.com/octo/kestra-repo/actions/runs/4242',
      environment_url: 'https://kestra.example.com/ui/main/namespaces/team',
      description: 'deploying'
    })
    await status(id, { state: 'success', environment: 'qa' })
    const listed = await api('GET', `${REPO}/deployments/${id}/statuses`)
    expect(listed.body.map((s: { state: string }) => s.state)).toEqual(['success', 'in_progress'])
    expect((await api('GET', `${REPO}/deployments/${id}`)).body).toMatchObject({
      environment: 'qa',
      original_environment: 'staging'
    })
  })

  it('refuses an unknown state, a description over 140 characters and an unknown deployment', async () => {
    const { id } = (await deploy({ ref: 'main' })).body
    const state = await status(id, { state: 'done' })
    expect(state.status).toBe(422)
    expect(state.body.message).toBe(
      'Invalid request.\n\nFor \'properties/state\', "done" is not one of ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"].'
    )
    expect((await status(id, {})).body.message).toBe(
      'Invalid request.\n\n"state" wasn\'t supplied.'
    )
    const long = await status(id, { state: 'success', description: 'x'.repeat(141) })
    expect(long.status).toBe(422)
    expect(long.body.errors[0].field).toBe('description')
    expect((await status(424242, { state: 'success' })).status).toBe(404)
  })

  it('marks prior successful non-transient, non-production deployments of the environment inactive on success', async () => {
    const make = async (body: Record<string, unknown>, state = 'success') => {
      const { id } = (await deploy({ ref: 'main', ...body })).body
      await status(id, { state })
      return id as number
    }
    const older = await make({ environment: 'staging' })
    const failed = await make({ environment: 'staging' }, 'failure')
    const transient = await make({ environment: 'staging', transient_environment: true })
    const production = await make({ environment: 'staging', production_environment: true })
    const elsewhere = await make({ environment: 'qa' })
    const latest = await make({ environment: 'staging' })
    const stateOf = async (id: number) =>
      (await api('GET', `${REPO}/deployments/${id}/statuses`)).body[0].state
    expect(await stateOf(older)).toBe('inactive')
    expect(await stateOf(failed)).toBe('failure')
    expect(await stateOf(transient)).toBe('success')
    expect(await stateOf(production)).toBe('success')
    expect(await stateOf(elsewhere)).toBe('success')
    expect(await stateOf(latest)).toBe('success')
    const kept = await make({ environment: 'qa' })
    await status(kept, { state: 'success', auto_inactive: false })
    const newest = (await deploy({ ref: 'main', environment: 'qa' })).body.id
    await status(newest, { state: 'success', auto_inactive: false })
    expect(await stateOf(kept)).toBe('success')
  })
})
