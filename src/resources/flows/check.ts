import type { GatherResult } from '../../engine/snapshot/gather.js'
import type { WalkRead } from '../../engine/snapshot/kind.js'
import { validatorIdentity } from '../../engine/record/build-identity.js'
import { checksToStore, type KeptFlowCheck, type StoredFlowCheck } from './decide-stored-checks.js'
import { releaseSyntaxTree } from '../../model/flow-file.js'
import type { NameReference } from '../../model/names.js'
import type { FlowReference } from '../../model/references.js'
import type { FlowFile, RepoModel } from '../../model/repository.js'
import type { Layout, Settings } from '../../model/settings.js'
import type { Work } from '../../model/target.js'
import { type SentRewrite } from './decide-sent.js'
import { schemaVerdict } from './decide-schema-verdict.js'
import {
  loadFlowValidators,
  releaseKey,
  schemaReleases,
  schemaTarget,
  type SchemaRelease
} from './decide-schema-releases.js'
import { validatedTypes } from './decide-upgrade-rewrites.js'
import { upgradeFlow } from './decide-upgrade.js'
import { checkFlow, type FlowCheck } from './decide-validate.js'
import type { NameListings } from '../../model/names.js'
import type { Outcome } from '../../model/outcome.js'
import type { UnfinishedReading } from '../../model/plan.js'
import { repoFlowsOf } from './decide-repository.js'
import { FLOW } from './decide-server-state.js'

/**
 * What each flow file's check holds besides its own rules' findings, decided once the server's version is known.
 */
export interface ChecksAsked {
  layout: Layout
  /** The releases whose schema judges the flows (docs/validation-rules.md#the-schema-of-each-release). */
  schema: readonly SchemaRelease[]
  /** Whether its upgrade readiness is asked (docs/upgrade.md). */
  upgrade: boolean
}

/** What the flows' checks hold once run (`Checked.byKind`). */
export interface FlowsChecked {
  /** Each repository flow file's check, as the loading made or reused it. */
  checks: ReadonlyMap<FlowFile, FlowCheck>
  /** Every repository flow's references to flows and namespace files, as sent. */
  references: FlowReference[]
  /** Every repository flow's `secret()` and `kv()` names, as sent. */
  names: NameReference[]
  /**
   * The flow files whose checks were reused rather than run, with those checks, and the check this build makes
   * of one, asked what its stored entry holds: a deploy confirms them before its first write
   * (docs/performance.md#a-deploy-confirms-before-it-writes).
   */
  reused: {
    flows: ReadonlyMap<FlowFile, StoredFlowCheck>
    recheck: (flow: FlowFile, stored: StoredFlowCheck) => Promise<FlowCheck>
  }
  /** The server's listings of the names that `secret()` and `kv()` calls use, when read. */
  listings?: Outcome<NameListings>
  /** The review's search of the flows the plan may rewrite, when made. */
  unfinished?: UnfinishedReading
  /** Deploy: the flow checks each namespace's commit marker stores (docs/performance.md#incremental-planning). */
  storedChecks?: Promise<Map<string, Record<string, KeptFlowCheck>> | undefined>
}

/** What the checks ask, with the validators of the releases they take loaded. */
export async function asking(asked: ChecksAsked): Promise<ChecksAsked> {
  await loadFlowValidators(validatedReleases(asked))
  return asked
}

/**
 * Incremental planning (docs/performance.md#incremental-planning): a plan or a deploy reuses the checks a
 * deploy of this build stored for a flow file of the same bytes, unless `full-plan`; a deploy stores its
 * checks with the commit marker, and confirms every reused one before it writes anything
 * (docs/performance.md#a-deploy-confirms-before-it-writes).
 */
export function storedChecking(work: Work) {
  const identity = work.plan ? validatorIdentity() : undefined
  return {
    reuse: work.reuseChecks ? identity : undefined,
    toStore(
      flows: readonly FlowFile[],
      checks: Parameters<typeof checksToStore>[1],
      on: { layout: string; sending: SentRewrite; settings: Settings }
    ) {
      if (!identity || !work.markers) return undefined
      return identity.then((validator) =>
        validator === undefined
          ? undefined
          : checksToStore(flows, checks, {
              identity: validator,
              layout: on.layout,
              sending: on.sending,
              extraNamespaces: on.settings.extraNamespaces
            })
      )
    }
  }
}

/**
 * Each flow's own checks, as the loading reads the flow: those a deploy stored, when reused, else run now.
 * Its syntax tree is then let go of, so that a repository's trees are never all held at once; a later rule
 * that asks parses it again (docs/performance.md#incremental-planning).
 */
