/**
 * Server text in the drift issue and pull request is untrusted (docs/security.md): a UI edit that puts a
 * credential of the run, or Markdown that would break out of its block, into a flow reaches the issue, the pull request, the summary and the log redacted and inert, and a source holding a
 * credential is never written to Git.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { credentialLeaks } from '../../../test-support/credential-leaks.js'
import { actionSurfaces } from '../output-surfaces.js'
import { CREDENTIALS, flow } from '../../../test-support/scenario.js'
import { branchTree, log, NS, startDriftStage, type DriftStage } from './stage.js'

let stage: DriftStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

const HOSTILE = [
  `\n    # token ${CREDENTIALS.password} and ${Buffer.from(CREDENTIALS.password).toString('base64')}`,
  '\n    # ``` </details> <!-- kestra-gitops-drift:default --> @octocat'
].join('')

describe('drift watch: untrusted server text', () => {
  it('redacts a credential from the issue, the pull request, the summary and the log; never commits it', async () => {
    stage = await startDriftStage({ github: { actionsCanCreatePullRequests: true } })
    await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', HOSTILE))
    await stage.ui.editFlow(NS, 'other', flow(NS, 'other', ' (a harmless edit)'))
    const result = await stage.drift({ 'drift-action': 'pull-request' })
    expect(result.exitCode, log(result)).toBe(0)

    const [issue] = stage.driftIssues()
    const pulls = [...stage.github.state.pulls.values()]
    const surfaces = {
      ...actionSurfaces(result, stage.github),
      issues: JSON.stringify([...stage.github.state.issues.values()]),
      pulls: JSON.stringify(pulls)
    }
    for (const [where, text] of Object.entries(surfaces)) {
      expect(credentialLeaks(text, CREDENTIALS.password), where).toEqual([])
    }
    // The issue still shows the drift, with the hostile text inside a fence that it cannot close.
    expect(issue!.body).toContain(`${NS}.solo`)
    expect(
      issue!.body!.split('\n').filter((l) => l === '<!-- kestra-gitops-drift:default -->')
    ).toHaveLength(1)

    // The flow holding the credential stays out of Git; the harmless one comes back, and the body says so.
    const tree = branchTree(stage.github, 'kestra-gitops/drift-default')
    const { git } = stage.github.state
    const soloBlob = git.objects.get(tree.get(`${NS}/flows/solo.yml`)!)!.content.toString('utf8')
    expect(soloBlob).toBe(flow(NS, 'solo'))
    const otherBlob = git.objects.get(tree.get(`${NS}/flows/other.yml`)!)!.content.toString('utf8')
    expect(otherBlob).toBe(flow(NS, 'other', ' (a harmless edit)'))
    expect(pulls[0]!.body).toMatch(/not brought back/i)
    expect(pulls[0]!.body).toMatch(/credential/)
  })
})
