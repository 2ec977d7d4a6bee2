import { execFile } from 'node:child_process'
import { EventLoopYielder } from '../../model/concurrency.js'

/**
 * The blobs git's index vouches for under a folder (docs/performance.md#what-a-plan-knows-without-reading):
 * a tracked regular file whose bytes are exactly a blob of the index, so that what is known of that blob is
 * known of the file without reading it.
 */
export interface IndexBlobs {
  blobOf(rel: string): string | undefined
}

/**
 * Attributes under which checking out can make a file's bytes other than its blob's: line-ending conversion
 * (`text`, `eol`, the older `crlf`), `filter` drivers (Git LFS among them), `ident` and
 * `working-tree-encoding`. Unset `text` and `crlf` mean "no conversion", as does an unspecified one.
 */
const CONVERTING = new Set(['text', 'eol', 'crlf', 'filter', 'ident', 'working-tree-encoding'])

/**
 * What git's index says of the work tree under `folder` (an absolute path), or undefined when git cannot say
 * (no git, not a repository). A file is vouched for only when every one of these holds:
 * - it is in the index at stage 0, a regular file (mode 100644 or 100755), neither assume-unchanged nor
 *   skip-worktree (`git ls-files -s -v`: tag `H`);
 * - the work tree's copy is the index's (`git ls-files -m` does not list it: git compares the file's stat data
 *   with what the index recorded, and reads a file whose timestamps cannot tell);
 * - no attribute converts it on checkout (`git check-attr --all`), and `core.autocrlf` is unset or false, or
 *   its `text` attribute is unset.
 */
export async function readIndexBlobs(folder: string): Promise<IndexBlobs | undefined> {
  // `-c -m`: every entry of the index (tag `H`, lower case when assume-unchanged, `S` when skip-worktree), then
  // each whose work tree copy is not the index's (tag `C`, after all the cached ones).
  const [listing, autocrlf] = await Promise.all([
    git(folder, ['ls-files', '-s', '-v', '-c', '-m', '-z', '--', '.']),
    git(folder, ['config', '--get', 'core.autocrlf'], { exit1IsEmpty: true })
  ])
  if (listing === undefined) return undefined
  const blobs = new Map<string, string>()
  // Read a few milliseconds at a time: an index of thousands of files keeps no server answer waiting.
  const yielder = new EventLoopYielder()
  for (const record of listing.split('\0')) {
    if (yielder.due()) await yielder.yieldTurn()
    const tab = record.indexOf('\t')
    if (tab === -1) continue
    const [tag, mode, oid, stage] = record.slice(0, tab).split(' ')
    const path = record.slice(tab + 1)
    if (tag !== 'H') blobs.delete(path)
    else if (stage === '0' && (mode === '100644' || mode === '100755') && oid) blobs.set(path, oid)
  }
  const attributes = await checkAttributes(folder, [...blobs.keys()])
  if (attributes === undefined) return undefined
  const convertsAll = ['true', 'yes', 'on', '1', 'input'].includes(
    (autocrlf ?? '').trim().toLowerCase()
  )
  for (const path of blobs.keys()) {
    if (yielder.due()) await yielder.yieldTurn()
    const set = attributes.get(path)
    const converted =
      set !== undefined &&
      [...set].some(([name, value]) => !((name === 'text' || name === 'crlf') && value === 'unset'))
    if (converted || (convertsAll && set?.get('text') !== 'unset')) blobs.delete(path)
  }
  return { blobOf: (rel) => blobs.get(rel) }
}

/** Each path's converting attributes that are not unspecified (`git check-attr --all -z --stdin`). */
async function checkAttributes(
  folder: string,
  paths: readonly string[]
): Promise<Map<string, Map<string, string>> | undefined> {
  const found = new Map<string, Map<string, string>>()
  if (paths.length === 0) return found
  const input = paths.map((path) => `${path}\0`).join('')
  const output = await git(folder, ['check-attr', '--all', '-z', '--stdin'], { input })
  if (output === undefined) return undefined
  const fields = output.split('\0')
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [path, name, value] = [fields[i]!, fields[i + 1]!, fields[i + 2]!]
    if (!CONVERTING.has(name)) continue
    let set = found.get(path)
    if (!set) found.set(path, (set = new Map()))
    set.set(name, value)
  }
  return found
}

/**
 * Git's standard output in `cwd`, `input` written to its standard input, or undefined when it fails (no git,
 * not a repository, any error). With `exit1IsEmpty`, an exit code of 1 is an empty answer: `config --get`'s for
 * a key that is not set.
 */
export function git(
  cwd: string,
  args: readonly string[],
  { exit1IsEmpty = false, input }: { exit1IsEmpty?: boolean; input?: string } = {}
): Promise<string | undefined> {
  return gitOrThrow(cwd, args, input).catch((error: { code?: unknown }) =>
    exit1IsEmpty && error.code === 1 ? '' : undefined
  )
}

/** Git's standard output in `cwd`; a failure is thrown, with what git said. No prompt, no optional lock. */
export function gitOrThrow(cwd: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd,
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' }
      },
      (error, out) => (error ? reject(error) : resolve(out))
    )
    if (input === undefined) return
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(input)
  })
}
