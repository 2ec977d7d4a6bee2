import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  pathFromReferenceChain,
  splitConstraints
} from '../../../src/adapters/kestra/constraints.js'
import { MAX_BATCH, planBatches } from '../../../src/adapters/kestra/validate.js'
import { emulatedClient } from './test-server.js'
import { runs } from '../../../test-support/property-runs.js'

describe('splitConstraints', () => {
  it('splits newline-separated violations and extracts their paths', () => {
    expect(
      splitConstraints(
        'tasks[1].type: Invalid type: io.kestra.Nope\nflow.id: must match "^[a-z]+$"'
      )
    ).toEqual([
      { path: 'tasks[1].type', message: 'Invalid type: io.kestra.Nope' },
      { path: 'flow.id', message: 'must match "^[a-z]+$"' }
    ])
  })

  it('splits comma-separated violations of a ConstraintViolationException message', () => {
    expect(
      splitConstraints('id: must not be null, tasks[my-task].message: must not be blank')
    ).toEqual([
      { path: 'id', message: 'must not be null' },
      { path: 'tasks[my-task].message', message: 'must not be blank' }
    ])
  })

  it('keeps an aggregate FlowValidator message whole and strips the "Validation error" prefix', () => {
    expect(
      splitConstraints(
        'Validation error: : Invalid Flow: Duplicate task id with name [a, b], Duplicate trigger id with name [t]'
      )
    ).toEqual([
      {
        message:
          'Invalid Flow: Duplicate task id with name [a, b], Duplicate trigger id with name [t]'
      }
    ])
  })

  it('reads the path of a Jackson message from its reference chain and drops the noise', () => {
    const jackson =
      'Unrecognized field "unknownProp" (class io.kestra.plugin.core.log.Log), not marked as ignorable (5 known properties: "id", "type"])\n' +
      ' at [Source: (String)"id: x\nnamespace: y"; line: 7, column: 20] (through reference chain: io.kestra.core.models.flows.Flow["tasks"]->java.util.ArrayList[0]->io.kestra.plugin.core.log.Log["unknownProp"])'
    expect(splitConstraints(jackson)).toEqual([
      {
        path: 'tasks[0].unknownProp',
        message: 'Unrecognized field "unknownProp" (line 7, column 20)'
      }
    ])
  })

  it('keeps continuation lines with their violation', () => {
    expect(
      splitConstraints('tasks[0].script: bad value\n  second line of the same message')
    ).toEqual([
      { path: 'tasks[0].script', message: 'bad value\n  second line of the same message' }
    ])
  })

  it('reads the container elements of bean validation as part of the path', () => {
    expect(
      splitConstraints(
        'triggers[0].labels[0].<list element>: System labels can only be set by Kestra itself, offending label: system.readOnly=true., tasks[0].tasks[1].labels[1].<list element>: System labels can only be set by Kestra itself, offending label: system.x=a, b.'
      )
    ).toEqual([
      {
        path: 'triggers[0].labels[0].<list element>',
        message:
          'System labels can only be set by Kestra itself, offending label: system.readOnly=true.'
      },
      {
        path: 'tasks[0].tasks[1].labels[1].<list element>',
        message: 'System labels can only be set by Kestra itself, offending label: system.x=a, b.'
      }
    ])
  })

  it('splits any violations back into their paths and messages, however they are joined', () => {
    const step = fc.oneof(
      fc.stringMatching(/^[a-z][A-Za-z0-9_-]{0,6}$/),
      fc.constantFrom('<list element>', '<map value>', '<iterable element>')
    )
    const path = fc
      .tuple(
        fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,6}$/),
        fc.array(fc.tuple(step, fc.option(fc.nat(9), { nil: undefined })), { maxLength: 4 })
      )
      .map(([head, rest]) =>
        [
          head,
          ...rest.map(([name, index]) => (index === undefined ? name : `${name}[${index}]`))
        ].join('.')
      )
    // A message as Kestra words them: no "<path>: " of its own inside.
    const message = fc
      .stringMatching(/^[A-Z][a-z ,=.]{0,30}[a-z.]$/)
      .filter((text) => !/, [a-z]/.test(text))
    fc.assert(
      fc.property(
        fc.array(fc.record({ path, message }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(', ', '\n'),
        (violations, separator) => {
          const text = violations.map((v) => `${v.path}: ${v.message}`).join(separator)
          expect(splitConstraints(text)).toEqual(violations)
        }
      ),
      { seed: 20261125, numRuns: runs(300, 100) }
    )
  })

  it("names a flow's own unknown property by its name, as 2.0.0 writes it with no reference chain", () => {
    const field = fc.stringMatching(/^[A-Za-z_$][\w$-]{0,12}$/)
    const owner = fc.constantFrom(
      'io.kestra.core.models.flows.Flow',
      'io.kestra.core.models.flows.FlowWithSource',
      'io.kestra.plugin.core.log.Log',
      'io.kestra.plugin.core.trigger.Schedule',
      'io.kestra.core.models.flows.FlowWithSourceX'
    )
    fc.assert(
      fc.property(field, owner, fc.boolean(), (name, cls, listed) => {
        const known = listed ? ' (2 known properties: "id", "tasks")' : ''
        const [constraint] = splitConstraints(
          `Validation error: Unrecognized field "${name}" (class ${cls}), not marked as ignorable${known}\n`
        )
        const flowClass = /\.flows\.(Flow|FlowWithSource)$/.test(cls)
        expect(constraint).toEqual({
          ...(flowClass ? { path: name } : {}),
          message: `Unrecognized field "${name}"`
        })
      }),
      { seed: 20261126, numRuns: runs(300, 100) }
    )
  })

  it('converts reference chains', () => {
    expect(pathFromReferenceChain('Flow["triggers"]->java.util.ArrayList[2]->X["cron"]')).toBe(
      'triggers[2].cron'
    )
    expect(pathFromReferenceChain('nothing here')).toBeUndefined()
  })
})

describe('planBatches', () => {
  it('groups at most MAX_BATCH documents per request', () => {
    const batches = planBatches(Array.from({ length: MAX_BATCH * 1.5 }, (_, i) => `id: f${i}\n`))
    expect(batches.map((b) => b.length)).toEqual([MAX_BATCH, MAX_BATCH / 2])
    expect(batches[1]![0]).toBe(MAX_BATCH)
  })

  it('sends alone a source the server would split, and a blank one', () => {
    const sources = ['id: a\n', '---\nid: b\n', 'id: c\nx: |\n  ---- not yaml\n', 'id: d\n', '  \n']
    expect(planBatches(sources)).toEqual([[1], [4], [0, 2, 3]])
  })

  it('treats a line starting with --- anywhere as a separator', () => {
    expect(planBatches(['id: a\n--- # second\n', 'id: b\n'])).toEqual([[0], [1]])
  })
})

describe('a constraints text is always a refusal', () => {
  it.each([':', 'Validation error:', ': ', 'Validation error: :', '\n:\n'])(
    '%j, which holds no path: message item, still reads as one violation',
    async (constraints) => {
      const { emulator, client, close } = await emulatedClient('1.3.25')
      try {
        emulator.inject({
          route: 'flows.validate',
          status: 200,
          body: JSON.stringify([{ index: 0, outdated: false, constraints }])
        })
        const [verdict] = await client.validateFlows([
          'id: a\nnamespace: b\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n'
        ])
        expect(verdict!.errors.length).toBeGreaterThan(0)
      } finally {
        await close()
      }
    }
  )
})
