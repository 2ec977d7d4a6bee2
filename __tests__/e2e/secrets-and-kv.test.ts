/**
 * Secrets and KV keys caught at review (docs/caught-at-review.md): `node dist/index.js` plans a pull request
 * against the Kestra emulator; each `secret('…')` and `kv('…')` of a flow the plan creates or updates is
 * looked up in the server's listings with Kestra's own rules, never by reading a value.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Annotation } from '../../test-support/runner.js'
import { NS, planPullRequest, reviewStage, type ReviewStage } from './review-stage.js'

let stage: ReviewStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

/** `notify` in company.team: a missing secret (line 6), a missing KV key (line 9), two that exist (line 12). */
const NOTIFY = `id: notify
namespace: ${NS}
tasks:
  - id: send
    type: io.kestra.plugin.core.log.Log
    message: "{{ secret('SLACK_WEBHOOK') }}"
  - id: target
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('dbt_target') }}"
  - id: fine
    type: io.kestra.plugin.core.log.Log
    message: "{{ secret('db_password') }} {{ kv('region') }} {{ kv('maybe', errorOnMissing=false) }}"
`

/** Seeded on the server: OSS names are upper-cased environment secrets; `region` lives in the flow's namespace. */
const SERVER = {
  secrets: [{ key: 'DB_PASSWORD' }],
  kv: [{ namespace: NS, key: 'region', value: 'eu' }]
}

const LISTING_ROUTES = [
  'secrets.list',
  'namespaces.secrets.list',
  'namespaces.secrets.inherited',
  'kv.list',
  'kv.inheritance',
  'kv.search'
]

function warnings(annotations: Annotation[]): Annotation[] {
  return annotations.filter((a) => a.severity === 'warning')
}

