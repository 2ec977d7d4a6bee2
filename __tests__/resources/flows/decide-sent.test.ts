/**
 * The repository as sent (docs/environments.md#namespace-mapping): names mapped everywhere after the checks,
 * and the base commit read so that what the action itself adds is never called drift.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SentRewrite, type BaseFlow } from '../../../src/resources/flows/decide-sent.js'
import type { ActualNamespace, BaseSnapshot } from '../../../src/model/plan-input.js'
import type { NamespaceFileEntry, RepoModel } from '../../../src/model/repository.js'
import { baseOfKind, baseSnapshot } from '../../../test-support/base-snapshot.js'
import { serverState } from '../../../test-support/server-state.js'
import { runs } from '../../../test-support/property-runs.js'
import { repoModel } from '../../../test-support/repo-model.js'

const NS = 'company.team'
const FLOW = `id: f\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
const LABELLED = FLOW.replace(
  `namespace: ${NS}\n`,
  `namespace: ${NS}\nlabels:\n  system.readOnly: "true"\n`
)

function base(source = FLOW): BaseSnapshot {
  return baseSnapshot({
    flows: new Map([[`flow:${NS}/f`, { source, file: `${NS}/flows/f.yml` }]]),
    files: new Map([[`file:${NS}:/q.sql`, { sha256: 'abc', file: `${NS}/files/q.sql` }]])
  })
}

const flowsOf = (snapshot: BaseSnapshot) => baseOfKind<BaseFlow>(snapshot, 'flow')

function server(namespace: string, source: string): Map<string, ActualNamespace> {
  return serverState([[namespace, { flows: [{ namespace, id: 'f', revision: 2, source }] }]])
}

const settings = { namespacePrefix: '', disableTriggers: false, readOnly: false }

describe('the base commit as sent', () => {
  it('is the server copy when that is the base with the read-only label the action added', () => {
    const sending = new SentRewrite(settings)
    const read = sending.base(base(), [NS], server(NS, LABELLED))
    expect(flowsOf(read).get(`flow:${NS}/f`)!.source).toBe(LABELLED)
  })

  it('stays the repository text when the server copy was edited outside Git', () => {
    const edited = LABELLED.replace('message: hi', 'message: edited in the UI')
    const read = new SentRewrite(settings).base(base(), [NS], server(NS, edited))
    expect(flowsOf(read).get(`flow:${NS}/f`)!.source).toBe(FLOW)
  })

  it('with a prefix, keys, sources and files follow the mapped names', () => {
    const sending = new SentRewrite({ ...settings, namespacePrefix: 'qa', readOnly: true })
    const read = sending.base(base(), [NS], server(`qa.${NS}`, 'anything'))
    expect([...flowsOf(read).keys()]).toEqual([`flow:qa.${NS}/f`])
    expect(flowsOf(read).get(`flow:qa.${NS}/f`)!.source).toBe(
      LABELLED.replace(`namespace: ${NS}`, `namespace: qa.${NS}`)
    )
    expect([...baseOfKind(read, 'file').keys()]).toEqual([`file:qa.${NS}:/q.sql`])
    expect(flowsOf(read).get(`flow:qa.${NS}/f`)!.namespace).toBe(`qa.${NS}`)
    expect(baseOfKind(read, 'file').get(`file:qa.${NS}:/q.sql`)!.namespace).toBe(`qa.${NS}`)
  })

  it('without anything to send differently and no server copy, is the snapshot itself', () => {
    const snapshot = base()
    expect(new SentRewrite(settings).base(snapshot, [NS])).toBe(snapshot)
  })
})

describe('the references as sent', () => {
  it('follow the prefix into the repository namespaces only', () => {
    const sending = new SentRewrite({ ...settings, namespacePrefix: 'qa' })
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

describe('a prefix that makes a namespace one Kestra refuses', () => {
  /** A valid Kestra name (pattern `^[a-z0-9][a-z0-9._-]*$`) of `min` to `max` characters, not ending in '.'. */
  const name = (min: number, max: number) =>
    fc
      .tuple(
        fc.constantFrom(...'az09'),
        fc.array(fc.constantFrom(...'abz019._-'), { minLength: min - 1, maxLength: max - 1 })
      )
      .map(([first, rest]) => `${first}${rest.join('')}`.replace(/\.$/, 'x'))
  const namespace = fc.oneof(name(1, 150), name(120, 150))
  const prefix = fc.oneof(name(1, 100), name(1, 10))

  function modelOf(namespaces: string[]): RepoModel {
    return repoModel({
      files: namespaces.map((ns) => ({
        file: `${ns}/files/q.sql`,
        rel: `${ns}/files/q.sql`,
        namespace: ns,
        path: '/q.sql',
        size: 1,
        sha256: 'abc',
        binary: false,
        symlink: false
      })) as unknown as NamespaceFileEntry[],
      managedNamespaces: namespaces
    })
  }

  it('is refused, naming the namespace and 150, exactly when prefix + "." + namespace passes 150 characters', () => {
    fc.assert(
      fc.property(
        prefix,
        fc.uniqueArray(namespace, { minLength: 1, maxLength: 3 }),
        (p, namespaces) => {
          const sending = new SentRewrite({ ...settings, namespacePrefix: p })
          const tooLong = namespaces.filter((ns) => p.length + 1 + ns.length > 150)
          if (tooLong.length === 0) {
            const sent = sending.model(modelOf(namespaces)).model
            for (const ns of sent.managedNamespaces) {
              expect(ns.length).toBeLessThanOrEqual(150)
              expect(ns).toMatch(/^[a-z0-9][a-z0-9._-]*$/)
            }
            return
          }
          let message = ''
          try {
            sending.model(modelOf(namespaces))
          } catch (error) {
            message = (error as Error).message
          }
          expect(message).toMatch(/at most 150 characters/)
          for (const ns of tooLong.slice(0, 5)) {
            expect(message).toContain(`${ns} (${ns.length} characters`)
            expect(message).toContain(`${p}.${ns} (${p.length + 1 + ns.length} characters)`)
          }
          expect(message).toContain(`at most ${149 - p.length} characters`)
        }
      ),
      { numRuns: runs(300, 100) }
    )
  })

  it('the named case: pr-4242 and a 148-character namespace give 156', () => {
    const ns = `company.${'x'.repeat(140)}`
    expect(() =>
      new SentRewrite({ ...settings, namespacePrefix: 'pr-4242' }).model(modelOf([ns]))
    ).toThrow(/would be sent as pr-4242\.company\.x+ \(156 characters\)/)
    expect(() =>
      new SentRewrite({ ...settings, namespacePrefix: 'pr-4242' }).model(
        modelOf([ns.slice(0, 142)])
      )
    ).not.toThrow()
  })
})
