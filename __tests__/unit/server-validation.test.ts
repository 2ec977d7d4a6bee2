import { describe, expect, it } from 'vitest'
import type { KestraApi } from '../../src/kestra/api.js'
import type { ServerValidation as Verdict } from '../../src/model/kestra.js'
import { parseFlowFile } from '../../src/model/flow-file.js'
import { ServerValidation } from '../../src/gather/server/validation.js'
import { checkFlow } from '../../src/decide/validate/index.js'
import { serverAnswerFindings } from '../../src/decide/validate/server-findings.js'

function flow(i: number, extra = '') {
  const raw = `id: f${i}\nnamespace: team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi${extra}\n`
  return parseFlowFile({ file: `team/flows/f${i}.yml`, rel: `team/flows/f${i}.yml`, raw })
}

describe('server validation while the repository loads', () => {
  it('sends full batches of 100 as flows arrive, the rest when asked, and maps verdicts to lines', async () => {
    const calls: number[] = []
    const api = {
      validateFlows: async (sources: string[]): Promise<Verdict[]> => {
        calls.push(sources.length)
        return sources.map((source, index) => ({
          index,
          errors: source.includes('bad')
            ? [{ message: 'Invalid type: x', path: 'tasks[0].type' }]
            : [],
          outdated: false,
          deprecationPaths: [],
          warnings: [],
          infos: []
        }))
      }
    } as unknown as KestraApi
    const validation = new ServerValidation(api)
    const add = (flow: ReturnType<typeof parseFlowFile>) => validation.add(flow, checkFlow(flow))
    for (let i = 0; i < 150; i++) add(flow(i, i === 120 ? ' bad' : ''))
    add(parseFlowFile({ file: 'broken.yml', rel: 'broken.yml', raw: 'id: [\n' }))
    expect(calls).toEqual([100]) // the first batch left while flows were still coming

    const findings = serverAnswerFindings(await validation.answers(), new Set())
    expect(calls).toEqual([100, 50]) // the malformed file was never sent
    expect(findings).toEqual([
      expect.objectContaining({ file: 'team/flows/f120.yml', line: 5, severity: 'error' })
    ])
  })
})
