/**
 * The events of a team's history, as fast-check commands over the model (`Model`) and the real system (`World`):
 * pull requests opened, pushed to, closed and merged (plans, previews, deploys with and without
 * `require-reviewed-plan`), commits pushed to main, `workflow_dispatch` deploys (of the head, again, or of an
 * older commit), plans, the drift watch, `mode: upgrade`, edits made in Kestra's UI, another actor's comment with
 * our marker, a failure at any request of the next run, and a next run on a runner short of memory. Each event
 * checks the invariants it can break.
 */
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { credentialLeaks } from '../../../test-support/credential-leaks.js'
import type { Fault } from '../../../test-support/kestra-emulator/index.js'
import { scryptFault } from '../../../test-support/scrypt-fault.js'
import { applyEdit, editArbitrary, namespacePool, type Edit } from './generate.js'
import {
  deployHolds,
  deploySucceeds,
  loopsRefused,
  deletedKeysRefused,
  outputReadsHold,
  suitesKeepTheirFlows,
  findingsWarranted,
  noSecretShown,
  onlyManagedWritten,
  previewHolds,
  receiptSaysWhatWasWritten,
  everyChangeIsDrift,
  readinessBeyondFlows,
  reportsAgree,
  underPrefix,
  wroteNothing,
  wroteOnlyMarkers,
  writesArePlanned,
  Broken,
  tail,
  warranted
} from './invariants.js'
import { flowSource, namespacesOf, type Repository, type Team } from './repository.js'
import type { PullRequest, Run, ServerState, World } from './world.js'
import { comparable, KINDS, kindsOn } from './expected.js'

/** What the model knows of the history so far, beyond what the world holds. */
export interface Model {
  team: Team
  main: Repository
  pr?: PullRequest & {
    preview: boolean
    /** The server as the pull request's last plan saw it, when that plan succeeded: what a merge deploys over. */
    reviewed?: string
    /** That plan said the deploy after merging is refused (errors of unchanged files, reported as warnings). */
    refusalSaid?: boolean
  }
  /** The last commit a deploy applied whole, and its repository. */
  deployed?: { sha: string; repository: Repository }
  /** Nothing has changed the server or main since the last deploy that applied whole. */
  settled: boolean
  /** Every commit marker is as that deploy wrote it: none forged or removed since. */
  marked: boolean
  /** Comments another actor wrote on pull requests: never edited or deleted by a run. */
  foreign: { issue: number; id: number; body: string }[]
  /** A fault the next run meets. */
  fault?: Fault
  /** The next run's runner is short of memory: the seal of what commit markers keep cannot be derived. */
  shortOfMemory?: boolean
  /** A run short of memory wrote commit markers keeping nothing: the next deploy writes them again. */
  storesDropped?: boolean
  /** A run short of memory wrote commit markers and said nothing of the seal: they keep all there was to keep. */
  sealUnsaid?: boolean
  /** A commit marker someone else wrote, in a form this version cannot read or naming a newer commit. */
  forged?: { namespace: string; form: MarkerForm; commit: string }
  /** A maintainer's commit on a branch the action writes: never to be lost. */
  amended?: { branch: string; commit: string }
  /**
   * A step of the job left files git does not track in the workspace: a deploy's base is then read from its commit,
   * not taken whole from the work tree (`loadAtCommit`).
   */
  untracked?: boolean
}

type MarkerForm = 'newer-version' | 'cut-short' | 'not-ours' | 'ahead'
const MARKER_KEY = 'kestra-gitops-commit'
/** What a pull request's plan says when the deploy after its merge counts errors it reports as warnings. */
const MERGE_REFUSED = 'The deploy after merging is refused until'
const UPGRADE_BRANCH = 'kestra-gitops/upgrade-2.0'
const DRIFT_BRANCH = 'kestra-gitops/drift-default'

type Command = fc.AsyncCommand<Model, World, false>

const OTHER_ACTOR = { login: 'another-app[bot]', type: 'Bot' as const }

