/**
 * The bundled action (and the CLI where named) on repositories shaped like the
 * ones that found the edges: never silent about a flow left out, and a validator exactly as strict as
 * Kestra at each version.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from './cli/run-cli.js'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type FileSpec } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction, type Annotation, type RunResult } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent, validateFiles } from '../../test-support/scenario.js'

const NS = 'company.data'

let kestra: Emulator | undefined
let github: FakeGitHub | undefined

afterEach(async () => {
  await kestra?.close()
  await github?.close()
  kestra = undefined
  github = undefined
})

const validate = validateFiles

/** Validates against the emulator at `version`, with the server's validation on. */
async function validateOn(
  version: string,
  files: Record<string, FileSpec>,
  emulator: { validateErrorsList?: boolean } = {}
) {
  kestra = await startEmulator({ version, basicAuth: CREDENTIALS, ...emulator })
  return validate(files, { server: kestra.url, ...CREDENTIALS })
}

/** A pull request adding `files` to a repository holding `base`, planned against the emulator. */
async function pullRequest(
  base: Record<string, FileSpec>,
  files: Record<string, FileSpec>,
  inputs: Record<string, string> = {},
  seed: { namespace: string; id: string; source: string }[] = []
) {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  kestra.seed({ flows: seed })
  github ??= await startFakeGitHub()
  const repo = createGitRepo(base)
  const baseSha = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  const head = repo.commit(files)
  const result = await runAction({
    ...pullRequestEvent(repo, baseSha, head),
    githubApiUrl: github.url,
    inputs: { server: kestra.url, ...CREDENTIALS, ...inputs }
  })
  return { result, comment: github.comments(7)[0]?.body ?? '' }
}

const log = (result: RunResult) => result.stdout + result.stderr
/** File annotations (the step's own failure line is not one). */
const of = (result: RunResult, severity: Annotation['severity']) =>
  result.annotations.filter((a) => a.severity === severity && a.file !== undefined)

/** Lines and rules of the action's own findings of a severity (the server's verdicts left out). */
const local = (result: RunResult, severity: Annotation['severity']) =>
  of(result, severity)
    .filter((a) => a.title !== 'kestra-gitops: server-constraint')
    .map((a) => [a.line, a.title!.replace('kestra-gitops: ', '')])

describe('1. a pull request with no resource at all', () => {
  it('fails: the error stays an error although it points at no changed file', async () => {
    const { result, comment } = await pullRequest(
      { 'README.md': '# data platform\n' },
      { 'docker-compose.yml': 'services:\n  kestra:\n    image: kestra/kestra\n' }
    )
    expect(result.exitCode, log(result)).toBe(1)
    expect(of(result, 'error')).toEqual([
      expect.objectContaining({
        file: '.',
        title: 'kestra-gitops: nothing-found',
        message: expect.stringMatching(/^No flow or namespace file found: the anywhere layout/)
      })
    ])
    expect(result.outputs.errors).toBe('1')
    expect(comment).toContain('No flow or namespace file found')
  })

  it('passes when namespaces lists the namespaces to manage', async () => {
    const { result } = await pullRequest(
      { 'README.md': '# data platform\n' },
      { 'docker-compose.yml': 'services: {}\n' },
      { namespaces: NS }
    )
    expect(result.exitCode, log(result)).toBe(0)
    expect(of(result, 'error')).toEqual([])
  })
})

