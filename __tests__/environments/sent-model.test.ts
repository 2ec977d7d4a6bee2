/**
 * The repository as sent (docs/environments.md#namespace-mapping): names mapped everywhere after the checks,
 * and the base commit read so that what the action itself adds is never called drift.
 */
import { describe, expect, it } from 'vitest'
import { Sending } from '../../src/decide/environments/sent-model.js'
import type { ActualNamespace, BaseSnapshot } from '../../src/model/plan-input.js'

const NS = 'company.team'
const FLOW = `id: f\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
const LABELLED = FLOW.replace(
  `namespace: ${NS}\n`,
  `namespace: ${NS}\nlabels:\n  system.readOnly: "true"\n`
)

function base(source = FLOW): BaseSnapshot {
  return {
    flows: new Map([[`flow:${NS}/f`, { source, file: `${NS}/flows/f.yml` }]]),
    files: new Map([[`file:${NS}:/q.sql`, { sha256: 'abc', file: `${NS}/files/q.sql` }]])
  }
}

function server(namespace: string, source: string): Map<string, ActualNamespace> {
  return new Map([[namespace, { flows: [{ namespace, id: 'f', revision: 2, source }], files: [] }]])
}

const settings = { namespacePrefix: '', disableTriggers: false, readOnly: false }

describe('the base commit as sent', () => {
  it('is the server copy when that is the base with the read-only label the action added', () => {
    const sending = new Sending(settings)
    const read = sending.base(base(), [NS], server(NS, LABELLED))
    expect(read.flows.get(`flow:${NS}/f`)!.source).toBe(LABELLED)
  })

  it('stays the repository text when the server copy was edited outside Git', () => {
    const edited = LABELLED.replace('message: hi', 'message: edited in the UI')
    const read = new Sending(settings).base(base(), [NS], server(NS, edited))
    expect(read.flows.get(`flow:${NS}/f`)!.source).toBe(FLOW)
  })

  it('with a prefix, keys, sources and files follow the mapped names', () => {
    const sending = new Sending({ ...settings, namespacePrefix: 'qa', readOnly: true })
    const read = sending.base(base(), [NS], server(`qa.${NS}`, 'anything'))
    expect([...read.flows.keys()]).toEqual([`flow:qa.${NS}/f`])
    expect(read.flows.get(`flow:qa.${NS}/f`)!.source).toBe(
      LABELLED.replace(`namespace: ${NS}`, `namespace: qa.${NS}`)
    )
    expect([...read.files.keys()]).toEqual([`file:qa.${NS}:/q.sql`])
  })

  it('without anything to send differently and no server copy, is the snapshot itself', () => {
    const snapshot = base()
    expect(new Sending(settings).base(snapshot, [NS])).toBe(snapshot)
  })
})

describe('the references as sent', () => {
  it('follow the prefix into the repository namespaces only', () => {
    const sending = new Sending({ ...settings, namespacePrefix: 'qa' })
    const site = { file: 'x.yml', line: 3, column: 5, fromFlow: `flow:${NS}/f` }
    const refs = sending.references(
      [
        { ...site, kind: 'flow', via: 'subflow', namespace: NS, id: 'child' },
        { ...site, kind: 'flow', via: 'subflow', namespace: 'shared.lib', id: 'util' }
      ],
      [NS]
    )
    expect(refs.map((r) => [r.fromFlow, r.namespace])).toEqual([
      [`flow:qa.${NS}/f`, `qa.${NS}`],
      [`flow:qa.${NS}/f`, 'shared.lib']
    ])
  })
})
