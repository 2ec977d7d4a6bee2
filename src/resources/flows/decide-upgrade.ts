import type { Finding } from '../../model/finding.js'
import { parseFlowFile } from '../../model/flow-file.js'
import type { ServerValidation } from '../../model/kestra.js'
import { fitToSend } from '../../model/yaml-aliases.js'
import type { FlowFile } from '../../model/repository.js'
import type { UpgradeReport } from '../../model/upgrade.js'
import type { UpgradeItem } from './decide-stored-checks.js'
import { resolveVersioned, type KestraVersion } from '../../model/version.js'
import { applyEdits, FlowDocument, type Edit } from './decide-document.js'
import { serverFindings } from './decide-server-findings.js'
import { checkFlow, type FlowCheck } from './decide-validate.js'
import { taskTree } from './decide-task-tree.js'
import { refusedBy } from './decide-schema.js'
import { rewriteGroups } from './decide-upgrade-rewrites.js'

/**
 * Upgrade readiness (docs/upgrade.md): what Kestra 2.0 refuses in a flow that 1.3 loads, and the
 * rewrites that are mechanical. A rewrite edits the user's text in place (every other character kept),
 * and is offered only when the flow it gives parses, keeps every task and trigger id, and no longer has
 * the refusal it fixes while gaining none; the tests hold each against the released 2.0.0 core.
 */

const UPGRADE_TARGET: KestraVersion = [2, 0, 0]
const GUIDE = 'https://kestra.io/docs/migration-guide/v2.0.0'

interface FlowUpgrade {
  items: UpgradeItem[]
  flow: FlowFile
  /** The rewritten flow, as parsed (what an upgrade server is sent). */
  after?: FlowFile
  /**
   * The file with every mechanical rewrite applied, written as it was (line breaks, BOM); undefined when none
   * applies.
   */
  rewritten?: string
}

/**
 * What 2.0 refuses in a flow file and 1.3 accepts, as the validator judges it with `kestra-version: 2.0`: the
 * versioned findings of 2.0's rules, and what the bundled 2.0 schema refuses and 1.3's does not (on a line a
 * rule already explains, the rule's words stay), as errors.
 */
function refusedByTarget({ versioned, schema }: Judged): Finding[] {
  const rules = resolveVersioned(
    versioned.filter(({ since }) => since[0] >= UPGRADE_TARGET[0]),
    UPGRADE_TARGET
  ).filter((finding) => finding.severity === 'error')
  const explained = new Set(rules.map((finding) => finding.line))
  return [
    ...rules,
    ...schema
      .filter((refusal) => !refusal.older && !explained.has(refusal.finding.line))
      .map(({ finding }) => ({ ...finding, severity: 'error' as const }))
  ]
}

/**
 * The texts one flow's upgrade parses and checks, each once: a rewrite is checked alone, with the others,
 * then as the next pass's start, and those are often the same text. `known` is the flow's own check when
 * the run already made it.
 */
type Checked = Pick<FlowCheck, 'findings' | 'versioned'>

/** A text's check, with what the bundled schema of the target refuses in it. */
interface Judged extends Checked {
  schema: ReturnType<typeof refusedBy>
}

function upgradeChecks(flow: FlowFile, known?: Checked) {
  // One parse per text: the same text is then the same FlowFile, which the other two are keyed by.
  const parse = cached((source: string) =>
    source === flow.source ? flow : parseFlowFile({ file: flow.file, rel: flow.rel, raw: source })
  )
  const check = cached((of: FlowFile): Judged => {
    const { findings, versioned } = (of === flow && known) || checkFlow(of)
    return { findings, versioned, schema: targetSchema(of) }
  })
  // `ids`: those of the text's tasks and triggers, which a rewrite must keep.
  return { parse, check, ids: cached(idsOf) }
}

/** What the bundled schema of the target line refuses in the flow (nothing in a document that does not parse). */
function targetSchema(flow: FlowFile): Judged['schema'] {
  const doc = flow.documents[0]
  if (!doc || doc.errors.some((error) => error.code !== 'DUPLICATE_KEY')) return []
  return refusedBy(`${UPGRADE_TARGET[0]}.${UPGRADE_TARGET[1]}`, flow.file, doc, flow.lineCounter)
}

function cached<K, T>(make: (key: K) => T): (key: K) => T {
  const held = new Map<K, T>()
  return (key) => {
    if (!held.has(key)) held.set(key, make(key))
    return held.get(key) as T
  }
}

