/**
 * A `root` that a symbolic link takes out of the workspace, through the bundled action and CLI
 * (docs/inputs.md#reading-inputs): the run stops with an error naming the link before anything under it is
 * read (files opened and folders listed, counted at Node's built-ins inside the bundle), printed (comment,
 * summary, plan file, log) or written to Kestra. The CLI's `--root` is held to it over link placements.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { writeFiles } from '../../../test-support/file-tree.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import {
  buildLinkPlacement,
  linkPlacements,
  OUTSIDE_FLOW
} from '../../../test-support/link-placements.js'
import { runAction } from '../../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent, pushEvent } from '../../../test-support/scenario.js'
import { runCli } from '../cli/run-cli.js'

const COUNTER = resolve(__dirname, '../../../test-support/read-counter.mjs')
const MARKER = 'OUTSIDE-MARKER-7f3a'
const REFUSAL =
  /'kestra' is a symbolic link that is never followed: it leads outside the workspace\. Nothing under it is read/

describe('the action with root linked out of the workspace', () => {
  let kestra: Emulator
  let github: FakeGitHub
  let repo: GitRepo
  let outside: string
  let base: string
  let head: string

  beforeAll(async () => {
    // Another checkout on the same runner, which a fork's link points at.
    outside = mkdtempSync(join(tmpdir(), 'kga-other-repo-'))
    writeFiles(outside, { 'team/flows/secret.yml': OUTSIDE_FLOW })
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    github = await startFakeGitHub()
    repo = createGitRepo({ 'README.md': 'readme\n' })
    base = repo.head()
    kestra.seed({ flows: [{ namespace: 'team', id: 'hello', source: flow('team', 'hello') }] })
    head = repo.commit({ kestra: { symlink: outside } })
  })
  afterAll(async () => {
    await kestra?.close()
    await github?.close()
  })

  it.each(['plan', 'deploy'] as const)(
    'on %s: an error naming the link; nothing under it read, printed or written',
    async (mode) => {
      const log = join(mkdtempSync(join(tmpdir(), 'kga-reads-')), 'reads.json')
      const requests = kestra.requests.length
      const event =
        mode === 'plan' ? pullRequestEvent(repo, base, head) : pushEvent(repo, base, head)
      const result = await runAction({
        ...event,
        githubApiUrl: github.url,
        env: { NODE_OPTIONS: `--import ${COUNTER}`, KGA_READ_LOG: log },
        inputs: { server: kestra.url, ...CREDENTIALS, root: 'kestra' }
      })
      expect(result.exitCode).toBe(1)
      const errors = result.annotations.filter((a) => a.severity === 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0]!.message).toMatch(new RegExp(`^Input 'root': ${REFUSAL.source}`))
      expect(result.everything).not.toContain(MARKER)
      expect(result.everything).not.toContain(outside)
      expect(result.summary).toBe('')
      expect(result.outputs['plan-file']).toBeUndefined()
      expect(github.comments(7)).toEqual([])
      expect(kestra.requests.slice(requests)).toEqual([])
      const reads = JSON.parse(readFileSync(log, 'utf8')) as Record<string, string[]>
      const underRoot = [...reads.files!, ...reads.listings!].filter((read) =>
        / \/kestra(\/|$)/.test(read)
      )
      expect(underRoot).toEqual([])
    }
  )
})

describe('the CLI with --root through a link', () => {
  it('refuses every placement that leaves the workspace, naming the link, and reads the rest', async () => {
    await fc.assert(
      fc.asyncProperty(linkPlacements, async (placement) => {
        const built = buildLinkPlacement(placement)
        try {
          const result = await runCli(built.workspace, ['validate', '--root', built.root])
          const text = result.stdout + result.stderr
          expect(text).not.toContain(MARKER)
          if (!built.escapes) {
            expect(result.exitCode, text).toBe(0)
            return
          }
          expect(result.exitCode, text).toBe(1)
          expect(text).toContain(`'${built.link}' is a symbolic link`)
          expect(text).toContain("Input 'root'")
        } finally {
          built.done()
        }
      }),
      { numRuns: 12 }
    )
  })
})
