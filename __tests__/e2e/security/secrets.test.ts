/**
 * Issues 8.3 and 15: with recognisable credentials, every scenario — success, faults, refused credentials,
 * broken GitHub, debug logging, a server whose error messages and validation verdicts echo the credentials —
 * is scanned for every form of them: stdout, stderr, annotations, summary, outputs, the plan file and every
 * other file under RUNNER_TEMP, comment bodies, both servers' request logs. Only the runner's
 * `::add-mask::` lines may hold them.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { runAction, type RunResult } from '../../../test-support/runner.js'
import { actionSurfaces } from '../output-surfaces.js'
import { dispatchEvent, pullRequestEvent } from '../../../test-support/scenario.js'
import { matrixCell, printMatrix } from '../reliability/matrix.js'
import { BASE, CHANGE } from '../reliability/scenario.js'
import { startStage, type Stage } from '../reliability/stage.js'

const USERNAME = 'leak-user@example.com'
/** `$`, `+` and `=` make its URL-encoded form differ from it. */
const PASSWORD = 'Leak$Pa55+word=XYZ'
const API_TOKEN = 'tok/LEAK+123456='
const GITHUB_TOKEN = 'ghs_LEAKgithub0987654321'
const BASIC = { username: USERNAME, password: PASSWORD }

const BASIC_VALUE = Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')
const base64 = (text: string) => Buffer.from(text).toString('base64').replace(/=+$/, '')

/** Every form a credential could leak in. */
const SECRETS: Record<string, string> = {
  password: PASSWORD,
  'api-token': API_TOKEN,
  'github-token': GITHUB_TOKEN,
  'base64(user:password)': BASIC_VALUE,
  'base64(user:wrong)': Buffer.from(`${USERNAME}:wrong-${PASSWORD}`).toString('base64'),
  'base64(password)': base64(PASSWORD),
  'base64(api-token)': base64(API_TOKEN),
  'urlencoded(password)': encodeURIComponent(PASSWORD),
  'urlencoded(api-token)': encodeURIComponent(API_TOKEN),
  'urlencoded(base64(user:password))': encodeURIComponent(BASIC_VALUE)
}

/** A verdict per flow whose warnings repeat the credentials it was sent, as a hostile validation answer could. */
/** One verdict per flow of the real answer, each echoing the credentials in a warning. */
const echoingVerdicts = (_sent: unknown, answer: unknown) =>
  (answer as unknown[]).map((_, index) => ({
    index,
    outdated: false,
    warnings: [
      `password ${PASSWORD} / ${encodeURIComponent(PASSWORD)} / ${base64(PASSWORD)}; header Basic ${BASIC_VALUE} / ${encodeURIComponent(BASIC_VALUE)}`
    ]
  }))

/** The merged pull request #7 of the pushed commit, with the sticky comment a deploy adds its section to. */
function mergedPullRequest(stage: Stage): void {
  stage.github.setCommitPulls(stage.head, [
    { number: 7, merged_at: '2026-11-22T10:00:00Z', merge_commit_sha: stage.head }
  ])
  stage.github.seedComments(7, [{ body: '<!-- kestra-gitops:default -->\nKestra plan' }])
}

interface Scenario {
  name: string
  run(stage: Stage, credentials: Record<string, string>): Promise<RunResult>
  /** Exit code the scenario must end with (so each one really went down its path). */
  exitCode: 0 | 1
  /** Something the run must have said, proving it took that path. */
  said?: RegExp
  /** Where the server's text, credentials redacted (`***`, maybe escaped for Markdown), must have arrived. */
  redactedIn?: string[]
}

const credentials = {
  ...BASIC,
  'github-token': GITHUB_TOKEN
}

