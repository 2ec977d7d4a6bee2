import { describe, expect, it } from 'vitest'
import { check, checkOn, flow, MINIMAL, model, rules, validateRepository } from './helpers.js'

describe('flow identity rules', () => {
  it('accepts a minimal flow', () => {
    expect(check(MINIMAL)).toEqual([])
  })

  // Required keys, id and namespace patterns and lengths, unknown top-level keys: the schema of each release
  // (docs/validation-rules.md#the-schema-of-each-release), on their lines, with no server known.
  it('requires id, namespace and tasks', () => {
    const findings = check(['id: a', 'description: no namespace, no tasks'])
    expect(rules(findings)).toEqual(['error core-schema 1:1', 'error core-schema 1:1'])
    expect(findings.map((finding) => finding.message).join()).toMatch(
      /`namespace`[\s\S]*`tasks`|`tasks`[\s\S]*`namespace`/
    )
  })

  it('rejects an empty tasks list on the tasks key', () => {
    expect(rules(check(['id: a', 'namespace: b', 'tasks: []']))).toEqual(['error core-schema 3:1'])
  })

  it('checks the id and namespace patterns on their lines', () => {
    const findings = check(['id: my#flow', 'namespace: MY$NAMESPACE', ...MINIMAL.slice(2)])
    expect(rules(findings)).toEqual(['error core-schema 1:1', 'error core-schema 2:1'])
    expect(findings[0]?.resource).toBe('flow:MY$NAMESPACE/my#flow')
  })

  it('rejects an id longer than 100 characters', () => {
    expect(rules(check([`id: ${'a'.repeat(101)}`, ...MINIMAL.slice(1)]))).toEqual([
      'error core-schema 1:1'
    ])
    expect(check([`id: ${'a'.repeat(100)}`, ...MINIMAL.slice(1)])).toEqual([])
  })

  it('rejects ids reserved in Kestra 1.x on 1.x; warns on 0.x, on 2.0 and with no server known', () => {
    const reserved = ['id: pause', ...MINIMAL.slice(1)]
    expect(rules(check(reserved))).toEqual(['warning reserved-flow-id 1:1'])
    expect(rules(checkOn([1, 3, 2], reserved))).toEqual(['error reserved-flow-id 1:1'])
    expect(rules(checkOn([0, 22, 1], reserved))).toEqual(['warning reserved-flow-id 1:1'])
    expect(rules(checkOn([2, 0, 0], reserved))).toEqual(['warning reserved-flow-id 1:1'])
    expect(check(reserved)[0]?.message).toContain("Flow id 'pause' is reserved in Kestra 1.x")
    expect(checkOn([1, 3, 2], ['id: paused', ...MINIMAL.slice(1)])).toEqual([])
  })

  it('refuses unknown top-level keys (both schemas), warns about removed and server-owned ones', () => {
    const lines = [
      ...MINIMAL,
      'pluginsDefaults: []',
      'taskDefaults: []',
      'listeners: []',
      'revision: 3',
      'deleted: false'
    ]
    const findings = check(lines)
    expect(rules(findings)).toEqual([
      'error core-schema 7:1',
      'warning removed-key 8:1',
      'warning removed-key 9:1',
      'warning server-owned-key 10:1',
      'warning server-owned-key 11:1'
    ])
    expect(findings[0]?.message).toBe(
      'The flow has no property `pluginsDefaults`: did you mean `pluginDefaults`?'
    )
    // Deprecated, accepted up to 1.3 (Flow.java of 1.3.25 keeps both); 2.0 has neither field.
    const removed = (version: [number, number, number]) =>
      rules(checkOn(version, lines)).filter((r) => r.includes('removed-key'))
    for (const version of [
      [0, 20, 7],
      [1, 0, 0],
      [1, 3, 25]
    ] as const) {
      expect(removed([...version])).toEqual(['warning removed-key 8:1', 'warning removed-key 9:1'])
    }
    expect(removed([2, 0, 0])).toEqual(['error removed-key 8:1', 'error removed-key 9:1'])
    expect(findings[1]?.message).toBe(
      '`taskDefaults` is deprecated: Kestra up to 1.3 accepts it, Kestra 2.0 rejects it as an unknown field. On Kestra 1.x rename it to `pluginDefaults`; Kestra 2.0 has no flow-level plugin defaults at all: set the values on the tasks'
    )
  })

  it('accepts keys of current Kestra and refuses prototype-like names as unknown keys', () => {
    const current = [...MINIMAL, 'sla: []', 'checks: []', 'afterExecution: []', 'draft: false']
    // `draft` is 2.0's: the 1.3.31 schema (and core) refuses it, so with no release known it is a warning.
    expect(rules(check(current))).toEqual(['warning core-schema 10:1'])
    expect(check(current)[0]?.message).toContain('Kestra 1.3 refuses it; 2.0 accepts it')
    expect(checkOn([2, 0, 0], current)).toEqual([])
    expect(rules(check([...MINIMAL, 'constructor: x']))).toEqual(['error core-schema 7:1'])
  })

  it('reports a namespace that does not match its folder on the namespace line', () => {
    const findings = check(MINIMAL, 'prod/flows/hello.yml', 'prod')
    expect(rules(findings)).toEqual(['error namespace-folder 2:12'])
    expect(findings[0]?.message).toContain("its folder implies namespace 'prod'")
  })

  it('accepts the folder namespace itself and its children', () => {
    expect(check(MINIMAL, 'company/flows/hello.yml', 'company')).toEqual([])
    expect(check(MINIMAL, 'company.team/flows/hello.yml', 'company.team')).toEqual([])
    expect(check(MINIMAL, 'company.te/flows/hello.yml', 'company.te')).toHaveLength(1)
  })

  it('names the namespace input in namespace layout', () => {
    const findings = validateRepository(model([flow(MINIMAL.join('\n'), 'flows/a.yml', 'prod')]), {
      layout: 'namespace'
    })
    expect(findings[0]?.message).toContain("the `namespace` input is 'prod'")
  })

  it('reports two files with the same identity on the later file id line', () => {
    const first = flow(MINIMAL.join('\n'), 'company.team/flows/a.yml')
    const second = flow(['# comment', ...MINIMAL].join('\n'), 'company.team/flows/b.yml')
    const findings = validateRepository(model([second, first]))
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        rule: 'duplicate-flow',
        file: 'company.team/flows/b.yml',
        line: 2,
        column: 1,
        resource: 'flow:company.team/hello',
        message: expect.stringContaining('company.team/flows/a.yml')
      })
    ])
  })

  it('is deterministic whatever the order of the flows', () => {
    const a = flow(['id: x', 'namespace: n', 'tasks: []'].join('\n'), 'a.yml')
    const b = flow(['id: 1bad#', 'namespace: n', 'tasks: []'].join('\n'), 'b.yml')
    expect(validateRepository(model([a, b]))).toEqual(validateRepository(model([b, a])))
  })
})

describe('read problems', () => {
  it('become findings of their own', () => {
    const repo = model([])
    repo.readProblems.push({ severity: 'warning', file: 'a/flows/x.yml', message: 'unreadable' })
    expect(validateRepository(repo)).toEqual([
      {
        severity: 'warning',
        file: 'a/flows/x.yml',
        line: 1,
        rule: 'read',
        message: 'unreadable'
      }
    ])
  })
})