describe('2. .kestraignore hiding flows', () => {
  // The repository that found it: an ignore file meant to limit namespace files.
  const REPO = {
    '.kestraignore': '*\n!config/\n!scripts/\n!sql/\n',
    'flows/etl.yml': flow(NS, 'etl'),
    'flows/report.yml': flow(NS, 'report'),
    'config/settings.yml': 'region: eu\n',
    'sql/orders.sql': 'select 1\n'
  }

  it('with no flags: the error names the ignore file, its rule and the flows, and one warning sits on the rule', async () => {
    const result = await validate(REPO)
    expect(result.exitCode).toBe(1)
    expect(of(result, 'error')).toEqual([
      expect.objectContaining({
        file: '.',
        message: expect.stringContaining(
          'Ignore rules hide what it would read: .kestraignore line 1 (`*`) hides flows/etl.yml, flows/report.yml.'
        )
      })
    ])
    expect(of(result, 'warning')).toEqual([
      expect.objectContaining({
        file: '.kestraignore',
        line: 1,
        title: 'kestra-gitops: ignored-flows',
        message: expect.stringContaining(
          '.kestraignore line 1 (`*`) hides 2 flow document(s) that the anywhere layout would read'
        )
      })
    ])
  })

  it('with layout: custom and a flows glob: the matched flows it drops are named, on a run that otherwise passes', async () => {
    const result = await validate(
      { ...REPO, '.kestraignore': '*\n!config/\n!config/**\n!scripts/\n!sql/\n' },
      { layout: 'custom', flows: 'flows/*.yml', 'namespace-files': 'config -> company.data' }
    )
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.stdout).toContain('Checked 0 flow(s) and 1 namespace file(s)')
    expect(of(result, 'warning')).toEqual([
      expect.objectContaining({
        file: '.kestraignore',
        line: 1,
        message: expect.stringContaining(
          'hides 2 file(s) that the flows globs (flows/*.yml) match: flows/etl.yml, flows/report.yml'
        )
      })
    ])
  })
})

