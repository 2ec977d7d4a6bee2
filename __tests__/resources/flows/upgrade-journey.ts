/** The upgrade journey (docs/upgrade.md): a 1.3 flow with a ForEach, flow-level plugin defaults and trigger conditions. */
export const JOURNEY = `# a 1.3 flow
id: nightly
namespace: company.team

inputs:
  - id: dry
    type: BOOLEAN   # keep me
    defaults: false

pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      level: WARN

tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: ["a", "b"]
    tasks:
      - id: say # the child
        type: io.kestra.plugin.core.log.Log
        message: 'value {{ taskrun.value }} at {{ taskrun.iteration }}'
      - id: check
        type: io.kestra.plugin.core.flow.If
        condition: "{{ taskrun.value == 'a' }}"
        then:
          - id: inner
            type: io.kestra.core.tasks.log.Log
            message: "{{ parent.taskrun.value }}"

triggers:
  - id: weekdays
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 9 * * *"
    conditions:
      - type: io.kestra.plugin.core.condition.Not
        conditions:
          - type: io.kestra.plugin.core.condition.Weekend
  - id: after
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team
        flowId: upstream
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [SUCCESS, WARNING]
`
