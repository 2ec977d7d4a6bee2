import { escapeText } from '../../model/markdown/escape.js'
import { fitPieces, utf16Length } from '../render/fit.js'
import { COMMENT_LIMIT } from '../../model/markdown/comment-markers.js'
import { driftPullMarker } from './markers.js'
import type { NotBroughtBack, TreeWrite } from './pull-request-tree.js'
import {
  AUTHOR_NOTE,
  codeName,
  driftLine,
  headText,
  kestraText,
  type DriftTarget
} from './reports.js'

interface DriftPullInput extends DriftTarget {
  writes: TreeWrite[]
  notBroughtBack: NotBroughtBack[]
}

export function driftPullTitle(input: Pick<DriftPullInput, 'commentKey'>): string {
  const key = input.commentKey === 'default' ? '' : ` (${input.commentKey})`
  return `Bring back the edits made in Kestra${key}`
}

/**
 * The drift pull request's body (docs/drift.md#the-drift-pull-request): what changed in Kestra, with
 * revision and date, the repository file each lands in, and what was not brought back. Deterministic for
 * the same drift, so an identical run leaves the pull request as it is.
 */
export function driftPullBody(input: DriftPullInput): string {
  const written = new Map(
    input.writes.flatMap((w) => [w.name, ...(w.alsoBrings ?? [])].map((name) => [name, w] as const))
  )
  const lines = input.items
    .filter((item) => written.has(item.name))
    .map((item) => {
      const write = written.get(item.name)!
      const where =
        write.content === undefined
          ? `removes ${codeName(write.path)}`
          : `writes ${codeName(write.path)}`
      return `- ${driftLine({ ...item, file: undefined })}: ${where}`
    })
  const missing = input.notBroughtBack.map(
    (n) => `- ${codeName(n.name)}${n.path ? ` (${codeName(n.path)})` : ''}: ${escapeText(n.reason)}`
  )
  const sections = [
    driftPullMarker(input.commentKey),
    `### Edits made in Kestra, brought back to Git`,
    `${kestraText(input)} differs from ${headText(input)}. This pull request writes the server's current sources into the repository, so that the edits are reviewed like any change; merging it makes Git match Kestra. Closing it and deploying ${codeName(input.branch)} overwrites them instead.`,
    lines.join('\n'),
    ...(missing.length > 0 ? ['#### Not brought back', missing.join('\n')] : []),
    AUTHOR_NOTE
  ]
  const fitted = fitPieces(sections, COMMENT_LIMIT - 1_000, utf16Length)
  if (fitted) return fitted.text
  return [
    ...sections.slice(0, 3),
    `${input.writes.length} file(s) changed: the list is too long to show here; the job summary of the run holds the drift.`
  ].join('\n\n')
}