describe('3. ignore rules that would make a backtracking matcher run for minutes', () => {
  // With the `ignore` package this repository took 79 s to validate (28 s with 12 segments).
  it('reads a deep folder chain under a .kestraignore line of many **/ segments', async () => {
    const deep = Array.from({ length: 30 }, () => 'a').join('/')
    const rule = `${Array.from({ length: 16 }, () => '**/a').join('/')}/b\n`
    const result = await validate({
      '.kestraignore': rule,
      [`${deep}/flow.yml`]: flow(NS, 'deep'),
      'flows/top.yml': flow(NS, 'top')
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.stdout).toContain('Checked 2 flow(s)')
  })
})

describe('4. links out of root', () => {
  it('are refused with a warning naming each link, their target never read', async () => {
    const outside = join(tmpdir(), `kga-outside-${process.pid}`)
    mkdirSync(outside, { recursive: true })
    writeFileSync(join(outside, 'shared.yml'), flow(NS, 'shared'))
    const result = await validate({
      'flows/etl.yml': flow(NS, 'etl'),
      'flows/shared.yml': { symlink: join(outside, 'shared.yml') },
      passwd: { symlink: '/etc/passwd' }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(of(result, 'warning').map((a) => [a.file, a.message])).toEqual([
      [
        'flows/shared.yml',
        expect.stringContaining(
          'symbolic link that is never followed: it points outside the root folder'
        )
      ],
      [
        'passwd',
        expect.stringContaining(
          'symbolic link that is never followed: it points outside the root folder'
        )
      ]
    ])
    expect(result.everything).not.toContain('root:x:0:0')
    expect(result.stdout).toContain('Checked 1 flow(s)')
  })
})

describe('5. a malformed event payload', () => {
  it.each([
    ['empty', '', 'Unexpected end of JSON input'],
    ['truncated', '{"pull_request": {"number": 7, "head": {"sha": "ab', 'Unterminated string']
  ])('%s: the action names GITHUB_EVENT_PATH, no stack trace', async (_name, text, why) => {
    const repo = createGitRepo({ 'flows/etl.yml': flow(NS, 'etl') })
    const result = await runAction({
      workspace: repo.dir,
      eventName: 'pull_request',
      eventFileText: text,
      inputs: { mode: 'validate' }
    })
    expect(result.exitCode).toBe(1)
    expect(result.annotations).toEqual([
      {
        severity: 'error',
        message: expect.stringMatching(
          new RegExp(
            `^The event payload \\(GITHUB_EVENT_PATH=.*event\\.json\\) is not valid JSON \\(${why}`
          )
        )
      }
    ])
    expect(result.stderr).toBe('')
    expect(log(result)).not.toMatch(/SyntaxError|at JSON\.parse|node:internal/)
  })
})

describe('6. a Schedule cron Kestra rejects', () => {
  it('is an error on its line, and the comment shows no next run for it', async () => {
    const scheduled = (cron: string) =>
      `${flow(NS, 'nightly')}triggers:\n  - id: daily\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "${cron}"\n`
    const { result, comment } = await pullRequest(
      { [`${NS}/flows/nightly.yml`]: scheduled('0 9 * * *') },
      { [`${NS}/flows/nightly.yml`]: scheduled('* * * * * * *') },
      {},
      [{ namespace: NS, id: 'nightly', source: scheduled('0 9 * * *') }]
    )
    expect(result.exitCode, log(result)).toBe(1)
    expect(of(result, 'error')).toContainEqual(
      expect.objectContaining({
        file: `${NS}/flows/nightly.yml`,
        line: 10,
        title: 'kestra-gitops: schedule-cron',
        message: expect.stringContaining('it has 7 field(s) and Kestra takes 5')
      })
    )
    // The server's validation, as Kestra's ScheduleValidator, refuses it too.
    expect(
      of(result, 'error')
        .map((a) => a.message)
        .join('\n')
    ).toContain('Cron expression contains 7 parts but we expect one of [5]')
    expect(comment).toContain(
      '- trigger daily cron <code>0 9 &#42; &#42; &#42;</code> → <code>&#42; &#42; &#42; &#42; &#42; &#42; &#42;</code>\n'
    )
    expect(comment).not.toContain('next run after the commit')
  })
})

describe('7. listeners and taskDefaults', () => {
  const DEPRECATED = {
    [`${NS}/flows/legacy.yml`]: `${flow(NS, 'legacy')}listeners:\n  - tasks:\n      - id: notify\n        type: io.kestra.plugin.core.log.Log\n        message: done\ntaskDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    values:\n      level: INFO\n`
  }

  it.each(['0.20.7', '1.0.0', '1.3.25'])(
    'are deprecation warnings on %s, accepted by its server',
    async (version) => {
      const result = await validateOn(version, DEPRECATED)
      expect(result.exitCode, log(result)).toBe(0)
      expect(of(result, 'error')).toEqual([])
      const removed = of(result, 'warning').filter((a) => a.title === 'kestra-gitops: removed-key')
      expect(removed.map((a) => a.line)).toEqual([7, 12])
      expect(removed[0]!.message).toContain('Kestra up to 1.3 accepts it, Kestra 2.0 rejects it')
    }
  )

  it('are errors on 2.0, whose server rejects them as unknown fields', async () => {
    const result = await validateOn('2.0.0', DEPRECATED)
    expect(result.exitCode).toBe(1)
    expect(
      of(result, 'error')
        .filter((a) => a.title === 'kestra-gitops: removed-key')
        .map((a) => a.line)
    ).toEqual([7, 12])
    expect(
      of(result, 'error')
        .map((a) => a.message)
        .join('\n')
    ).toContain('Unrecognized field "listeners"')
  })
})

describe('8. FORM inputs and named plugin defaults', () => {
  const FORMS = {
    [`${NS}/flows/forms.yml`]: [
      'id: forms',
      `namespace: ${NS}`,
      'inputs:',
      '  - id: env',
      '    type: FORM',
      '    defaults: eu', // 6: defaults on a FORM
      '    inputs:',
      '      - id: region',
      '        type: STRING',
      '      - id: zone',
      '        type: STRING',
      '        dependsOn:',
      '          inputs: [region]', // 13: a bare dependsOn on a FORM child
      '  - id: nested',
      '    type: FORM',
      '    inputs:',
      '      - id: inner',
      '        type: FORM', // 18: a FORM in a FORM
      '        inputs: [{ id: x, type: STRING }]',
      '  - id: env.region', // 20: the same expanded path as env.region
      '    type: STRING',
      '  - id: env.zone.eu', // 22: nested under env.zone
      '    type: STRING',
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: hi',
      ''
    ].join('\n')
  }
  const ERRORS = [
    [6, 'input-form'],
    [13, 'input-form-depends-on'],
    [18, 'input-form'],
    [20, 'input-path'],
    [22, 'input-path']
  ]

  it('the five rules are errors with no server', async () => {
    const result = await validate(FORMS)
    expect(result.exitCode).toBe(1)
    expect(local(result, 'error')).toEqual(ERRORS)
  })

  it('and on a 2.0 server, whose validation rejects the flow too', async () => {
    const result = await validateOn('2.0.0', FORMS)
    expect(result.exitCode).toBe(1)
    expect(local(result, 'error')).toEqual(ERRORS)
    expect(
      of(result, 'error')
        .map((a) => a.message)
        .join('\n')
    ).toContain('A FORM input groups other inputs and cannot declare a default value or a prefill.')
  })

  it('and warnings on a 1.3 server before 1.3.25, which does not know FORM', async () => {
    const result = await validateOn('1.3.22', FORMS)
    expect(result.exitCode, log(result)).toBe(0)
    expect(local(result, 'warning')).toEqual(ERRORS)
  })

  const REMOVED = {
    [`${NS}/flows/nightly.yml`]: [
      `id: nightly`, // 1
      `namespace: ${NS}`,
      'inputs:',
      '  - id: full',
      '    type: BOOLEAN', // 5
      'tasks:',
      '  - id: each',
      '    type: io.kestra.plugin.core.flow.ForEach', // 8
      '    values: [a, b]',
      '    tasks:',
      '      - id: log',
      '        type: io.kestra.core.tasks.log.Log', // 12
      '        message: "{{ taskrun.value }}"',
      'triggers:',
      '  - id: daily', // 15
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "@daily"',
      ''
    ].join('\n')
  }

  it('what 2.0 removed, and a Schedule missing an input, are errors on their lines on 2.0, with the fix; 1.3 is left to itself', async () => {
    const onTwo = await validateOn('2.0.0', REMOVED)
    expect(onTwo.exitCode).toBe(1)
    expect(local(onTwo, 'error')).toEqual([
      [5, 'removed-input-type'],
      [8, 'removed-type'],
      [12, 'removed-type'],
      [15, 'schedule-missing-inputs']
    ])
    const messages = of(onTwo, 'error').map((a) => a.message)
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Use `type: BOOL`'),
        expect.stringContaining('`io.kestra.plugin.core.flow.Loop`'),
        expect.stringContaining('Use `io.kestra.plugin.core.log.Log`'),
        expect.stringContaining('Kestra 2.0 rejects the flow')
      ])
    )
    await kestra?.close()
    // 1.3.34 accepts all of it: no removed-* finding, and the Schedule's inputs a warning only.
    const onOne = await validateOn('1.3.25', REMOVED)
    expect(onOne.exitCode, log(onOne)).toBe(0)
    const own = (rows: (string | number | undefined)[][]) =>
      rows.filter(([, rule]) => !String(rule).startsWith('server-'))
    expect(own(local(onOne, 'warning'))).toEqual([[15, 'schedule-missing-inputs']])
    expect(local(onOne, 'error')).toEqual([])
  })

  const REFS = {
    [`${NS}/flows/refs.yml`]: [
      ...flow(NS, 'refs').trimEnd().split('\n'),
      '    pluginDefaultsRef: quiet', // 7
      'pluginDefaults:',
      '  - type: io.kestra.plugin.core.log.Log',
      '    ref: verbose',
      '    values:',
      '      level: TRACE',
      ''
    ].join('\n')
  }

  it('an unresolved pluginDefaultsRef is a local warning; a 1.3.25 server rejects it, on its line; 2.0 has no such property', async () => {
    const alone = await validate(REFS)
    expect(alone.exitCode, log(alone)).toBe(0)
    // With no release known, what 2.0 alone refuses is a warning naming it.
    expect(of(alone, 'warning')).toEqual([
      expect.objectContaining({ line: 7, title: 'kestra-gitops: removed-property' }),
      expect.objectContaining({ line: 7, title: 'kestra-gitops: plugin-defaults-ref' }),
      expect.objectContaining({ line: 8, title: 'kestra-gitops: removed-property' })
    ])
    const onTwo = await validateOn('2.0.0', REFS)
    expect(onTwo.exitCode).toBe(1)
    // The server stops at the first unknown property, with no path (placed on its key); the local rules
    // name each, with what replaces it.
    expect(of(onTwo, 'error')).toHaveLength(3)
    expect(of(onTwo, 'error')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          line: 7,
          title: 'kestra-gitops: server-constraint',
          message: expect.stringContaining('Unrecognized field "pluginDefaultsRef"')
        }),
        expect.objectContaining({
          line: 7,
          title: 'kestra-gitops: removed-property',
          message: expect.stringContaining('`pluginDefaultsRef` on task')
        }),
        expect.objectContaining({
          line: 8,
          title: 'kestra-gitops: removed-property',
          message: expect.stringContaining('no flow-level plugin defaults')
        })
      ])
    )
    const onServer = await validateOn('1.3.25', REFS)
    expect(onServer.exitCode).toBe(1)
    expect(of(onServer, 'error')).toEqual([
      expect.objectContaining({
        file: `${NS}/flows/refs.yml`,
        line: 7,
        title: 'kestra-gitops: server-constraint',
        message: expect.stringContaining(
          "No pluginDefaults bundle found for pluginDefaultsRef 'quiet'"
        )
      })
    ])
  })
})

