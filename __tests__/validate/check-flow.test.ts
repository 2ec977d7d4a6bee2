import { describe, expect, it } from 'vitest'
import { parseFlowFile } from '../../src/repo/flow-file.js'
import type { RepoModel } from '../../src/repo/model.js'
import { checkFlow, validateRepository } from '../../src/validate/index.js'

const raw = [
  'id: etl',
  'namespace: company.team',
  'tasks:',
  '  - id: dup',
  '    type: io.kestra.plugin.core.log.Log',
  '  - id: dup',
  '    type: io.kestra.plugin.core.log.Log',
  ''
].join('\n')

function model(...flows: ReturnType<typeof parseFlowFile>[]): RepoModel {
  return {
    workspace: '/w',
    root: '/w',
    rootRel: '',
    layout: { layout: 'tenant', reason: 'set by the layout input' },
    flows,
    files: [],
    managedNamespaces: ['company.team'],
    readProblems: []
  }
}

describe('checkFlow', () => {
  it('checks a flow once, as soon as it is parsed: the repository checks reuse it', () => {
    const flow = parseFlowFile({ file: 'a.yml', rel: 'a.yml', raw })
    const fresh = validateRepository(model(parseFlowFile({ file: 'a.yml', rel: 'a.yml', raw })), {
      layout: 'tenant'
    })
    expect(fresh.map((f) => `${f.line}:${f.rule}`)).toContain('6:duplicate-task-id')

    expect(checkFlow(flow, { layout: 'tenant' }).wellFormed).toBe(true)
    // Were the flow checked again, these documents would give other findings.
    Object.assign(flow, { documents: [] })
    expect(validateRepository(model(flow), { layout: 'tenant' })).toEqual(fresh)
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
