import { describe, expect, it } from 'vitest'
import { check, rules } from './helpers.js'

const HEAD = ['id: flow', 'namespace: company.team']
const log = (indent: string, id: string): string[] => [
  `${indent}- id: ${id}`,
  `${indent}  type: io.kestra.plugin.core.log.Log`,
  `${indent}  message: hi`
]

describe('task and trigger rules', () => {
  it('reports a duplicate task id nested 4 levels deep at the later occurrence', () => {
    const findings = check([
      ...HEAD,
      'tasks:',
      ...log('  ', 'dup'),
      '  - id: p1',
      '    type: io.kestra.plugin.core.flow.Parallel',
      '    tasks:',
      '      - id: p2',
      '        type: io.kestra.plugin.core.flow.Sequential',
      '        tasks:',
      '          - id: p3',
      '            type: io.kestra.plugin.core.flow.If',
      '            condition: "{{ true }}"',
      '            then:',
      '              - id: p4',
      '                type: io.kestra.plugin.core.flow.Switch',
      '                value: a',
      '                cases:',
      '                  a:',
      ...log('                    ', 'dup')
    ])
    expect(rules(findings)).toEqual(['error duplicate-task-id 22:23'])
    expect(findings[0]?.message).toContain("'dup' (first used on line 4)")
  })

  it('counts tasks in errors, finally, afterExecution, listeners and Dag', () => {
    const findings = check([
      ...HEAD,
      'tasks:',
      '  - id: dag',
      '    type: io.kestra.plugin.core.flow.Dag',
      '    tasks:',
      '      - task:',
      '          id: a',
      '          type: io.kestra.plugin.core.log.Log',
      '          message: hi',
      'errors:',
      ...log('  ', 'a'),
      'finally:',
      ...log('  ', 'a'),
      'afterExecution:',
      ...log('  ', 'a')
    ])
    expect(rules(findings)).toEqual([
      'error duplicate-task-id 12:5',
      'error duplicate-task-id 16:5',
      'error duplicate-task-id 20:5'
    ])
  })

  it('treats id+type maps under task lists of unknown flowable plugins as tasks', () => {
    const findings = check([
      ...HEAD,
      'tasks:',
      ...log('  ', 'x'),
      '  - id: custom',
      '    type: com.example.MyFlowable',
      '    tasks:',
      ...log('      ', 'x'),
      '      - not: a task'
    ])
    expect(rules(findings)).toEqual(['error duplicate-task-id 10:9'])
  })

  it('checks task id pattern, missing id and missing or malformed type', () => {
    const findings = check([
      ...HEAD,
      'tasks:',
      '  - id: has.dot',
      '    type: io.kestra.plugin.core.log.Log',
      '  - type: io.kestra.plugin.core.log.Log',
      '  - id: notype',
      '  - id: badtype',
      '    type: not a class'
    ])
    expect(rules(findings)).toEqual([
      'error task-id 4:5',
      'error task-id 6:5',
      'error task-type 7:5',
      'error task-type 9:11'
    ])
  })

  it('checks trigger ids, types and duplicates', () => {
    const findings = check([
      ...HEAD,
      'tasks:',
      ...log('  ', 'a'),
      'triggers:',
      '  - id: t',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "* * * * *"',
      '  - id: t',
      '    type: io.kestra.plugin.core.trigger.Webhook',
      '    key: k',
      '  - id: no-type'
    ])
    expect(rules(findings)).toEqual(['error duplicate-trigger-id 11:5', 'error trigger-type 14:5'])
  })

  it('rejects a subflow that calls its own flow, old aliases included', () => {
    const findings = check([
      ...HEAD,
      'tasks:',
      '  - id: self',
      '    type: io.kestra.core.tasks.flows.Flow',
      '    namespace: company.team',
      '    flowId: flow',
      '  - id: other',
      '    type: io.kestra.plugin.core.flow.Subflow',
      '    namespace: company.team',
      '    flowId: another'
    ])
    expect(rules(findings)).toEqual(['error recursive-subflow 4:5', 'warning removed-type 5:11'])
    expect(findings[0]?.message).toContain('Recursive call to flow [company.team.flow]')
  })

  it('rejects empty listener task lists (1.3.31 in its words; 2.0 has no listeners) and duplicate preconditions ids', () => {
    const findings = check([
      ...HEAD,
      'listeners:',
      '  - tasks: []',
      'tasks:',
      ...log('  ', 'a'),
      'triggers:',
      '  - id: t1',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    preconditions:',
      '      id: p',
      '  - id: t2',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    preconditions:',
      '      id: p'
    ])
    expect(rules(findings)).toEqual([
      'warning removed-key 3:1',
      'error listener-tasks 4:5',
      'warning removed-property 12:5',
      'warning removed-property 16:5',
      'error duplicate-preconditions 17:7'
    ])
  })
})

describe('core flowable task shapes', () => {
  it('rejects a Dag cycle and an unknown dependsOn', () => {
    const findings = check([
      ...HEAD,
      'tasks:',
      '  - id: dag',
      '    type: io.kestra.plugin.core.flow.Dag',
      '    tasks:',
      '      - task: { id: a, type: io.kestra.plugin.core.log.Log, message: a }',
      '        dependsOn: [b]',
      '      - task: { id: b, type: io.kestra.plugin.core.log.Log, message: b }',
      '        dependsOn: [a, zz]'
    ])
    expect(rules(findings)).toEqual(['error dag-dependency 4:5', 'error dag-dependency 10:24'])
    expect(findings[0]?.message).toContain('a → b → a')
  })

  it('rejects a Switch without any task, empty cases and empty defaults', () => {
    const findings = check([
      ...HEAD,
      'tasks:',
      '  - id: s1',
      '    type: io.kestra.plugin.core.flow.Switch',
      '    value: x',
      '    cases: {}',
      '  - id: s2',
      '    type: io.kestra.plugin.core.flow.Switch',
      '    value: x',
      '    cases:',
      '      A: []',
      '    defaults:',
      ...log('      ', 'b')
    ])
    // An empty case beside a branch with tasks: core 1.3.31 and 2.0.0 run accept it.
    expect(rules(findings)).toEqual(['error switch-no-tasks 4:5'])
  })

  it('rejects an If without condition and a WorkingDirectory with a flowable child or no tasks', () => {
    const findings = check([
      ...HEAD,
      'tasks:',
      '  - id: if',
      '    type: io.kestra.plugin.core.flow.If',
      '    then:',
      ...log('      ', 'a'),
      '  - id: wd',
      '    type: io.kestra.plugin.core.flow.WorkingDirectory',
      '    tasks:',
      '      - id: parallel',
      '        type: io.kestra.plugin.core.flow.Parallel',
      '        tasks:',
      ...log('          ', 'p'),
      '      - id: pause',
      '        type: io.kestra.plugin.core.flow.Pause',
      '  - id: wd2',
      '    type: io.kestra.core.tasks.flows.WorkingDirectory'
    ])
    // A Pause without child tasks: whether a given release counts it flowable is not known.
    // The If without condition: 2.0.0's schema refuses it, 1.3.31's takes it (its core too). The WorkingDirectory
    // without tasks under its 1.x alias: 1.3.31 refuses it in its own words, 2.0.0 has no such type (removed-type),
    // so every release refuses the flow.
    expect(rules(findings)).toEqual([
      'warning core-schema 4:5',
      'error working-directory-child 13:9',
      'warning working-directory-child 19:9',
      'error working-directory-tasks 21:5',
      'warning removed-type 22:11'
    ])
    expect(findings[3]?.message).toContain(`("The 'tasks' property cannot be empty")`)
  })
})
