import { escapeHtml, escapeText, linkTarget, shownDate } from '../../model/markdown/escape.js'
import { fence } from '../../model/markdown/fence.js'
import { COMMENT_LIMIT, commentMarker, runLine } from '../../model/markdown/comment-markers.js'
import type { DriftedResource, DriftKind, RepositoryShape } from '../../model/drift.js'
import type { ResourceChange } from '../../model/plan.js'
import { fitPieces, utf16Length, type Piece } from '../../report/render/changes.js'
import { noDiffText } from '../../report/render/resource.js'
import { foldedPath, unwritablePath } from '../../model/repository-paths.js'
import { compareCodeUnits } from '../../model/content.js'
import { kindOf, type DecideKind } from '../decide-kind.js'

const KIND_TEXT: Record<DriftKind, string> = {
  edited: 'edited in Kestra',
  'only-in-kestra': 'only in Kestra',
  'deleted-in-kestra': 'deleted in Kestra'
}

/** What both drift reports are about: the server, the default branch's head, the drifted resources. */
interface DriftTarget {
  commentKey: string
  server: string
  tenant: string
  branch: string
  commit: string
  items: ShownDrift[]
}

function kestraText(target: Pick<DriftTarget, 'server' | 'tenant'>): string {
  return `Kestra at ${escapeText(target.server)} (tenant ${escapeText(target.tenant)})`
}

function headText(target: Pick<DriftTarget, 'branch' | 'commit'>): string {
  return `${codeName(target.branch)} at ${codeName(target.commit.slice(0, 7))}`
}

/** What a drifted resource shows as, with what the run did about it (revert: conflict, kept…). */
export interface ShownDrift extends Omit<DriftedResource, 'change'> {
  resourceKind: ResourceChange['kind']
  file?: string
  /** What became of it in this run, e.g. `conflict: …` or `kept: delete is false`. */
  note?: string
}

/** A name or path inside HTML (a `<summary>`): inline code on one line, so it can open nothing. */
export function codeName(text: string): string {
  return `<code>${escapeHtml(text.replace(/\s*[\r\n]+\s*/g, ' '))}</code>`
}

/** `flow company.team.solo — edited in Kestra, revision 3, saved 2026-01-01 10:02 UTC`, as HTML. */
function driftLine(item: ShownDrift): string {
  const parts = [KIND_TEXT[item.kind]]
  if (item.revision !== undefined && item.kind !== 'deleted-in-kestra') {
    parts.push(`revision ${item.revision}`)
  }
  const date = item.kind === 'deleted-in-kestra' ? undefined : shownDate(item.updated)
  if (date) parts.push(`saved ${date}`)
  if (item.file) parts.push(`in ${codeName(item.file)}`)
  const note = item.note ? ` — <b>${escapeText(item.note)}</b>` : ''
  return `${item.resourceKind} ${codeName(item.name)} — ${parts.join(', ')}${note}`
}

/** One drifted resource with its diff from Git to Kestra, folded; `reduced` drops the diff. */
function driftDetails(item: ShownDrift, reducedNote?: string): string {
  const body =
    reducedNote ??
    (item.diff !== undefined ? fence(item.diff, 'diff') : noDiffText(item.diffOmitted, 'No diff.'))
  return `<details><summary>${driftLine(item)}</summary>\n\n${body}\n\n</details>`
}

/** Kestra keeps when a revision was saved, never who saved it (docs/kestra.md#who-changed-a-flow-and-when). */
const AUTHOR_NOTE =
  'Kestra records when a flow revision was saved, not who saved it: look in Kestra Enterprise’s audit log for the user.'

/** The label every drift issue carries: how a run lists them (docs/drift.md#the-drift-issue). */
export const DRIFT_LABEL = 'kestra-gitops-drift'

/** First line of the drift issue of `commentKey`, with the key made safe as the comment's marker is. */
export function driftMarker(commentKey: string): string {
  return commentMarker(commentKey).replace('<!-- kestra-gitops:', '<!-- kestra-gitops-drift:')
}

