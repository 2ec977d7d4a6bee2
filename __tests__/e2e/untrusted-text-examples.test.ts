/**
 * The cases that once broke (docs/security.md), kept as examples beside the properties that cover their
 * neighbours: credentials a server echoes in forms a reader decodes at once, server text that tried to command
 * the runner, and a 30 MB server warning.
 */
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { credentialLeaks } from '../../test-support/credential-leaks.js'
import { validationWarning } from '../../test-support/echo-faults.js'
import { foreignCommands, readRunnerCommands } from '../../test-support/workflow-commands.js'
import { runCli } from './cli/run-cli.js'
import { BASE, CHANGE, TEAM } from './reliability/scenario.js'
import { startStage, type Stage } from './reliability/stage.js'
import { actionSurfaces } from './output-surfaces.js'

const USERNAME = 'admin@example.com'
const PASSWORD = 'Tr0ub4dor&3'
const GITHUB_TOKEN = 'ghs_Echoed0123456789abcdef'
const API_TOKEN = 'kestra-api-Token-0987'
const BASIC_VALUE = Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')

const stages: Stage[] = []
afterEach(async () => {
  for (const stage of stages.splice(0)) await stage.close()
})

async function stage(): Promise<Stage> {
  const started = await startStage({
    base: BASE,
    change: CHANGE,
    emulator: { basicAuth: { username: USERNAME, password: PASSWORD }, tokens: [API_TOKEN] }
  })
  stages.push(started)
  return started
}

/** Validation verdicts that carry `warning` for every flow, as a proxy or server might. */
function verdictsSaying(s: Stage, warning: string): void {
  s.kestra.inject(validationWarning(() => warning))
}

function leaksOf(surfaces: Record<string, string>, credential: string): string[] {
  return Object.entries(surfaces).flatMap(([where, text]) =>
    credentialLeaks(text, credential).map((found) => `${where}: ${found}`)
  )
}

describe('credentials a server echoes', () => {
  it('Go-escaped (\\u0026) and HTML-escaped by the renderer: not in the plan file, summary or comment', async () => {
    const s = await stage()
    verdictsSaying(s, `proxy said Tr0ub4dor\\u00263 and ${PASSWORD}`)
    const result = await s.plan({ username: USERNAME, password: PASSWORD })
    expect(result.exitCode, result.stdout).toBe(0)
    const surfaces = actionSurfaces(result, s.github)
    expect(surfaces['plan file']).toContain('proxy said ***')
    expect(surfaces.summary).not.toContain('Tr0ub4dor&amp;3')
    expect(leaksOf(surfaces, PASSWORD)).toEqual([])
  })

  it('a GitHub token in a smoke-run error: not in the summary as ghs&#95;…', async () => {
    const s = await stage()
    s.kestra.inject({
      route: 'executions.create',
      status: 422,
      times: 5,
      body: { message: `Invalid entity: Invalid value for input \`token\`. Cause: ${GITHUB_TOKEN}` }
    })
    const result = await s.deploy({
      username: USERNAME,
      password: PASSWORD,
      'github-token': GITHUB_TOKEN,
      delete: 'true',
      'smoke-flows': `${TEAM}.alpha`
    })
    expect(result.stdout).toMatch(/Smoke run of company\.team\.alpha could not start/)
    expect(result.summary).not.toContain('ghs&#95;')
    expect(leaksOf(actionSurfaces(result, s.github), GITHUB_TOKEN)).toEqual([])
  })

  it('the Basic value, when an api-token wins: not in the plan file', async () => {
    const s = await stage()
    verdictsSaying(s, `earlier request carried Basic ${BASIC_VALUE}`)
    const result = await s.plan({ username: USERNAME, password: PASSWORD, 'api-token': API_TOKEN })
    expect(result.exitCode, result.stdout).toBe(0)
    const planFile = result.outputs['plan-file']!
    expect(existsSync(planFile)).toBe(true)
    expect(readFileSync(planFile, 'utf8')).toContain('earlier request carried Basic ***')
    expect(leaksOf(actionSurfaces(result, s.github), PASSWORD)).toEqual([])
  })

  it('the CLI’s plan -v --format markdown', async () => {
    const s = await stage()
    verdictsSaying(s, `echo ${PASSWORD} / Tr0ub4dor\\u00263`)
    const cli = await runCli(s.repo.dir, ['plan', '-v', '--format', 'markdown'], {
      KESTRA_URL: s.kestra.url,
      KESTRA_USERNAME: USERNAME,
      KESTRA_PASSWORD: PASSWORD
    })
    expect(cli.stdout).toContain('Kestra warns')
    expect(leaksOf({ stdout: cli.stdout, stderr: cli.stderr }, PASSWORD)).toEqual([])
  })
})

