/**
 * A token GitHub refuses while the drift branch or pull request is written (docs/drift.md#permissions), through
 * the bundled action: for every kind of token (the workflow's GITHUB_TOKEN as github-token, an App's installation
 * or a person's token as pull-request-token), every permission it may lack (Contents for the branch, Pull
 * requests for the pull request) and a token GitHub does not take at all (401), the warning names the input the
 * token came from, the identity it acts as and the permission it lacks, in that kind of token's words; it never
 * says to re-run the workflow, nor to grant the job a permission when the token is not the job's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FakeToken, TokenPermissions } from '../../../test-support/fake-github.js'
import { flow } from '../../../test-support/scenario.js'
import { log, NS, startDriftStage, type DriftStage } from './stage.js'

const APP = { login: 'kestra-gitops-app[bot]', type: 'Bot' as const }
const PERSON = { login: 'ops-person', type: 'User' as const }
const TOKEN = 'ghs_PullRequestToken_0a1b2c3d4e5f'

type Lacking = 'contents' | 'pull-requests' | 'revoked'
type Kind = 'workflow' | 'app' | 'person'

interface Case {
  kind: Kind
  lacking: Lacking
}

const CASES: Case[] = (['workflow', 'app', 'person'] as const).flatMap((kind) =>
  (['contents', 'pull-requests', 'revoked'] as const)
    .filter((lacking) => kind !== 'workflow' || lacking !== 'revoked')
    .map((lacking) => ({ kind, lacking }))
)

function permissionsLacking(lacking: Lacking): TokenPermissions {
  return {
    contents: lacking === 'contents' ? 'read' : 'write',
    'pull-requests': lacking === 'pull-requests' ? 'read' : 'write',
    issues: 'write'
  }
}

let stage: DriftStage
/** The fake's other tokens, read live: each case sets the pull-request-token it gives. */
const tokens: Record<string, FakeToken> = {}

function setToken(token: FakeToken | undefined) {
  if (token) tokens[TOKEN] = token
  else delete tokens[TOKEN]
}

beforeAll(async () => {
  stage = await startDriftStage({ github: { actionsCanCreatePullRequests: true, tokens } })
  await stage.ui.editFlow(NS, 'solo', flow(NS, 'solo', ' (edited in the UI)'))
})
afterAll(() => stage?.close())

function expected({ kind, lacking }: Case): RegExp[] {
  const input = kind === 'workflow' ? 'github-token' : 'pull-request-token'
  const doing =
    lacking === 'pull-requests' ? 'opening the pull request from' : 'writing the drift branch'
  if (lacking === 'revoked') {
    return [
      new RegExp(
        `^GitHub refused pull-request-token \\(401 Bad credentials\\) while ${doing} kestra-gitops/drift-default: the token is expired, revoked or not a token`
      )
    ]
  }
  const permission = lacking === 'contents' ? 'Contents' : 'Pull requests'
  const lacks = `lacks '${permission}: Read and write' on octo/kestra-repo while ${doing} kestra-gitops/drift-default`
  const escape = (text: string) => text.replace(/[[\]().*+?^$|\\]/g, '\\$&')
  const who = {
    workflow: `${input} acts as github-actions[bot] (the workflow's GITHUB_TOKEN), which ${lacks}: grant \`permissions: ${lacking}: write\` to the job`,
    app: `${input} acts as ${APP.login}, a GitHub App installation, which ${lacks}: give the App the repository permission '${permission}: Read and write' and install it on octo/kestra-repo`,
    person: `${input} acts as ${PERSON.login} (a personal access token), which ${lacks}: a fine-grained token needs the repository permission '${permission}: Read and write'`
  }[kind]
  return [new RegExp(`^${escape(who)}`)]
}

describe('a refused token names itself, who it acts as and what it lacks', () => {
  it.each(CASES)('$kind token lacking $lacking', async (refused) => {
    const { kind, lacking } = refused
    if (kind === 'workflow') stage.github.setPermissions(permissionsLacking(lacking))
    else stage.github.setPermissions({ contents: 'read', issues: 'write', 'pull-requests': 'read' })
    setToken(
      kind === 'workflow'
        ? undefined
        : {
            user: kind === 'app' ? APP : PERSON,
            permissions: permissionsLacking(lacking),
            revoked: lacking === 'revoked'
          }
    )
    const result = await stage.drift({
      'drift-action': 'pull-request',
      ...(kind !== 'workflow' && { 'pull-request-token': TOKEN })
    })
    const warnings = result.annotations
      .filter((a) => a.severity === 'warning')
      .map((a) => a.message)
    const [pattern] = expected(refused)
    expect(
      warnings.filter((w) => pattern!.test(w)),
      log(result)
    ).toHaveLength(1)
    const all = warnings.join('\n') + result.stdout
    expect(all).not.toMatch(/re-run the workflow/i)
    if (kind !== 'workflow') expect(all).not.toMatch(/to the job/)
    expect(result.everything.replace(/^::add-mask::.*$/gm, '')).not.toContain(TOKEN)
  })
})
