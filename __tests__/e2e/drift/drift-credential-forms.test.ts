/**
 * A credential that Kestra's UI holds in a decodable form (docs/security.md): a flow whose YAML spells the
 * password with an escaped line break (`"S3cret-Ke\` ⏎ `stra-pass"`) or with `\x`/`\u` escapes, a namespace file
 * in UTF-16 (little-endian with a BOM, big-endian without). Through the bundled action: no output of a drift
 * run (log, summary, annotations, outputs, the issue, the pull request, every blob of the drift branch) and no
 * output of a pull request's plan (comment, summary) holds it in any form the test reader decodes; each such
 * resource stays out of Git and is named in the drift issue with why.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { credentialLeaks, credentialLeaksInBytes } from '../../../test-support/credential-leaks.js'
import { runAction } from '../../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent } from '../../../test-support/scenario.js'
import { actionSurfaces } from '../output-surfaces.js'
import { ANALYTICS, branchTree, log, NS, startDriftStage, type DriftStage } from './stage.js'

const BRANCH = 'kestra-gitops/drift-default'
const PASSWORD = CREDENTIALS.password

let stage: DriftStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

/** A flow as the UI saved it: the password in a double-quoted YAML scalar, written as `spelled`. */
function flowWith(id: string, spelled: string): string {
  return `id: ${id}\nnamespace: ${NS}\ndescription: "${spelled}"\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hello from ${id}\n`
}

/** `S3cret-Ke\` ⏎ `  stra-pass`: YAML reads the escaped line break and the indentation after it as nothing. */
const CONTINUED = `${PASSWORD.slice(0, 9)}\\\n  ${PASSWORD.slice(9)}`
/** `\x`, `\u` and `\U` escapes for some of its characters. */
const ESCAPED = [...PASSWORD]
  .map((c, i) =>
    i % 3 === 0
      ? `\\x${c.charCodeAt(0).toString(16)}`
      : i % 3 === 1
        ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
        : c
  )
  .join('')

function utf16le(text: string, bom: boolean): Uint8Array {
  return Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, 'utf16le')])
}

function utf16be(text: string): Uint8Array {
  return Buffer.from(text, 'utf16le').swap16()
}

describe('a credential in a decodable form, held by Kestra', () => {
  it('reaches no output of a drift run, no blob of the drift branch, and is named in the issue', async () => {
    stage = await startDriftStage({ github: { actionsCanCreatePullRequests: true } })
    await stage.ui.editFlow(NS, 'solo', flowWith('solo', CONTINUED))
    await stage.ui.editFlow(NS, 'other', flowWith('other', ESCAPED))
    await stage.ui.uploadFile(NS, '/scripts/run.py', utf16le(`print("${PASSWORD}")\n`, true))
    await stage.ui.uploadFile(NS, '/notes/be.txt', utf16be(`token=${PASSWORD}\n`))
    await stage.ui.editFlow(ANALYTICS, 'report', flow(ANALYTICS, 'report', ' (a harmless edit)'))

    const result = await stage.drift({ 'drift-action': 'pull-request' })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs.drifted).toBe('5')

    const surfaces = {
      ...actionSurfaces(result, stage.github),
      issues: JSON.stringify([...stage.github.state.issues.values()]),
      pulls: JSON.stringify([...stage.github.state.pulls.values()])
    }
    for (const [where, text] of Object.entries(surfaces)) {
      expect(credentialLeaks(text, PASSWORD), where).toEqual([])
    }
    const { git } = stage.github.state
    const tree = branchTree(stage.github, BRANCH)
    for (const [path, sha] of tree) {
      expect(credentialLeaksInBytes(git.objects.get(sha)!.content, PASSWORD), path).toEqual([])
    }
    // Only the harmless edit comes back; the rest stays as Git has it.
    const blob = (path: string) => git.objects.get(tree.get(path)!)!.content.toString('utf8')
    expect(blob(`${ANALYTICS}/flows/report.yml`)).toBe(
      flow(ANALYTICS, 'report', ' (a harmless edit)')
    )
    expect(blob(`${NS}/flows/solo.yml`)).toBe(flow(NS, 'solo'))
    expect(blob(`${NS}/flows/other.yml`)).toBe(flow(NS, 'other'))
    expect(blob(`${NS}/files/scripts/run.py`)).toBe('print("run")\n')
    expect(tree.has(`${NS}/files/notes/be.txt`)).toBe(false)

    const [issue] = stage.driftIssues()
    for (const name of [
      `${NS}.solo`,
      `${NS}.other`,
      `${NS}:/scripts/run.py`,
      `${NS}:/notes/be.txt`
    ]) {
      const line = issue!.body!.split('\n').find((l) => l.includes(`<code>${name}</code>`))
      expect(line, name).toMatch(/not brought back: its content in Kestra holds a credential/)
    }
  })

  it('reaches neither the comment nor the summary of a pull request’s plan that shows the drift', async () => {
    stage = await startDriftStage()
    await stage.ui.editFlow(NS, 'solo', flowWith('solo', CONTINUED))
    await stage.ui.editFlow(NS, 'other', flowWith('other', ESCAPED))
    const head = stage.repo.commit({ [`${NS}/flows/deep-two.yml`]: flow(NS, 'deeptwo') })
    const result = await runAction({
      ...pullRequestEvent(stage.repo, stage.head, head),
      githubApiUrl: stage.github.url,
      inputs: { server: stage.kestra.url, ...CREDENTIALS }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs.drifted).toBe('2')
    const surfaces = actionSurfaces(result, stage.github)
    expect(surfaces.comments).toContain(`${NS}.solo`)
    for (const [where, text] of Object.entries(surfaces)) {
      expect(credentialLeaks(text, PASSWORD), where).toEqual([])
    }
  })
})
