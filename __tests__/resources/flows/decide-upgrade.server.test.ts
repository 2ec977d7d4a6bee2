/**
 * An upgrade server's verdicts decide the upgrade section (docs/upgrade.md#upgrade-server): every shape of
 * its answer on the original and on the rewrite, and what is listed and offered for each.
 */
import { describe, expect, it } from 'vitest'
import {
  judgedUpgradeReport,
  upgradeReport,
  upgradeSources
} from '../../../src/resources/registry.js'
import type { ServerConstraint, ServerValidation } from '../../../src/model/kestra.js'
import { flow } from './helpers.js'
import { JOURNEY } from './upgrade-journey.js'

const A: ServerConstraint = { message: 'Invalid type: BOOLEAN', path: 'inputs[0].type' }
const B: ServerConstraint = { message: 'Unrecognized field "when"', path: 'triggers[0]' }
const C: ServerConstraint = { message: 'Invalid type: io.kestra.plugin.core.flow.Loop' }

const verdict = (index: number, errors: ServerConstraint[]): ServerValidation => ({
  ...{ index, errors, outdated: false, deprecationPaths: [], warnings: [], infos: [] }
})

function judged(original: ServerConstraint[], rewrite: ServerConstraint[]) {
  const local = upgradeReport([flow(JOURNEY)], '2.0')
  const sources = upgradeSources(local.upgrades)
  expect(sources).toHaveLength(2)
  return judgedUpgradeReport('2.0', local.upgrades, [verdict(0, original), verdict(1, rewrite)])
}

const fixes = (result: ReturnType<typeof judged>) =>
  result.report.items.map(
    (item) => `${item.message.includes('BOOLEAN') ? 'A' : 'B'}:${item.mechanical}`
  )

describe('an upgrade server decides what the section lists', () => {
  it('sends each flow as it would be sent, then its rewrite', () => {
    const { upgrades } = upgradeReport([flow(JOURNEY)], '2.0')
    const [original, rewrite] = upgradeSources(upgrades)
    expect(original).toBe(flow(JOURNEY).source)
    expect(rewrite).toContain('type: io.kestra.plugin.core.flow.Loop')
  })

  it.each([
    ['accepts both: the flow loads, nothing is offered', [], [], [], false],
    ['refuses the original only: mechanical', [A], [], ['A:true'], true],
    ['refuses the rewrite as the original: manual, not offered', [A], [A], ['A:false'], false],
    ['refuses the rewrite for something new: manual, not offered', [A], [C], ['A:false'], false],
    [
      'fixes one of two: that one mechanical, the other manual',
      [A, B],
      [B],
      ['A:true', 'B:false'],
      true
    ],
    [
      'fixes one but adds another: manual, not offered',
      [A, B],
      [B, C],
      ['A:false', 'B:false'],
      false
    ]
  ])('%s', (_name, original, rewrite, items, offered) => {
    const result = judged(original, rewrite)
    expect(fixes(result).sort()).toEqual(items)
    expect(result.report.items.every((item) => item.message.startsWith('Kestra rejects'))).toBe(
      true
    )
    expect(result.report.loading).toBe(original.length === 0 ? 1 : 0)
    expect(result.upgrades[0]!.rewritten !== undefined).toBe(offered)
  })

  it("places the server's refusal on its line, as the main server's verdicts are", () => {
    expect(judged([A], []).report.items[0]!.line).toBe(7)
  })
})