describe('secrets and KV keys, end to end', () => {
  it('warns on the line of a missing secret and of a missing KV key, marks the flow 🔑, and never reads a value', async () => {
    stage = await reviewStage({}, { [`${NS}/flows/notify.yml`]: NOTIFY }, SERVER)
    const { result, comment } = await planPullRequest(stage)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(warnings(result.annotations)).toEqual([
      expect.objectContaining({
        file: `${NS}/flows/notify.yml`,
        line: 6,
        message: expect.stringContaining(
          'secret SLACK_WEBHOOK is not defined for namespace company.team'
        )
      }),
      expect.objectContaining({
        file: `${NS}/flows/notify.yml`,
        line: 9,
        message: expect.stringContaining(
          'KV key dbt_target is not defined for namespace company.team'
        )
      })
    ])
    expect(result.outputs.warnings).toBe('2')
    const summaryLine = comment.split('\n').find((line) => line.includes('company.team.notify'))
    expect(summaryLine).toContain('🔑')
    expect(comment).toMatch(/SLACK_WEBHOOK[\s\S]*dbt_target/)
    expect(result.summary).toContain('SLACK_WEBHOOK')

    const { requests } = stage.kestra
    // No value of the user's is ever read: only the action's own commit marker, for the flow checks it
    // stores (docs/performance.md#incremental-planning).
    expect(
      requests.filter((r) => r.route === 'kv.get' && r.params.key !== 'kestra-gitops-commit')
    ).toEqual([])
    const listings = requests.filter((r) => LISTING_ROUTES.includes(r.route))
    // company.team and its parent company: at most one listing each, for secrets and for KV.
    expect(listings.length).toBeGreaterThan(0)
    expect(listings.length).toBeLessThanOrEqual(4)
  })

  it('with namespace-prefix, looks each flow up in the namespace it is sent to, not the one it is written in', async () => {
    // Sent to staging.company.team, notify finds `region` there; `dbt_target` exists only in the
    // unprefixed company.team, which is not a parent of staging.company.team.
    stage = await reviewStage(
      {},
      { [`${NS}/flows/notify.yml`]: NOTIFY },
      {
        secrets: SERVER.secrets,
        kv: [
          { namespace: `staging.${NS}`, key: 'region', value: 'eu' },
          { namespace: NS, key: 'dbt_target', value: 'prod' }
        ]
      }
    )
    const { result, comment } = await planPullRequest(stage, { 'namespace-prefix': 'staging' })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(warnings(result.annotations)).toEqual([
      expect.objectContaining({
        line: 6,
        message: expect.stringContaining(
          `secret SLACK_WEBHOOK is not defined for namespace staging.${NS}`
        )
      }),
      expect.objectContaining({
        line: 9,
        message: expect.stringContaining(
          `KV key dbt_target is not defined for namespace staging.${NS}`
        )
      })
    ])
    const summaryLine = comment.split('\n').find((line) => line.includes(`staging.${NS}.notify`))
    expect(summaryLine).toContain('🔑')
  })

  it('fails the step on those warnings with fail-on: warning', async () => {
    stage = await reviewStage({}, { [`${NS}/flows/notify.yml`]: NOTIFY }, SERVER)
    const { result } = await planPullRequest(stage, { 'fail-on': 'warning' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.warnings).toBe('2')
  })

  it('finds a key that only a parent namespace holds, but not through an explicit namespace; OSS secret names ignore case', async () => {
    const etl = `id: etl
namespace: ${NS}.etl
tasks:
  - id: inherited
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('shared_bucket') }} {{ secret('warehouse_user') }}"
  - id: explicit
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('shared_bucket', namespace='${NS}.etl') }}"
  - id: positional
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('shared_bucket', 'company') }}"
`
    stage = await reviewStage(
      {},
      { [`${NS}.etl/flows/etl.yml`]: etl },
      {
        secrets: [{ key: 'WAREHOUSE_USER' }],
        kv: [{ namespace: 'company', key: 'shared_bucket', value: 's3://shared' }]
      }
    )
    const { result } = await planPullRequest(stage)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(warnings(result.annotations)).toEqual([
      expect.objectContaining({
        file: `${NS}.etl/flows/etl.yml`,
        line: 9,
        message: expect.stringContaining(
          'KV key shared_bucket is not defined for namespace company.team.etl'
        )
      })
    ])
  })

  it("Kestra 0.20.7, whose kv() looks in the flow's own namespace only: a parent's key is missing, and kv() gives null", async () => {
    const etl = `id: etl
namespace: ${NS}.etl
tasks:
  - id: inherited
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('shared_bucket') }} {{ kv('own_key') }}"
`
    stage = await reviewStage(
      {},
      { [`${NS}.etl/flows/etl.yml`]: etl },
      {
        kv: [
          { namespace: 'company', key: 'shared_bucket', value: 's3://shared' },
          { namespace: `${NS}.etl`, key: 'own_key', value: 'x' }
        ]
      },
      { version: '0.20.7' }
    )
    const { result } = await planPullRequest(stage)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(warnings(result.annotations)).toEqual([
      expect.objectContaining({
        file: `${NS}.etl/flows/etl.yml`,
        line: 6,
        message: expect.stringMatching(
          new RegExp(
            `KV key shared_bucket is not defined for namespace ${NS}\\.etl: kv\\(\\) gives the task null`
          )
        )
      })
    ])
  })

  it('checks only the flows the plan creates or updates, not those it leaves unchanged', async () => {
    const legacy = `id: legacy
namespace: ${NS}
tasks:
  - id: old
    type: io.kestra.plugin.core.log.Log
    message: "{{ secret('LONG_GONE') }}"
`
    stage = await reviewStage(
      { [`${NS}/flows/legacy.yml`]: legacy },
      { [`${NS}/flows/notify.yml`]: NOTIFY },
      { ...SERVER, flows: [{ namespace: NS, id: 'legacy', source: legacy }] }
    )
    const { result } = await planPullRequest(stage)
    expect(result.annotations.filter((a) => a.message.includes('LONG_GONE'))).toEqual([])
    expect(result.outputs.warnings).toBe('2')
  })

  it('a server without the secrets listing gives one notice naming what was not checked, and no finding for it', async () => {
    // 1.0.8: before the secrets and paged KV routes; the namespace KV listing (0.18 to 1.3) still answers.
    stage = await reviewStage({}, { [`${NS}/flows/notify.yml`]: NOTIFY }, SERVER, {
      version: '1.0.8'
    })
    const { result, comment } = await planPullRequest(stage, { 'fail-on': 'warning' })
    expect(
      result.annotations.filter(
        (a) => a.message.includes('SLACK_WEBHOOK') && a.severity !== 'notice'
      )
    ).toEqual([])
    const notices = result.annotations.filter(
      (a) => a.severity === 'notice' && /not checked/i.test(a.message)
    )
    expect(notices).toHaveLength(1)
    expect(notices[0]!.message).toMatch(/secret/i)
    expect(notices[0]!.message).toContain('SLACK_WEBHOOK')
    expect(comment).toMatch(/not checked/i)
    expect(warnings(result.annotations)).toEqual([
      expect.objectContaining({ line: 9, message: expect.stringContaining('KV key dbt_target') })
    ])
    expect(result.exitCode).toBe(1) // the KV warning, with fail-on: warning
  })

  it('no permission to list (403): one notice for secrets and KV together, no finding, the step passes', async () => {
    stage = await reviewStage({}, { [`${NS}/flows/notify.yml`]: NOTIFY }, SERVER, {
      edition: 'EE',
      forbiddenRoutes: LISTING_ROUTES
    })
    const { result } = await planPullRequest(stage, { 'fail-on': 'warning' })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(warnings(result.annotations)).toEqual([])
    const notices = result.annotations.filter(
      (a) => a.severity === 'notice' && /not checked/i.test(a.message)
    )
    expect(notices).toHaveLength(1)
    expect(notices[0]!.message).toMatch(/secret/i)
    expect(notices[0]!.message).toMatch(/KV/)
    expect(notices[0]!.message).toMatch(/403|permission/i)
  })

  it('Enterprise: a secret of a parent namespace is inherited, one of a sibling namespace is not', async () => {
    const flowSource = `id: report
namespace: ${NS}
tasks:
  - id: use
    type: io.kestra.plugin.core.log.Log
    message: "{{ secret('FROM_PARENT') }} {{ secret('FROM_SIBLING') }} {{ secret('OWN') }}"
`
    stage = await reviewStage(
      {},
      { [`${NS}/flows/report.yml`]: flowSource },
      {
        secrets: [
          { key: 'FROM_PARENT', namespace: 'company' },
          { key: 'FROM_SIBLING', namespace: 'company.other' },
          { key: 'OWN', namespace: NS }
        ]
      },
      { edition: 'EE' }
    )
    const { result } = await planPullRequest(stage)
    expect(warnings(result.annotations)).toEqual([
      expect.objectContaining({
        line: 6,
        message: expect.stringContaining(
          'secret FROM_SIBLING is not defined for namespace company.team'
        )
      })
    ])
  })
})

/** A new team's first pull request: the health check's flow, the KV key it reads and the SQL file it runs. */
const OPS = 'company.ops'
const HEALTHCHECK = `id: healthcheck
namespace: ${OPS}
tasks:
  - id: ping
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('healthcheck_url') }} {{ read('/checks/ping.sql') }}"
  - id: typo
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('healthcheck_uri') }}"
`
/** In a child namespace: Kestra finds the key in its parent. */
const NIGHTLY = `id: nightly
namespace: ${OPS}.nightly
tasks:
  - id: ping
    type: io.kestra.plugin.core.log.Log
    message: "{{ kv('healthcheck_url') }}"
`
const TEAM_CHANGE = {
  [`${OPS}/flows/healthcheck.yml`]: HEALTHCHECK,
  [`${OPS}.nightly/flows/nightly.yml`]: NIGHTLY,
  [`${OPS}/files/checks/ping.sql`]: 'select 1\n',
  [`kv/${OPS}.yml`]: 'healthcheck_url: https://status.example.com\n'
}

describe('names the same change defines', () => {
  it('a KV key and a namespace file the plan creates are not missing; a key nothing defines still is', async () => {
    stage = await reviewStage({}, TEAM_CHANGE)
    const { result } = await planPullRequest(stage)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(warnings(result.annotations)).toEqual([
      expect.objectContaining({
        file: `${OPS}/flows/healthcheck.yml`,
        line: 9,
        message: expect.stringContaining(
          `KV key healthcheck_uri is not defined for namespace ${OPS}`
        )
      })
    ])
  })

  it('with namespace-prefix: found where the key is sent', async () => {
    stage = await reviewStage({}, TEAM_CHANGE)
    const { result } = await planPullRequest(stage, { 'namespace-prefix': 'staging' })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(warnings(result.annotations).map((a) => a.message)).toEqual([
      expect.stringContaining(`KV key healthcheck_uri is not defined for namespace staging.${OPS}`)
    ])
  })

  it('validate with a server: the repository defines the key for every flow it checks', async () => {
    stage = await reviewStage({}, TEAM_CHANGE)
    const { result } = await planPullRequest(stage, { mode: 'validate' })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(warnings(result.annotations).map((a) => a.message)).toEqual([
      expect.stringContaining(`KV key healthcheck_uri is not defined for namespace ${OPS}`)
    ])
  })
})
