/**
 * docs/comment.md#what-reviewers-see: on a pull request, findings about files it did not change are folded under one line
 * of the comment and the job summary; the counts stay those of every finding.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction, type RunResult } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent } from '../../test-support/scenario.js'

const NS = 'company.team'
const FOLD = '<details><summary>3 warnings in files this pull request did not change</summary>'

let kestra: Emulator
let github: FakeGitHub
let result: RunResult

beforeAll(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
  const repo = createGitRepo({
    // Errors the pull request did not make: warnings, folded.
    [`${NS}/flows/old1.yml`]: flow('wrong.one', 'old1'),
    [`${NS}/flows/old2.yml`]: flow('wrong.two', 'old2'),
    [`${NS}/flows/old3.yml`]: flow('wrong.three', 'old3'),
    [`${NS}/flows/zed.yml`]: flow(NS, 'zed')
  })
  const base = repo.head()
  const head = repo.commit({ [`${NS}/flows/zed.yml`]: `revision: 2\n${flow(NS, 'zed', '!')}` })
  result = await runAction({
    ...pullRequestEvent(repo, base, head),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS }
  })
}, 120_000)

afterAll(async () => {
  await kestra?.close()
  await github?.close()
})

describe('findings in files the pull request did not change', () => {
  it('are folded under one line below its own, in the comment and the summary', () => {
    expect(result.exitCode, result.stdout).toBe(0)
    const body = github.comments(7)[0]!.body
    const findings = body.slice(body.indexOf('#### Validation findings'))
    const fold = findings.indexOf(FOLD)
    expect(fold, body).toBeGreaterThan(0)
    const own = findings.slice(0, fold)
    const folded = findings.slice(fold, findings.indexOf('</details>'))
    expect(own).toContain(`${NS}/flows/zed.yml:1`)
    for (const file of ['old1', 'old2', 'old3']) {
      expect(own).not.toContain(`${NS}/flows/${file}.yml`)
      expect(folded).toContain(`${NS}/flows/${file}.yml`)
    }
    expect(folded).toContain('| Severity | Location | Message |')
    expect(result.summary).toContain(FOLD)
  })

  it('still count: headline, summary, outputs and plan file agree with the rows', () => {
    const body = github.comments(7)[0]!.body
    const rows = (text: string) => text.split('\n').filter((l) => l.startsWith('| ⚠️ warning |'))
    const total = rows(body).length
    expect(total).toBeGreaterThan(3)
    expect(result.outputs.warnings).toBe(String(total))
    expect(result.outputs.errors).toBe('0')
    expect(body).toContain(`0 errors, ${total} warnings`)
    expect(result.summary).toContain(`0 errors, ${total} warnings`)
    expect(rows(result.summary)).toHaveLength(total)
    const planFile = JSON.parse(readFileSync(result.outputs['plan-file']!, 'utf8')) as {
      findings: unknown[]
    }
    expect(planFile.findings).toHaveLength(total)
  })

  it('are annotated after its own files', () => {
    const files = result.annotations
      .filter((a) => a.severity === 'warning' && a.file)
      .map((a) => a.file)
    const firstOther = files.findIndex((file) => file !== `${NS}/flows/zed.yml`)
    expect(firstOther).toBeGreaterThan(0)
    expect(files.slice(firstOther)).toEqual([
      `${NS}/flows/old1.yml`,
      `${NS}/flows/old2.yml`,
      `${NS}/flows/old3.yml`
    ])
  })
})
