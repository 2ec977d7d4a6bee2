import { execFile } from 'node:child_process'

/** The commit's committer time from the checkout, or undefined when git cannot tell (no history, no git). */
export function commitTime(workspace: string, sha: string): Promise<Date | undefined> {
  return new Promise((resolve) => {
    if (!/^[0-9a-f]{7,64}$/i.test(sha)) return resolve(undefined)
    execFile('git', ['show', '-s', '--format=%cI', sha], { cwd: workspace }, (error, stdout) => {
      const time = error ? NaN : Date.parse(stdout.trim())
      resolve(Number.isNaN(time) ? undefined : new Date(time))
    })
  })
}