describe('9. what a user sees', () => {
  it("the CLI's validate says each summary line once", async () => {
    const repo = createGitRepo({ 'flows/etl.yml': flow(NS, 'etl') })
    const { exitCode, stdout, stderr } = await runCli(repo.dir, ['validate'])
    expect(exitCode, stderr).toBe(0)
    const both = `${stdout}\n${stderr}`
    expect(both.match(/Checked 1 flow\(s\)/g)).toHaveLength(1)
    expect(both.match(/Validation passed/g)).toHaveLength(1)
  })

  it('a GitHub rate-limit wait is logged, and the call retried', async () => {
    github = await startFakeGitHub()
    github.failNext({
      method: 'GET',
      path: /\/issues\/7\/comments$/,
      status: 403,
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000))
      },
      body: { message: 'API rate limit exceeded for installation ID 1.' }
    })
    const { result, comment } = await pullRequest(
      { 'README.md': '# flows\n' },
      { [`${NS}/flows/etl.yml`]: flow(NS, 'etl') }
    )
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.stdout).toMatch(
      /GitHub primary rate limit on GET \S*\/repos\/octo\/kestra-repo\/issues\/7\/comments\S*; retrying in \d+ s/
    )
    expect(comment).toContain('company.data.etl')
  })

  it('ends with one count per rule when findings repeat, in the action and the CLI', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 12; i++) files[`flows/f${i}.yml`] = `${flow(NS, `f${i}`)}owner: team\n`
    files['flows/g.yml'] = `${flow(NS, 'g')}revision: 3\n`
    const result = await validate(files)
    // An unknown top-level key is the schema's error: both released cores refuse it ("Unrecognized field").
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('Findings by rule: 12 × core-schema, 1 × server-owned-key')
    const repo = createGitRepo(files)
    const cli = await runCli(repo.dir, ['validate'])
    expect(cli.stdout).toContain('Findings by rule: 12 × core-schema, 1 × server-owned-key')
  })
})

