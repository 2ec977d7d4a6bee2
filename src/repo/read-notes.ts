import type { Layout, Settings } from '../settings.js'
import type { ReadProblem, RepoModel } from './model.js'

/** The settings a note speaks of, the layout resolved. */
type ReadSettings = Pick<Settings, 'root' | 'flowGlobs' | 'namespaceFiles'> & { layout: Layout }

/** At most this many paths are named in a note; the count says the rest. */
const NAMED = 5

/** One notice for the run: YAML files of other Kestra kinds (a top-level `type`) are not flows. */
export function otherKindsNotice(skipped: readonly { file: string; type: string }[]): ReadProblem {
  const files = [...skipped].sort((a, b) => (a.file < b.file ? -1 : 1))
  const types = [...new Set(files.map(({ type }) => type))].sort()
  return {
    severity: 'notice',
    file: files[0]!.file,
    message:
      `${files.length} YAML file(s) of other Kestra kinds than flows (top-level type: ${types.join(', ')}) ` +
      `were skipped: ${named(files.map(({ file }) => file))}. The action deploys flows and namespace files only`
  }
}

/**
 * Flow documents under root that the layout does not read, as one warning
 * (docs/layouts.md#what-a-run-says).
 */
export function unmatchedFlowsWarning(
  files: readonly string[],
  settings: ReadSettings
): ReadProblem {
  const sorted = [...files].sort()
  return {
    severity: 'warning',
    file: sorted[0]!,
    message:
      `${sorted.length} flow file(s) under root are not read by the ${settings.layout} layout: ` +
      `${named(sorted)}. Move them to ${flowPlaces(settings).join(', ')}, or set layout: anywhere to read every flow`
  }
}

/**
 * A run that finds no resource at all is an error that says where it looked
 * (docs/layouts.md#what-a-run-says).
 */
export function nothingFound(
  model: Pick<RepoModel, 'rootRel' | 'layout'>,
  settings: ReadSettings
): ReadProblem {
  return {
    severity: 'error',
    file: model.rootRel || '.',
    message:
      `No flow or namespace file found: the ${settings.layout} layout (${model.layout.reason}) ` +
      `looked in ${lookedIn(settings)} under root '${settings.root}'. Set namespace (flows/ and files/ ` +
      'of one namespace), layout (tenant, namespace, anywhere, custom) or root (the folder holding ' +
      'the flows), or list the namespaces to manage in namespaces'
  }
}

function lookedIn(settings: ReadSettings): string {
  const files = { tenant: ['<namespace>/files/'], namespace: ['files/'] }[settings.layout as string]
  const mapped = settings.namespaceFiles.map(({ dir }) => `${dir || '.'}/`)
  return [...flowPlaces(settings), ...(files ?? []), ...mapped].join(', ')
}

function flowPlaces(settings: ReadSettings): string[] {
  return {
    tenant: ['<namespace>/flows/'],
    namespace: ['flows/'],
    anywhere: ['every folder'],
    custom: settings.flowGlobs
  }[settings.layout]
}

function named(paths: readonly string[]): string {
  const shown = paths.slice(0, NAMED).join(', ')
  return paths.length > NAMED ? `${shown} and ${paths.length - NAMED} more` : shown
}
