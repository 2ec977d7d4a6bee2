/**
 * Issue 8.3: with recognisable credentials, every scenario — success, faults, refused credentials, broken
 * GitHub, debug logging — is scanned for them: stdout, stderr, annotations, summary, outputs, the plan file,
 * comment bodies, both servers' request logs. Only the runner's `::add-mask::` lines may hold them.
 */
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { runAction, type RunResult } from '../../test-support/runner.js'
import { dispatchEvent, pullRequestEvent } from '../../test-support/scenario.js'
import { matrixCell, printMatrix } from '../reliability/matrix.js'
import { BASE, CHANGE } from '../reliability/scenario.js'
import { startStage, type Stage } from '../reliability/stage.js'

const USERNAME = 'leak-user@example.com'
const PASSWORD = 'Leak-Pa55word-XYZ'
const API_TOKEN = 'tok_LEAK_123456'
const GITHUB_TOKEN = 'ghs_LEAKgithub0987654321'
const BASIC = { username: USERNAME, password: PASSWORD }

/** Every form a credential could leak in. */
const SECRETS: Record<string, string> = {
  password: PASSWORD,
  'api-token': API_TOKEN,
  'github-token': GITHUB_TOKEN,
  'base64(user:password)': Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64'),
  'base64(user:wrong)': Buffer.from(`${USERNAME}:wrong-${PASSWORD}`).toString('base64'),
  'base64(password)': Buffer.from(PASSWORD).toString('base64').replace(/=+$/, '')
}

interface Scenario {
  name: string
  run(stage: Stage, credentials: Record<string, string>): Promise<RunResult>
  /** Exit code the scenario must end with (so each one really went down its path). */
  exitCode: 0 | 1
  /** Something the run must have said, proving it took that path. */
  said?: RegExp
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
      s.github.failNext({
        method: 'GET',
        path: /\/comments$/,
        status: 401,
        body: { message: 'Bad credentials' }
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
      'Secrets (issue 8.3): zero hits per scenario',
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
          expect(leaks(surfaces(stage, result))).toEqual([])
        })
      } finally {
        await stage.close()
      }
    })
  }
})

/** Everything a credential could end up in, by name. */
function surfaces(stage: Stage, result: RunResult): Record<string, string> {
  const visible = (text: string) =>
    text
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
  const planFile = result.outputs['plan-file']
  return {
    stdout: visible(result.stdout),
    stderr: visible(result.stderr),
    annotations: JSON.stringify(result.annotations),
    summary: result.summary,
    outputs: JSON.stringify(result.outputs),
    'plan file': planFile && existsSync(planFile) ? readFileSync(planFile, 'utf8') : '',
    comments: JSON.stringify([...stage.github.state.comments.values()]),
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
