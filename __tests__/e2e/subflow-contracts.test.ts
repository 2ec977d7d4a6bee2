/**
 * Subflow contracts caught at review (docs/caught-at-review.md): when a flow's inputs change, every
 * `Subflow` and `ForEachItem` call to it is checked against the new inputs as Kestra checks it when the
 * task runs; a repository caller gets an error on its line, a caller only the server holds a warning.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { NS, planPullRequest, reviewStage, type ReviewStage } from './review-stage.js'

let stage: ReviewStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

function child(inputs: string): string {
  return `id: child
namespace: ${NS}
inputs:
${inputs}tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
`
}

const CHILD_V1 = child(`  - id: day
    type: DATE
    required: false
`)
/** v2 adds a required `region` without defaults, a defaulted `mode` and a typed `retries`. */
const CHILD_V2 = child(`  - id: day
    type: DATE
    required: false
  - id: region
    type: STRING
  - id: mode
    type: STRING
    defaults: fast
  - id: retries
    type: INT
    required: false
`)

/** A caller of `child`, with its call's extra lines (`inputs:` and the like) after `flowId`. */
function caller(id: string, extra = ''): string {
  return `id: ${id}
namespace: ${NS}
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: ${NS}
    flowId: child
${extra}`
}

const CHILD_FILE = `${NS}/flows/child.yml`

/** The error the repository caller `parent` gets, on its call's line, for the required input `region` it does not pass. */
function parentMissesRegion() {
  return expect.objectContaining({
    severity: 'error',
    file: `${NS}/flows/parent.yml`,
    line: 4,
    message: expect.stringContaining('region')
  })
}

