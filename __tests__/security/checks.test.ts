/** The invariant checkers must catch what they claim to catch, or the suites built on them prove nothing. */
import { describe, expect, it } from 'vitest'
import type { LoggedRequest } from '../../test-support/kestra-emulator/index.js'
import { markdownProblems, uploadProblems } from './checks.js'

const MARKER = '<!-- kestra-gitops:default -->'
const PLAN = '<!-- kestra-gitops-plan: {"fingerprint":"ab","commit":"cd"} -->'

describe('markdownProblems', () => {
  it('accepts a well-formed comment', () => {
    const body = `${MARKER}\n### Plan\n\n<details><summary>x</summary>\n\n\`\`\`\`diff\n+ \`\`\` </details> @octocat\n\`\`\`\`\n\n</details>\n\n${PLAN}\n`
    expect(markdownProblems(body, MARKER)).toEqual([])
  })

  it('catches a fence that swallows the rest, a stray marker, an @mention and unbalanced details', () => {
    const body = `${MARKER}\n<details><summary>x</summary>\n\n\`\`\`diff\n+ x\n\n${PLAN}\n`
    expect(markdownProblems(body, MARKER).join('\n')).toMatch(
      /unbalanced <details>[\s\S]*plan marker/
    )
    expect(markdownProblems(`${MARKER}\nhi @octocat\n\n${PLAN}`, MARKER)).toEqual([
      '@mention outside code: hi @octocat'
    ])
    expect(markdownProblems(`${MARKER}\n${MARKER}\n\n${PLAN}`, MARKER)[0]).toMatch(
      /marker-like line/
    )
    expect(markdownProblems('<script>alert(1)</script>')[0]).toMatch(/repository HTML rendered/)
    expect(markdownProblems('<a href="javascript:x">open in Kestra</a>')[0]).toMatch(
      /repository HTML rendered/
    )
    expect(markdownProblems('x <a href="https://evil.example/">click</a>')[0]).toMatch(
      /repository HTML rendered/
    )
    const own =
      'flow <b>a.b</b> · <a href="https://k.example/ui/main/flows/edit/a/b">open in Kestra</a>'
    expect(markdownProblems(own)).toEqual([])
  })
})

describe('uploadProblems', () => {
  const upload = (path: string, partFilename: string): LoggedRequest => ({
    method: 'POST',
    path: '/api/v1/main/namespaces/company.team/files',
    query: { path },
    status: 200,
    route: 'namespaces.files.upload',
    params: { namespace: 'company.team' },
    bodyBytes: 1,
    requestLineBytes: 80,
    partFilename,
    at: 0
  })
  const tree = { 'company.team/files/a.zip': 'x' }

  it('accepts an upload to the file’s own path under a safe part name', () => {
    expect(uploadProblems([upload('/a.zip', 'a.zip.upload')], tree)).toEqual([])
  })

  it('catches an upload elsewhere and a part name Kestra would extract', () => {
    expect(uploadProblems([upload('/../a.zip', 'x')], tree)[0]).toMatch(/outside the intended/)
    expect(uploadProblems([upload('/a.zip', 'a.zip')], tree)[0]).toMatch(/would extract/)
  })
})
