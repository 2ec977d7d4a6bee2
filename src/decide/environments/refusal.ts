import { verifiedCommit, type EnvironmentHistory } from '../../model/verification.js'

/** The refusal of an unverified commit: what is verified there instead, and what to do. */
export function refusal(environment: string, sha: string, history: EnvironmentHistory): string {
  const verified = verifiedCommit(history)
  const instead = verified
    ? `the commit verified there is ${verified.sha.slice(0, 7)} (deployed ${verified.createdAt}); promote that one, or deploy ${sha.slice(0, 7)} to ${environment} first`
    : `no commit is verified there yet; deploy ${sha.slice(0, 7)} to ${environment} first`
  return `Input 'require-verified-in': commit ${sha.slice(0, 7)} has no successful deployment in ${environment}, so nothing was written: ${instead}.`
}
