import picomatch from 'picomatch'
import { NAMESPACE_PATTERN } from '../model/namespaces.js'
import type { FileFolder } from '../model/repository.js'
import { type Layout, type Settings } from '../model/settings.js'

/**
 * Where a file under `root` belongs. A file can be both: the caller settles that. `ifFlowDocument`:
 * a flow only when it is a flow document (anywhere layout); any other YAML is not a flow.
 */
export interface Placement {
  flow?: { expectedNamespace?: string; ifFlowDocument?: boolean }
  files: { namespace: string; path: string }[]
}

export interface LayoutRules {
  place(rel: string): Placement
  /** Whether a folder can hold anything the layout looks for (the walk skips the others). */
  mayContain(dirRel: string): boolean
  /** Whether everything under a folder is the layout's own: it is inside one of its flow or file folders. */
  owns(dirRel: string): boolean
  /** The folders (relative to root, ending in '/') holding `namespace`'s files. */
  fileFoldersOf(namespace: string): string[]
}

type Segment = string | RegExp

interface FlowArea {
  dir: Segment[]
  /** The namespace of what the area holds; none: its first folder's name (tenant layout's `<namespace>/…`). */
  namespace?: string
}

interface FileArea extends FlowArea {
  prefix: string
}

export function isYamlFile(rel: string): boolean {
  return /\.ya?ml$/.test(rel)
}

/**
 * What the layout reads where; `fileFolders` are the `files/<namespace>/` folders `auto` found
 * (docs/layouts.md#files-folders-found-by-auto), read as mappings without a prefix.
 */
export function layoutRules(
  settings: Pick<Settings, 'namespace' | 'namespaceFiles' | 'flowGlobs'>,
  layout: Layout,
  fileFolders: readonly FileFolder[] = []
): LayoutRules {
  const flowAreas: FlowArea[] = []
  const fileAreas: FileArea[] = []
  if (layout === 'tenant') {
    flowAreas.push({ dir: [NAMESPACE_PATTERN, 'flows'] })
    fileAreas.push({ dir: [NAMESPACE_PATTERN, 'files'], prefix: '' })
  } else if (layout === 'namespace') {
    const namespace = settings.namespace!
    flowAreas.push({ dir: ['flows'], namespace })
    fileAreas.push({ dir: ['files'], namespace, prefix: '' })
  }
  for (const { dir, namespace, prefix } of [
    ...settings.namespaceFiles,
    ...fileFolders.map((f) => ({ ...f, prefix: '' }))
  ]) {
    fileAreas.push({ dir: splitPath(dir), namespace, prefix })
  }
  const globs = layout === 'custom' ? flowGlobs(settings.flowGlobs) : undefined
  const searched: Segment[][] = [
    ...flowAreas.map((a) => a.dir),
    ...fileAreas.map((a) => a.dir),
    ...(globs?.bases ?? [])
  ]

  return {
    place(rel) {
      const segments = rel.split('/')
      const placement: Placement = { files: filesFor(fileAreas, segments) }
      if (!isYamlFile(rel)) return placement
      const area = flowAreas.find((a) => inside(a.dir, segments, segments.length - 1))
      if (area) placement.flow = { expectedNamespace: area.namespace ?? segments[0] }
      else if (globs?.matches(rel)) placement.flow = {}
      else if (layout === 'anywhere') placement.flow = { ifFlowDocument: true }
      return placement
    },
    mayContain(dirRel) {
      const segments = splitPath(dirRel)
      return searched.some((dir) =>
        dir.every((segment, i) => i >= segments.length || matches(segment, segments[i]!))
      )
    },
    owns(dirRel) {
      const segments = splitPath(dirRel)
      return [...flowAreas, ...fileAreas].some((area) => inside(area.dir, segments))
    },
    fileFoldersOf(namespace) {
      return fileAreas.flatMap((area) => {
        if (area.namespace !== undefined && area.namespace !== namespace) return []
        const dir = area.dir.map((s) => (typeof s === 'string' ? s : namespace)).join('/')
        return [`${dir === '' ? '.' : dir}/${area.prefix ? ` (as ${area.prefix}/…)` : ''}`]
      })
    }
  }
}

/** The most specific areas holding the file (nested mappings: the deeper folder wins). */
function filesFor(areas: FileArea[], segments: string[]): Placement['files'] {
  // Every file of a repository is placed: its folders are read in place, not copied.
  let deepest: FileArea[] = []
  for (const area of areas) {
    if (!inside(area.dir, segments, segments.length - 1)) continue
    const depth = deepest[0]?.dir.length ?? -1
    if (area.dir.length > depth) deepest = [area]
    else if (area.dir.length === depth) deepest.push(area)
  }
  const files: Placement['files'] = []
  for (const area of deepest) {
    const namespace = area.namespace ?? segments[0]!
    const path = `${area.prefix}/${segments.slice(area.dir.length).join('/')}`
    if (!files.some((f) => f.namespace === namespace && f.path === path))
      files.push({ namespace, path })
  }
  return files
}

function flowGlobs(patterns: readonly string[]) {
  const normalised = patterns.map((p) => p.replace(/^\.\//, ''))
  const include = normalised.filter((p) => !p.startsWith('!'))
  const ignore = normalised.filter((p) => p.startsWith('!')).map((p) => p.slice(1))
  return {
    matches: include.length > 0 ? picomatch(include, { dot: true, ignore }) : () => false,
    bases: include.map((p) => splitPath(picomatch.scan(p).base))
  }
}

/** Whether the first `folders` of `segments` (all of them unless said) are the area's folder or inside it. */
function inside(area: Segment[], segments: string[], folders = segments.length): boolean {
  return folders >= area.length && area.every((segment, i) => matches(segment, segments[i]!))
}

function matches(segment: Segment, name: string): boolean {
  return typeof segment === 'string' ? segment === name : segment.test(name)
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.')
}