/**
 * The flow's upgrade: its refusals on the target and the rewrites that fix some of them. `known`, the
 * flow's check when the run made it, spares checking it again: a flow the target does not refuse is not
 * parsed.
 */
export function upgradeFlow(flow: FlowFile, known?: Checked): FlowUpgrade {
  const texts = upgradeChecks(flow, known)
  const refused = refusedByTarget(texts.check(flow))
  if (refused.length === 0) return { flow, items: [] }
  let current = flow
  // A rewrite can make another certain (a default for a type once its alias is renamed): a few passes.
  for (let pass = 0; pass < 3; pass++) {
    const now = pass === 0 ? refused : refusedByTarget(texts.check(current))
    const first = current.documents[0]
    const document =
      first && first.errors.length === 0 ? new FlowDocument(current, first) : undefined
    const groups = document?.root && document.aliases.safe ? rewriteGroups(document) : []
    const errors = errorKeys(texts.check(current))
    const accepted = groups.filter((edits) => verified(texts, current, now, errors, edits))
    if (accepted.length === 0 || !verified(texts, current, now, errors, accepted.flat())) break
    current = texts.parse(applyEdits(current.source, accepted.flat()))
  }
  if (current === flow) return { flow, items: itemsOf(refused, refused) }
  return {
    flow,
    after: current,
    items: itemsOf(refused, refusedByTarget(texts.check(current))),
    rewritten: asWritten(flow.raw, current.source)
  }
}

/** Each refusal, mechanical unless the same refusal (rule and words: lines move) is among those `remaining`. */
function itemsOf(refused: Finding[], remaining: Finding[]): UpgradeItem[] {
  const left = new Map<string, number>()
  for (const finding of remaining) left.set(keyOf(finding), (left.get(keyOf(finding)) ?? 0) + 1)
  const items = refused.map((finding): UpgradeItem => {
    const count = left.get(keyOf(finding)) ?? 0
    if (count > 0) left.set(keyOf(finding), count - 1)
    return {
      line: finding.line,
      rule: finding.rule,
      message: finding.message,
      mechanical: count === 0,
      guide: guideFor(finding.message)
    }
  })
  return items.sort((a, b) => a.line - b.line)
}

/** `source` with the line breaks and byte-order mark of the file as read (parsing normalised them). */
function asWritten(raw: string, source: string): string {
  const bom = raw.startsWith('\uFEFF') ? '\uFEFF' : ''
  return bom + (raw.includes('\r\n') ? source.replace(/\n/g, '\r\n') : source)
}

/** A refusal is the same after a rewrite when its rule and words are: lines move. */
function keyOf(finding: Pick<Finding, 'rule' | 'message'>): string {
  return `${finding.rule}\u0000${finding.message}`
}

/**
 * `edits` fix some refusals, and the result parses, keeps every task and trigger id and is refused for
 * nothing the original was not.
 */
function verified(
  texts: ReturnType<typeof upgradeChecks>,
  flow: FlowFile,
  refused: Finding[],
  errorsBefore: Set<string>,
  edits: Edit[]
): boolean {
  const after = texts.parse(applyEdits(flow.source, edits))
  const doc = after.documents[0]
  if (!doc || doc.errors.length > 0 || after.notAFlow) return false
  if (texts.ids(flow) !== texts.ids(after)) return false
  const check = texts.check(after)
  if ([...errorKeys(check)].some((key) => !errorsBefore.has(key))) return false
  return fixesSome(refused, refusedByTarget(check))
}

/** `remaining` is fewer refusals than `refused`, each one of them (by rule and words: lines move). */
function fixesSome(refused: Finding[], remaining: Finding[]): boolean {
  const known = new Set(refused.map(keyOf))
  return remaining.length < refused.length && remaining.every((f) => known.has(keyOf(f)))
}

/**
 * The flow's errors whatever the release (the rules of current Kestra) and those the target's schema shares with
 * an older release's, as rule and words.
 */
function errorKeys({ findings, schema }: Judged): Set<string> {
  return new Set([
    ...findings.filter((finding) => finding.severity === 'error').map(keyOf),
    ...schema.filter((refusal) => refusal.older).map(({ finding }) => keyOf(finding))
  ])
}

function idsOf(flow: FlowFile): string {
  const first = flow.documents[0]
  if (!first) return ''
  const tree = taskTree(new FlowDocument(flow, first))
  return [...tree.tasks, ...tree.triggers]
    .map((node) => node.id ?? '')
    .sort()
    .join('\n')
}

