/**
 * Namespace mapping and triggers off (docs/environments.md#namespace-mapping): `namespace-prefix` sends
 * every repository namespace `N` as `<prefix>.N`, editing only the nodes that name it; `disable-triggers`
 * sends every trigger with `disabled: true`. The repository is never changed, the unprefixed namespaces are
 * never touched, and a Pebble expression that mentions a mapped namespace is a warning on its line.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { runAction } from '../../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, flow } from '../../../test-support/scenario.js'
import {
  inPrefix,
  kestraWrites,
  notInPrefix,
  serverView,
  startServers,
  stopServers,
  type Servers
} from './stage.js'

const NS = 'company.team'
const CALLER_FILE = `${NS}/flows/caller.yml`

/**
 * Every place a namespace can be named: the flow's own, a Subflow and a ForEachItem of the repository, a
 * Subflow elsewhere, a Flow trigger's condition and precondition, and a Pebble expression.
 */
const CALLER = `# Calls the team's child flow.
id: caller
namespace: company.team
labels:
  team: "company.team"
inputs:
  - id: file
    type: FILE
tasks:
  - id: same
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ inputs.file }}"
    namespace: "company.team"
    flowId: child
  - id: other
    type: io.kestra.plugin.core.flow.Subflow
    namespace: shared.lib
    flowId: util
  - {id: inline, type: io.kestra.plugin.core.flow.Subflow, namespace: company.team, flowId: child}
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('owner', namespace='company.team') }}"
triggers:
  - id: upstream
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team
        flowId: child
    preconditions:
      id: both
      flows:
        - namespace: shared.lib
          flowId: util
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 2 * * *"
    disabled: false
`

/** CALLER as sent with `namespace-prefix: qa` and `disable-triggers: true`. */
const CALLER_SENT = `# Calls the team's child flow.
id: caller
namespace: qa.company.team
labels:
  team: "company.team"
inputs:
  - id: file
    type: FILE
tasks:
  - id: same
    type: io.kestra.plugin.core.flow.Subflow
    namespace: qa.company.team
    flowId: child
  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ inputs.file }}"
    namespace: "qa.company.team"
    flowId: child
  - id: other
    type: io.kestra.plugin.core.flow.Subflow
    namespace: shared.lib
    flowId: util
  - {id: inline, type: io.kestra.plugin.core.flow.Subflow, namespace: qa.company.team, flowId: child}
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('owner', namespace='company.team') }}"
triggers:
  - id: upstream
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: qa.company.team
        flowId: child
    preconditions:
      id: both
      flows:
        - namespace: shared.lib
          flowId: util
    disabled: true
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 2 * * *"
    disabled: true
`

let servers: Servers | undefined
let repo: GitRepo

afterEach(() => stopServers(servers))

async function setup(): Promise<Servers> {
  servers = await startServers()
  repo = createGitRepo({
    [CALLER_FILE]: CALLER,
    [`${NS}/flows/child.yml`]: flow(NS, 'child'),
    [`${NS}/files/scripts/q.sql`]: 'select 1\n'
  })
  servers.kestra.seed({
    flows: [
      { namespace: NS, id: 'caller', source: CALLER },
      { namespace: NS, id: 'server-only', source: flow(NS, 'server-only') },
      { namespace: 'shared.lib', id: 'util', source: flow('shared.lib', 'util') },
      { namespace: `qa.${NS}`, id: 'stale', source: flow(`qa.${NS}`, 'stale') }
    ],
    files: [{ namespace: NS, path: '/scripts/old.sql', content: 'old\n' }]
  })
  return servers
}

function deploy(inputs: Record<string, string>) {
  return runAction({
    ...dispatchEvent(repo, repo.head()),
    githubApiUrl: servers!.github.url,
    inputs: { server: servers!.kestra.url, ...CREDENTIALS, delete: 'true', ...inputs }
  })
}

describe('namespace-prefix and disable-triggers', () => {
  it('maps the repository namespaces only, keeps the formatting, and never touches the unprefixed ones', async () => {
    const { kestra } = await setup()
    const unprefixed = serverView(kestra, notInPrefix('qa'))
    const result = await deploy({ 'namespace-prefix': 'qa', 'disable-triggers': 'true' })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)

    const sent = serverView(kestra, inPrefix('qa'))
    expect(sent.flows).toEqual([
      { namespace: `qa.${NS}`, id: 'caller', source: CALLER_SENT },
      { namespace: `qa.${NS}`, id: 'child', source: flow(`qa.${NS}`, 'child') }
    ])
    expect(sent.files).toEqual([
      { namespace: `qa.${NS}`, path: '/scripts/q.sql', text: 'select 1\n' }
    ])
    expect(sent.kv).toEqual([
      expect.objectContaining({ namespace: `qa.${NS}`, key: 'kestra-gitops-commit' })
    ])
    expect(serverView(kestra, notInPrefix('qa'))).toEqual(unprefixed)
    for (const write of kestraWrites(kestra)) expect(write.split(' ')[2]).toMatch(/^qa\./)
    // The repository is data: it is never rewritten.
    expect(readFileSync(join(repo.dir, CALLER_FILE), 'utf8')).toBe(CALLER)

    // The plan speaks the mapped names: `stale` is deleted from qa.company.team, `server-only` is not ours.
    expect(result.outputs).toMatchObject({ created: '3', deleted: '1' })
    expect(result.summary).toContain(`qa.${NS}`)
    expect(result.summary).not.toContain('server-only')

    const pebble = result.annotations.filter((a) => a.message.includes('Pebble'))
    const line = CALLER.split('\n').findIndex((text) => text.includes("kv('owner'")) + 1
    expect(pebble).toEqual([
      expect.objectContaining({ severity: 'warning', file: CALLER_FILE, line })
    ])
    expect(pebble[0]!.message).toContain(NS)
    expect(pebble[0]!.message).toContain(`qa.${NS}`)
  })

  it('is idempotent: a second run plans nothing and writes nothing', async () => {
    const { kestra } = await setup()
    const inputs = { 'namespace-prefix': 'qa', 'disable-triggers': 'true' }
    expect((await deploy(inputs)).exitCode).toBe(0)
    kestra.clearLog()
    const again = await deploy(inputs)
    expect(again.exitCode, again.stdout).toBe(0)
    expect(again.outputs).toMatchObject({ created: '0', updated: '0', deleted: '0' })
    expect(kestraWrites(kestra)).toEqual([])
  })

  it('turning disable-triggers off shows an update of the flows with triggers, then sends them as written', async () => {
    const { kestra } = await setup()
    expect((await deploy({ 'namespace-prefix': 'qa', 'disable-triggers': 'true' })).exitCode).toBe(
      0
    )
    const back = await deploy({ 'namespace-prefix': 'qa' })
    expect(back.exitCode, back.stdout).toBe(0)
    expect(back.outputs).toMatchObject({ updated: '1', created: '0' })
    const caller = serverView(kestra, inPrefix('qa')).flows.find((f) => f.id === 'caller')!
    expect(caller.source).toBe(
      CALLER_SENT.replace('    disabled: true\n  - id: nightly', '  - id: nightly').replace(
        'disabled: true\n',
        'disabled: false\n'
      )
    )
  })

  it('refuses a prefix that is not a namespace, before anything is read or written', async () => {
    const { kestra } = await setup()
    const result = await deploy({ 'namespace-prefix': 'QA team.' })
    expect(result.exitCode).toBe(1)
    expect(result.annotations.find((a) => a.severity === 'error')?.message).toMatch(
      /namespace-prefix/
    )
    expect(kestraWrites(kestra)).toEqual([])
  })
})
