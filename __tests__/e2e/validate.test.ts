/**
 * `node dist/index.js` in validate mode, spawned as the runner does.
 */
import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test-support/git-repo.js'
import { runAction } from '../../test-support/runner.js'
import { validateFiles } from '../../test-support/scenario.js'

const HELLO = `id: hello
namespace: company.team
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: hi
`

const validate = validateFiles

describe('validate mode, end to end', () => {
  it('passes a valid repository with outputs and a summary', async () => {
    const result = await validate({
      'company.team/flows/hello.yml': HELLO,
      'company.team/files/scripts/run.py': 'print("hi")\n'
    })
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.annotations.filter((a) => a.severity === 'error')).toEqual([])
    expect(result.outputs).toMatchObject({ mode: 'validate', errors: '0', warnings: '0' })
    expect(result.summary).toContain('company.team')
  })

  it("finds a flow's read() of a namespace file the repository holds, and names where it looked for one it does not", async () => {
    const reads = (path: string) =>
      `id: reads\nnamespace: company.team\ntasks:\n  - id: show\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ read('${path}') }}"\n`
    const held = await validate({
      'company.team/flows/reads.yml': reads('queries/orders.sql'),
      'company.team/files/queries/orders.sql': 'select 1\n'
    })
    expect(held.exitCode, held.stdout).toBe(0)
    expect(held.outputs.warnings).toBe('0')
    const missing = await validate({
      'company.team/flows/reads.yml': reads('queries/missing.sql'),
      'company.team/files/queries/orders.sql': 'select 1\n'
    })
    const finding = missing.annotations.find((a) => a.file === 'company.team/flows/reads.yml')
    expect(finding, missing.stdout).toMatchObject({ line: 6 })
    expect(finding!.message).toMatch(/queries\/missing\.sql/)
    expect(finding!.message).toMatch(/Looked in 'company\.team\/files\/' under root/)
  })

  it('points a YAML syntax error at its line', async () => {
    const broken =
      'id: hello\nnamespace: company.team\ntasks:\n  - id: greet\n    type: io.kestra.plugin.core.log.Log\n    message: [unclosed\n'
    const result = await validate({ 'company.team/flows/hello.yml': broken })
    expect(result.exitCode).toBe(1)
    const error = result.annotations.find(
      (a) => a.severity === 'error' && a.file === 'company.team/flows/hello.yml'
    )
    expect(error, result.stdout).toBeDefined()
    expect(error!.line).toBeGreaterThanOrEqual(6)
    expect(result.stdout).toMatch(/::error [^\n]*file=company.team\/flows\/hello.yml,line=\d+/)
    expect(result.outputs.errors).not.toBe('0')
    expect(result.summary).toContain('company.team/flows/hello.yml')
  })

  it('annotates an unquoted Pebble expression on its line with the quoted fix', async () => {
    const flow = HELLO.replace('message: hi', 'message: {{ flow.id }}')
    const result = await validate({ 'company.team/flows/hello.yml': flow })
    expect(result.exitCode).toBe(1)
    const error = result.annotations.find((a) => a.severity === 'error')
    expect(error, result.stdout).toMatchObject({ file: 'company.team/flows/hello.yml', line: 6 })
    expect(error!.message).toContain('quote the expression: message: "{{ flow.id }}"')
    expect(result.outputs.errors).toBe('1')
  })

  it('reports a duplicate nested task id on the later occurrence', async () => {
    const flow = `id: nested
namespace: company.team
tasks:
  - id: outer
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: step
        type: io.kestra.plugin.core.log.Log
        message: one
      - id: inner
        type: io.kestra.plugin.core.flow.Parallel
        tasks:
          - id: step
            type: io.kestra.plugin.core.log.Log
            message: two
`
    const result = await validate({ 'company.team/flows/nested.yml': flow })
    expect(result.exitCode).toBe(1)
    const error = result.annotations.find((a) => a.severity === 'error' && /step/.test(a.message))
    expect(error, result.stdout).toMatchObject({ file: 'company.team/flows/nested.yml', line: 13 })
    expect(result.outputs.errors).toBe('1')
  })

  it('reports a namespace that does not match its folder on the namespace line', async () => {
    const flow = HELLO.replace('namespace: company.team', 'namespace: other.team')
    // Another flow declares the folder's namespace: auto reads the tenant layout (docs/layouts.md#auto).
    const result = await validate({
      'company.team/flows/hello.yml': flow,
      'company.team/flows/ok.yml': HELLO.replace('id: hello', 'id: ok')
    })
    expect(result.exitCode).toBe(1)
    const error = result.annotations.find((a) => a.severity === 'error')
    expect(error, result.stdout).toMatchObject({ file: 'company.team/flows/hello.yml', line: 2 })
    expect(error!.message).toContain('company.team')
  })

  it('refuses a namespace file that is a symlink escaping root', async () => {
    const result = await validate({
      'company.team/flows/hello.yml': HELLO,
      'company.team/files/passwd': { symlink: '/etc/passwd' }
    })
    expect(result.exitCode).toBe(1)
    const error = result.annotations.find((a) => a.severity === 'error')
    expect(error, result.stdout).toMatchObject({ file: 'company.team/files/passwd', line: 1 })
    expect(result.everything).not.toContain('root:x:0:0')
  })

  it('fails on warnings with fail-on: warning', async () => {
    const flow = HELLO + 'revision: 3\n'
    const lenient = await validate({ 'company.team/flows/hello.yml': flow })
    expect(lenient.exitCode).toBe(0)
    expect(lenient.outputs.warnings).toBe('1')
    const strict = await validate(
      { 'company.team/flows/hello.yml': flow },
      { 'fail-on': 'warning' }
    )
    expect(strict.exitCode).toBe(1)
  })

  it('shows at most 10 annotations per severity and all findings in the summary', async () => {
    const files: Record<string, string> = { 'company.team/flows/ok.yml': HELLO }
    for (let i = 0; i < 15; i++)
      files[`company.team/flows/f${i}.yml`] = HELLO.replace('id: hello', `id: f${i}`).replace(
        'namespace: company.team',
        'namespace: wrong'
      )
    const result = await validate(files)
    expect(result.annotations.filter((a) => a.severity === 'error' && a.file)).toHaveLength(10)
    expect(result.outputs.errors).toBe('15')
    for (let i = 0; i < 15; i++) expect(result.summary).toContain(`company.team/flows/f${i}.yml`)
  })

  it('names the input and the accepted values for a bad input', async () => {
    for (const [input, value, expected] of [
      ['max-deletions', 'ten', "Input 'max-deletions': 'ten' is not accepted; use a whole number"],
      ['server', 'kestra.example.com', "Input 'server': 'kestra.example.com' is not a server URL"],
      ['namespace-files', 'scripts => ns', "Input 'namespace-files': line 1 'scripts => ns'"],
      [
        'mode',
        'yolo',
        "Input 'mode': 'yolo' is not accepted; use one of: auto, validate, plan, deploy"
      ]
    ]) {
      const result = await validate({ 'company.team/flows/hello.yml': HELLO }, { [input!]: value! })
      expect(result.exitCode, input).toBe(1)
      expect(result.stdout).toContain(`::error::${expected}`)
    }
  })

  it('on a pull request, reports errors in files it did not change as warnings', async () => {
    const broken = HELLO.replace('namespace: company.team', 'namespace: wrong')
    const repo = createGitRepo({
      'company.team/flows/old.yml': broken.replace('id: hello', 'id: old')
    })
    const base = repo.head()
    const head = repo.commit({ 'company.team/flows/hello.yml': HELLO })
    const payload = {
      number: 3,
      pull_request: {
        number: 3,
        head: { sha: head, repo: { full_name: 'octo/kestra-repo' } },
        base: { sha: base, repo: { full_name: 'octo/kestra-repo' } }
      }
    }
    const result = await runAction({
      workspace: repo.dir,
      eventName: 'pull_request',
      sha: head,
      payload,
      inputs: { mode: 'validate', comment: 'false' }
    })
    expect(result.exitCode, result.stdout).toBe(0)
    const warning = result.annotations.find((a) => a.file === 'company.team/flows/old.yml')
    expect(warning).toMatchObject({ severity: 'warning', line: 2 })
    expect(warning!.message).toMatch(/not changed by this pull request/)
    expect(result.outputs).toMatchObject({ errors: '0', warnings: '1' })

    const changedNow = repo.commit({
      'company.team/flows/old.yml': broken.replace('id: hello', 'id: old') + '# touched\n'
    })
    payload.pull_request.head.sha = changedNow
    const touched = await runAction({
      workspace: repo.dir,
      eventName: 'pull_request',
      sha: changedNow,
      payload,
      inputs: { mode: 'validate', comment: 'false' }
    })
    expect(touched.exitCode).toBe(1)
    expect(touched.outputs.errors).toBe('1')
  })
})