/** Runs one event and the invariants every event keeps; returns the run for the event's own. */
async function play(model: Model, world: World, act: () => Promise<Run>): Promise<Run> {
  const githubMark = world.github.requests.length
  const fault = model.fault
  if (fault) world.kestra.inject?.(fault)
  const short = model.shortOfMemory === true
  scryptFault.failing = short ? Infinity : 0
  let run: Run
  try {
    run = await act()
  } finally {
    scryptFault.failing = 0
  }
  world.kestra.clearFaults?.()
  run.faulty = fault !== undefined
  model.fault = undefined
  model.shortOfMemory = undefined
  noSecretShown(world, run, githubMark)
  const markers = markersWritten(run)
  const said = run.result.stdout + run.result.stderr
  if (short && said.includes('written by something else')) {
    throw new Broken(
      'a run short of memory says so, never that the markers were written by something else',
      `the stored checks were set aside as another writer's${tail(run)}`
    )
  }
  if (markers > 0) {
    // The seal is derived only when a kind has something to keep (the kestra layout's flows have no namespace
    // their path vouches for, and keep no checks): a deploy short of memory that says nothing of it kept nothing
    // anyway, which the deploy right after shows by writing nothing.
    const sealSaid = said.includes('this deploy stores no checks nor content facts in them')
    model.storesDropped = short && sealSaid
    model.sealUnsaid = short && !sealSaid
  }
  const amended = model.amended
  if (amended) {
    const tip = world.githubBranch(amended.branch)
    if (tip === undefined || !world.githubReaches(tip, amended.commit)) {
      throw new Broken(
        'nothing written by someone else is rewritten or deleted',
        `the maintainer's commit ${amended.commit} on ${amended.branch} is gone (the branch is at ${tip ?? 'nothing'})${tail(run)}`
      )
    }
  }
  for (const comment of model.foreign) {
    const now = world.github.comments(comment.issue).find((c) => c.id === comment.id)
    if (!now || now.body !== comment.body) {
      throw new Broken(
        'nothing written by someone else is rewritten or deleted',
        `the comment ${comment.id} by ${OTHER_ACTOR.login} is ${now ? 'rewritten' : 'deleted'}`
      )
    }
  }
  return run
}

/** The commit markers a run wrote. */
const markersWritten = (run: Run) =>
  (run.writes ?? []).filter(
    (w) => w.route === 'kv.put' && w.params.key === MARKER_KEY && w.status >= 200 && w.status < 300
  ).length

const edits = (team: Team) => fc.array(editArbitrary(team), { minLength: 1, maxLength: 4 })
const withEdits = (team: Team, repository: Repository, list: readonly Edit[]) =>
  list.reduce((next, edit) => applyEdit(team, next, edit), repository)
const showEdits = (list: readonly Edit[]) =>
  list
    .map((e) =>
      JSON.stringify(e, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v))
    )
    .join(', ')

/** The sticky comment of a pull request: ours, the one carrying the marker written by the workflow's token. */
function ourComment(world: World, number: number): string | undefined {
  return world.github
    .comments(number)
    .find(
      (c) =>
        c.user.login !== OTHER_ACTOR.login && c.body.startsWith('<!-- kestra-gitops:default -->')
    )?.body
}

/** The server's resources outside previews, as one text: two equal texts are one state for a plan. */
const stateText = (state: ServerState) => {
  const c = comparable(state)
  return JSON.stringify(KINDS.map((kind) => [...c[kind]].filter(([key]) => !key.startsWith('pr-'))))
}

function checkPlan(model: Model, world: World, run: Run, pr: Model['pr']): void {
  // What the pull request's plan saw: a preview's own writes are under its prefix, outside the plan.
  pr!.reviewed = run.result.exitCode === 0 ? stateText(run.after) : undefined
  pr!.refusalSaid = ourComment(world, pr!.number)?.includes(MERGE_REFUSED) === true
  if (pr!.preview) {
    onlyManagedWritten(run, [], `pr-${pr!.number}`)
    previewHolds(world, run, pr!.repository, `pr-${pr!.number}`)
    receiptSaysWhatWasWritten(run, true)
  } else wroteNothing(run, 'a plan writes nothing')
  reportsAgree(run, ourComment(world, pr!.number))
  // A preview's plan file is the preview's deploy; the plan shown is the pull request's.
  if (!pr!.preview && model.settled) findingsWarranted(world, run, pr!.repository)
  readinessBeyondFlows(world, run, pr!.repository, ourComment(world, pr!.number))
}

