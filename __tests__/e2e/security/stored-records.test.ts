/**
 * Records of another version (docs/guarantees.md#records-of-another-version), through the bundled action: a
 * commit marker this version cannot read (a newer format, cut short, garbage, a forged shape) never lets an older
 * commit be deployed over the newer one it names: the deploy is refused by name before any write, and the entry is
 * left as it is. A marker an earlier version wrote is still read (the older commit is refused as out of order). A
 * rollback record this version cannot read is refused the same way.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { runAction } from '../../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, flow } from '../../../test-support/scenario.js'
import {
  failureText,
  startStage,
  writesIn,
  WRITE_ROUTES,
  type Stage
} from '../reliability/stage.js'

const NS = 'company.team'
const MARKER = 'kestra-gitops-commit'
const ROLLBACK = 'kestra-gitops-rollback'
const REPOSITORY = 'octo/kestra-repo'

let stage: Stage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

/** The server as a deploy of the newer commit left it: flow `a` at v2, and `marker` in its namespace's KV. */
async function deployedNewer(marker: (head: string) => unknown) {
  const started = await startStage({
    base: { [`${NS}/flows/a.yml`]: flow(NS, 'a') },
    change: { [`${NS}/flows/a.yml`]: flow(NS, 'a', ' v2') },
    seedFromBase: false,
    seed: { flows: [{ namespace: NS, id: 'a', source: flow(NS, 'a', ' v2') }] }
  })
  started.kestra.seed({ kv: [{ namespace: NS, key: MARKER, value: marker(started.head) }] })
  return started
}

/** `workflow_dispatch` of the older commit, the base, checked out as actions/checkout does. */
function dispatchOlder(s: Stage) {
  s.repo.git('checkout', '-q', s.base)
  return runAction({
    ...dispatchEvent(s.repo, s.base),
    githubApiUrl: s.github.url,
    timeoutMs: 90_000,
    inputs: { server: s.kestra.url, ...CREDENTIALS }
  })
}

function kvValue(s: Stage, key: string): unknown {
  return s.kestra.snapshot().kv.find((entry) => entry.namespace === NS && entry.key === key)?.value
}

describe('a commit marker this version cannot read', () => {
  it.each([
    {
      what: 'a newer format',
      marker: (head: string) => ({ version: 2, commit: head, repository: REPOSITORY }),
      why: 'commit marker v2: unsupported'
    },
    {
      what: 'a value cut short',
      marker: (head: string) => `{"commit":"${head}","reposi`,
      why: 'commit marker: not JSON'
    },
    { what: 'garbage', marker: () => 'deployed: yes', why: 'commit marker: not JSON' },
    {
      what: 'a forged shape',
      marker: (head: string) => ({ commit: [head], repository: REPOSITORY }),
      why: 'commit marker: commit is not what this action writes'
    }
  ])(
    'in $what: the older commit is refused by name before any write, and the entry is left as it is',
    async ({ marker, why }) => {
      stage = await deployedNewer(marker)
      const before = kvValue(stage, MARKER)
      const mark = stage.kestra.requests.length
      const result = await dispatchOlder(stage)
      expect(result.exitCode, result.stdout).toBe(1)
      expect(failureText(result)).toContain(
        `Nothing was deployed: the KV entry ${MARKER} of namespace ${NS} is not a deployed-commit marker this version of kestra-gitops-action can read:\n- ${NS}: ${why}\n`
      )
      expect(result.outputs.deployed).toBe('false')
      expect(writesIn(stage.since(mark), WRITE_ROUTES)).toEqual([])
      expect(kvValue(stage, MARKER)).toEqual(before)
      expect(stage.kestra.snapshot().flows.find((f) => f.id === 'a')!.source).toBe(
        flow(NS, 'a', ' v2')
      )
    }
  )

  it('one an earlier version wrote (format 1, its old seal) is read: the older commit is refused as out of order', async () => {
    stage = await deployedNewer((head) => ({
      commit: head,
      repository: REPOSITORY,
      seal: `hmac-sha256:${'1'.repeat(64)}:${'1'.repeat(64)}`
    }))
    const mark = stage.kestra.requests.length
    const result = await dispatchOlder(stage)
    expect(result.exitCode, result.stdout).toBe(0)
    expect(result.stdout).toContain(
      `is older than ${stage.head.slice(0, 12)} already deployed to namespace ${NS}`
    )
    expect(writesIn(stage.since(mark), WRITE_ROUTES)).toEqual([])
  })
})

describe('a rollback record this version cannot read', () => {
  it('is refused by name before any write, and left as it is', async () => {
    stage = await startStage({
      base: { [`${NS}/flows/a.yml`]: flow(NS, 'a') },
      change: { [`${NS}/flows/a.yml`]: flow(NS, 'a', ' v2') }
    })
    const record = { format: 'kestra-gitops-rollback/2', repository: REPOSITORY, resources: [] }
    stage.kestra.seed({ kv: [{ namespace: NS, key: ROLLBACK, value: record }] })
    const mark = stage.kestra.requests.length
    const result = await stage.deploy()
    expect(result.exitCode, result.stdout).toBe(1)
    expect(failureText(result)).toContain(
      `Nothing was deployed: the KV entry ${ROLLBACK} is not a rollback record this version of kestra-gitops-action can read:\n- ${NS}: rollback record kestra-gitops-rollback/2: unsupported\n`
    )
    expect(writesIn(stage.since(mark), WRITE_ROUTES)).toEqual([])
    expect(kvValue(stage, ROLLBACK)).toEqual(record)
  })
})