function guideFor(message: string): string {
  if (/Loop/.test(message)) return `${GUIDE}/foreach-loop`
  if (/conditions|preconditions|`when`|dependsOn/.test(message)) {
    return `${GUIDE}/trigger-conditions-redesign`
  }
  if (/plugin defaults|pluginDefaults|taskDefaults/i.test(message)) {
    return `${GUIDE}/plugin-defaults-removed`
  }
  return GUIDE
}

/**
 * Every managed flow file's upgrade, and the section that reports them (docs/upgrade.md). `checks`, the
 * run's check of each flow, spares checking a flow again; with `itemsOnly`, an item list a check already
 * holds (stored with it by a deploy: docs/performance.md#incremental-planning) is taken as it is, with the
 * rewritten text this run's check made (`upgradeRewrite`), else without it (`rewrittenOf` makes it).
 */
export function upgradeReport(
  flows: readonly FlowFile[],
  target: string,
  checks?: { of: ReadonlyMap<FlowFile, FlowCheck>; itemsOnly: boolean }
): ReturnType<typeof reportOf> {
  const checked = flows.filter((flow) => !flow.notAFlow && flow.otherKind === undefined)
  return reportOf(
    target,
    checked.map((flow) => {
      const check = checks?.of.get(flow)
      return check?.upgrade && checks?.itemsOnly
        ? { flow, items: check.upgrade, rewritten: check.upgradeRewrite }
        : upgradeFlow(flow, check)
    })
  )
}

/**
 * The file with every mechanical rewrite applied, written as it was; undefined when none applies. An
 * upgrade taken from the items its check holds (`upgradeReport`'s `itemsOnly`) has it made now.
 */
export function rewrittenOf(upgrade: FlowUpgrade): string | undefined {
  return rewriteDue(upgrade) ? upgradeFlow(upgrade.flow).rewritten : upgrade.rewritten
}

/**
 * Whether `rewrittenOf` makes the upgrade's text now (it has a mechanical item and no text yet), validating the
 * rewrites: the validators of the flow's types, upgraded, are to be loaded first (`validatedTypes`).
 */
export function rewriteDue(upgrade: FlowUpgrade): boolean {
  return upgrade.rewritten === undefined && upgrade.items.some((item) => item.mechanical)
}

/**
 * The texts an upgrade server judges (docs/upgrade.md#upgrade-server): each flow fit to send, then each rewrite.
 */
export function upgradeSources(upgrades: readonly FlowUpgrade[]): string[] {
  const sent = upgrades.filter((upgrade) => fitToSend(upgrade.flow))
  return [
    ...sent.map((upgrade) => upgrade.flow.source),
    ...sent.flatMap((upgrade) => (upgrade.after ? [upgrade.after.source] : []))
  ]
}

/**
 * The upgrades as the upgrade server's verdicts (`results`, in `upgradeSources` order) decide them: its errors
 * are the refusals, placed as the main server's are; a rewrite is kept only when the server refuses nothing
 * in it that it did not refuse in the original, and fewer; else every refusal of the flow is manual. A flow
 * not fit to send keeps the shipped rules' verdict.
 */
export function judgedUpgradeReport(
  target: string,
  upgrades: readonly FlowUpgrade[],
  results: ServerValidation[]
): ReturnType<typeof reportOf> {
  const sent = upgrades.filter((upgrade) => fitToSend(upgrade.flow))
  const errors = (flow: FlowFile | undefined, result: ServerValidation | undefined) =>
    flow && result && serverFindings([flow], [result]).filter((f) => f.severity === 'error')
  let next = sent.length
  const judged = upgrades.map((upgrade): FlowUpgrade => {
    const index = sent.indexOf(upgrade)
    if (index < 0) return upgrade
    const refused = errors(upgrade.flow, results[index]) ?? []
    const remaining = errors(upgrade.after, upgrade.after && results[next++])
    if (!remaining || !fixesSome(refused, remaining)) {
      return { flow: upgrade.flow, items: itemsOf(refused, refused) }
    }
    return { ...upgrade, items: itemsOf(refused, remaining) }
  })
  return reportOf(target, judged)
}

function reportOf(target: string, upgrades: FlowUpgrade[]) {
  const items = upgrades.flatMap(({ flow, items }) =>
    items.map(({ rule: _, ...item }) => ({ file: flow.file, ...item }))
  )
  const loading = upgrades.filter((upgrade) => upgrade.items.length === 0).length
  const report: UpgradeReport = { target, flows: upgrades.length, loading, items }
  return { report, upgrades }
}
