import { DEPLOYED_HEADING } from '../decide/render/deployed.js'
import { short } from '../model/commit-marker.js'
import type { RollbackKind } from '../apply/kind.js'
import type { FlowDependency } from '../apply/order.js'
import { rollback } from '../apply/rollback.js'
import type { RolledBack, RollbackResult } from '../model/after-deploy.js'
import { plansFromRecords } from '../apply/rollback-plan.js'
import { recordsOf, type RollbackRecord } from '../apply/rollback-record.js'
import { readRollbackRecords } from '../gather/server/rollback-records.js'
import type { EarlyRecords } from '../model/snapshot.js'
import { valueOfEnded } from '../model/outcome.js'
import type { KestraServer } from '../kestra/api.js'
import { deployTitle, withHeadline } from '../decide/render/headline.js'
import { setCountOutputs } from '../report/outputs.js'
import { DeployError, errorMessage } from '../model/errors.js'
import type { PlanCounts } from '../model/plan.js'
import type { Settings } from '../model/settings.js'
import { rollbackAccount, rollbackLine, rollbackSection } from '../decide/render/rollback.js'
import { phase } from '../report/phase.js'
import type { Reporter } from '../report/reporter.js'
import { sameNamespaces } from '../model/namespaces.js'

/**
 * The rollbacks that stopped runs left recorded in these namespaces: the records read with the snapshot
 * when they were read for the same namespaces, else read now. Unreadable records leave unknown whether the
 * server is half rolled back: then nothing is written.
 */
export async function stoppedRollbacks(
  kestra: KestraServer,
  namespaces: string[],
  early: EarlyRecords | undefined,
  kinds: readonly RollbackKind[],
  reporter: Reporter
): Promise<Map<string, RollbackRecord>> {
  try {
    const values =
      early && sameNamespaces(early.namespaces, namespaces)
        ? valueOfEnded(early.read)
        : await readRollbackRecords(kestra, namespaces)
    const reading = recordsOf(values, kinds)
    for (const warning of reading.warnings) reporter.warning(warning)
    return reading.records
  } catch (error) {
    throw new DeployError(
      `Nothing was deployed: ${errorMessage(error)}. Re-run once the server answers.`
    )
  }
}

interface FinishedRollbacks {
  /** For the comment's Deployed section. */
  headline: string
  /** For the job summary and the comment's Deployed section. */
  markdown: string
  /** The step fails: this run deployed nothing of its own. */
  failure: string
}

type FinishDeps = {
  kestra: KestraServer
  refs: FlowDependency[]
  /** The registry's rollbacks. */
  kinds: readonly RollbackKind[]
  settings: Pick<Settings, 'concurrency' | 'commentKey'>
  reporter: Reporter
  /** The commit this run was to deploy. */
  commit: string
  /** The plan's job summary, and its counts. */
  summary: string
  counts: PlanCounts
}

/**
 * Finishes the rollbacks that a stopped run left recorded
 * (docs/rollback.md#finishing-a-stopped-rollback): each resource goes back to its recorded version,
 * or is named as left; sets the outputs and writes the job summary. The run deploys nothing of its
 * own: its plan was read from a half rolled-back server, and a re-run plans again from what this
 * leaves. Undefined when nothing needed a write (a finished rollback whose record could not be
 * removed): the plan was read from the state the records name, and the deploy goes on.
 */
export async function finishRollbacks(
  records: ReadonlyMap<string, RollbackRecord>,
  deps: FinishDeps
): Promise<FinishedRollbacks | undefined> {
  const results = await resumeEach(records, deps)
  if (results.every((r) => r.stale)) {
    deps.reporter.info(
      'The server already held every version those records name: records removed, deploying.'
    )
    return undefined
  }
  return reportFinished(results, deps)
}

/** Each recorded rollback, finished in turn. */
async function resumeEach(
  records: ReadonlyMap<string, RollbackRecord>,
  deps: FinishDeps
): Promise<RollbackResult[]> {
  const { reporter, settings } = deps
  const results: RollbackResult[] = []
  for (const plan of plansFromRecords(records, deps.kinds)) {
    const namespaces = plan.markers.map((m) => m.namespace).join(', ')
    reporter.warning(
      `A rollback of the deploy of commit ${short(plan.deployed)} is recorded as unfinished in namespace(s) ${namespaces}: finishing it before anything else.`
    )
    const done = await phase(
      reporter,
      `Rollback of ${short(plan.deployed)} left unfinished`,
      () =>
        rollback(plan, {
          api: deps.kestra,
          refs: deps.refs,
          kinds: deps.kinds,
          concurrency: settings.concurrency,
          log: reporter.info,
          recorded: true
        }),
      rollbackLine
    )
    for (const warning of done.warnings) reporter.warning(warning)
    results.push(done)
  }
  return results
}

/** The finished rollbacks as outputs, summary and failure: nothing of this run's commit was deployed. */
async function reportFinished(
  results: RollbackResult[],
  deps: FinishDeps
): Promise<FinishedRollbacks> {
  const { reporter, settings } = deps
  const rolledBack = combined(results.map((r) => r.rolledBack))
  const deployed = [...new Set(results.map((r) => short(r.deployed)))].join(', ')
  const nothing = `Nothing was deployed by this run: re-run the workflow to deploy commit ${short(deps.commit)}.`
  const headline = deployTitle(
    rolledBack === 'true' ? 'rolled-back' : 'rollback-incomplete',
    `finishing the interrupted rollback of ${deployed}, nothing deployed`,
    settings.commentKey
  )
  const markdown = [
    ...results.map(
      (r) =>
        `An earlier run stopped while rolling back the deploy of commit \`${short(r.deployed)}\`; this run went on with it:\n\n${rollbackSection(r)}`
    ),
    nothing
  ].join('\n\n')
  reporter.setOutput('deployed', false)
  reporter.setOutput('smoke', 'skipped')
  reporter.setOutput('rolled-back', rolledBack)
  const { orphaned, drifted } = deps.counts
  setCountOutputs(reporter, { create: 0, update: 0, delete: 0, unchanged: 0, orphaned, drifted })
  await reporter.writeSummary(
    `${withHeadline(deps.summary, headline)}\n\n${DEPLOYED_HEADING}\n\n${markdown}\n`
  )
  return {
    headline,
    markdown,
    failure: [
      `An earlier run stopped while rolling back the deploy of commit ${deployed}; this run went on with that rollback before writing anything else.`,
      ...results.map(rollbackAccount),
      nothing
    ].join('\n')
  }
}

function combined(outcomes: RolledBack[]): RolledBack {
  if (outcomes.every((o) => o === 'true')) return 'true'
  return outcomes.every((o) => o === 'false') ? 'false' : 'partial'
}
