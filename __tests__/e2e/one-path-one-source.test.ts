/**
 * docs/layouts.md#one-path-one-source: a namespace file (namespace and path) that two repository files place is
 * an error naming both when their bytes differ, a notice when they are equal; a folder under `files/` that
 * `auto` does not read for its name is a warning naming it. Every pair of places that can hold the same file,
 * through the bundled action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import type { Annotation } from '../../test-support/runner.js'
import { runAction } from '../../test-support/runner.js'
import {
  CREDENTIALS,
  flow,
  pullRequestEvent,
  pushEvent,
  validateFiles
} from '../../test-support/scenario.js'

const TEAM = 'company.team'

interface Pair {
  name: string
  files: Record<string, string>
  inputs?: Record<string, string>
  /** The two repository files, in path order, and the namespace file they both place. */
  first: string
  second: string
  placed: string
}

/** Each pair of places that can hold one namespace file, with the content of each given by the test. */
function pairs(firstText: string, secondText: string): Pair[] {
  return [
    {
      name: "the tenant tree's <namespace>/files/ and a root files/<namespace>/ (auto: tenant)",
      files: {
        [`${TEAM}/flows/hello.yml`]: flow(TEAM, 'hello'),
        [`${TEAM}/files/q.sql`]: firstText,
        [`files/${TEAM}/q.sql`]: secondText
      },
      first: `${TEAM}/files/q.sql`,
      second: `files/${TEAM}/q.sql`,
      placed: `${TEAM}:/q.sql`
    },
    {
      name: '<namespace>/files/ at root and kestra/files/<namespace>/ beside kestra/flows/ (auto: anywhere)',
      files: {
        'kestra/flows/hello.yml': flow(TEAM, 'hello'),
        [`${TEAM}/files/sql/q.sql`]: firstText,
        [`kestra/files/${TEAM}/sql/q.sql`]: secondText
      },
      first: `${TEAM}/files/sql/q.sql`,
      second: `kestra/files/${TEAM}/sql/q.sql`,
      placed: `${TEAM}:/sql/q.sql`
    },
    {
      name: "the tenant tree's files/ and a namespace-files line",
      files: {
        [`${TEAM}/flows/hello.yml`]: flow(TEAM, 'hello'),
        [`${TEAM}/files/scripts/run.py`]: firstText,
        'scripts/run.py': secondText
      },
      inputs: { 'namespace-files': `scripts -> ${TEAM}:/scripts` },
      first: `${TEAM}/files/scripts/run.py`,
      second: 'scripts/run.py',
      placed: `${TEAM}:/scripts/run.py`
    },
    {
      name: 'a files/<namespace>/ folder auto found and a namespace-files line for another folder',
      files: {
        'kestra/flows/hello.yml': flow(TEAM, 'hello'),
        [`kestra/files/${TEAM}/q.sql`]: firstText,
        'sql/q.sql': secondText
      },
      inputs: { 'namespace-files': `sql -> ${TEAM}` },
      first: `kestra/files/${TEAM}/q.sql`,
      second: 'sql/q.sql',
      placed: `${TEAM}:/q.sql`
    },
    {
      name: 'two namespace-files lines to one namespace',
      files: {
        'hello.yml': flow(TEAM, 'hello'),
        'a/q.sql': firstText,
        'b/q.sql': secondText
      },
      inputs: { 'namespace-files': `a -> ${TEAM}\nb -> ${TEAM}` },
      first: 'a/q.sql',
      second: 'b/q.sql',
      placed: `${TEAM}:/q.sql`
    },
    {
      name: "the namespace layout's files/ and a namespace-files line",
      files: {
        'flows/hello.yml': flow(TEAM, 'hello'),
        'files/q.sql': firstText,
        'sql/q.sql': secondText
      },
      inputs: { namespace: TEAM, 'namespace-files': `sql -> ${TEAM}` },
      first: 'files/q.sql',
      second: 'sql/q.sql',
      placed: `${TEAM}:/q.sql`
    },
    {
      name: 'a files/<namespace>/ folder at root and one beside the flows',
      files: {
        'kestra/flows/hello.yml': flow(TEAM, 'hello'),
        [`files/${TEAM}/q.sql`]: firstText,
        [`kestra/files/${TEAM}/q.sql`]: secondText
      },
      first: `files/${TEAM}/q.sql`,
      second: `kestra/files/${TEAM}/q.sql`,
      placed: `${TEAM}:/q.sql`
    }
  ]
}

function ofRule(annotations: Annotation[], file: string): Annotation[] {
  return annotations.filter((a) => a.file === file && a.message.includes('found in two places'))
}