class OpenPullRequest implements Command {
  constructor(
    readonly list: readonly Edit[],
    readonly preview: boolean
  ) {}
  check = (m: Readonly<Model>) => m.pr === undefined
  async run(m: Model, w: World) {
    const pr = { ...w.openPullRequest(withEdits(m.team, m.main, this.list)), preview: this.preview }
    m.pr = pr
    const run = await play(m, w, () => w.planPullRequest(pr, { preview: String(this.preview) }))
    checkPlan(m, w, run, pr)
  }
  toString = () =>
    `open a pull request${this.preview ? ' with a preview' : ''}: ${showEdits(this.list)}`
}

class PushToPullRequest implements Command {
  constructor(readonly list: readonly Edit[]) {}
  check = (m: Readonly<Model>) => m.pr !== undefined
  async run(m: Model, w: World) {
    const pr = m.pr!
    // The world's pull request is pushed (GitHub's head moves with it); the model's copy follows it.
    const pull = w.pulls.find((p) => p.number === pr.number)!
    w.pushPullRequest(pull, withEdits(m.team, pr.repository, this.list))
    m.pr = { ...pr, ...pull }
    const run = await play(m, w, () => w.planPullRequest(m.pr!, { preview: String(pr.preview) }))
    checkPlan(m, w, run, m.pr)
  }
  toString = () => `push to the pull request: ${showEdits(this.list)}`
}

/** The preview's close removes everything under its prefix, and writes nothing else. */
async function closePreview(m: Model, w: World, pr: NonNullable<Model['pr']>, merged?: string) {
  const run = await play(m, w, () =>
    w.closePullRequest(pr, { preview: String(pr.preview) }, merged)
  )
  if (!pr.preview) {
    wroteNothing(run, 'a closed pull request without a preview writes nothing')
    return
  }
  const prefix = `pr-${pr.number}`
  onlyManagedWritten(run, [], prefix)
  let left = underPrefix(run.after, prefix)
  // A failed delete stops nothing else: the step fails naming it, and a re-run finishes (docs/environments.md).
  if (left.length && run.faulty) {
    if (run.result.exitCode === 0) {
      throw new Broken('a failed delete fails the step', `left: ${left.join(', ')}${tail(run)}`)
    }
    const again = await play(m, w, () =>
      w.closePullRequest(pr, { preview: String(pr.preview) }, merged)
    )
    onlyManagedWritten(again, [], prefix)
    left = underPrefix(again.after, prefix)
  }
  if (left.length) {
    throw new Broken("a preview's close leaves nothing of it", `left: ${left.join(', ')}`)
  }
}

class ClosePullRequest implements Command {
  check = (m: Readonly<Model>) => m.pr !== undefined
  async run(m: Model, w: World) {
    const pr = m.pr!
    m.pr = undefined
    await closePreview(m, w, pr)
  }
  toString = () => 'close the pull request unmerged'
}

/**
 * Whether a forged commit marker refuses the run's deploy: one this version cannot read, or one naming a newer
 * commit, which holds only over that commit's ancestors (a history that diverged deploys).
 */
function forgedMarkerRefuses(m: Model, w: World, run: Run, repository: Repository): boolean {
  const forged = m.forged
  // Open source keeps no namespace settings: a namespace that only a settings file holds is not the deploy's there.
  const kept = kindsOn(w.team).namespaces ? repository : { ...repository, namespaceSettings: [] }
  if (!forged || !namespacesOf(kept).includes(forged.namespace)) return false
  return forged.form !== 'ahead' || w.repo.git('merge-base', forged.commit, run.sha) === run.sha
}

/**
 * A deploy's invariants: the server equals the repository, the writes are the plan's, the reports agree. Over a
 * commit marker this version cannot read, or one naming a newer commit, it writes nothing, and names the record
 * it refuses; then the team's operator removes the record. Returns whether the deploy applied (the history
 * goes on from it).
 */
