/**
 * The ways a flow names another (docs/impact.md#how-a-flow-names-another), judged by the released cores
 * (test-support/kestra-core.ts): each shape the readers know is a valid flow on exactly the Kestra lines
 * its entry says, so the shapes the property tests write are the ones each release reads. It needs Java
 * 21+ and Maven; without them it is skipped, unless `KESTRA_CORE_REQUIRED=1` makes that a failure.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  coreRequired,
  coreUnavailable,
  releasedCores,
  type KestraCore
} from '../../test-support/kestra-core.js'
import { KESTRA_LINES } from '../../test-support/kestra-releases.js'
import { LINK_SHAPES, type LinkShape } from '../resources/flows/flow-link-shapes.js'

const unavailable = coreUnavailable()

function caller(shape: LinkShape): string {
  const yaml = shape.yaml('company.other', 'target', 0)
  const log = ['  - id: log', '    type: io.kestra.plugin.core.log.Log', '    message: hi']
  return shape.via === 'flow-trigger'
    ? ['id: caller', 'namespace: company.team', 'tasks:', ...log, 'triggers:', ...yaml, ''].join(
        '\n'
      )
    : ['id: caller', 'namespace: company.team', 'tasks:', ...yaml, ''].join('\n')
}

describe.skipIf(unavailable !== undefined && !coreRequired()).each(KESTRA_LINES)(
  'the released core of Kestra %s',
  (line) => {
    let core: KestraCore
    beforeAll(async () => {
      if (unavailable)
        throw new Error(`KESTRA_CORE_REQUIRED=1, but the core cannot run: ${unavailable}`)
      core = releasedCores().get(line)!
    })

    it('accepts exactly the shapes said to be of this line', async () => {
      const answers = await core.validate(LINK_SHAPES.map(caller).join('\n---\n'))
      const verdicts = LINK_SHAPES.map((shape, i) => ({
        shape: shape.name,
        valid: answers[i]?.constraints === undefined,
        ...(answers[i]?.constraints !== undefined && { why: answers[i]!.constraints })
      }))
      expect(verdicts.map(({ shape, valid }) => ({ shape, valid }))).toEqual(
        LINK_SHAPES.map((shape) => ({ shape: shape.name, valid: shape.lines.includes(line) }))
      )
    }, 120_000)
  }
)
