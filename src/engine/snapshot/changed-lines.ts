import { addedLines, type ChangedLines } from '../../model/suggestion.js'
import { gitOrThrow } from '../../adapters/git/git.js'

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i

/**
 * The lines `base...head` adds to each of `paths` (docs/suggested-changes.md#which-lines), from local git as GitHub
 * diffs a pull request (three dots: since the merge base; renames followed); undefined when git cannot say (a
 * shallow clone without the base). A path git quotes (control characters, quotes) is left out.
 */
export async function changedLinesFromGit(
  workspace: string,
  [base, head]: [string, string],
  paths: ReadonlySet<string>
): Promise<ChangedLines | undefined> {
  if (!SHA.test(base) || !SHA.test(head)) return undefined
  let out: string
  try {
    out = await gitOrThrow(workspace, [
      '-c',
      'core.quotePath=false',
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--unified=0',
      '-M',
      '--relative',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      `${base}...${head}`
    ])
  } catch {
    return undefined
  }
  const changed = new Map<string, Map<number, string>>()
  for (const section of out.split(/^diff --git /m)) {
    const target = /^\+\+\+ b\/(.*)$/m.exec(section)
    const path = target?.[1]
    if (path === undefined || !paths.has(path)) continue
    changed.set(path, addedLines(section.slice(target!.index + target![0].length)))
  }
  return changed
}

/** The same from GitHub's `patch` of each pull request file (a file without one: no line). */
export function changedLinesFromPatches(
  patches: ReadonlyMap<string, string>,
  paths: ReadonlySet<string>
): ChangedLines {
  return new Map(
    [...paths].flatMap((path) => {
      const patch = patches.get(path)
      return patch === undefined ? [] : [[path, addedLines(patch)] as const]
    })
  )
}
