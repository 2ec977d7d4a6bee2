/**
 * The namespace settings kind's checks and plan (docs/namespace-settings.md#checks, #plan): errors on the exact
 * line, the OSS warning, create/update/unchanged compared canonically over the fields the file holds only,
 * an orphan never deleted, and a secret-like variable's value in no diff.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { KindPlanOptions } from '../../../src/engine/decide-kind.js'
import { DEFAULT_DIFF_LIMITS } from '../../../src/engine/plan/diff.js'
import { parseSettingsFile } from '../../../src/resources/namespace-settings/decide-file.js'
import {
  namespaceSettingsDecide,
  planSettings,
  settingsFindings,
  type HeldNamespaceSettings
} from '../../../src/resources/namespace-settings/decide.js'
import type { KestraVersion } from '../../../src/model/version.js'
import { runs } from '../../../test-support/property-runs.js'

const OPTIONS: KindPlanOptions = {
  deleteEnabled: false,
  scope: 'all',
  changedFiles: undefined,
  limits: DEFAULT_DIFF_LIMITS
}
const FILE = 'namespaces/company.team.yml'
const TEXT = `description: The team
variables:
  region: eu-west-1
  api_token: tok-SECRET-1
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      level: INFO
`

function held(
  text: string | undefined,
  entity: Record<string, unknown> | null,
  more: Partial<HeldNamespaceSettings> = {}
): HeldNamespaceSettings {
  return {
    files: text === undefined ? [] : [{ file: FILE, namespace: 'company.team', text }],
    extraNamespaces: [],
    server: new Map([['company.team', entity]]),
    ...more
  }
}

describe('namespace settings checks', () => {
  it('names each problem on its own line, the nearest key when one is close', () => {
    const text = `descripton: typo
variables: [a]
pluginDefaults:
  - values: {}
allowedNamespaces:
  - namespace: company.ops
  - Company
`
    const { problems } = parseSettingsFile(text)
    expect(problems.map((p) => p.line)).toEqual([1, 2, 4, 7])
    expect(problems[0]!.message).toContain("did you mean 'description'?")
    expect(problems[1]!.message).toContain('variables is a mapping')
    expect(problems[2]!.message).toContain('needs its type')
    expect(problems[3]!.message).toContain('- namespace: <namespace>')
  })

  it('a file that is not a mapping, or is YAML Kestra cannot read, is an error on its line', () => {
    expect(parseSettingsFile('- a\n- b\n').problems).toEqual([
      { line: 1, message: expect.stringContaining('is a mapping of description') as string }
    ])
    expect(parseSettingsFile('description: a\ndescription: b\n').problems[0]!.line).toBe(2)
  })

  it('another kind’s document (a flow) is a notice, never an error', () => {
    const flow = 'id: hello\nnamespace: company.team\ntasks: []\n'
    const findings = settingsFindings(held(flow, null))
    expect(findings.map((f) => [f.severity, f.line])).toEqual([['notice', 1]])
  })

  it('on an open-source server: a warning on line 1, nothing planned', () => {
    const state = held(TEXT, { id: 'company.team', deleted: false }, { edition: 'OSS' })
    const findings = settingsFindings(state)
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'warning', line: 1, rule: 'namespace-settings-edition' })
    ])
    expect(findings[0]!.message).toContain('Enterprise Edition')
    expect(planSettings(state, OPTIONS)).toEqual([])
  })

  it('a file named after no namespace is an error, like a kv file', () => {
    const state = held(TEXT, null)
    state.files[0] = { ...state.files[0]!, file: 'namespaces/Bad Name.yml', namespace: 'Bad Name' }
    expect(settingsFindings(state)[0]).toMatchObject({ rule: 'namespace-settings-namespace' })
  })

  it('on Kestra 2.0, pluginDefaults is a warning on its line and left out of the plan', () => {
    const state = held(TEXT, { id: 'company.team' }, { release: '2.0.0' })
    const [warning] = settingsFindings(state)
    expect(warning).toMatchObject({ severity: 'warning', line: 5 })
    // Engine 2.0.0 refuses a flow's pluginDefaults (`Unrecognized field`): the fix is never to move them there.
    expect(warning!.message).toContain('nor do its flows')
    expect(warning!.message).toContain('set these values on the tasks themselves')
    expect(warning!.message).not.toMatch(/keep them in the flows/)
    expect(planSettings(state, OPTIONS)[0]!.fields).toEqual(['description', 'variables'])
    expect(settingsFindings(held(TEXT, { id: 'company.team' }, { release: '1.3.31' }))).toEqual([])
  })
})

describe('namespace settings plan', () => {
  it('creates the entity the server lacks; a secret-like value is never in the diff', () => {
    const [change] = planSettings(held(TEXT, null), OPTIONS)
    expect(change).toMatchObject({ action: 'create', namespace: 'company.team', secretLike: true })
    expect(change!.diff).toContain('+  api_token: <hidden: secret-like key>')
    expect(change!.diff).toContain('+  region: eu-west-1')
    expect(change!.diff).not.toContain('tok-SECRET-1')
  })

  it('updates only what differs, the changed secret said without its value, unmanaged fields ignored', () => {
    const entity = {
      id: 'company.team',
      deleted: false,
      description: 'The team',
      variables: { region: 'us-east-1', api_token: 'tok-OLD-2' },
      pluginDefaults: [
        { type: 'io.kestra.plugin.core.log.Log', forced: false, values: { level: 'INFO' } }
      ],
      storageType: 's3'
    }
    const [change] = planSettings(held(TEXT, entity), OPTIONS)
    expect(change!.action).toBe('update')
    expect(change!.diff).toContain('-  region: us-east-1\n')
    expect(change!.diff).toContain('+  api_token: <hidden: secret-like key> (changed)')
    expect(change!.diff).not.toMatch(/tok-|storageType|forced/)
  })

  it('is unchanged whatever the key order, and with the server’s defaults spelled out (property)', () => {
    const entity = {
      pluginDefaults: [
        { values: { level: 'INFO' }, forced: false, type: 'io.kestra.plugin.core.log.Log' }
      ],
      variables: { api_token: 'tok-SECRET-1', region: 'eu-west-1' },
      description: 'The team',
      allowedNamespaces: [{ namespace: 'x' }],
      id: 'company.team'
    }
    fc.assert(
      fc.property(fc.shuffledSubarray(Object.keys(entity), { minLength: 5 }), (order) => {
        const shuffled = Object.fromEntries(order.map((k) => [k, entity[k as keyof typeof entity]]))
        const [change] = planSettings(held(TEXT, shuffled), OPTIONS)
        expect(change!.action).toBe('unchanged')
      })
    )
  })

  it('a namespace whose file is gone is orphaned, never deleted, even with delete', () => {
    const state = held(
      undefined,
      { id: 'company.team', description: 'The team' },
      {
        base: [{ file: FILE, namespace: 'company.team', text: TEXT }]
      }
    )
    const [change] = planSettings(state, { ...OPTIONS, deleteEnabled: true })
    expect(change).toMatchObject({ action: 'orphaned' })
    expect(change!.remark).toContain('never deleted')
  })

  it('a prefix sends the namespace under it', () => {
    const state = held(TEXT, null, { prefix: 'pr-7' })
    state.server = new Map([['pr-7.company.team', null]])
    expect(planSettings(state, OPTIONS)[0]!.namespace).toBe('pr-7.company.team')
  })
})

describe('upgrade readiness beyond flows: namespace settings (docs/upgrade.md#where-you-see-it)', () => {
  const notes = (state: HeldNamespaceSettings, target: KestraVersion) =>
    namespaceSettingsDecide.upgradeNotes!(state, target)
  const WITH = TEXT
  const WITHOUT = 'description: The team\npluginDefaults: []\n'

  it('one note exactly when an Enterprise server before the target keeps plugin defaults the target would not', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.constantFrom(undefined, '1.3.31', '1.0.0', '2.0.0', '2.1.3', 'develop'),
        fc.constantFrom<KestraVersion>([1, 3, 0], [2, 0, 0], [2, 1, 0]),
        (namespaces, defaults, release, target) => {
          const state: HeldNamespaceSettings = {
            files: namespaces.map((ns, i) => ({
              file: `namespaces/${ns}.yml`,
              namespace: ns,
              text: defaults[i] ? WITH : WITHOUT
            })),
            extraNamespaces: [],
            ...(release !== undefined && { release })
          }
          const holding = namespaces.filter((_, i) => defaults[i])
          const said = notes(state, target)
          const due =
            holding.length > 0 && (release === '1.3.31' || release === '1.0.0') && target[0] >= 2
          expect(said).toHaveLength(due ? 1 : 0)
          if (!due) return
          expect(said[0]).toMatch(
            /^Namespace settings: Kestra 2\.[01]'s namespaces keep no plugin defaults/
          )
          expect(said[0]).toContain(`the repository's ${holding.length} settings file(s)`)
          const named = holding.map((ns) => `namespaces/${ns}.yml`).sort()
          for (const file of named.slice(0, 5)) expect(said[0]).toContain(JSON.stringify(file))
          for (const file of named.slice(5)) expect(said[0]).not.toContain(JSON.stringify(file))
          if (holding.length > 5) expect(said[0]).toContain(`and ${holding.length - 5} more`)
        }
      ),
      { numRuns: runs(300, 60) }
    )
  })

  it('names no file Kestra would not deploy anyway: unread, unmanaged, invalid', () => {
    const files = [
      { file: 'namespaces/system.yml', namespace: 'system', text: WITH },
      { file: 'namespaces/bad.yml', namespace: 'bad', text: `${WITH}varibles: {}\n` },
      {
        file: 'kestra/namespaces/other.yml',
        namespace: 'other',
        text: WITH,
        unread: { folder: 'kestra/namespaces', declared: ['company'] }
      }
    ]
    expect(notes({ files, extraNamespaces: [], release: '1.3.31' }, [2, 0, 0])).toEqual([])
  })
})
