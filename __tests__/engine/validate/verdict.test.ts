import { describe, expect, it } from 'vitest'
import { oneFindingPerFact } from '../../../src/engine/validate/verdict.js'
import type { Finding } from '../../../src/model/finding.js'

const at = (rule: string, message: string, file = 'company.team/flows/a.yml'): Finding => ({
  severity: 'warning',
  rule,
  file,
  line: 7,
  column: 5,
  message
})
const ours = at(
  'missing-flow',
  'Subflow calls flow company.team.nowhere, which is not in the repository nor on the server. Add it or fix namespace/flowId'
)
const servers = at(
  'server-warning',
  "Kestra warns: The subflow 'nowhere' not found in namespace 'company.team'. Check the flow; the server accepts it as it is."
)

describe('one finding per fact', () => {
  it("keeps the calling line's missing-flow and drops the server's warning of the same subflow", () => {
    expect(oneFindingPerFact([servers, ours])).toEqual([ours])
  })

  it("keeps the server's warning of another subflow, or of the same one in another file", () => {
    const other = { ...servers, message: servers.message.replace("'nowhere'", "'elsewhere'") }
    const otherFile = { ...servers, file: 'company.team/flows/b.yml' }
    expect(oneFindingPerFact([other, otherFile, ours])).toEqual([other, otherFile, ours])
  })
})