describe('subflow contracts, end to end', () => {
  it('a new required input: an error on the repository caller’s line (a file the pull request did not change), a warning naming the server-only caller', async () => {
    stage = await reviewStage(
      { [CHILD_FILE]: CHILD_V1, [`${NS}/flows/parent.yml`]: caller('parent') },
      { [CHILD_FILE]: CHILD_V2 },
      {
        flows: [
          { namespace: NS, id: 'child', source: CHILD_V1 },
          { namespace: NS, id: 'parent', source: caller('parent') },
          { namespace: NS, id: 'legacy', source: caller('legacy') }
        ]
      }
    )
    const { result, comment } = await planPullRequest(stage)
    expect(result.exitCode).toBe(1)
    expect(result.annotations).toContainEqual(parentMissesRegion())
    const legacy = result.annotations.filter((a) => a.message.includes('company.team.legacy'))
    expect(legacy).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('region') })
    ])
    expect(result.outputs.errors).toBe('1')
    expect(comment).toMatch(/company\.team\.legacy \(Subflow, server only\)[^\n]*region/)
    expect(comment).toMatch(/company\.team\.parent \(Subflow\)[^\n]*region/)
  })

  it('an input passed that no longer exists is a warning; a literal the new type refuses an error; defaults, optional inputs and Pebble values pass', async () => {
    const callers = {
      [`${NS}/flows/stale.yml`]: caller(
        'stale',
        `    inputs:
      region: eu
      gone: 1
`
      ),
      [`${NS}/flows/typed.yml`]: caller(
        'typed',
        `    inputs:
      region: eu
      retries: many
`
      ),
      [`${NS}/flows/fine.yml`]: caller(
        'fine',
        `    inputs:
      region: "{{ inputs.region }}"
      retries: "{{ inputs.n }}"
      day: "2026-01-31"
`
      )
    }
    stage = await reviewStage(
      { [CHILD_FILE]: CHILD_V1, ...callers },
      { [CHILD_FILE]: CHILD_V2 },
      {
        flows: [{ namespace: NS, id: 'child', source: CHILD_V1 }]
      }
    )
    const { result } = await planPullRequest(stage)
    const about = (file: string) =>
      result.annotations.filter((a) => a.file === `${NS}/flows/${file}.yml`)
    expect(about('stale')).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('gone') })
    ])
    expect(about('typed')).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringContaining('retries') })
    ])
    expect(about('fine')).toEqual([])
  })

  it('a caller pinning a revision is checked against that revision, read once, and a ForEachItem caller against the new inputs', async () => {
    const pinned = caller('pinned', '    revision: 1\n')
    const batches = `id: batches
namespace: ${NS}
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ inputs.file }}"
    namespace: ${NS}
    flowId: child
    inputs:
      day: "{{ taskrun.items }}"
`
    stage = await reviewStage(
      {
        [CHILD_FILE]: CHILD_V1,
        [`${NS}/flows/pinned.yml`]: pinned,
        [`${NS}/flows/batches.yml`]: batches
      },
      { [CHILD_FILE]: CHILD_V2 },
      {
        flows: [
          { namespace: NS, id: 'child', source: CHILD_V1 },
          { namespace: NS, id: 'pinned', source: pinned },
          { namespace: NS, id: 'batches', source: batches }
        ]
      }
    )
    // A second revision of the child on the server: revision 1 is no longer its current source.
    stage.kestra.seed({
      flows: [{ namespace: NS, id: 'child', source: CHILD_V1.replace('hi', 'hi!') }]
    })
    const { result } = await planPullRequest(stage)
    expect(result.annotations.filter((a) => a.file === `${NS}/flows/pinned.yml`)).toEqual([])
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: `${NS}/flows/batches.yml`,
        line: 4,
        message: expect.stringContaining('region')
      })
    )
    const revisionReads = stage.kestra.requests.filter(
      (r) => r.route === 'flows.get' && r.query.revision === '1'
    )
    expect(revisionReads).toHaveLength(1)
  })

  it('a change that leaves the inputs alone checks no caller and reads no revision', async () => {
    const parent = caller('parent', '    revision: 1\n')
    stage = await reviewStage(
      { [CHILD_FILE]: CHILD_V1, [`${NS}/flows/parent.yml`]: parent },
      { [CHILD_FILE]: CHILD_V1.replace('message: hi', 'message: hello') },
      {
        flows: [
          { namespace: NS, id: 'child', source: CHILD_V1, revisions: 3 },
          { namespace: NS, id: 'parent', source: parent }
        ]
      }
    )
    const { result } = await planPullRequest(stage)
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(stage.kestra.requests.filter((r) => r.route === 'flows.get')).toEqual([])
  })

  it('a pull request editing only a caller: a required input it does not pass and an output the flow it calls does not declare are errors on its lines', async () => {
    const child = CHILD_V2 + 'outputs:\n  - id: rows\n    type: STRING\n    value: "1"\n'
    const reads = (name: string) =>
      `  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ outputs.call.outputs.${name} }}"\n`
    const before = caller('parent', `    inputs:\n      region: eu\n${reads('rows')}`)
    const after = caller('parent', `    inputs:\n      day: "2026-01-31"\n${reads('count')}`)
    stage = await reviewStage(
      { [CHILD_FILE]: child, [`${NS}/flows/parent.yml`]: before },
      { [`${NS}/flows/parent.yml`]: after },
      {
        flows: [
          { namespace: NS, id: 'child', source: child },
          { namespace: NS, id: 'parent', source: before }
        ]
      }
    )
    const { result, comment } = await planPullRequest(stage)
    expect(result.exitCode).toBe(1)
    const about = result.annotations.filter((a) => a.file === `${NS}/flows/parent.yml`)
    expect(about.map((a) => [a.severity, a.line, a.message.slice(0, 48)])).toEqual([
      ['error', 4, 'Subflow call does not pass required input region'],
      ['error', 12, 'Reads output count of company.team.child, which ']
    ])
    expect(comment).toContain('does not pass required input region')
  })

  it('an output the called flow no longer declares: an error on the repository caller’s line, a warning naming the server-only caller; a guarded read passes', async () => {
    const child = (name: string) =>
      CHILD_V1 + `outputs:\n  - id: ${name}\n    type: STRING\n    value: "1"\n`
    const reading = (id: string, read: string) =>
      caller(id, `  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: "${read}"\n`)
    const parent = reading('parent', '{{ outputs.call.outputs.rows }}')
    const guarded = reading('guarded', "{{ outputs.call.outputs.rows ?? 'none' }}")
    const legacy = reading('legacy', '{{ outputs.call.outputs.rows }}')
    stage = await reviewStage(
      {
        [CHILD_FILE]: child('rows'),
        [`${NS}/flows/parent.yml`]: parent,
        [`${NS}/flows/guarded.yml`]: guarded
      },
      { [CHILD_FILE]: child('count') },
      {
        flows: [
          { namespace: NS, id: 'child', source: child('rows') },
          { namespace: NS, id: 'parent', source: parent },
          { namespace: NS, id: 'guarded', source: guarded },
          { namespace: NS, id: 'legacy', source: legacy }
        ]
      }
    )
    const { result, comment } = await planPullRequest(stage)
    expect(result.exitCode).toBe(1)
    const contract = result.annotations.filter((a) => a.message.includes('output rows'))
    expect(contract.map((a) => [a.severity, a.file, a.line])).toEqual([
      ['warning', CHILD_FILE, 11],
      ['error', `${NS}/flows/parent.yml`, 10]
    ])
    expect(contract[0]!.message).toMatch(
      /^company\.team\.legacy \(server only\): a task reads output rows/
    )
    expect(comment).toMatch(/company\.team\.parent \(Subflow\)[^\n]*reads output rows/)
  })

  it('with namespace-prefix, the calls are checked on the names as sent: the caller’s error stands', async () => {
    const sent = (text: string) => text.replaceAll(`namespace: ${NS}`, `namespace: qa.${NS}`)
    stage = await reviewStage(
      { [CHILD_FILE]: CHILD_V1, [`${NS}/flows/parent.yml`]: caller('parent') },
      { [CHILD_FILE]: CHILD_V2 },
      {
        flows: [
          { namespace: `qa.${NS}`, id: 'child', source: sent(CHILD_V1) },
          { namespace: `qa.${NS}`, id: 'parent', source: sent(caller('parent')) }
        ]
      }
    )
    const { result, comment } = await planPullRequest(stage, { 'namespace-prefix': 'qa' })
    expect(result.exitCode, result.stdout).toBe(1)
    expect(result.annotations).toContainEqual(parentMissesRegion())
    expect(comment).toMatch(/qa\.company\.team\.parent \(Subflow\)[^\n]*region/)
  })
})