async function checkDeploy(
  m: Model,
  w: World,
  run: Run,
  repository: Repository,
  base: Repository | undefined,
  comment?: string
): Promise<boolean> {
  const forged = m.forged
  if (forged && forgedMarkerRefuses(m, w, run, repository)) {
    m.forged = undefined
    await w.kestra.ui.deleteKv(forged.namespace, MARKER_KEY)
    wroteNothing(
      run,
      'an older commit is never deployed over a newer one, whatever the stored records hold'
    )
    // A run that met a fault may have stopped before it read the record, and one whose repository warrants an
    // error is refused for it before it writes over any record: refused, yet not by name.
    const invalid = warranted(w.team, repository, run.before, w.kestra.secrets).errors.size > 0
    if (forged.form !== 'ahead' && !run.faulty && !invalid) {
      const said = run.result.stdout + run.result.stderr
      if (run.result.exitCode === 0 || !said.includes(MARKER_KEY)) {
        throw new Broken(
          'a record that cannot be read is refused by name',
          `the ${forged.form} marker of ${forged.namespace} was not refused by name${tail(run)}`
        )
      }
    }
    return false
  }
  if (forged) m.forged = undefined
  onlyManagedWritten(run, namespacesOf(repository))
  if (!run.faulty) deploySucceeds(w, run, repository)
  loopsRefused(w, run, repository)
  deletedKeysRefused(w, run, repository, base)
  outputReadsHold(run)
  suitesKeepTheirFlows(run)
  deployHolds(w, run, repository, base)
  writesArePlanned(run)
  reportsAgree(run, comment)
  receiptSaysWhatWasWritten(run)
  return true
}

/** The start of the warning a failed marker write gives (src/engine/record/write.ts). */
const MARKER_NOT_RECORDED = 'Could not record the deployed commit'

function settleAfter(m: Model, run: Run, sha: string, repository: Repository) {
  m.main = repository
  if (run.result.exitCode === 0 && run.result.outputs.mode === 'deploy') {
    m.deployed = { sha, repository }
    m.settled = true
    // A marker write that failed is a warning, and leaves its namespace unguarded until a deploy records it
    // (docs/guarantees.md#out-of-order-guard).
    m.marked = !run.result.stdout.includes(MARKER_NOT_RECORDED)
  } else {
    m.settled = false
  }
}

class MergePullRequest implements Command {
  constructor(readonly fastForward: boolean) {}
  check = (m: Readonly<Model>) => m.pr !== undefined
  async run(m: Model, w: World) {
    const pr = m.pr!
    m.pr = undefined
    const base = m.main
    const range = w.merge(pr, this.fastForward)
    const run = await play(m, w, () => w.push(range))
    // The plan the pull request showed, on the server it saw, merged into the main it was made on: the deploy
    // applies it. Otherwise `require-reviewed-plan` may refuse, writing nothing.
    const asReviewed =
      pr.reviewed !== undefined && pr.reviewed === stateText(run.before) && range.before === pr.base
    const refused = run.result.exitCode !== 0 && !run.faulty
    // A forged marker refuses the deploy by name, reviewed or not: `checkDeploy` holds it to that.
    if (
      m.team.settings.requireReviewedPlan &&
      refused &&
      !forgedMarkerRefuses(m, w, run, pr.repository)
    ) {
      if (asReviewed && !pr.refusalSaid) {
        throw new Broken(
          'the plan shown is what a deploy does',
          `the merge of the reviewed plan was refused, and its plan did not say it would be${tail(run)}`
        )
      }
      wroteNothing(run, 'a refused deploy writes nothing')
      m.main = pr.repository
      m.settled = false
      if (pr.preview) await closePreview(m, w, pr, range.after)
      return
    }
    if (await checkDeploy(m, w, run, pr.repository, base, ourComment(w, pr.number))) {
      settleAfter(m, run, range.after, pr.repository)
    } else {
      m.main = pr.repository
      m.settled = false
    }
    if (pr.preview) await closePreview(m, w, pr, range.after)
  }
  toString = () =>
    `merge the pull request${this.fastForward ? '' : ' with a merge commit'} (push: deploy)`
}

