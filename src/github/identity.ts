import { z } from 'zod'
import type { RepoClient } from './octokit.js'

/** The author GITHUB_TOKEN comments and writes as. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]'

/** Who a token acts as; an answer without it says nothing of who. */
const login = z.object({ login: z.string().min(1) })

/** The token's own user, for a person's token; an App installation token (GITHUB_TOKEN) cannot read it. */
export function viewerLogin(client: RepoClient): Promise<string | undefined> {
  return client.octokit.rest.users.getAuthenticated().then(
    (response) => login.safeParse(response.data).data?.login,
    () => undefined
  )
}

/**
 * The login a token acts as, in comments and writes alike (docs/github.md#comments): GraphQL's `viewer`,
 * which answers an App installation token (GITHUB_TOKEN's `github-actions[bot]`, another App's `<slug>[bot]`)
 * as well as a person's token; else `GET /user`, which only a person's token may read. Undefined when neither
 * answers.
 */
export async function tokenLogin(client: RepoClient): Promise<string | undefined> {
  try {
    const answer = await client.octokit.graphql('query { viewer { login } }')
    const viewer = z.object({ viewer: login }).safeParse(answer).data?.viewer.login
    if (viewer) return viewer
  } catch {
    // GraphQL refused (a server without it, or a token it does not take): REST may still say.
  }
  return viewerLogin(client)
}

/** Which input a token came from, as the user set it. */
type TokenInput = 'github-token' | 'pull-request-token'

/** A client and the input its token came from: a refusal names that input (docs/drift.md#permissions). */
export interface NamedClient extends RepoClient {
  token: TokenInput
}

/**
 * Why GitHub refused `doing` with this client's token (401 or 403/404), naming the token, the identity it acts
 * as and the repository permission it lacks, in the words of the kind of token it is: an App's installation
 * (its permission, and its installation on the repository), the workflow's GITHUB_TOKEN (the job's
 * `permissions:`), a person's token (a fine-grained token's permission, a classic token's `repo` scope). A 401
 * is a token GitHub does not take at all: nothing more can be asked with it.
 */
export async function tokenRefusal(
  client: NamedClient,
  status: number | undefined,
  doing: string,
  permission: 'Contents' | 'Pull requests'
): Promise<string> {
  const repository = `${client.owner}/${client.repo}`
  const { token } = client
  if (status === 401) {
    return `GitHub refused ${token} (401 Bad credentials) while ${doing}: the token is expired, revoked or not a token. Put a valid one in the secret that ${token} is given.`
  }
  const identity = await tokenLogin(client)
  const scope = permission === 'Contents' ? 'contents' : 'pull-requests'
  const lacks = `lacks '${permission}: Read and write' on ${repository}`
  if (identity === ACTIONS_BOT_LOGIN) {
    return `${token} acts as ${identity} (the workflow's GITHUB_TOKEN), which ${lacks} while ${doing}: grant \`permissions: ${scope}: write\` to the job (docs/drift.md#permissions).`
  }
  if (identity?.endsWith('[bot]')) {
    return `${token} acts as ${identity}, a GitHub App installation, which ${lacks} while ${doing}: give the App the repository permission '${permission}: Read and write' and install it on ${repository}; the job's \`permissions:\` do not apply to it (docs/drift.md#permissions).`
  }
  if (identity) {
    return `${token} acts as ${identity} (a personal access token), which ${lacks} while ${doing}: a fine-grained token needs the repository permission '${permission}: Read and write' on ${repository} (a classic token the \`repo\` scope), and ${identity} needs write access to the repository (docs/drift.md#permissions).`
  }
  return `${token} ${lacks} while ${doing}, and GitHub would not say who it acts as: an App's installation needs the repository permission '${permission}: Read and write' and the App installed on ${repository}; a person's fine-grained token the same permission (a classic token the \`repo\` scope) (docs/drift.md#permissions).`
}