describe('10. the labels a flow gives the executions it starts', () => {
  const CALLS = {
    [`${NS}/flows/calls.yml`]: [
      'id: calls',
      `namespace: ${NS}`,
      'tasks:',
      '  - id: call',
      '    type: io.kestra.plugin.core.flow.Subflow',
      `    namespace: ${NS}`,
      '    flowId: child',
      '    labels:',
      '      system.correlationId: "{{ execution.id }}"', // 9
      'triggers:',
      '  - id: daily',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 9 * * *"',
      '    labels:',
      '      system.readOnly: "true"', // 15
      ''
    ].join('\n'),
    [`${NS}/flows/child.yml`]: flow(NS, 'child')
  }

  it('every system. key, system.readOnly included, is an error on its line with no server', async () => {
    const result = await validate(CALLS)
    expect(result.exitCode).toBe(1)
    expect(local(result, 'error')).toEqual([
      [9, 'system-label'],
      [15, 'system-label']
    ])
  })

  it.each([
    { version: '0.20.7', errorsList: false, named: 'offending label: system.readOnly=true' },
    // The released 2.0.0 keeps the constraints text and names a trigger by its index (the released core, run);
    // develop's errors list, which the client also reads, is answered the same way.
    { version: '2.0.0', errorsList: false, named: 'triggers[0].labels[0].<list element>' },
    { version: '2.0.0', errorsList: true, named: 'triggers[0].labels[0]' }
  ])(
    'and on $version, whose validation refuses the flow too, each label on its line',
    async ({ version, errorsList, named }) => {
      const result = await validateOn(version, CALLS, { validateErrorsList: errorsList })
      expect(result.exitCode).toBe(1)
      expect(local(result, 'error')).toEqual([
        [9, 'system-label'],
        [15, 'system-label']
      ])
      const server = of(result, 'error').filter(
        (a) => a.title === 'kestra-gitops: server-constraint'
      )
      expect(server.map((a) => a.line)).toEqual([9, 15])
      expect(server.map((a) => a.message).join('\n')).toContain(named)
    }
  )

  it('and warnings before 0.20, which accepts them', async () => {
    const result = await validateOn('0.19.9', CALLS)
    expect(result.exitCode, log(result)).toBe(0)
    expect(local(result, 'warning')).toEqual([
      [9, 'system-label'],
      [15, 'system-label']
    ])
  })
})

