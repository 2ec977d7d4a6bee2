import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { upgradeSection } from '../../../src/report/render/upgrade.js'
import { dashboardsDecide, type HeldDashboards } from '../../../src/resources/dashboards/decide.js'
import type { KestraVersion } from '../../../src/model/version.js'
import { runs } from '../../../test-support/property-runs.js'

const notes = (held: HeldDashboards, target: KestraVersion) =>
  dashboardsDecide.upgradeNotes!(held, target)

const file = (id: string) => ({ file: `dashboards/${id}.yml`, source: `id: ${id}\ntitle: T\n` })

describe('upgrade readiness beyond flows: dashboards (docs/upgrade.md#where-you-see-it)', () => {
  it('one note exactly when an open-source server before the target keeps dashboards the target would not', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), { maxLength: 8 }),
        fc.constantFrom(undefined, 'OSS', 'oss', 'EE', 'ee'),
        fc.constantFrom<KestraVersion>([1, 3, 0], [2, 0, 0], [2, 1, 0]),
        fc.option(fc.constant('pr-7-'), { nil: undefined }),
        (ids, edition, target, prefixed) => {
          const held: HeldDashboards = {
            files: ids.map(file),
            ...(edition !== undefined && { edition }),
            ...(prefixed !== undefined && { prefixed })
          }
          const said = notes(held, target)
          const due =
            ids.length > 0 &&
            edition?.toUpperCase() === 'OSS' &&
            target[0] >= 2 &&
            prefixed === undefined
          expect(said).toHaveLength(due ? 1 : 0)
          if (!due) return
          expect(said[0]).toContain(`so the repository's ${ids.length} dashboard(s)`)
          for (const id of ids.slice(0, 5)) expect(said[0]).toContain(JSON.stringify(id))
          if (ids.length > 5) expect(said[0]).toContain(`and ${ids.length - 5} more`)
        }
      ),
      { numRuns: runs(300, 60) }
    )
  })

  it('is listed in the folded section, escaped, and named in its summary line', () => {
    const [note] = notes(
      { files: [file('ops'), { file: 'd/x.yml', source: 'id: "<b>x</b>"\n' }], edition: 'OSS' },
      [2, 0, 0]
    )
    const section = upgradeSection({
      target: '2.0',
      flows: 1,
      loading: 1,
      items: [],
      beyondFlows: [note!]
    })!
    expect(section).toMatch(
      /^<details><summary>Ready for Kestra 2\.0\? all 1 managed flow\(s\) would load; 1 note\(s\) beyond flows<\/summary>\n\nBeyond flows:\n\n- Dashboards: /
    )
    expect(section).toContain('&quot;&lt;b&gt;x&lt;/b&gt;&quot;')
    expect(section).not.toContain('<b>x</b>')
  })
})