export async function flowChecks(
  gathering: Pick<GatherResult, 'asRead' | 'reused'>,
  asked: Promise<ChecksAsked>
): Promise<Map<FlowFile, FlowCheck>> {
  const options = await asked
  const checks = new Map<FlowFile, FlowCheck>()
  const read = (gathering.asRead.get(FLOW) ?? []) as AsyncIterable<FlowFile> | FlowFile[]
  for await (const flow of read) {
    const stored = gathering.reused.get(flow) as StoredFlowCheck | undefined
    // The validators of the definitions the flow uses, before the (synchronous) check validates it.
    if (validates(stored, options)) {
      await loadFlowValidators(validatedReleases(options), validatedTypes([flow], options.upgrade))
    }
    checks.set(flow, flowCheck(flow, stored, options))
    releaseSyntaxTree(flow)
  }
  return checks
}

/** The flow files whose checks stored in their namespace's commit marker were reused, with those checks. */
export function reusedFlows(
  gathering: Pick<GatherResult, 'reused'>
): FlowsChecked['reused']['flows'] {
  return gathering.reused as FlowsChecked['reused']['flows']
}

/** The flows' references and `secret()`/`kv()` names, as they are sent (mapped names, rewritten flows). */
export function sentReferences(
  sending: SentRewrite,
  model: RepoModel,
  checks: ReadonlyMap<FlowFile, FlowCheck>
): { references: FlowReference[]; names: NameReference[] } {
  const references = repoFlowsOf(model).flatMap((flow) => checks.get(flow)!.references)
  return {
    references: sending.references(references, model.managedNamespaces),
    names: sending.names(repoFlowsOf(model).flatMap((flow) => checks.get(flow)!.names ?? []))
  }
}

/**
 * This build's check of a flow whose stored check is confirmed, with the releases the entry was made for; not its
 * upgrade readiness, which the confirmation leaves as stored (`confirmReusedChecks`).
 */
export function recheckWith(layout: Layout): FlowsChecked['reused']['recheck'] {
  return async (flow, stored) => {
    const asked = { layout, schema: schemaReleases(stored.schema?.releases ?? []), upgrade: false }
    await loadFlowValidators(validatedReleases(asked), validatedTypes([flow], asked.upgrade))
    return flowCheck(flow, undefined, asked)
  }
}

/** What the flows' checks hold once run, the server's readings of the walk with them. */
export function flowsChecked(
  { reviews }: WalkRead,
  made: Omit<FlowsChecked, 'listings' | 'unfinished'>
): FlowsChecked {
  // The flows' review read (`flowsReview`): the executions not finished and the names' listings.
  const review = reviews?.get(FLOW) as Pick<FlowsChecked, 'listings' | 'unfinished'> | undefined
  return { ...made, ...review }
}

/** The releases whose validators checking a flow takes: with the upgrade readiness, every bundled one up to its target's. */
function validatedReleases({
  schema,
  upgrade
}: Omit<ChecksAsked, 'layout'>): readonly SchemaRelease[] {
  return upgrade ? schemaTarget(undefined) : schema
}

/** Whether checking the flow validates it: nothing stored, or a stored check that lacks what the run asks. */
function validates(stored: StoredFlowCheck | undefined, { schema, upgrade }: ChecksAsked): boolean {
  if (!stored || (upgrade && stored.upgrade === undefined)) return true
  const releases = schema.map(releaseKey).join('\n')
  return stored.wellFormed && schema.length > 0 && stored.schema?.releases.join('\n') !== releases
}

/**
 * A flow file's check (`stored`, when reused) with what the run asks of it, and nothing else: a stored entry
 * that lacks the schema's verdict for these releases or the upgrade readiness gets them now, and one that holds
 * what this run does not ask (a deploy against another release stored it) loses it, as a fresh check lacks it.
 */
function flowCheck(
  flow: FlowFile,
  stored: StoredFlowCheck | undefined,
  { upgrade, ...options }: ChecksAsked
): FlowCheck {
  const { schema, upgrade: items, ...own } = stored ?? checkFlow(flow, options)
  let check: FlowCheck = own
  if (own.wellFormed && options.schema.length > 0) {
    const releases = options.schema.map((release) => release.version)
    check = {
      ...own,
      schema: { releases, findings: schemaVerdict(flow, { schema }, options.schema) }
    }
  }
  if (upgrade && items) check = { ...check, upgrade: items }
  else if (upgrade) {
    // Made from this run's own check when nothing was stored: its rewrite is kept for `rewrittenOf`.
    const made = upgradeFlow(flow, check)
    const rewrite = stored ? undefined : made.rewritten
    check = {
      ...check,
      upgrade: made.items,
      ...(rewrite !== undefined && { upgradeRewrite: rewrite })
    }
  }
  return check
}
