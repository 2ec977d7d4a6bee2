/**
 * `read-only: true` (docs/environments.md#read-only-flows): every flow is sent with the label
 * `system.readOnly: "true"` added to its labels as the flow writes them (a map or a list), so Kestra's UI
 * refuses edits; the repository never holds it, a re-plan shows nothing to do, and turning the input off
 * shows an update that removes it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { parseDocument } from 'yaml'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { runAction } from '../../../test-support/runner.js'
import {
  CREDENTIALS,
  dispatchEvent,
  flow,
  pullRequestEvent
} from '../../../test-support/scenario.js'
import {
  kestraWrites,
  serverView,
  startServers,
  stopServers,
  publish,
  type Servers
} from './stage.js'

const NS = 'company.team'

/** Labels as a map, with a comment and a quoted value. */
const MAPPED = `id: mapped
namespace: ${NS}
labels:
  owner: data   # the data team
  tier: "gold"
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
`

/** Labels as a block list, indented under the key, keys quoted. */
const LISTED = `id: listed
namespace: ${NS}
labels:
    - key: "owner"
      value: data

    - key: tier
      value: 'gold'
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
`

/** Labels as a flow sequence on one line. */
const INLINE = `id: inline
namespace: ${NS}
labels: [{key: owner, value: data}]
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
`

const SENT = {
  mapped: MAPPED.replace('  tier: "gold"\n', '  tier: "gold"\n  system.readOnly: "true"\n'),
  listed: LISTED.replace(
    "      value: 'gold'\n",
    '      value: \'gold\'\n    - key: system.readOnly\n      value: "true"\n'
  ),
  inline: INLINE.replace(
    'labels: [{key: owner, value: data}]',
    'labels: [{key: owner, value: data}, {key: system.readOnly, value: "true"}]'
  ),
  plain: flow(NS, 'plain').replace(
    `namespace: ${NS}\n`,
    `namespace: ${NS}\nlabels:\n  system.readOnly: "true"\n`
  )
}

let servers: Servers | undefined
let repo: GitRepo

afterEach(() => stopServers(servers))

async function setup(): Promise<Servers> {
  servers = await startServers()
  repo = createGitRepo({
    [`${NS}/flows/mapped.yml`]: MAPPED,
    [`${NS}/flows/listed.yml`]: LISTED,
    [`${NS}/flows/inline.yml`]: INLINE,
    [`${NS}/flows/plain.yml`]: flow(NS, 'plain')
  })
  return servers
}

function dispatch(inputs: Record<string, string>) {
  return runAction({
    ...dispatchEvent(repo, repo.head()),
    githubApiUrl: servers!.github.url,
    inputs: { server: servers!.kestra.url, ...CREDENTIALS, ...inputs }
  })
}

/** A pull request that changes only the README, planned with `inputs`. */
function pullRequestPlan(inputs: Record<string, string>) {
  const { kestra, github } = servers!
  const base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  const head = repo.commit({ 'README.md': 'docs only\n' })
  publish(github, repo)
  return runAction({
    ...pullRequestEvent(repo, base, head),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS, ...inputs }
  })
}

function sources(): Record<string, string> {
  const { flows } = serverView(servers!.kestra, (namespace) => namespace === NS)
  return Object.fromEntries(flows.map((f) => [f.id, f.source]))
}