const SCENARIOS: Scenario[] = [
  { name: 'plan', run: (s, c) => s.plan(c), exitCode: 0, said: /Pull-request comment created/ },
  { name: 'deploy', run: (s, c) => s.deploy(c), exitCode: 0, said: /Deployed: 7 resource/ },
  {
    name: 'deploy with api-token',
    run: (s, c) => s.deploy({ ...c, 'api-token': API_TOKEN }),
    exitCode: 0,
    said: /Deployed: 7 resource/
  },
  {
    name: 'deploy with debug logging',
    run: (s, c) =>
      runAction({
        ...dispatchEvent(s.repo, s.head),
        githubApiUrl: s.github.url,
        env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' },
        inputs: { server: s.kestra.url, ...c }
      }),
    exitCode: 0,
    said: /Deployed: 7 resource/
  },
  {
    name: 'wrong password (401)',
    run: (s, c) => s.plan({ ...c, password: `wrong-${PASSWORD}` }),
    exitCode: 1,
    said: /Kestra answered 401 .*check the username\/password or api-token inputs/
  },
  {
    name: 'wrong api-token (401)',
    run: (s, c) => s.deploy({ ...c, 'api-token': `${API_TOKEN}-revoked` }),
    exitCode: 1,
    said: /Kestra answered 401 .*check the username\/password or api-token inputs/
  },
  {
    name: 'retried faults, failed write',
    run: (s, c) => {
      s.kestra.inject({ route: 'flows.list', status: 503, times: 1 })
      s.kestra.inject({ route: 'flows.validate', reset: true })
      s.kestra.inject({ route: 'flows.create', status: 500, times: 8, body: { message: 'boom' } })
      return s.deploy(c)
    },
    exitCode: 1,
    said: /Deploy incomplete/
  },
  {
    name: 'a read refused with the credentials echoed',
    run: (s, c) => {
      s.kestra.inject({ route: 'flows.list', status: 403, echoCredentials: true })
      return s.plan(c)
    },
    exitCode: 1,
    said: /Kestra answered 403 .*refused Authorization 'Basic \*\*\*' for leak-user@example\.com:\*\*\*/,
    redactedIn: ['annotations']
  },
  {
    name: 'a failed write echoes the credentials into the deployed comment',
    run: (s, c) => {
      mergedPullRequest(s)
      s.kestra.inject({ route: 'flows.update', status: 500, times: 8, echoCredentials: true })
      return s.deploy(c)
    },
    exitCode: 1,
    said: /failed: .*refused Authorization 'Basic \*\*\*'[\s\S]*Deploy incomplete/,
    redactedIn: ['annotations', 'summary', 'comments']
  },
  {
    name: 'a failed write echoes the api-token',
    run: (s, c) => {
      mergedPullRequest(s)
      s.kestra.inject({ route: 'flows.create', status: 500, times: 8, echoCredentials: true })
      return s.deploy({ ...c, 'api-token': API_TOKEN })
    },
    exitCode: 1,
    said: /failed: .*refused Authorization 'Bearer \*\*\*' for \*\*\* \(\*\*\*\)/,
    redactedIn: ['annotations', 'summary', 'comments']
  },
  {
    name: 'validation verdicts echo the credentials',
    run: (s, c) => {
      s.kestra.inject({
        route: 'flows.validate',
        afterHandling: true,
        status: 200,
        bodyFrom: echoingVerdicts
      })
      return s.plan(c)
    },
    exitCode: 0,
    said: /::warning .*::Kestra warns: password \*\*\* \/ \*\*\* \/ \*\*\*; header Basic \*\*\* \/ \*\*\*/,
    redactedIn: ['annotations', 'summary', 'comments', 'plan file']
  },
  {
    // A cut of the answer before redaction could leave part of a credential: it is kept whole until shown.
    name: 'an unreadable validation answer echoes the credentials across its first 200 characters',
    run: (s, c) => {
      s.kestra.inject({
        route: 'flows.validate',
        status: 200,
        body: `<html><body>${'x'.repeat(180)} password ${PASSWORD}; header Basic ${BASIC_VALUE}</body></html>`
      })
      return s.plan(c)
    },
    exitCode: 1,
    said: /::error .*::Kestra could not validate this flow: the server's validation answer could not be read \(it is not JSON\); .*The answer: .*password \*\*\*; header Basic \*\*\*/,
    redactedIn: ['annotations', 'summary', 'comments', 'plan file']
  },
  {
    name: 'Kestra unreachable',
    run: (s, c) => s.plan({ ...c, server: 'http://127.0.0.1:9', 'timeout-seconds': '1' }),
    exitCode: 1,
    said: /Kestra did not answer/
  },
  {
    name: 'GitHub fails the comment (422)',
    run: (s, c) => {
      s.github.failNext({
        method: 'POST',
        path: /\/comments$/,
        status: 422,
        body: { message: 'Validation Failed' }
      })
      return s.plan(c)
    },
    exitCode: 1,
    said: /GitHub API: writing the comment on #7 failed \(HTTP 422\)/
  },
  {
    name: 'GitHub refuses the token (401)',
    run: (s, c) => {
      // Every read of the comments: the one as the run begins, and the one before the write.
      s.github.failNext({
        method: 'GET',
        path: /\/comments$/,
        status: 401,
        body: { message: 'Bad credentials' },
        times: 2
      })
      return s.plan(c)
    },
    exitCode: 1,
    said: /Bad credentials/
  },
  {
    name: 'credentials pasted into the server URL',
    run: (s, c) =>
      s.plan({ ...c, server: s.kestra.url.replace('http://', `http://${USERNAME}:${PASSWORD}@`) }),
    exitCode: 1,
    said: /do not put credentials in the URL/
  },
  {
    name: 'credentials pasted into a scheme-less server URL',
    run: (s, c) =>
      s.plan({ ...c, server: `${USERNAME}:${PASSWORD}@${s.kestra.url.slice('http://'.length)}` }),
    exitCode: 1,
    said: /Input 'server'/
  },
  {
    name: 'shallow clone: files read through GitHub',
    run: (s, c) =>
      runAction({
        ...pullRequestEvent(s.repo, 'c'.repeat(40), s.head),
        githubApiUrl: s.github.url,
        inputs: { server: s.kestra.url, ...c }
      }),
    exitCode: 0,
    said: /Every file counts as changed/
  }
]