describe('one path, one source', () => {
  for (const pair of pairs('select 1\n', 'select 2\n')) {
    it(`different bytes are an error naming both: ${pair.name}`, async () => {
      const result = await validateFiles(pair.files, pair.inputs)
      const log = result.stdout + result.stderr
      expect(result.exitCode, log).toBe(1)
      expect(ofRule(result.annotations, pair.second), log).toEqual([
        expect.objectContaining({
          severity: 'error',
          message: expect.stringContaining(
            `Namespace file ${pair.placed} is found in two places with different content, ${pair.first} and ${pair.second}: only one can be deployed`
          )
        })
      ])
      expect(result.outputs.errors, log).toBe('1')
    })
  }

  for (const pair of pairs('select 1\n', 'select 1\n')) {
    it(`equal bytes are a notice, the first deployed: ${pair.name}`, async () => {
      const result = await validateFiles(pair.files, pair.inputs)
      const log = result.stdout + result.stderr
      expect(result.exitCode, log).toBe(0)
      expect(ofRule(result.annotations, pair.second), log).toEqual([
        expect.objectContaining({
          severity: 'notice',
          message: expect.stringContaining(
            `Namespace file ${pair.placed} is found in two places with the same content, ${pair.first} and ${pair.second}: ${pair.first} is deployed`
          )
        })
      ])
    })
  }
})

describe('files/<name>/ folders auto does not read', () => {
  it('names each one with why: not a namespace, another case, a near miss, not beside the flows', async () => {
    const result = await validateFiles({
      [`${TEAM}/flows/hello.yml`]: flow(TEAM, 'hello'),
      'files/Company.Team/q.sql': 'select 1\n',
      'files/my team/q.sql': 'select 2\n',
      'files/company.tema/q.sql': 'select 3\n',
      [`kestra/files/${TEAM}/q.sql`]: 'select 4\n',
      // Not meant for a namespace: no warning.
      'files/images/logo.svg': '<svg/>\n'
    })
    const log = result.stdout + result.stderr
    expect(result.exitCode, log).toBe(0)
    const warnings = result.annotations
      .filter((a) => a.message.includes('is not read as namespace files'))
      .map((a) => [a.severity, a.file, a.message])
    expect(warnings, log).toEqual([
      [
        'warning',
        'files/Company.Team',
        "'files/Company.Team/' is not read as namespace files: its name is a namespace only in another case (namespaces are lower-case): rename it 'company.team'"
      ],
      [
        'warning',
        'files/company.tema',
        "'files/company.tema/' is not read as namespace files: no flow declares namespace company.tema or a child of it (did you mean 'company.team'?)"
      ],
      [
        'warning',
        'files/my team',
        expect.stringContaining(
          "'files/my team/' is not read as namespace files: its name is not a namespace"
        )
      ],
      [
        'warning',
        `kestra/files/${TEAM}`,
        `'kestra/files/${TEAM}/' is not read as namespace files: no flow beside it declares ${TEAM} or a child of it (it is read at root or beside the folder holding the flows of ${TEAM}): move it there, or map it with a namespace-files line`
      ]
    ])
  })

  it('reads a root <namespace>/files/ when auto chose anywhere, and says so in the first lines', async () => {
    const result = await validateFiles({
      'kestra/flows/hello.yml': flow(TEAM, 'hello'),
      [`${TEAM}/files/q.sql`]: 'select 1\n'
    })
    const log = result.stdout + result.stderr
    expect(result.exitCode, log).toBe(0)
    expect(result.stdout).toContain(
      `Namespace files: '${TEAM}/files/' under root holds the files of ${TEAM} (the <namespace>/files/ folder of its flows`
    )
    expect(result.stdout).toContain(`Checked 1 flow(s) and 1 namespace file(s)`)
  })
})

describe('on a pull request and a push', () => {
  let kestra: Emulator
  let github: FakeGitHub
  beforeAll(async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    github = await startFakeGitHub()
  })
  afterAll(async () => {
    await kestra?.close()
    await github?.close()
  })

  it('stays an error on a pull request that changed either file, and a push deploys neither', async () => {
    const repo = createGitRepo({
      [`${TEAM}/flows/hello.yml`]: flow(TEAM, 'hello'),
      [`files/${TEAM}/q.sql`]: 'select 2\n'
    })
    const base = repo.head()
    // The pull request adds the earlier file (in path order): the finding is on the later one, unchanged.
    const head = repo.commit({ [`${TEAM}/files/q.sql`]: 'select 1\n' })
    const planned = await runAction({
      ...pullRequestEvent(repo, base, head, { number: 21 }),
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS }
    })
    const log = planned.stdout + planned.stderr
    expect(planned.exitCode, log).toBe(1)
    expect(ofRule(planned.annotations, `files/${TEAM}/q.sql`)).toEqual([
      expect.objectContaining({ severity: 'error' })
    ])

    const pushed = await runAction({
      ...pushEvent(repo, base, head),
      githubApiUrl: github.url,
      inputs: { server: kestra.url, ...CREDENTIALS, mode: 'deploy' }
    })
    expect(pushed.exitCode, pushed.stdout + pushed.stderr).toBe(1)
    expect(kestra.snapshot().files).toEqual([])
  })
})
