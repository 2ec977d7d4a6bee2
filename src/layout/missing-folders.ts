import picomatch from 'picomatch'
import type { Layout } from '../model/settings.js'
import { MISSING_FOLDER, type ReadProblem } from '../model/repository.js'
import { nearest } from '../model/nearest.js'
import { childOf, type TreeEntry, type TreeSource } from '../adapters/git/tree-source.js'
import type { ReadSettings } from './load-problems.js'

type Lister = Pick<TreeSource, 'list'>

/**
 * docs/layouts.md#a-folder-that-does-not-exist: a folder the inputs name under root (a `namespace-files` DIR, a
 * `flows` glob's fixed part, the namespace layout's `flows/` and `files/`) that is missing is an error naming it
 * and the nearest existing folder: never an empty tree, which would plan deleting what the server holds there.
 */
export async function missingFolders(
  tree: Lister,
  settings: ReadSettings,
  layout: Layout,
  fileOf: (rel: string) => string
): Promise<ReadProblem[]> {
  const problems: ReadProblem[] = []
  const missing = async (rel: string, what: string, after: string) => {
    const found = await lookUp(tree, rel)
    if (found.exists) return
    problems.push({
      severity: 'error',
      file: fileOf(rel),
      rule: MISSING_FOLDER,
      message: `${what} names '${rel}', which does not exist under root '${settings.root}'${hint(found)}. ${after}`
    })
  }
  for (const mapping of settings.namespaceFiles) {
    if (mapping.dir === '') continue
    await missing(
      mapping.dir,
      `The namespace-files line '${mapping.dir} -> ${mapping.namespace}${mapping.prefix ? `:${mapping.prefix}` : ''}'`,
      `Nothing is read for it, and the plan deletes nothing until it names a folder`
    )
  }
  if (layout === 'custom') {
    for (const glob of settings.flowGlobs) {
      if (glob.startsWith('!')) continue
      const base = picomatch.scan(glob.replace(/^\.\//, '')).base
      if (base === '' || base === '.') continue
      await missing(base, `The flows glob '${glob}'`, 'Fix the glob')
    }
  }
  if (layout === 'namespace') {
    const [flows, files] = await Promise.all([lookUp(tree, 'flows'), lookUp(tree, 'files')])
    if (!flows.exists && !files.exists) {
      problems.push({
        severity: 'error',
        file: fileOf('flows'),
        rule: MISSING_FOLDER,
        message:
          `The namespace layout reads flows/ and files/ under root '${settings.root}', and neither exists` +
          `${hint(flows)}. Set root to the folder holding them, or choose another layout`
      })
    }
  }
  return problems
}

type Found = { exists: true } | { exists: false; deepest: string; nearest?: string }

/**
 * Looks `rel` up segment by segment: where a segment is missing, the folder's entry nearest to it is taken
 * (a typo), and the rest looked up below it.
 */
export async function lookUp(tree: Lister, rel: string): Promise<Found> {
  const segments = rel.split('/').filter((s) => s !== '' && s !== '.')
  let spelled = ''
  let exact = true
  let deepest = ''
  for (const segment of segments) {
    const entries = await tree.list(spelled).catch((): TreeEntry[] => [])
    const names = entries.map((entry) => entry.name)
    if (exact && names.includes(segment)) {
      deepest = childOf(deepest, segment)
      spelled = deepest
      continue
    }
    exact = false
    const name = names.includes(segment) ? segment : nearest(segment, names)
    if (name === undefined) return { exists: false, deepest }
    spelled = childOf(spelled, name)
  }
  return exact ? { exists: true } : { exists: false, deepest, nearest: spelled }
}

export function hint(found: Found): string {
  if (found.exists) return ''
  if (found.nearest !== undefined) return ` (did you mean '${found.nearest}'?)`
  return found.deepest === '' ? '' : ` (the deepest folder that exists is '${found.deepest}')`
}
