import { execFile } from 'node:child_process'
import type { GitHubPort } from '../../model/github.js'

/** Whether `ancestor` is an ancestor of (or equal to) `descendant`; undefined when it cannot tell. */
export type IsAncestor = (ancestor: string, descendant: string) => Promise<boolean | undefined>

const SHA = /^[0-9a-f]{7,64}$/i

/**
 * `git merge-base --is-ancestor` in the checkout at `cwd`. A commit missing from the clone (a shallow
 * checkout, another repository) or a missing git gives undefined.
 */
export function gitIsAncestor(cwd: string): IsAncestor {
  return (ancestor, descendant) =>
    new Promise((resolve) => {
      if (!SHA.test(ancestor) || !SHA.test(descendant)) {
        resolve(undefined)
        return
      }
      execFile('git', ['merge-base', '--is-ancestor', ancestor, descendant], { cwd }, (error) => {
        if (!error) resolve(true)
        else resolve(error.code === 1 ? false : undefined)
      })
    })
}

/** Asks git first, then GitHub's compare API (a shallow checkout lacks the recorded commit). */
export function ancestryChecker(cwd: string, github?: GitHubPort): IsAncestor {
  const git = gitIsAncestor(cwd)
  return async (ancestor, descendant) => {
    const local = await git(ancestor, descendant)
    if (local !== undefined || !github) return local
    try {
      const { status } = await github.compareCommits(ancestor, descendant)
      return status === 'ahead' || status === 'identical'
    } catch {
      return undefined
    }
  }
}