afterAll(() => {
  console.log(
    printMatrix(
      'Secrets: zero hits per scenario',
      'scenario',
      SCENARIOS.map((s) => s.name),
      ['leak scan']
    )
  )
})

describe.concurrent('no credential leaks', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const stage = await startStage({
        base: BASE,
        change: CHANGE,
        emulator: { basicAuth: BASIC, tokens: [API_TOKEN] }
      })
      try {
        await matrixCell(scenario.name, 'leak scan', '0 hits', async () => {
          const result = await scenario.run(stage, credentials)
          expect(result.exitCode, result.stdout).toBe(scenario.exitCode)
          if (scenario.said) expect(result.stdout).toMatch(scenario.said)
          const where = surfaces(stage, result)
          expect(leaks(where)).toEqual([])
          for (const surface of scenario.redactedIn ?? []) {
            expect(where[surface], surface).toMatch(/(\\?\*|&#42;){3}/)
          }
        })
      } finally {
        await stage.close()
      }
    })
  }
})

/** Everything a credential could end up in, by name. */
function surfaces(stage: Stage, result: RunResult): Record<string, string> {
  return {
    ...actionSurfaces(result, stage.github),
    'GitHub request log': JSON.stringify(stage.github.requests),
    'Kestra request log': JSON.stringify(stage.kestra.requests),
    'Kestra state': JSON.stringify(stage.kestra.snapshot())
  }
}

function leaks(where: Record<string, string>): string[] {
  const hits: string[] = []
  for (const [surface, text] of Object.entries(where)) {
    for (const [name, secret] of Object.entries(SECRETS)) {
      if (text.includes(secret)) hits.push(`${name} in ${surface}`)
    }
  }
  return hits
}

describe('the leak scan itself', () => {
  it('finds each form of each credential', () => {
    const text = Object.values(SECRETS).join(' ')
    expect(leaks({ text })).toHaveLength(Object.keys(SECRETS).length)
    expect(leaks({ stdout: `::add-mask::${PASSWORD}` })).toEqual(['password in stdout'])
  })

  it('ignores only the add-mask lines the runner needs', async () => {
    const stage = await startStage({ base: BASE, change: {} })
    try {
      const result = await stage.plan(credentials)
      expect(result.masked).toEqual(
        expect.arrayContaining([PASSWORD, GITHUB_TOKEN, SECRETS['base64(user:password)']])
      )
      expect(leaks(surfaces(stage, result))).toEqual([])
    } finally {
      await stage.close()
    }
  })
})
