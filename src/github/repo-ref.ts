import type { Octokit } from './octokit.js'

/** An Octokit bound to the repository the action runs for. */
export interface RepoClient {
  octokit: Octokit
  owner: string
  repo: string
}