export function driftBranch(commentKey: string): string {
  return `kestra-gitops/drift-${commentKey}`
}

/** The trailer of every commit the action writes on the drift branch: a branch without it is someone's. */
export function driftCommitTrailer(commentKey: string): string {
  return `Kestra-GitOps-Drift: ${commentKey}`
}

/** Room kept under GitHub's body limit for the marker, the last-checked line and the run link. */
const ISSUE_BUDGET = COMMENT_LIMIT - 2_000

export interface DriftReportInput extends DriftTarget {
  /** What `drift-action` did, in a sentence (e.g. the pull request, or the revert's outcome). */
  action?: string
  pullRequestUrl?: string
  runUrl?: string
  /** ISO-8601 time of this run: an issue is rewritten on every run. */
  checkedAt: string
}

export function driftTitle(
  input: Pick<DriftReportInput, 'commentKey' | 'branch' | 'items'>
): string {
  const key = input.commentKey === 'default' ? '' : ` (${input.commentKey})`
  const n = input.items.length
  return `Kestra drift${key}: ${n} resource${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''} from ${input.branch}`
}

/** The drift issue's body (docs/drift.md#the-drift-issue): within GitHub's limit, every resource named. */
export function driftIssueBody(input: DriftReportInput): string {
  const head = [driftMarker(input.commentKey), ...opening(input)].join('\n\n')
  const tail = [
    AUTHOR_NOTE,
    `Last checked ${escapeText(shownDate(input.checkedAt) ?? input.checkedAt)}.${input.runUrl ? ` ${runLine(input.runUrl)}` : ''}`
  ].join('\n\n')
  const budget = ISSUE_BUDGET - head.length - tail.length
  return [head, driftList(input.items, budget), tail].join('\n\n')
}

/** The drift section of the job summary: the same list, within the summary's own room. */
export function driftSummarySection(input: DriftReportInput, budget: number): string {
  return [...opening(input), driftList(input.items, budget), AUTHOR_NOTE].join('\n\n')
}

/** The heading, then what the drift means and what the run did about it. */
function opening(input: DriftReportInput): string[] {
  const key = input.commentKey === 'default' ? '' : ` · ${escapeText(input.commentKey)}`
  const lines = [
    `### ⚠️ Kestra drift${key}: ${input.items.length} resource(s) differ from ${codeName(input.branch)}`,
    `${kestraText(input)} no longer matches ${headText(input)}: these resources were changed outside Git, and the next deploy overwrites those edits. Each diff reads from Git to what Kestra holds.`
  ]
  if (input.pullRequestUrl) {
    lines.push(
      `The edits are brought back in [this pull request](${linkTarget(input.pullRequestUrl)}).`
    )
  }
  if (input.action) lines.push(escapeText(input.action))
  return lines
}

/** Every resource's line; diffs as room allows, the largest dropped first, then names only. */
function driftList(items: readonly ShownDrift[], budget: number): string {
  const note = 'Diff omitted to fit: the job summary of the run holds it.'
  const pieces: Piece[] = items.map((item) =>
    item.diff === undefined
      ? driftDetails(item)
      : { full: driftDetails(item), reduced: driftDetails(item, note) }
  )
  const fitted = fitPieces(pieces, budget, utf16Length)
  if (fitted) return fitted.text
  const lines = items.map((item) => `- ${driftLine(item)}`)
  const names = fitPieces(lines, budget - 200, utf16Length)
  const shown = names?.text ?? lines.slice(0, Math.max(1, Math.floor(budget / 400))).join('\n')
  return `Diffs omitted to fit: the job summary of the run holds them.\n\n${shown}`
}