class CommitToMain implements Command {
  constructor(readonly list: readonly Edit[]) {}
  check = () => true
  async run(m: Model, w: World) {
    const before = w.mainHead()
    const base = m.main
    const repository = withEdits(m.team, m.main, this.list)
    const after = w.commitMain(repository)
    const run = await play(m, w, () => w.push({ before, after }))
    if (m.team.settings.requireReviewedPlan && run.result.exitCode !== 0) {
      // A push no pull request reviewed: refused before any write.
      wroteNothing(run, 'a refused deploy writes nothing')
      m.main = repository
      m.settled = false
      return
    }
    if (await checkDeploy(m, w, run, repository, base)) settleAfter(m, run, after, repository)
    else {
      m.main = repository
      m.settled = false
    }
  }
  toString = () => `push a commit to main (deploy): ${showEdits(this.list)}`
}

class DispatchDeploy implements Command {
  check = () => true
  async run(m: Model, w: World) {
    const sha = w.mainHead()
    const wasSettled = m.settled && m.deployed?.sha === sha
    const dropped = m.storesDropped === true
    const unsaid = m.sealUnsaid === true
    const run = await play(m, w, () => w.dispatch(sha))
    if (wasSettled && run.result.exitCode === 0 && dropped) {
      wroteOnlyMarkers(
        run,
        'a deploy right after one that could not seal its commit markers writes them alone'
      )
    } else if (wasSettled && run.result.exitCode === 0 && unsaid) {
      wroteNothing(run, 'a deploy that stores nothing in the commit markers it writes says why')
    } else if (wasSettled && run.result.exitCode === 0) {
      wroteNothing(run, 'a deploy right after a deploy writes nothing')
    }
    if (await checkDeploy(m, w, run, m.main, m.deployed?.repository))
      settleAfter(m, run, sha, m.main)
    else m.settled = false
  }
  toString = () => 'workflow_dispatch: deploy main'
}

class DispatchOlderCommit implements Command {
  constructor(readonly back: number) {}
  check = (m: Readonly<Model>) => m.deployed !== undefined
  async run(m: Model, w: World) {
    const history = w.repo.git('rev-list', '--first-parent', m.deployed!.sha).split('\n')
    const older = history[Math.min(this.back, history.length - 1)]!
    if (older === m.deployed!.sha) return
    const run = await play(m, w, () => w.dispatch(older))
    // Refused by the last deploy's markers, or by one another writer left; a namespace whose marker is gone (a failed
    // write, an operator's removal) is unguarded, as documented, until a deploy records it again.
    if (m.marked || m.forged)
      wroteNothing(run, 'an older commit is never deployed over a newer one')
    m.settled = false
  }
  toString = () => `workflow_dispatch: deploy the commit ${this.back} back`
}

class PlanMain implements Command {
  check = () => true
  async run(m: Model, w: World) {
    const sha = w.mainHead()
    const run = await play(m, w, () => w.dispatch(sha, { mode: 'plan' }))
    wroteNothing(run, 'a plan writes nothing')
    reportsAgree(run, undefined)
    if (m.settled && m.deployed?.sha === sha && run.result.exitCode === 0) {
      const { outputs } = run.result
      // What the deploy kept (`delete` off) and Git never held stays drift: made outside Git.
      const drifted = (run.planFile?.resources ?? []).filter(
        (resource) => resource.drifted === true && resource.action !== 'orphaned'
      )
      if (outputs['has-changes'] !== 'false' || drifted.length > 0) {
        throw new Broken(
          'a plan right after a deploy shows no change',
          `has-changes ${outputs['has-changes']}, drifted ${outputs.drifted}\n${run.result.stdout.slice(-3000)}`
        )
      }
      findingsWarranted(w, run, m.main)
    }
    // Main is the commit every marker names: what else differs on the server was done outside Git.
    if (m.deployed?.sha === sha && m.marked && run.result.exitCode === 0) {
      everyChangeIsDrift(run)
    }
  }
  toString = () => 'workflow_dispatch: plan main'
}

class DriftWatch implements Command {
  constructor(readonly action: 'report' | 'pull-request') {}
  check = () => true
  async run(m: Model, w: World) {
    const run = await play(m, w, () => w.schedule({ mode: 'drift', 'drift-action': this.action }))
    wroteNothing(run, 'the drift watch writes nothing to Kestra')
  }
  toString = () => `schedule: the drift watch (${this.action})`
}

