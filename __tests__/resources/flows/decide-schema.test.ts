/**
 * Core plugins checked against the schema each release generates, read as that release reads a flow
 * (docs/validation-rules.md#the-schema-of-each-release). Each expectation was asked of the released cores.
 */
import { describe, expect, it, vi } from 'vitest'
import { FLOW_VALIDATORS } from '../../../generated/flow-validators/index.js'
import { SCHEMA_RELEASE_VERSIONS } from '../../../src/model/version.js'
import { check, checkOn, flow, rules } from './helpers.js'

const HEAD = ['id: flow', 'namespace: company.team', 'tasks:']
const LOG = ['  - id: log', '    type: io.kestra.plugin.core.log.Log']
const V13 = [1, 3, 31] as const
const V20 = [2, 0, 0] as const

const schemaFindings = (findings: ReturnType<typeof check>) =>
  findings.filter((finding) => finding.rule === 'core-schema')

describe('the schema of each release', () => {
  it('is bundled for the releases kestra-version takes the lines of', () => {
    expect(Object.keys(FLOW_VALIDATORS)).toEqual([...SCHEMA_RELEASE_VERSIONS])
  })

  it('names a misspelt property on its line with the property it was meant to be, on both lines: one finding', () => {
    const lines = [...HEAD, ...LOG, '    mesage: hi']
    for (const version of [V13, V20]) {
      const found = schemaFindings(checkOn([...version], lines))
      // The required `message` is missing because it is misspelt: one fact, said once, with its suggestion.
      expect(rules(found)).toEqual(['error core-schema 6:5'])
      expect(found.map((finding) => finding.message)).toEqual([
        "`Log` 'log' has no property `mesage`: did you mean `message`?"
      ])
    }
  })

  it('says a required property missing where no property is misspelt for it', () => {
    // `levl` is a misspelling of `level`, not of the missing `message`: two facts.
    const found = schemaFindings(checkOn([...V20], [...HEAD, ...LOG, '    levl: INFO']))
    expect(rules(found)).toEqual(['error core-schema 4:5', 'error core-schema 6:5'])
  })

  it('says nothing of the properties of a plugin outside the core, nor of a core one written right', () => {
    const lines = [
      ...HEAD,
      '  - id: sh',
      '    type: io.kestra.plugin.scripts.shell.Commands',
      '    whatever: { at: all }',
      ...LOG,
      '    message: "{{ flow.id }}"',
      '    level: "{{ inputs.level }}"',
      '    timeout: PT0.5S',
      '    allowFailure: "true"'
    ]
    expect(schemaFindings(check(lines))).toEqual([])
  })

  it('reads null as absent: a required property left null is missing', () => {
    const found = schemaFindings(checkOn([...V20], [...HEAD, ...LOG, '    message:']))
    expect(rules(found)).toEqual(['error core-schema 4:5'])
  })

  it('checks the types of properties that take no expression', () => {
    const lines = [
      ...HEAD,
      ...LOG,
      '    message: hi',
      '    allowFailure: perhaps',
      '    retry: { type: constant, interval: PT1M, maxAttempts: many }'
    ]
    expect(rules(schemaFindings(check(lines)))).toEqual([
      'error core-schema 7:5',
      'error core-schema 8:46'
    ])
  })

  it('takes the aliases a release still binds: 1.x a retry maxAttempt, 2.0 not', () => {
    const lines = [
      ...HEAD,
      ...LOG,
      '    message: hi',
      '    retry: { type: constant, interval: PT1M, maxAttempt: 2 }'
    ]
    expect(schemaFindings(checkOn([...V13], lines))).toEqual([])
    // On 2.0 the hand-written removed-property rule explains the line (with the name that replaces it): that
    // finding alone stays, an error as the schema's would be.
    const on20 = checkOn([...V20], lines).filter((f) => f.line === 7)
    expect(on20.map((f) => `${f.severity} ${f.rule}`)).toEqual(['error removed-property'])
    // With no server known, the removed-property rule's warning (naming what replaces it) explains the line.
    const unknown = check(lines).filter((f) => f.line === 7)
    expect(unknown.map((f) => `${f.severity} ${f.rule}`)).toEqual(['warning removed-property'])
  })

  it('judges a 1.x server by the 1.3 schema, 2.x and later by 2.0, and gives a 0.x server no schema finding', () => {
    const lines = [...HEAD, ...LOG, '    message: hi', '    notAProperty: 1']
    for (const version of [
      [1, 0, 0],
      [1, 3, 31],
      [2, 0, 0]
    ] as const) {
      expect(rules(schemaFindings(checkOn([...version], lines))), version.join('.')).toEqual([
        'error core-schema 7:5'
      ])
    }
    expect(schemaFindings(checkOn([0, 20, 7], lines))).toEqual([])
  })

  it('leaves what the schema does not know to a server newer than it, with a warning saying so', () => {
    const lines = [...HEAD, ...LOG, '    message: hi', '    notAProperty: 1']
    for (const [version, bundled] of [
      [[1, 3, 44], '1.3.31'],
      [[2, 0, 8], '2.0.0'],
      [[2, 1, 0], '2.0.0'],
      [[3, 1, 0], '2.0.0']
    ] as const) {
      const found = schemaFindings(checkOn([...version], lines))
      expect(rules(found), version.join('.')).toEqual(['warning core-schema 7:5'])
      expect(found[0]?.message).toContain(
        `(Kestra ${version.join('.')} is newer than the ${bundled} schema this build carries: the server's validation decides.)`
      )
    }
    // What it knows and refuses stays an error: a property of the wrong type.
    const wrongType = [...HEAD, ...LOG, '    message: hi', '    allowFailure: perhaps']
    expect(rules(schemaFindings(checkOn([2, 0, 9], wrongType)))).toEqual(['error core-schema 7:5'])
  })
})

