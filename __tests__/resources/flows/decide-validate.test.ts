import { describe, expect, it } from 'vitest'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import type { RepoModel } from '../../../src/model/repository.js'
import { checkFlow } from '../../../src/resources/flows/decide-validate.js'
import { validateRepository } from './helpers.js'
import { repoModel } from '../../../test-support/repo-model.js'

const raw = [
  'id: etl',
  'namespace: company.team',
  'tasks:',
  '  - id: dup',
  '    type: io.kestra.plugin.core.log.Log',
  '    message: a',
  '  - id: dup',
  '    type: io.kestra.plugin.core.log.Log',
  '    message: b',
  ''
].join('\n')

function model(...flows: ReturnType<typeof parseFlowFile>[]): RepoModel {
  return repoModel({ flows, managedNamespaces: ['company.team'] })
}

describe('checkFlow', () => {
  it('gives validateRepository the checks run while the repository loaded, as data', () => {
    const flow = parseFlowFile({ file: 'a.yml', rel: 'a.yml', raw })
    const fresh = validateRepository(model(flow), { layout: 'tenant' })
    expect(fresh.map((f) => `${f.line}:${f.rule}`)).toContain('7:duplicate-task-id')

    const early = checkFlow(flow, { layout: 'tenant' })
    expect(early.wellFormed).toBe(true)
    const checks = new Map([[flow, { ...early, findings: [] }]])
    // The handed check stands for the flow's own findings; nothing is remembered between calls.
    expect(validateRepository(model(flow), { layout: 'tenant', checks })).toEqual([])
    expect(validateRepository(model(flow), { layout: 'tenant' })).toEqual(fresh)
  })

  it("reads the flow's references in the same pass", () => {
    const caller = parseFlowFile({
      file: 'a.yml',
      rel: 'a.yml',
      raw: `${raw}  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: other\n`
    })
    expect(checkFlow(caller).references).toEqual([
      expect.objectContaining({ kind: 'flow', namespace: 'company.team', id: 'other', line: 10 })
    ])
  })

  it('reports the later of two files declaring the same flow, on its id line', () => {
    const first = parseFlowFile({ file: 'a.yml', rel: 'a.yml', raw })
    const second = parseFlowFile({ file: 'b.yml', rel: 'b.yml', raw: `# copy\n${raw}` })
    const duplicates = validateRepository(model(second, first)).filter(
      (f) => f.rule === 'duplicate-flow'
    )
    expect(duplicates).toEqual([
      expect.objectContaining({
        file: 'b.yml',
        line: 2,
        column: 1,
        resource: 'flow:company.team/etl',
        message: expect.stringContaining('already declared in a.yml')
      })
    ])
  })
})
