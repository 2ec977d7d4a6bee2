import { describe, expect, it } from 'vitest'
import {
  demoteUnchangedErrors,
  mergeRefusedNote,
  oneFindingPerFact
} from '../../../src/engine/validate/verdict.js'
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

describe('a pull request that reports errors as warnings', () => {
  const error = (file: string): Finding => ({
    ...at('missing-namespace-file', 'no such file', file),
    severity: 'error'
  })
  const changed = {
    kind: 'list' as const,
    source: 'git' as const,
    paths: new Set(['company.team/flows/changed.yml'])
  }

  it('demotes only the errors of files it does not change, and marks them', () => {
    const [kept, demoted] = demoteUnchangedErrors(
      [error('company.team/flows/changed.yml'), error('company.team/flows/old.yml')],
      changed
    )
    expect(kept).toEqual(error('company.team/flows/changed.yml'))
    expect(demoted).toMatchObject({ severity: 'warning', demoted: true })
  })

  it('says the deploy after merging is refused, counting the errors it reports as warnings', () => {
    const demoted = (n: number) =>
      demoteUnchangedErrors(
        Array.from({ length: n }, (_, i) => error(`company.team/flows/old${i}.yml`)),
        changed
      )
    expect(mergeRefusedNote(demoted(0))).toEqual([])
    expect(mergeRefusedNote([at('server-warning', 'only a warning')])).toEqual([])
    expect(mergeRefusedNote(demoted(1))).toEqual([
      'The deploy after merging is refused until it is fixed: 1 error in files this pull request does not change is reported here as a warning, and a deploy counts every error.'
    ])
    expect(mergeRefusedNote(demoted(3))[0]).toMatch(
      /^The deploy after merging is refused until they are fixed: 3 errors in files .* are reported here as warnings,/
    )
  })
})