describe('server text that reads as workflow commands', () => {
  it('is printed so the runner obeys none of it, and the step’s own error still fails it', async () => {
    const s = await stage()
    const commands = [
      '::stop-commands::pwned',
      '::add-mask::PWNED',
      '::set-output name=deployed::PWNED',
      '::error file=flows/PWNED.yml,line=1::PWNED'
    ].join('\n')
    s.kestra.inject({
      route: 'executions.create',
      status: 422,
      times: 5,
      body: { message: `Invalid entity: Missing required input:payload\n${commands}` }
    })
    const result = await s.deploy({
      username: USERNAME,
      password: PASSWORD,
      delete: 'true',
      'smoke-flows': `${TEAM}.alpha`
    })
    expect(result.exitCode).toBe(1)
    expect(foreignCommands(result.stdout, 'PWNED')).toEqual([])
    expect(readRunnerCommands(result.stdout).commands.map((c) => c.name)).not.toContain(
      'set-output'
    )
    expect(result.outputs.deployed).toBe('true')
    expect(result.annotations.filter((a) => a.severity === 'error' && !a.file)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^Smoke run\(s\) failed/) })
    ])
  })
})

describe('repository text a library warns about', () => {
  it('reaches neither stream raw: yaml quotes the lines around an unresolved tag, line breaks and all', async () => {
    const dashboard = [
      'id: ops',
      'title: Ops',
      'charts: [',
      '  ::error::PWNED,',
      '  !unknown x ]',
      ''
    ].join('\n')
    const collectionKey = ['labels:', '  ? - |', '      ::warning::PWNED', '  : v', ''].join('\n')
    const started = await startStage({
      base: BASE,
      change: {
        ...CHANGE,
        'dashboards/ops.yml': dashboard,
        [`${TEAM}/flows/alpha.yml`]: `${String(CHANGE[`${TEAM}/flows/alpha.yml`])}${collectionKey}`
      },
      emulator: { basicAuth: { username: USERNAME, password: PASSWORD }, tokens: [API_TOKEN] }
    })
    stages.push(started)
    const result = await started.plan({ username: USERNAME, password: PASSWORD })
    expect(readRunnerCommands(result.stderr).commands).toEqual([])
    expect(result.stdout).toContain('YAMLWarning: Unresolved tag')
    expect(foreignCommands(result.stdout, 'PWNED')).toEqual([])
    const cli = await runCli(started.repo.dir, ['validate'])
    expect(cli.stderr).toContain('Unresolved tag')
    expect(readRunnerCommands(cli.stdout + cli.stderr).commands).toEqual([])
  })
})

describe('a 30 MB validation warning', () => {
  it('is cut at 4 KiB in a log line and at 2 KiB wherever the finding is shown', async () => {
    const s = await stage()
    const huge = 'w'.repeat(30 * 1024 * 1024)
    verdictsSaying(s, huge)
    const result = await s.plan({ username: USERNAME, password: PASSWORD })
    expect(result.exitCode, result.stdout.slice(0, 2000)).toBe(0)
    const longest = Math.max(...result.stdout.split('\n').map((line) => Buffer.byteLength(line)))
    expect(longest).toBeLessThan(4096 + 200)
    const warnings = result.annotations.filter((a) => /Kestra warns/.test(a.message))
    expect(warnings.length).toBeGreaterThan(0)
    for (const warning of warnings) {
      expect(Buffer.byteLength(warning.message)).toBeLessThan(2048 + 100)
      expect(warning.message).toMatch(/… \[cut at 2 KiB of [\d,]+ bytes\]$/)
    }
    const planFile = readFileSync(result.outputs['plan-file']!, 'utf8')
    const findings = (JSON.parse(planFile) as { findings: { message: string }[] }).findings
    for (const finding of findings) expect(Buffer.byteLength(finding.message)).toBeLessThan(2148)
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
  })
})