/** The comment that closes the issue (docs/drift.md#the-drift-issue). */
export function driftGoneComment(
  input: Pick<DriftReportInput, 'branch' | 'commit' | 'runUrl'> & { reverted: boolean }
): string {
  const how = input.reverted
    ? `Reverted: Git was deployed over the drift, and Kestra matches Git again`
    : 'No more drift: Kestra matches Git'
  const run = input.runUrl ? `\n\n${runLine(input.runUrl)}` : ''
  return `${how} (${headText(input)}).${run}`
}

type DriftPullInput = DriftTarget & DriftTree

export function driftPullTitle(input: Pick<DriftPullInput, 'commentKey'>): string {
  const key = input.commentKey === 'default' ? '' : ` (${input.commentKey})`
  return `Bring back the edits made in Kestra${key}`
}

/**
 * The drift pull request's body (docs/drift.md#the-drift-pull-request), deterministic so that an identical
 * run leaves the pull request as it is.
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
    driftMarker(input.commentKey).replace('kestra-gitops-drift:', 'kestra-gitops-drift-pr:'),
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

/** `content` undefined: the file is removed. */
interface TreeWrite {
  path: string
  content: Uint8Array | undefined
  name: string
  /** The other drifted resources the same file brings back (a kind keeping several in one file). */
  alsoBrings?: string[]
}

interface NotBroughtBack {
  name: string
  path?: string
  reason: string
}

type DriftTree = ReturnType<typeof driftTree>

interface DriftTreeInput {
  items: readonly DriftedResource[]
  shape: RepositoryShape
  /** The server's copy of each drifted resource that the plan did not keep, read for it, by resource name. */
  serverCopies: ReadonlyMap<string, Uint8Array>
  /** The kinds the layout reads (`GatherKind.fromWalk`): a file written for one must read back as it. */
  readByLayout: ReadonlySet<string>
  /** In any text encoding: such content is never written to Git. */
  holdsCredential: (content: Uint8Array) => boolean
  kinds: readonly DecideKind[]
}

/**
 * What the drift pull request writes (docs/drift.md#the-drift-pull-request), never where
 * docs/drift.md#where-the-drift-pull-request-never-writes says.
 */
export function driftTree(input: DriftTreeInput) {
  const placed: TreeWrite[] = []
  const notBroughtBack: NotBroughtBack[] = []
  for (const item of input.items) {
    const at = place(item, input)
    if ('reason' in at) {
      notBroughtBack.push({ name: item.name, ...at })
      continue
    }
    const same = placed.find((write) => write.path === at.path)
    if (same?.content && at.content && Buffer.from(same.content).equals(Buffer.from(at.content))) {
      same.alsoBrings = [...(same.alsoBrings ?? []), item.name]
      continue
    }
    if (same) {
      notBroughtBack.push({
        name: item.name,
        path: at.path,
        reason: 'another drifted resource goes to the same path'
      })
      continue
    }
    placed.push({ ...at, name: item.name })
  }
  const spellings = spellingsOf([...input.shape.paths, ...placed.map((write) => write.path)])
  const writes: TreeWrite[] = []
  for (const write of placed) {
    const other = write.content && caseTwin(write.path, spellings)
    if (other) {
      notBroughtBack.push({
        name: write.name,
        path: write.path,
        reason: `it differs only in case or Unicode spelling from ${other}, and both cannot live on every file system`
      })
    } else writes.push(write)
  }
  writes.sort((a, b) => compareCodeUnits(a.path, b.path))
  return { writes, notBroughtBack }
}

/** The tree without the files the ignore rules leave out (`ignored`: why, by path); removals stay. */
export function withoutIgnored(tree: DriftTree, ignored: ReadonlyMap<string, string>): DriftTree {
  const left = tree.writes.filter((write) => write.content && ignored.has(write.path))
  if (left.length === 0) return tree
  return {
    writes: tree.writes.filter((write) => !left.includes(write)),
    notBroughtBack: [
      ...tree.notBroughtBack,
      ...left.map((write) => ({
        name: write.name,
        path: write.path,
        reason: `the layout would not read it there: ${ignored.get(write.path)!}`
      }))
    ]
  }
}