describe("11. a Schedule's timezone", () => {
  const ZONED = {
    [`${NS}/flows/zoned.yml`]: [
      ...flow(NS, 'zoned').trimEnd().split('\n'),
      'triggers:',
      '  - id: daily',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      '    cron: "0 9 * * *"',
      '    timezone: europe/paris', // 11
      ''
    ].join('\n')
  }

  it('that Java would refuse is an error on its line, with the fix, with no server', async () => {
    const result = await validate(ZONED)
    expect(result.exitCode).toBe(1)
    expect(of(result, 'error')).toEqual([
      expect.objectContaining({
        line: 11,
        title: 'kestra-gitops: schedule-timezone',
        message: expect.stringContaining('region ids are case-sensitive: write Europe/Paris')
      })
    ])
  })

  it('and on 1.3, whose validation refuses it too, on the same line', async () => {
    const result = await validateOn('1.3.25', ZONED)
    expect(result.exitCode).toBe(1)
    expect(of(result, 'error').map((a) => [a.line, a.title])).toEqual([
      [11, 'kestra-gitops: server-constraint'],
      [11, 'kestra-gitops: schedule-timezone']
    ])
  })

  it('and a warning on 0.13, which takes it', async () => {
    const result = await validateOn('0.13.9', ZONED)
    expect(result.exitCode, log(result)).toBe(0)
    expect(local(result, 'warning')).toEqual([[11, 'schedule-timezone']])
  })
})

describe('12. the releases that added two of FlowValidator’s checks, as the released core jars date them', () => {
  const CHECKED = {
    [`${NS}/flows/dashed.yml`]: [
      'id: dashed',
      `namespace: ${NS}`,
      'inputs:',
      '  - { id: my-input, type: STRING }',
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    message: "{{ inputs.my-input }}"', // 8
      ''
    ].join('\n'),
    [`${NS}/flows/waits.yml`]: [
      ...flow(NS, 'waits').trimEnd().split('\n'),
      'triggers:',
      '  - { id: a, type: io.kestra.plugin.core.trigger.Flow, preconditions: { id: p } }',
      '  - { id: b, type: io.kestra.plugin.core.trigger.Flow, preconditions: { id: p } }', // 9
      ''
    ].join('\n')
  }
  const DASHED = [`${NS}/flows/dashed.yml`, 8, 'dashed-reference']
  const PRECONDITIONS = [`${NS}/flows/waits.yml`, 9, 'duplicate-preconditions']
  const ofRules = (result: RunResult, severity: Annotation['severity']) =>
    of(result, severity)
      .filter((a) => a.title !== 'kestra-gitops: server-constraint')
      .map((a) => [a.file, a.line, a.title!.replace('kestra-gitops: ', '')])

  it.each([
    { version: '0.22.41', what: 'both warnings', errors: [], warnings: [DASHED, PRECONDITIONS] },
    {
      version: '0.23.0',
      what: 'the dashed reference an error',
      errors: [DASHED],
      warnings: [PRECONDITIONS]
    },
    {
      version: '1.0.36',
      what: 'the preconditions still a warning',
      errors: [DASHED],
      warnings: [PRECONDITIONS]
    },
    { version: '1.1.0', what: 'both errors', errors: [DASHED, PRECONDITIONS], warnings: [] }
  ])('on $version, $what', async (c) => {
    const result = await validateOn(c.version, CHECKED)
    expect(result.exitCode, log(result)).toBe(c.errors.length > 0 ? 1 : 0)
    expect(ofRules(result, 'error')).toEqual(c.errors)
    expect(ofRules(result, 'warning')).toEqual(c.warnings)
  })
})