class Upgrade implements Command {
  check = (m: Readonly<Model>) => m.team.line === '1.3'
  async run(m: Model, w: World) {
    const run = await play(m, w, () => w.dispatch(w.mainHead(), { mode: 'upgrade' }))
    wroteNothing(run, '`mode: upgrade` writes nothing to Kestra')
  }
  toString = () => 'workflow_dispatch: mode upgrade'
}

type UiAction =
  | { kind: 'edit-flow'; index: number; message: string }
  | { kind: 'create-flow'; namespace: string; id: string }
  | { kind: 'delete-flow'; index: number }
  | { kind: 'put-kv'; namespace: string; key: string; value: string }
  | { kind: 'upload-file'; namespace: string; path: string }
  | { kind: 'create-dashboard'; id: string }
  | { kind: 'edit-namespace'; namespace: string; description: string }

class EditInKestraUi implements Command {
  constructor(readonly action: UiAction) {}
  check = () => true
  async run(m: Model, w: World) {
    const ui = w.kestra.ui
    const flows = [...(await w.serverState()).flows.keys()]
    const a = this.action
    try {
      switch (a.kind) {
        case 'edit-flow': {
          const key = flows[a.index % Math.max(1, flows.length)]
          if (!key) return
          const [namespace, id] = key.split('/') as [string, string]
          await ui.editFlow(
            namespace,
            id,
            flowSource({ namespace, id, message: a.message }, m.team.line)
          )
          break
        }
        case 'create-flow':
          await ui.createFlow(
            flowSource({ namespace: a.namespace, id: a.id, message: 'made in the UI' }, m.team.line)
          )
          break
        case 'delete-flow': {
          const key = flows[a.index % Math.max(1, flows.length)]
          if (!key) return
          const [namespace, id] = key.split('/') as [string, string]
          await ui.deleteFlow(namespace, id)
          break
        }
        case 'put-kv':
          await ui.putKv(a.namespace, a.key, a.value)
          break
        case 'upload-file':
          await ui.uploadFile(a.namespace, a.path, 'made in the UI\n')
          break
        case 'create-dashboard':
          if (!m.team.dashboards || (m.team.edition === 'OSS' && m.team.line === '2.0')) return
          await ui.createDashboard(`id: ${a.id}\ntitle: Made in the UI\ncharts: []\n`)
          break
        case 'edit-namespace':
          if (m.team.edition === 'OSS') return
          await ui.editNamespace(a.namespace, a.description)
          break
      }
    } catch (error) {
      // The UI refuses what Kestra refuses (a flow that already exists): then nothing happened.
      if (!/: 4\d\d /.test(String(error))) throw error
      return
    }
    m.settled = false
  }
  toString = () => `in Kestra's UI: ${JSON.stringify(this.action)}`
}

class ForeignMarkerComment implements Command {
  check = (m: Readonly<Model>) => m.pr !== undefined
  async run(m: Model, w: World) {
    const number = m.pr!.number
    const body = '<!-- kestra-gitops:default -->\nAnother app writes here too.'
    const [comment] = w.github.seedComments(number, [{ body, user: OTHER_ACTOR }])
    m.foreign.push({ issue: number, id: comment!.id, body })
  }
  toString = () => 'another app comments on the pull request with our marker'
}

class FailNextRequest implements Command {
  constructor(readonly fault: Fault) {}
  check = (m: Readonly<Model>) => m.fault === undefined
  async run(m: Model) {
    m.fault = this.fault
    m.settled = false
  }
  toString = () => `the next run meets ${JSON.stringify(this.fault)}`
}

class RunnerShortOfMemory implements Command {
  check = (m: Readonly<Model>) => m.shortOfMemory === undefined
  async run(m: Model) {
    m.shortOfMemory = true
  }
  toString = () => 'the next run is on a runner short of memory (scrypt cannot allocate)'
}

class JobLeavesFiles implements Command {
  check = (m: Readonly<Model>) => m.untracked === undefined
  async run(m: Model, w: World) {
    // Excluded from the model's commits (`git add -A`), yet listed by `git ls-files --others`; in a dot-folder, which
    // no layout reads.
    appendFileSync(join(w.repo.dir, '.git', 'info', 'exclude'), '/.cache/\n')
    w.repo.write({ '.cache/build/report.txt': 'built\n' })
    m.untracked = true
  }
  toString = () => 'a step of the job leaves files git does not track in the workspace'
}

