import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createHash } from 'node:crypto'

/**
 * The identity of the checks this process runs: a digest of the action's code (the bundle's `.js` files, or
 * `src/`) and Node's version, so a check another build stored is never reused
 * (docs/performance.md#incremental-planning). Undefined when the code cannot be read: nothing is then reused. Read
 * synchronously, at once: asynchronous reads of its 300 modules wait behind the walk's thousands of file reads, and a
 * plan reuses nothing until it is known.
 */
export async function validatorIdentity(): Promise<string | undefined> {
  try {
    const here = dirname(fileURLToPath(import.meta.url))
    const root = codeRoot(here)
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.(?:js|mjs|cjs|ts)$/.test(entry.name))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort()
    const hash = createHash('sha256').update(process.version)
    for (const file of files) hash.update(file.slice(root.length)).update(readFileSync(file))
    return hash.digest('hex')
  } catch {
    return undefined
  }
}

function codeRoot(here: string): string {
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) === 'src') return dir
  }
  return basename(here) === 'chunks' ? dirname(here) : here
}