/** Every spelling of each path and of each folder on the way to it, by its folded form. */
function spellingsOf(paths: readonly string[]): Map<string, Set<string>> {
  const spellings = new Map<string, Set<string>>()
  for (const path of paths) {
    for (const prefix of prefixesOf(path)) {
      const folded = foldedPath(prefix)
      const known = spellings.get(folded) ?? new Set()
      known.add(prefix)
      spellings.set(folded, known)
    }
  }
  return spellings
}

/** Another spelling of the path or of a folder on its way, that a file system may take for it. */
function caseTwin(path: string, spellings: ReadonlyMap<string, Set<string>>): string | undefined {
  for (const prefix of prefixesOf(path)) {
    const twin = [...(spellings.get(foldedPath(prefix)) ?? [])].find((other) => other !== prefix)
    if (twin !== undefined) return twin
  }
  return undefined
}

function prefixesOf(path: string): string[] {
  const segments = path.split('/')
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'))
}

type Placed = { path: string; content: Uint8Array | undefined } | { path?: string; reason: string }

function place(item: DriftedResource, input: DriftTreeInput): Placed {
  const { change } = item
  const { shape } = input
  const kind = kindOf(input.kinds, change)
  // A kind that keeps several resources in one file gives that file's whole text, a deletion included.
  const shared = kind.sharesFiles === true
  if (item.kind === 'deleted-in-kestra' && !shared) {
    const path = change.file
    if (!path) return { reason: 'deleted in Kestra, and no repository file holds it' }
    const unwritable = unwritablePath(path)
    if (unwritable) return { path, reason: unwritable }
    const kept = kind.keepsFileOfDeleted?.(change, shape)
    return kept === undefined ? { path, content: undefined } : { path, reason: kept }
  }
  const content = serverContent(item, input)
  if ('reason' in content) return content
  if (input.holdsCredential(content.bytes)) {
    return { reason: 'its content in Kestra holds a credential of this run: never written to Git' }
  }
  const held = item.kind === 'edited' || shared ? change.file : undefined
  const path =
    held !== undefined
      ? { path: held }
      : (kind.newPath?.(change, shape) ?? {
          reason: `the ${change.kind} kind does not say where the repository keeps it`
        })
  if ('reason' in path) return path
  const refused =
    unwritablePath(path.path) ??
    readBackRefusal(item, input.readByLayout.has(change.kind), path.path, content.bytes, shape)
  if (refused) return { path: path.path, reason: refused }
  if (held === undefined && shape.paths.has(path.path)) {
    return { path: path.path, reason: 'the path is taken by another file of the repository' }
  }
  return { path: path.path, content: content.bytes }
}

/**
 * Why the layout would not read the file back as exactly this resource (`own`: its kind is one the layout
 * reads); one of another kind must not be read as a flow or namespace file too.
 */
function readBackRefusal(
  item: DriftedResource,
  own: boolean,
  path: string,
  content: Uint8Array,
  shape: RepositoryShape
): string | undefined {
  const read = shape.readBack(path, content)
  if ('reason' in read) return `the layout would not read it there: ${read.reason}`
  const { change } = item
  const same =
    read.resources.length === (own ? 1 : 0) &&
    read.resources.every((resource) => resource.kind === change.kind && resource.name === item.name)
  if (same) return undefined
  const names = read.resources.map((resource) => resource.said)
  return `the layout would read that file as ${names.length > 0 ? names.join(' and ') : 'nothing of Kestra'}, not as ${item.name}`
}

function serverContent(
  item: DriftedResource,
  input: DriftTreeInput
): { bytes: Uint8Array } | { reason: string } {
  const content =
    kindOf(input.kinds, item.change).serverContent?.(item.change) ??
    input.serverCopies.get(item.name)
  if (content === undefined) return { reason: 'the server copy was not read' }
  return { bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content }
}