describe('the validators a run loads', () => {
  /** decide-schema(-releases) and decide-upgrade as a run starts with them: nothing loaded (the unit setup loads everything). */
  async function fresh() {
    vi.resetModules()
    const schema = await import('../../../src/resources/flows/decide-schema.js')
    const releases = await import('../../../src/resources/flows/decide-schema-releases.js')
    const upgrade = await import('../../../src/resources/flows/decide-upgrade.js')
    const rewrites = await import('../../../src/resources/flows/decide-upgrade-rewrites.js')
    return { ...schema, ...releases, ...upgrade, ...rewrites }
  }
  const FOREACH = [
    ...HEAD,
    '  - id: each',
    '    type: io.kestra.plugin.core.flow.ForEach',
    '    values: [1, 2]',
    '    tasks:',
    '      - id: log',
    '        type: io.kestra.plugin.core.log.Log',
    '        message: "{{ taskrun.value }}"',
    ''
  ].join('\n')

  it("are those of the flow's definition and of each type it names; another is said not loaded", async () => {
    const { flowSchemaFindings, flowTypes, loadFlowValidators, schemaTarget } = await fresh()
    const read = flow(`${[...HEAD, ...LOG, '    mesage: hi'].join('\n')}\n`)
    const doc = read.documents[0]!
    const [v20] = schemaTarget([...V20])
    await loadFlowValidators([v20!])
    expect(() => flowSchemaFindings(read.file, doc, read.lineCounter, [v20!])).toThrow(
      "The flow validator of io.kestra.plugin.core.log.Log of Kestra 2.0.0 is not loaded: await loadFlowValidators with the flow's types before validating it"
    )
    expect([...flowTypes([doc])]).toEqual(['io.kestra.plugin.core.log.Log'])
    await loadFlowValidators([v20!], flowTypes([doc]))
    expect(
      flowSchemaFindings(read.file, doc, read.lineCounter, [v20!]).map(
        ({ finding }) => finding.message
      )
    ).toEqual(["`Log` 'log' has no property `mesage`: did you mean `message`?"])
  })

  it('for an upgrade, include those of the types its rewrites write (ForEach → Loop), which it validates', async () => {
    const { loadFlowValidators, schemaTarget, upgradeFlow, validatedTypes } = await fresh()
    const read = flow(FOREACH)
    await loadFlowValidators(schemaTarget(undefined), validatedTypes([read], false))
    // The rewrite to a Loop is validated on 2.0, whose Loop the flow does not name.
    expect(() => upgradeFlow(read)).toThrow(
      'The flow validator of io.kestra.plugin.core.flow.Loop of Kestra 2.0.0 is not loaded'
    )
    expect(validatedTypes([read], true)).toContain('io.kestra.plugin.core.flow.Loop')
    await loadFlowValidators(schemaTarget(undefined), validatedTypes([read], true))
    const upgrade = upgradeFlow(read)
    expect(upgrade.rewritten).toContain('type: io.kestra.plugin.core.flow.Loop')
    expect(upgrade.items.map((item) => item.mechanical)).toEqual([true])
  })
})
