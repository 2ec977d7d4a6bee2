import { describe, expect, it } from 'vitest'
import { collectReferences } from '../../../src/resources/flows/decide-references.js'
import { flow } from './helpers.js'

describe('read() in a flow description', () => {
  it('is not a reference: Kestra never renders the description', () => {
    const source = [
      'id: documented',
      'namespace: company.team',
      'description: |',
      "  Reads its query with {{ read('queries/orders.sql') }} at run time.",
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    description: "{{ read(\'task-description.md\') }}"',
      '    message: "{{ read(\'queries/orders.sql\') }}"'
    ].join('\n')
    const refs = collectReferences([flow(source, 'company.team/flows/documented.yml')])
    expect(refs.map((ref) => (ref.kind === 'file' ? [ref.path, ref.line] : []))).toEqual([
      ['/task-description.md', 8],
      ['/queries/orders.sql', 9]
    ])
  })
})