describe('read-only flows', () => {
  it('sends every flow with system.readOnly, in the labels form the flow uses, formatting kept', async () => {
    const { kestra } = await setup()
    const result = await dispatch({ 'read-only': 'true' })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(sources()).toEqual({
      inline: SENT.inline,
      listed: SENT.listed,
      mapped: SENT.mapped,
      plain: SENT.plain
    })
    const labels = kestra.snapshot().flows.map((f) => f.source.match(/system\.readOnly/g)?.length)
    expect(labels).toEqual([1, 1, 1, 1])
  })

  it('re-plans to nothing: no update, no drift, no write', async () => {
    const { kestra } = await setup()
    expect((await dispatch({ 'read-only': 'true' })).exitCode).toBe(0)
    kestra.clearLog()
    const again = await dispatch({ 'read-only': 'true' })
    expect(again.exitCode, again.stdout).toBe(0)
    expect(again.outputs).toMatchObject({
      created: '0',
      updated: '0',
      unchanged: '4',
      drifted: '0'
    })
    expect(kestraWrites(kestra)).toEqual([])

    // A pull request planned against it sees neither a change nor drift from the label.
    const plan = await pullRequestPlan({ 'read-only': 'true' })
    expect(plan.exitCode, plan.stdout).toBe(0)
    expect(plan.outputs).toMatchObject({ 'has-changes': 'false', drifted: '0', unchanged: '4' })
  })

  it('turning it off shows an update of each flow, then sends them exactly as the repository holds them', async () => {
    const { kestra } = await setup()
    expect((await dispatch({ 'read-only': 'true' })).exitCode).toBe(0)
    const planned = await dispatch({ mode: 'plan' })
    expect(planned.outputs).toMatchObject({ updated: '4', drifted: '0' })
    expect(planned.summary).toContain('-  system.readOnly: "true"')
    const off = await dispatch({})
    expect(off.exitCode, off.stdout).toBe(0)
    expect(off.outputs).toMatchObject({ updated: '4' })
    expect(sources()).toEqual({
      inline: INLINE,
      listed: LISTED,
      mapped: MAPPED,
      plain: flow(NS, 'plain')
    })
    expect(kestra.snapshot().flows.some((f) => f.source.includes('system.readOnly'))).toBe(false)
  })

  it('a pull request that turns it off plans an update of each flow, not drift', async () => {
    await setup()
    expect((await dispatch({ 'read-only': 'true' })).exitCode).toBe(0)
    const plan = await pullRequestPlan({})
    expect(plan.exitCode, plan.stdout).toBe(0)
    expect(plan.outputs).toMatchObject({ updated: '4', drifted: '0' })
  })

  it('leaves a flow that already says system.readOnly: "true" as written', async () => {
    await setup()
    const own = MAPPED.replace('id: mapped', 'id: own').replace(
      '  tier: "gold"\n',
      '  system.readOnly: \'true\'\n  tier: "gold"\n'
    )
    repo.commit({ [`${NS}/flows/own.yml`]: own })
    expect((await dispatch({ 'read-only': 'true' })).exitCode).toBe(0)
    expect(sources().own).toBe(own)
  })
})

describe('read-only whatever form the labels take', () => {
  const tasks = `tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
  const ALIASED = `id: aliased\nnamespace: ${NS}\nvariables:\n  common: &common\n    team: data\nlabels: *common\n${tasks}`
  const MERGED = `id: merged\nnamespace: ${NS}\nvariables:\n  common: &common {team: data}\nlabels:\n  <<: *common\n  tier: gold\n${tasks}`
  const OWN_FALSE = `id: ownfalse\nnamespace: ${NS}\nlabels:\n  team: data\n  system.readOnly: false\n${tasks}`

  function labelsOf(source: string): unknown {
    return parseDocument(source, { merge: true }).toJS().labels
  }

  it('an alias, a merge key and an own "false" are each sent with system.readOnly "true" and every other label; the own one warned on its line; a re-run writes nothing', async () => {
    servers = await startServers()
    repo = createGitRepo({
      [`${NS}/flows/aliased.yml`]: ALIASED,
      [`${NS}/flows/merged.yml`]: MERGED,
      [`${NS}/flows/ownfalse.yml`]: OWN_FALSE
    })
    const result = await dispatch({ 'read-only': 'true' })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    const sent = sources()
    expect(labelsOf(sent.aliased!)).toEqual({ team: 'data', 'system.readOnly': 'true' })
    expect(labelsOf(sent.merged!)).toEqual({
      team: 'data',
      tier: 'gold',
      'system.readOnly': 'true'
    })
    expect(labelsOf(sent.ownfalse!)).toEqual({ team: 'data', 'system.readOnly': 'true' })
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        file: `${NS}/flows/ownfalse.yml`,
        line: 5,
        message: expect.stringContaining('read-only wins')
      })
    )
    servers.kestra.clearLog()
    const again = await dispatch({ 'read-only': 'true' })
    expect(again.exitCode, again.stdout).toBe(0)
    expect(again.outputs).toMatchObject({ created: '0', updated: '0', unchanged: '3' })
    expect(kestraWrites(servers.kestra)).toEqual([])
  })

  it('labels the label cannot be added to safely: the flow is refused before any write, on its labels line', async () => {
    servers = await startServers()
    repo = createGitRepo({
      [`${NS}/flows/plain.yml`]: flow(NS, 'plain'),
      [`${NS}/flows/odd.yml`]: `id: odd\nnamespace: ${NS}\nlabels:\n  team: {nested: map}\n${tasks}`
    })
    const result = await dispatch({ 'read-only': 'true' })
    expect(result.exitCode).toBe(1)
    expect(kestraWrites(servers.kestra)).toEqual([])
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: `${NS}/flows/odd.yml`,
        line: 3,
        message: expect.stringContaining('cannot be sent read-only')
      })
    )
  })
})
