import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { flowSource, json, postYaml, unzipResponse } from './http.js'

let emulator: Emulator
let P: string
beforeEach(async () => {
  emulator = await startEmulator()
  P = `${emulator.url}/api/v1/main`
})
afterEach(() => emulator.close())

interface FlowJson {
  id: string
  namespace: string
  revision: number
  source?: string
  deleted: boolean
  labels?: unknown
}

describe('create, update, delete', () => {
  it('creates with 200 and FlowWithSource, then refuses a second create with the 422 body', async () => {
    const source = flowSource('team', 'a', 'labels:\n  env: prod\n')
    const created = await postYaml(`${P}/flows`, source)
    expect(created.status).toBe(200)
    expect(await json(created)).toMatchObject({
      id: 'a',
      namespace: 'team',
      revision: 1,
      source,
      deleted: false,
      disabled: false,
      labels: [{ key: 'env', value: 'prod' }]
    })

    const again = await postYaml(`${P}/flows`, source)
    expect(again.status).toBe(422)
    expect(again.statusText).toBe('Invalid entity')
    expect(await json(again)).toEqual({
      message: 'Invalid entity: flow.id: Flow id already exists',
      _links: { self: { href: '/api/v1/main/flows', templated: false } },
      _embedded: { errors: [{ message: 'Flow id already exists', path: 'flow.id' }] }
    })
  })

  it('sends anything but application/x-yaml to the JSON route, which fails on YAML', async () => {
    const response = await fetch(`${P}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: flowSource('team', 'a')
    })
    expect(response.status).toBe(422)
    expect((await json<{ message: string }>(response)).message).toMatch(/^Invalid json: /)
    expect(emulator.snapshot().flows).toEqual([])
  })

  it('keeps the revision for an unchanged source (revision line ignored) and bumps it otherwise', async () => {
    await postYaml(`${P}/flows`, flowSource('team', 'a'))
    const same = await postYaml(
      `${P}/flows/team/a`,
      `revision: 1\n${flowSource('team', 'a')}`,
      'PUT'
    )
    expect((await json<FlowJson>(same)).revision).toBe(1)
    const comment = await postYaml(`${P}/flows/team/a`, `${flowSource('team', 'a')}# note\n`, 'PUT')
    expect(await json(comment)).toMatchObject({
      revision: 2,
      source: `${flowSource('team', 'a')}# note\n`
    })
    expect(emulator.flowRevisions('team', 'a').map((f) => f.revision)).toEqual([1, 2])
  })

  it('refuses to update an unknown flow, or to change its id or namespace', async () => {
    expect((await postYaml(`${P}/flows/team/nope`, flowSource('team', 'nope'), 'PUT')).status).toBe(
      404
    )
    await postYaml(`${P}/flows`, flowSource('team', 'a'))
    const moved = await postYaml(`${P}/flows/team/a`, flowSource('other', 'b'), 'PUT')
    expect(moved.status).toBe(422)
    expect((await json<{ message: string }>(moved)).message).toBe(
      'Invalid entity: flow.id: Illegal flow id update, flow.namespace: Illegal namespace update'
    )
  })

  it('soft-deletes with a new revision, then 404s, and a re-create continues the numbering', async () => {
    await postYaml(`${P}/flows`, flowSource('team', 'a'))
    const deleted = await fetch(`${P}/flows/team/a`, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect((await fetch(`${P}/flows/team/a`)).status).toBe(404)
    expect((await fetch(`${P}/flows/team/a`, { method: 'DELETE' })).status).toBe(404)
    expect((await postYaml(`${P}/flows/team/a`, flowSource('team', 'a'), 'PUT')).status).toBe(404)
    expect(await json(await fetch(`${P}/flows/team`))).toEqual([])

    const recreated = await postYaml(`${P}/flows`, flowSource('team', 'a'))
    expect((await json<FlowJson>(recreated)).revision).toBe(3)
    expect(emulator.flowRevisions('team', 'a').map((f) => [f.revision, f.deleted])).toEqual([
      [1, false],
      [2, true],
      [3, false]
    ])
  })

  it('answers 422 with the violations of an invalid flow and stores nothing', async () => {
    const response = await postYaml(
      `${P}/flows`,
      'id: "my#flow"\nnamespace: Team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n'
    )
    expect(response.status).toBe(422)
    const body = await json<{ message: string; _embedded: { errors: unknown[] } }>(response)
    expect(body.message).toBe(
      'Invalid entity: id: must match "^[a-zA-Z0-9][a-zA-Z0-9._-]*", namespace: must match "^[a-z0-9][a-z0-9._-]*", : Invalid Flow: Duplicate task id with name [a]'
    )
    expect(body._embedded.errors).toContainEqual({
      message: 'Invalid Flow: Duplicate task id with name [a]',
      path: ''
    })
    expect(emulator.snapshot().flows).toEqual([])
  })

  it('accepts system.readOnly (map or list) and refuses other system. labels from 0.20 (FlowValidator)', async () => {
    const readOnly = flowSource('team', 'a', 'labels:\n  system.readOnly: "true"\n  env: prod\n')
    expect((await postYaml(`${P}/flows`, readOnly)).status).toBe(200)
    const listed = flowSource('team', 'b', 'labels:\n  - key: system.readOnly\n    value: "true"\n')
    expect((await postYaml(`${P}/flows`, listed)).status).toBe(200)
    const other = flowSource(
      'team',
      'c',
      'labels:\n  - key: system.readonly\n    value: "true"\n  - key: system.id\n    value: x\n'
    )
    const refused = await postYaml(`${P}/flows`, other)
    expect(refused.status).toBe(422)
    expect((await json<{ message: string }>(refused)).message).toBe(
      'Invalid entity: : Invalid Flow: System labels can only be set by Kestra itself, offending label: system.readonly=true, System labels can only be set by Kestra itself, offending label: system.id=x'
    )
    await emulator.close()
    emulator = await startEmulator({ version: '0.19.9' })
    const before = await postYaml(`${emulator.url}/api/v1/flows`, other)
    expect(before.status).toBe(200)
  })

  it('refuses every system. label of a trigger, a condition, an SLA or a subflow call from 0.20 (NoSystemLabelValidator)', async () => {
    const source = [
      'id: calls',
      'namespace: team',
      'tasks:',
      '  - id: branch',
      '    type: io.kestra.plugin.core.flow.Sequential',
      '    tasks:',
      '      - id: call',
      '        type: io.kestra.core.tasks.flows.Flow',
      '        namespace: team',
      '        flowId: child',
      '        labels:',
      '          team: data',
      '          system.correlationId: x',
      '  - id: set',
      '    type: io.kestra.plugin.core.execution.Labels',
      '    labels:',
      '      system.other: y',
      'sla:',
      '  - id: slow',
      '    type: MAX_DURATION',
      '    behavior: FAIL',
      '    duration: PT1H',
      '    labels:',
      '      - key: system.sla',
      '        value: violated',
      'triggers:',
      '  - id: after',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    labels:',
      '      system.readOnly: true',
      '    conditions:',
      '      - type: io.kestra.plugin.core.condition.ExecutionNamespace',
      '        namespace: team',
      '      - type: io.kestra.core.models.conditions.types.ExecutionLabelsCondition',
      '        labels:',
      '          system.a: b',
      ''
    ].join('\n')
    const refused = await postYaml(`${P}/flows`, source)
    expect(refused.status).toBe(422)
    const body = await json<{ _embedded: { errors: unknown[] } }>(refused)
    expect(body._embedded.errors).toEqual([
      {
        path: 'triggers[0].labels[0].<list element>',
        message:
          'System labels can only be set by Kestra itself, offending label: system.readOnly=true.'
      },
      {
        path: 'triggers[0].conditions[1].labels[0].<list element>',
        message: 'System labels can only be set by Kestra itself, offending label: system.a=b.'
      },
      {
        path: 'sla[0].labels[0].<list element>',
        message:
          'System labels can only be set by Kestra itself, offending label: system.sla=violated.'
      },
      {
        path: 'tasks[0].tasks[0].labels[1].<list element>',
        message:
          'System labels can only be set by Kestra itself, offending label: system.correlationId=x.'
      }
    ])
    const validated = await postYaml(`${P}/flows/validate`, source)
    const [verdict] = await json<{ constraints?: string }[]>(validated)
    expect(verdict?.constraints).toContain(
      'tasks[0].tasks[0].labels[1].<list element>: System labels'
    )
    expect(emulator.snapshot().flows).toEqual([])
    await emulator.close()
    emulator = await startEmulator({ version: '0.19.9' })
    expect((await postYaml(`${emulator.url}/api/v1/flows`, source)).status).toBe(200)
  })

  it("refuses a Schedule's timezone ZoneId.of refuses, from 0.14 (TimezoneIdValidator)", async () => {
    const source = flowSource(
      'team',
      'zoned',
      'triggers:\n  - id: daily\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 9 * * *"\n    timezone: Europe/Pari\n'
    )
    const refused = await postYaml(`${P}/flows`, source)
    expect(refused.status).toBe(422)
    expect((await json<{ _embedded: { errors: unknown[] } }>(refused))._embedded.errors).toEqual([
      {
        path: 'triggers[0].timezone',
        message: "timezone '(Europe/Pari)' is not a valid time-zone ID"
      }
    ])
    const fixed = source.replace('Europe/Pari', 'Europe/Paris')
    expect((await postYaml(`${P}/flows`, fixed)).status).toBe(200)
    await emulator.close()
    emulator = await startEmulator({ version: '0.13.9' })
    expect((await postYaml(`${emulator.url}/api/v1/flows`, source)).status).toBe(200)
  })

  it('rejects unknown types and unknown top-level fields with Kestra messages', async () => {
    const unknownType = await postYaml(
      `${P}/flows`,
      'id: a\nnamespace: team\ntasks:\n  - id: t\n    type: io.kestra.plugin.UnknownTask\n'
    )
    expect((await json<{ message: string }>(unknownType)).message).toBe(
      'Invalid entity: Invalid type: io.kestra.plugin.UnknownTask'
    )
    const unknownField = await postYaml(`${P}/flows`, `${flowSource('team', 'a')}listener: []\n`)
    expect((await json<{ message: string }>(unknownField)).message).toMatch(
      /^Invalid entity: Unrecognized field "listener"/
    )
  })

  it('accepts listeners and taskDefaults up to 1.3, and refuses them as unknown fields on 2.0', async () => {
    const deprecated = `${flowSource('team', 'a')}listeners: []\ntaskDefaults: []\n`
    expect((await postYaml(`${P}/flows`, deprecated)).status).toBe(200)
    await emulator.close()
    emulator = await startEmulator({ version: '2.0.0-SNAPSHOT' })
    const refused = await postYaml(`${emulator.url}/api/v1/main/flows`, deprecated)
    expect(refused.status).toBe(422)
    expect((await json<{ message: string }>(refused)).message).toMatch(
      /^Invalid entity: Unrecognized field "listeners"/
    )
  })
})

describe('reading', () => {
  beforeEach(() => {
    emulator.seed({
      flows: [
        { namespace: 'team', id: 'a', source: flowSource('team', 'a'), revisions: 3 },
        { namespace: 'team', id: 'b', source: flowSource('team', 'b') },
        { namespace: 'team', id: 'gone', source: flowSource('team', 'gone'), deleted: true },
        { namespace: 'team.child', id: 'c', source: flowSource('team.child', 'c') },
        { namespace: 'other', id: 'd', source: flowSource('other', 'd') }
      ]
    })
  })

  it('gets a flow with or without source, by revision, and deleted ones only when allowed', async () => {
    const plain = await json<FlowJson>(await fetch(`${P}/flows/team/a`))
    expect(plain.revision).toBe(3)
    expect(plain.source).toBeUndefined()
    const withSource = await json<FlowJson>(await fetch(`${P}/flows/team/a?source=true&revision=2`))
    expect([withSource.revision, withSource.source]).toEqual([2, flowSource('team', 'a')])
    expect((await fetch(`${P}/flows/team/gone`)).status).toBe(404)
    const allowed = await json<FlowJson>(await fetch(`${P}/flows/team/gone?allowDeleted=true`))
    expect(allowed.deleted).toBe(true)
  })

  it('lists the live flows of exactly one namespace', async () => {
    const list = await json<FlowJson[]>(await fetch(`${P}/flows/team`))
    expect(list.map((f) => f.id)).toEqual(['a', 'b'])
    expect(list.every((f) => f.source === undefined)).toBe(true)
    expect(await json(await fetch(`${P}/flows/nothing-here`))).toEqual([])
  })

  it('lists revisions ascending', async () => {
    const revisions = await json<FlowJson[]>(await fetch(`${P}/flows/team/a/revisions`))
    expect(revisions.map((r) => r.revision)).toEqual([1, 2, 3])
  })

  it('searches with 1.x filters and the legacy namespace prefix, paged, and checks page/size', async () => {
    const prefix = await json<{ results: FlowJson[]; total: number }>(
      await fetch(`${P}/flows/search?size=2&page=1&filters[namespace][PREFIX]=team`)
    )
    expect(prefix.total).toBe(3)
    expect(prefix.results.map((f) => `${f.namespace}.${f.id}`)).toEqual(['team.a', 'team.b'])
    const equals = await json<{ total: number }>(
      await fetch(`${P}/flows/search?filters[namespace][EQUALS]=team`)
    )
    expect(equals.total).toBe(2)
    const legacy = await json<{ total: number }>(await fetch(`${P}/flows/search?namespace=team`))
    expect(legacy.total).toBe(3)
    expect((await fetch(`${P}/flows/search?size=0`)).status).toBe(422)
    expect((await fetch(`${P}/flows/search?sort=id:sideways`)).status).toBe(422)
  })

  it('exports by ids as <ns>.<id>.yaml and by query as <ns>-<id>.yml zips', async () => {
    const exportByIds = (ids: { namespace: string; id: string }[]) =>
      fetch(`${P}/flows/export/by-ids`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(ids)
      })
    // One missing id fails the whole request, as Kestra's `orElseThrow()` does.
    const missing = await exportByIds([
      { namespace: 'team', id: 'a' },
      { namespace: 'team', id: 'gone' }
    ])
    expect(missing.status).toBe(404)
    expect(await json(missing)).toMatchObject({ message: 'Not Found: No value present' })
    const byIds = await exportByIds([
      { namespace: 'team', id: 'a' },
      { namespace: 'other', id: 'd' }
    ])
    expect(byIds.headers.get('content-type')).toBe('application/octet-stream')
    expect(byIds.headers.get('content-disposition')).toBe('attachment; filename="flows.zip"')
    expect(await unzipResponse(byIds)).toEqual({
      'team.a.yaml': flowSource('team', 'a'),
      'other.d.yaml': flowSource('other', 'd')
    })
    const byQuery = await fetch(`${P}/flows/export/by-query?filters[namespace][PREFIX]=team`)
    expect(Object.keys(await unzipResponse(byQuery)).sort()).toEqual([
      'team-a.yml',
      'team-b.yml',
      'team.child-c.yml'
    ])
  })

  it('derives OSS namespaces from flows', async () => {
    expect(await json(await fetch(`${P}/namespaces/anything`))).toEqual({
      id: 'anything',
      deleted: false
    })
    const search = await json<{ results: { id: string }[] }>(await fetch(`${P}/namespaces/search`))
    expect(search.results.map((n) => n.id)).toEqual(['other', 'system', 'team', 'team.child'])
  })
})

describe('bulk namespace update', () => {
  it('deletes flows missing from the body and saves the rest, after checking namespaces', async () => {
    emulator.seed({
      flows: [
        { namespace: 'team', id: 'old', source: flowSource('team', 'old') },
        { namespace: 'team', id: 'a', source: flowSource('team', 'a') }
      ]
    })
    const wrong = await postYaml(
      `${P}/flows/team`,
      `${flowSource('team', 'a')}\n---\n${flowSource('elsewhere', 'x')}`
    )
    expect(wrong.status).toBe(422)
    expect((await json<{ message: string }>(wrong)).message).toBe(
      'Invalid entity: flow.namespace: main_elsewhere_x_-1 - flow namespace is invalid'
    )
    expect(emulator.snapshot().flows.filter((f) => f.deleted)).toEqual([])

    const response = await postYaml(
      `${P}/flows/team?delete=true`,
      `${flowSource('team', 'a')}\n---\n${flowSource('team', 'b')}`
    )
    const body = await json<FlowJson[]>(response)
    expect(body.map((f) => [f.id, f.revision, f.deleted])).toEqual([
      ['old', 2, true],
      ['a', 2, false],
      ['b', 1, false]
    ])
  })
})
