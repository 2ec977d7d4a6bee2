/**
 * Subflow contracts on Kestra's own engine of each released line (docs/caught-at-review.md#subflow-contracts): a
 * caller reading an output the flow it calls does not declare is the plan's error on its line, and the engine, given
 * the same flows, fails exactly that caller; a read guarded with `??` passes in both.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, inject, it } from 'vitest'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { awaitState, engineEnv, engineFetch } from '../../../test-support/kestra-engine.js'
import { runCli } from '../cli/run-cli.js'

const engines = inject('kestraEngines')

const child = (namespace: string) => `id: child
namespace: ${namespace}
tasks:
  - id: out
    type: io.kestra.plugin.core.output.OutputValues
    values:
      rows: "42"
outputs:
  - id: rows
    type: STRING
    value: "{{ outputs.out.values.rows }}"
`

/** Calls `child` and logs `read` (line 10). */
const caller = (namespace: string, id: string, read: string) => `id: ${id}
namespace: ${namespace}
tasks:
  - id: run
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${namespace}
    flowId: child
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "rows ${read}"
`

const escaped = (text: string) => text.replace(/\./g, '\\.')

describe.skipIf(engines.length === 0).each(engines)('Kestra engine $version', (engine) => {
  it(`${engine.version}: an output read that the called flow does not declare is an error on its line, and the engine fails exactly that caller`, async () => {
    const ns = `engine.${engine.version.replace(/\./g, '')}.outputs.${randomBytes(3).toString('hex')}`
    const flows: Record<string, string> = {
      child: child(ns),
      declared: caller(ns, 'declared', '{{ outputs.run.outputs.rows }}'),
      undeclared: caller(ns, 'undeclared', '{{ outputs.run.outputs.gone }}'),
      guarded: caller(ns, 'guarded', "{{ outputs.run.outputs.gone ?? 'none' }}")
    }
    const repo = createGitRepo(
      Object.fromEntries(Object.entries(flows).map(([id, text]) => [`${ns}/flows/${id}.yml`, text]))
    )
    const planned = await runCli(repo.dir, ['plan', '--no-color'], engineEnv(engine))
    expect(planned.exitCode, planned.stdout).toBe(1)
    expect(
      planned.stdout.split('\n').filter((line) => line.includes('[subflow-contract]'))
    ).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${escaped(ns)}/flows/undeclared\\.yml:10:23 error Reads output gone of ${escaped(ns)}\\.child,`
        )
      )
    ])

    // The engine's verdict on the same flows, saved as they are.
    for (const text of Object.values(flows)) {
      const saved = await engineFetch(engine, '/flows', {
        method: 'POST',
        headers: { 'content-type': 'application/x-yaml' },
        body: text
      })
      expect(saved.status, await saved.clone().text()).toBe(200)
    }
    const ends = { declared: 'SUCCESS', undeclared: 'FAILED', guarded: 'SUCCESS' }
    for (const [id, state] of Object.entries(ends)) {
      const started = await engineFetch(engine, `/executions/${ns}/${id}`, {
        method: 'POST',
        body: new FormData()
      })
      const { id: execution } = (await started.json()) as { id: string }
      await awaitState(engine, execution, state)
    }
  })
})
