import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * One temporary folder for everything a test run, the bench or the demo creates: repositories, the runner's
 * folders, bundles, and what the processes they start write. `os.tmpdir()` answers it from then on, in this
 * process and in the processes it starts after, and `remove` deletes it whole, so a run leaves nothing
 * behind (without it, a few runs of the suite left tens of thousands of folders).
 */
export function scratchTmpdir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  // Others may pass through to a folder they are given, never list it: nginx's workers run as another user
  // and buffer request bodies in their prefix inside (__tests__/e2e/proxy-body-limit.test.ts).
  chmodSync(dir, 0o711)
  for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = dir
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** `scratchTmpdir` for a script (the bench, the demo): removed when its process exits, Ctrl-C included. */
export function scratchTmpdirUntilExit(prefix: string): void {
  const { remove } = scratchTmpdir(prefix)
  process.on('exit', remove)
  process.once('SIGINT', () => process.exit(130))
}