class ForgeCommitMarker implements Command {
  constructor(readonly form: MarkerForm) {}
  check = (m: Readonly<Model>) => m.forged === undefined && m.main.flows.length > 0
  async run(m: Model, w: World) {
    const namespace = namespacesOf(m.main)[0]!
    const commit = this.form === 'ahead' ? w.sideCommit() : w.mainHead()
    const value =
      this.form === 'newer-version'
        ? { version: 2, commit, repository: 'octo/kestra-repo' }
        : this.form === 'cut-short'
          ? `{"commit":"${commit.slice(0, 9)}`
          : this.form === 'not-ours'
            ? { commit: 12, repository: null }
            : { commit, repository: 'octo/kestra-repo' }
    await w.kestra.ui.putKv(namespace, MARKER_KEY, value)
    m.forged = { namespace, form: this.form, commit }
    m.marked = false
    m.settled = false
  }
  toString = () => `another writer of KV puts a commit marker: ${this.form}`
}

class AmendActionBranch implements Command {
  constructor(readonly branch: string) {}
  check = (m: Readonly<Model>) => m.amended === undefined
  async run(m: Model, w: World) {
    if (w.githubBranch(this.branch) === undefined) return
    const commit = await w.amendBranch(this.branch, 'NOTES.md', 'A maintainer was here.\n')
    m.amended = { branch: this.branch, commit }
  }
  toString = () => `a maintainer amends the tip of ${this.branch} and force-pushes it`
}

class CliPlanJson implements Command {
  constructor(readonly reachable: boolean) {}
  check = () => true
  async run(m: Model, w: World) {
    const mark = w.kestra.requests?.length ?? 0
    const fault = m.fault
    if (fault) w.kestra.inject?.(fault)
    m.fault = undefined
    const cli = await w.cliPlanJson(this.reachable ? undefined : 'http://127.0.0.1:9')
    w.kestra.clearFaults?.()
    const writes = (w.kestra.requests ?? [])
      .slice(mark)
      .filter((r) => r.method !== 'GET' && /\.(create|update|delete|put|upload)$/.test(r.route))
    if (writes.length) {
      throw new Broken(
        'a plan writes nothing',
        `plan --json wrote ${writes.map((r) => r.route).join(', ')}`
      )
    }
    let document: Record<string, unknown>
    try {
      document = JSON.parse(cli.stdout) as Record<string, unknown>
    } catch {
      throw new Broken(
        '--json always prints one JSON document',
        `exit ${cli.exitCode}, stdout: ${cli.stdout.slice(0, 500)}\nstderr: ${cli.stderr.slice(-1500)}`
      )
    }
    if (cli.exitCode !== 0 && typeof document.failure !== 'string') {
      throw new Broken(
        '--json always prints one JSON document',
        `exit ${cli.exitCode} with no failure field: ${cli.stdout.slice(0, 500)}`
      )
    }
    for (const text of [cli.stdout, cli.stderr]) {
      const leaks = credentialLeaks(text, w.kestra.credentials.password)
      if (leaks.length)
        throw new Broken('no secret reaches any output', `plan --json: ${leaks.join(', ')}`)
    }
  }
  toString = () => `the CLI: plan --json${this.reachable ? '' : ' against an unreachable server'}`
}

const WRITE_ROUTES = [
  'flows.create',
  'flows.update',
  'flows.delete',
  'namespaces.files.upload',
  'kv.put',
  'tests.create',
  'dashboards.create',
  'namespaces.create',
  'namespaces.update'
] as const

