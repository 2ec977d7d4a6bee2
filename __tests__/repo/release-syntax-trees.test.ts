import { describe, expect, it } from 'vitest'
import { parseFlowFile, releaseSyntaxTrees } from '../../src/repo/flow-file.js'

describe('releaseSyntaxTrees', () => {
  it('gives the same documents and positions again when asked after the release', () => {
    const raw = 'id: a\r\nnamespace: team\r\ntasks:\r\n  - id: t\r\n    type: x\r\n---\r\nid: b\r\n'
    const flow = parseFlowFile({ file: 'team/flows/a.yml', rel: 'team/flows/a.yml', raw })
    const before = flow.documents.map((doc) => doc.toString())
    const tasksAt = flow.lineCounter.linePos(flow.source.indexOf('tasks'))
    releaseSyntaxTrees(flow)
    expect(flow.documents.map((doc) => doc.toString())).toEqual(before)
    expect(flow.documents).toBe(flow.documents) // parsed once, then kept
    expect(flow.lineCounter.linePos(flow.source.indexOf('tasks'))).toEqual(tasksAt)
    expect({ id: flow.id, namespace: flow.namespace, notAFlow: flow.notAFlow }).toEqual({
      id: 'a',
      namespace: 'team',
      notAFlow: false
    })
  })
})
