/**
 * Deploy guarantees (docs/guarantees.md) through the bundled action as the runner runs it: a trickling
 * answer is a timeout, an edit made on the server while the files upload is a conflict and survives, two
 * overlapping runs of one commit both succeed with one revision per flow, and a flow is never written
 * without the file it reads.
 */
import { describe, expect, it } from 'vitest'
import { runAction } from '../../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, flow } from '../../../test-support/scenario.js'
import { BASE, CHANGE, DATA, TEAM } from './scenario.js'
import { failureText, serverDiff, startStage, writesIn, type Stage } from './stage.js'

async function withStage<T>(
  options: Parameters<typeof startStage>[0],
  test: (stage: Stage) => Promise<T>
): Promise<T> {
  const stage = await startStage(options)
  try {
    return await test(stage)
  } finally {
    await stage.close()
  }
}

describe.concurrent('trust', () => {
  it('times out an answer that trickles, retries it, then fails naming the request', async () => {
    await withStage({ base: BASE, change: CHANGE }, async (stage) => {
      const path = `/api/v1/main/flows/${TEAM}`
      stage.kestra.inject({ path, method: 'GET', status: 200, trickleMs: 200, times: 4 })
      const result = await stage.deploy({ 'timeout-seconds': '1' })

      expect(result.exitCode, result.stdout).toBe(1)
      expect(failureText(result)).toMatch(
        new RegExp(`Nothing was deployed: Kestra did not answer GET ${path}: timed out after 1 s`)
      )
      expect(
        result.stdout.match(new RegExp(`retrying GET ${path} \\(timeout\\)`, 'g'))
      ).toHaveLength(3)
      // Four attempts, each answered with headers at once: the deadline covered the body too.
      const attempts = stage.kestra.requests.filter((r) => r.method === 'GET' && r.path === path)
      expect(attempts).toHaveLength(4)
      expect(attempts.every((r) => r.status === 200)).toBe(true)
      expect(writesIn(stage.kestra.requests)).toEqual([])
    })
  })

  it('reports a flow edited on the server while the files upload as a conflict, and keeps the edit', async () => {
    await withStage({ base: BASE, change: CHANGE }, async (stage) => {
      const edited = flow(TEAM, 'alpha', ' edited in the UI')
      let edits = 0
      stage.kestra.onRequest((request) => {
        if (request.route === 'namespaces.files.upload' && edits++ === 0) {
          stage.kestra.seed({ flows: [{ namespace: TEAM, id: 'alpha', source: edited }] })
        }
      })
      const result = await stage.deploy()

      expect(result.exitCode, result.stdout).toBe(1)
      expect(edits).toBeGreaterThan(0)
      expect(result.stdout).toContain(
        `flow ${TEAM}.alpha: conflict: flow ${TEAM}.alpha changed on the server after the plan (revision 1 → 2)`
      )
      expect(failureText(result)).toMatch(
        new RegExp(
          `Deploy incomplete: 1 resource\\(s\\) not applied[\\s\\S]*conflict: flow:${TEAM}/alpha`
        )
      )
      const alpha = stage.kestra.flowRevisions(TEAM, 'alpha')
      expect(alpha.map((r) => r.source)).toEqual([flow(TEAM, 'alpha'), edited])
      // Everything else went through (`gone` is kept: delete is false).
      expect(serverDiff(stage.kestra, stage.tree)).toEqual([
        `flow ${TEAM}.alpha differs on the server`,
        `flow ${TEAM}.gone on the server, not in the repository`
      ])
    })
  })

  it('lets two overlapping runs of one commit both succeed, with one revision per flow', async () => {
    await withStage({ base: BASE, change: CHANGE }, async (stage) => {
      // Both runs plan, then their uploads are held until both are uploading: they race on every write.
      let release!: () => void
      const released = new Promise<void>((resolve) => (release = resolve))
      const uploadsOfBoth = 2 * 3
      stage.kestra.inject({
        route: 'namespaces.files.upload',
        holdUntil: released,
        times: uploadsOfBoth
      })
      const waiting = setInterval(() => {
        const uploads = stage.kestra.requests.filter((r) => r.route === 'namespaces.files.upload')
        if (uploads.length >= uploadsOfBoth) release()
      }, 20)
      const inputs = { server: stage.kestra.url, ...CREDENTIALS, delete: 'true' }
      const [push, rerun] = await Promise.all([
        stage.deploy({ delete: 'true' }),
        runAction({ ...dispatchEvent(stage.repo, stage.head), timeoutMs: 90_000, inputs })
      ]).finally(() => clearInterval(waiting))

      expect(push.exitCode, push.stdout).toBe(0)
      expect(rerun.exitCode, rerun.stdout).toBe(0)
      expect(`${push.stdout}\n${rerun.stdout}`).toMatch(
        /: unchanged( \(revision \d+\))?: the server already holds what this deploy wants/
      )
      expect(serverDiff(stage.kestra, stage.tree)).toEqual([])
      const revisions = (namespace: string, id: string) =>
        stage.kestra.flowRevisions(namespace, id).length
      expect({
        alpha: revisions(TEAM, 'alpha'),
        gamma: revisions(TEAM, 'gamma'),
        gone: revisions(TEAM, 'gone'),
        beta: revisions(TEAM, 'beta'),
        load: revisions(DATA, 'load'),
        extra: revisions(DATA, 'extra')
      }).toEqual({ alpha: 2, gamma: 1, gone: 2, beta: 1, load: 2, extra: 1 })
    })
  })

  it('does not write a flow whose file failed to upload: skipped, naming the file', async () => {
    const reader = `${flow(TEAM, 'reader')}  - id: script\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ read('scripts/etl.py') }}"\n`
    const base = {
      [`${TEAM}/flows/alpha.yml`]: flow(TEAM, 'alpha'),
      [`${TEAM}/files/scripts/etl.py`]: 'print("etl v1")\n'
    }
    const change = {
      [`${TEAM}/flows/alpha.yml`]: flow(TEAM, 'alpha', ' v2'),
      [`${TEAM}/flows/reader.yml`]: reader,
      [`${TEAM}/files/scripts/etl.py`]: 'print("etl v2")\n'
    }
    await withStage({ base, change }, async (stage) => {
      stage.kestra.inject({
        route: 'namespaces.files.upload',
        status: 413,
        body: { message: 'Request Entity Too Large' }
      })
      const result = await stage.deploy()

      expect(result.exitCode, result.stdout).toBe(1)
      const why = `not written: it reads namespace file ${TEAM}:/scripts/etl.py (failed), which this deploy did not upload`
      expect(result.stdout).toContain(`flow ${TEAM}.reader: skipped: ${why}`)
      expect(failureText(result)).toContain(`skipped: flow:${TEAM}/reader — ${why}`)
      expect(result.summary).toMatch(new RegExp(`\\| ${TEAM}\\.reader \\| flow \\| skipped \\|`))
      expect(result.outputs).toMatchObject({ created: '0', updated: '1', deployed: 'true' })
      expect(stage.kestra.flowRevisions(TEAM, 'reader')).toEqual([])
      expect(stage.kestra.flowRevisions(TEAM, 'alpha')).toHaveLength(2)
    })
  })
})