export function commandsFor(
  team: Team,
  options: { faults: boolean } = { faults: true }
): fc.Arbitrary<Command>[] {
  const namespace = fc.constantFrom(...namespacePool(team))
  const ui: fc.Arbitrary<UiAction> = fc.oneof(
    fc.record({
      kind: fc.constant('edit-flow' as const),
      index: fc.nat(20),
      message: fc.constantFrom('edited in the UI', 'hotfix')
    }),
    fc.record({
      kind: fc.constant('create-flow' as const),
      namespace,
      id: fc.constantFrom('adhoc', 'hello')
    }),
    fc.record({ kind: fc.constant('delete-flow' as const), index: fc.nat(20) }),
    fc.record({
      kind: fc.constant('put-kv' as const),
      namespace,
      key: fc.constantFrom('region', 'ui_key'),
      value: fc.constantFrom('ui', 'eu-west-1')
    }),
    fc.record({
      kind: fc.constant('upload-file' as const),
      namespace,
      path: fc.constantFrom('/sql/query.sql', '/ui.txt')
    }),
    fc.record({
      kind: fc.constant('create-dashboard' as const),
      id: fc.constantFrom('overview', 'ui-board')
    }),
    fc.record({
      kind: fc.constant('edit-namespace' as const),
      namespace,
      description: fc.constantFrom('edited in the UI', 'hotfix')
    })
  )
  const fault: fc.Arbitrary<Fault> = fc.record({
    route: fc.constantFrom(...WRITE_ROUTES),
    skip: fc.nat(2),
    times: fc.constantFrom(1, 6),
    status: fc.constantFrom(500, 503, 400)
  })
  return [
    fc
      .tuple(edits(team), fc.boolean())
      .map(([list, preview]) => new OpenPullRequest(list, preview)),
    edits(team).map((list) => new PushToPullRequest(list)),
    fc.constant(new ClosePullRequest()),
    fc.boolean().map((ff) => new MergePullRequest(ff)),
    edits(team).map((list) => new CommitToMain(list)),
    fc.constant(new DispatchDeploy()),
    fc.nat(4).map((back) => new DispatchOlderCommit(back + 1)),
    fc.constant(new PlanMain()),
    fc.constantFrom('report' as const, 'pull-request' as const).map((a) => new DriftWatch(a)),
    fc.constant(new Upgrade()),
    ui.map((action) => new EditInKestraUi(action)),
    fc.constant(new ForeignMarkerComment()),
    fc
      .constantFrom<MarkerForm>('newer-version', 'cut-short', 'not-ours', 'ahead')
      .map((form) => new ForgeCommitMarker(form)),
    fc.constantFrom(UPGRADE_BRANCH, DRIFT_BRANCH).map((branch) => new AmendActionBranch(branch)),
    fc.boolean().map((reachable) => new CliPlanJson(reachable)),
    fc.constant(new JobLeavesFiles()),
    ...(options.faults
      ? [fault.map((f) => new FailNextRequest(f)), fc.constant(new RunnerShortOfMemory())]
      : [])
  ]
}

/** Each event by name, for the counterexamples kept as named histories (`regressions.test.ts`). */
export const event = {
  openPullRequest: (list: readonly Edit[], preview = false): Command =>
    new OpenPullRequest(list, preview),
  pushToPullRequest: (list: readonly Edit[]): Command => new PushToPullRequest(list),
  closePullRequest: (): Command => new ClosePullRequest(),
  mergePullRequest: (fastForward = true): Command => new MergePullRequest(fastForward),
  commitToMain: (list: readonly Edit[]): Command => new CommitToMain(list),
  dispatchDeploy: (): Command => new DispatchDeploy(),
  dispatchOlderCommit: (back: number): Command => new DispatchOlderCommit(back),
  planMain: (): Command => new PlanMain(),
  driftWatch: (action: 'report' | 'pull-request'): Command => new DriftWatch(action),
  upgrade: (): Command => new Upgrade(),
  editInKestraUi: (action: UiAction): Command => new EditInKestraUi(action),
  foreignMarkerComment: (): Command => new ForeignMarkerComment(),
  failNextRequest: (fault: Fault): Command => new FailNextRequest(fault),
  runnerShortOfMemory: (): Command => new RunnerShortOfMemory(),
  forgeCommitMarker: (form: MarkerForm): Command => new ForgeCommitMarker(form),
  amendActionBranch: (branch: 'upgrade' | 'drift'): Command =>
    new AmendActionBranch(branch === 'upgrade' ? UPGRADE_BRANCH : DRIFT_BRANCH),
  cliPlanJson: (reachable: boolean): Command => new CliPlanJson(reachable)
}
