import { sameRepository, type RunContext } from '../model/context.js'
import type { PullRequestState } from '../model/github.js'
import type { DeploymentsPort } from '../model/deployments-port.js'
import {
  noPreviewSection,
  previewRemovedSection,
  previewSection,
  upsertPreviewSection
} from '../engine/environments/preview-section.js'
import {
  ownedPreviewServer,
  ownNamespaces,
  removePreview,
  type Preview
} from '../engine/apply/preview.js'
import { inPreview, previewPrefix } from '../model/preview.js'
import { errorMessage } from '../model/errors.js'
import { namespaceUrl } from '../adapters/kestra/executions.js'
import type { KestraServer } from '../adapters/kestra/api.js'
import { commentMarker } from '../model/markdown/comment-markers.js'
import { NAMESPACE_PATTERN } from '../model/namespaces.js'
import type { Settings } from '../model/settings.js'
import { plainTarget, previewTarget } from '../config/target.js'
import { execute, type RunOutcome } from './execute.js'
import type { RunPorts } from './ports.js'
import { RunReads } from '../engine/snapshot/run-reads.js'
import { confineRoot } from '../config/settings.js'
import { APPLY_KINDS } from '../resources/registry.js'

const PREVIEW_EVENTS = ['pull_request', 'pull_request_target', 'workflow_run']

/** A kind the preview leaves out, said in its section (docs/dashboards.md#namespace-prefix-and-previews). */
const LEFT_OUT = 'dashboards-prefixed'
/** The findings only a preview makes: its mapped names, and what it leaves out. */
const PREVIEW_OWN = new Set(['pebble-mapped-namespace', LEFT_OUT])

type ServerPorts = RunPorts & { kestra: KestraServer }

/**
 * A run with its environment features (docs/environments.md): `preview` also deploys a pull request into
 * `pr-<number>.*` through plan → deploy → smoke, and its `closed` event only removes that preview.
 */
export async function executeWithEnvironments(
  settings: Settings,
  eventContext: RunContext,
  ports: RunPorts
): Promise<RunOutcome> {
  // Before anything under root is read: a root that a link takes out of the workspace is refused.
  confineRoot(eventContext.workspace, settings.root)
  const reads = new RunReads()
  try {
    const context = await withPullRequestOfRun(eventContext, ports)
    const pr = context.pullRequest
    const { kestra } = ports
    // Built where it is run: a mode that cannot run here throws then, after a preview's own work.
    const target = () => plainTarget(settings, context, kestra !== undefined)
    if (!settings.preview || !pr || pr.number <= 0 || !PREVIEW_EVENTS.includes(context.eventName)) {
      return await execute(settings, target(), context, ports, reads)
    }
    if (pr.action === 'closed') {
      if (!kestra) return await execute(settings, target(), context, ports, reads)
      return await closePreview(settings, context, { ...ports, kestra })
    }
    const why =
      noPreviewReason(settings, context, ports) ?? (await notCurrentReason(context, ports))
    if (why) {
      ports.reporter.notice(`No preview: ${why}`)
      const noPreview = withSection(ports, noPreviewSection(why))
      return await execute(settings, target(), context, noPreview, reads)
    }
    const preview = await deployPreview(settings, context, { ...ports, kestra: kestra! }, reads)
    const withPreview = withSection(ports, preview.section)
    const outcome = await execute(settings, target(), context, withPreview, reads)
    return { ...outcome, failure: outcome.failure ?? preview.failure }
  } finally {
    await reads.close()
  }
}

/**
 * A `workflow_run` whose payload names no pull request (a fork's): its open pull request, read through the API
 * (docs/modes.md#fork-pull-requests).
 */
async function withPullRequestOfRun(context: RunContext, ports: RunPorts): Promise<RunContext> {
  const head = context.runHead
  if (!head) return context
  if (!ports.github) {
    ports.reporter.warning(
      `No github-token: the pull request of this workflow_run (head ${head.label}) could not be looked up, so the plan has no pull request to comment on.`
    )
    return context
  }
  const matching = (await ports.github.openPullRequestsOf(head.label))
    .filter(
      (pull) =>
        pull.headSha === head.sha &&
        (pull.headRepository as { full_name?: unknown } | null)?.full_name === head.repository
    )
    .sort((a, b) => a.number - b.number)
  const found = matching[0]
  if (!found) {
    ports.reporter.notice(
      `No open pull request has the head ${head.label} at ${head.sha.slice(0, 7)} (it moved on or closed): the plan is not commented.`
    )
    return context
  }
  // A run's payload cannot tell which pull request of one head started it: those against the same base
  // get the plan; one against another base needs another plan, so it is named.
  const sameHead = matching.slice(1).filter((pull) => pull.baseSha === found.baseSha)
  const otherBase = matching.slice(1).filter((pull) => pull.baseSha !== found.baseSha)
  if (otherBase.length > 0) {
    const named = otherBase.map((pull) => `#${pull.number}`).join(', ')
    ports.reporter.warning(
      `Pull request(s) ${named} also have the head ${head.label} at ${head.sha.slice(0, 7)}, but another base than #${found.number}: a workflow_run cannot tell which of them started it, so this plan (against #${found.number}'s base ${found.baseSha.slice(0, 7)}) is commented on ${[found, ...sameHead].map((pull) => `#${pull.number}`).join(', ')} only, and ${named} get no plan from this head; push a new commit to one of the branches, or open their pull requests from different branches.`
    )
  }
  const repository = {
    fullName: `${context.owner}/${context.repo}`,
    ...(context.repositoryId !== undefined && { id: context.repositoryId })
  }
  return {
    ...context,
    pullRequest: {
      number: found.number,
      baseSha: found.baseSha,
      headSha: head.sha,
      fork: !sameRepository(found.headRepository, found.baseRepository, repository),
      ...(sameHead.length > 0 && { sameHead: sameHead.map((pull) => pull.number) })
    }
  }
}

function noPreviewReason(
  settings: Settings,
  context: RunContext,
  ports: RunPorts
): string | undefined {
  if (context.pullRequest?.fork) {
    return "this pull request comes from a fork: a fork's code is never deployed to your Kestra (GitHub passes it no secrets)."
  }
  if (!ports.kestra) return 'the server input is not set.'
  if (settings.dryRun) return 'dry-run is set, so nothing is written to Kestra.'
  return undefined
}

function previewOf(context: RunContext): Preview {
  const number = context.pullRequest!.number
  return {
    prefix: previewPrefix(number),
    owner: { repository: `${context.owner}/${context.repo}`, pullRequest: number }
  }
}

/**
 * Only the head an open pull request has now is previewed: a late run would bring back what the close removed
 * (docs/environments.md#previews).
 */
async function notCurrentReason(context: RunContext, ports: RunPorts): Promise<string | undefined> {
  const number = context.pullRequest!.number
  if (!ports.github) {
    return `no github-token: whether pull request #${number} is still open at ${context.sha.slice(0, 7)} cannot be read.`
  }
  let current: PullRequestState | undefined
  try {
    current = await ports.github.pullRequest(number)
  } catch (error) {
    return `pull request #${number} could not be read, so whether it is still open at ${context.sha.slice(0, 7)} is not known (${errorMessage(error)}).`
  }
  if (!current || current.state !== 'open') {
    return `pull request #${number} is closed: its preview is removed, never deployed again.`
  }
  if (current.headSha !== context.sha) {
    return `pull request #${number} has moved on to ${current.headSha.slice(0, 7)}: the run of that head deploys the preview, not this run of ${context.sha.slice(0, 7)}.`
  }
  return undefined
}

/** The summary and the comment of the pull request's own run gain the Preview section. */
function withSection(ports: RunPorts, section: string): RunPorts {
  const { reporter, github } = ports
  return {
    ...ports,
    reporter: {
      ...reporter,
      writeSummary: (markdown) => reporter.writeSummary(`${markdown.trimEnd()}\n\n${section}\n`)
    },
    github: github && {
      ...github,
      upsertStickyComment: (issue, marker, body, seen, sent) =>
        github.upsertStickyComment(issue, marker, upsertPreviewSection(body, section), seen, sent)
    }
  }
}

/**
 * Deploys the preview, then reads the pull request again: if it closed meanwhile, the preview is taken
 * down again, so a close and a late deploy converge on no preview (docs/environments.md#previews).
 */
async function deployPreview(
  settings: Settings,
  context: RunContext,
  ports: ServerPorts,
  reads: RunReads
): Promise<{ section: string; failure?: string }> {
  const deployed = await deployPreviewOnce(settings, context, ports, reads)
  const number = context.pullRequest!.number
  let now: PullRequestState | undefined
  try {
    now = await ports.github?.pullRequest(number)
  } catch (error) {
    ports.reporter.warning(
      `Preview: pull request #${number} could not be read again after its preview deployed (${errorMessage(error)}); if it closed meanwhile, re-run its close to remove the preview.`
    )
    return deployed
  }
  if (now?.state === 'open') return deployed
  ports.reporter.warning(
    `Preview: pull request #${number} closed while its preview deployed; the preview is removed again.`
  )
  return takeDownPreview(settings, context, ports)
}

async function deployPreviewOnce(
  settings: Settings,
  context: RunContext,
  ports: ServerPorts,
  reads: RunReads
): Promise<{ section: string; failure?: string }> {
  const preview = previewOf(context)
  const { prefix } = preview
  const { reporter, edge } = ports
  reporter.info(
    `Preview: deploying ${context.sha.slice(0, 7)} into ${prefix}.* with triggers disabled.`
  )
  const previewPorts = previewPortsOf(context, ports, preview)
  try {
    const uiBase = await previewPorts.kestra!.uiBase()
    const link = (namespace: string) => ({ namespace, url: namespaceUrl(uiBase, namespace) })
    // This preview's namespaces the repository no longer holds are planned too, so what it removed goes;
    // another's (another repository's pull request of the same number) are not.
    const listed = leaves(await ports.kestra.namespacesStartingWith(`${prefix}.`))
    const recorded = recordedNamespaces(await previewDeployments(ports, prefix), prefix)
    const own = await ownNamespaces(ports.kestra, preview, APPLY_KINDS, [
      ...new Set([...listed, ...recorded])
    ])
    const kept = own.map((namespace) => namespace.slice(prefix.length + 1))
    const target = previewTarget(settings, prefix, kept)
    const outcome = await execute(settings, target, context, previewPorts, reads)
    const held = new Set(
      (outcome.report.plan?.resources ?? [])
        .filter((r) => r.action !== 'delete' && r.action !== 'orphaned')
        .map((r) => r.namespace)
    )
    const section = previewSection({
      commit: context.sha,
      links: [...held].sort().map(link),
      receipt: outcome.receipt ?? '',
      failure: outcome.failure && edge.message(outcome.failure),
      notes: outcome.report.findings
        .filter((f) => f.rule === LEFT_OUT)
        .map((f) => edge.message(f.message))
    })
    return { section, failure: outcome.failure && `Preview: ${outcome.failure}` }
  } catch (error) {
    const message = errorMessage(error)
    reporter.warning(`Preview: ${message}`)
    const failure = edge.message(message)
    const section = previewSection({ commit: context.sha, links: [], receipt: '', failure })
    return { section, failure: `Preview: ${message}` }
  }
}

function previewPortsOf(context: RunContext, ports: ServerPorts, preview: Preview): RunPorts {
  const { reporter } = ports
  const owned = ownedPreviewServer(ports.kestra, preview, APPLY_KINDS)
  const kestra: KestraServer = {
    ...owned,
    // A smoke run starts only while the pull request is still open at this head: a late run starts none.
    startExecution: async (namespace, id, inputs, options) => {
      const why = await notCurrentReason(context, ports)
      if (why) throw new Error(`no smoke run: ${why}`)
      return owned.startExecution(namespace, id, inputs, options)
    }
  }
  return {
    ...ports,
    kestra,
    reporter: {
      ...reporter,
      // The pull request's own run reports the findings and outputs; the preview adds only its own.
      annotate: (findings) => reporter.annotate(findings.filter((f) => PREVIEW_OWN.has(f.rule))),
      setOutput: (name, value) => {
        if (name === 'smoke') reporter.setOutput(name, value)
      },
      writeSummary: async () => undefined
    }
  }
}

/** The namespaces that are not the parent of another listed one (OSS lists every parent of a flow's namespace). */
function leaves(namespaces: readonly string[]): string[] {
  return namespaces.filter((n) => !namespaces.some((other) => other.startsWith(`${n}.`)))
}

/** The pull request closed: its preview is deleted, its deployments go `inactive`, the comment says so. */
async function closePreview(
  settings: Settings,
  context: RunContext,
  ports: ServerPorts
): Promise<RunOutcome> {
  const { reporter } = ports
  const { prefix } = previewOf(context)
  reporter.setOutput('mode', 'deploy')
  reporter.info(`kestra-gitops: removing the preview ${prefix}.* (pull request closed)`)
  const { section, deleted, failure } = await takeDownPreview(settings, context, ports)
  if (settings.comment && ports.github) {
    try {
      const comment = await ports.github.findStickyComment(
        context.pullRequest!.number,
        commentMarker(settings.commentKey)
      )
      if (comment)
        await ports.github.updateComment(comment.id, upsertPreviewSection(comment.body, section))
    } catch (error) {
      reporter.warning(`The pull-request comment could not be updated: ${errorMessage(error)}`)
    }
  }
  reporter.setOutput('deleted', deleted)
  reporter.setOutput('deployed', deleted > 0)
  await reporter.writeSummary(`## Kestra preview removed\n\n${section}\n`)
  return {
    failure,
    report: {
      mode: 'deploy',
      tenant: settings.tenant,
      commit: context.sha,
      findings: [],
      kinds: []
    }
  }
}

/**
 * Removes the preview namespaces that are this pull request's own (listed or recorded by its deployments),
 * prefix and ownership checked before the deletes; another's namespace inside the prefix is only warned about.
 */
async function takeDownPreview(
  settings: Settings,
  context: RunContext,
  ports: ServerPorts
): Promise<{ section: string; deleted: number; failure?: string }> {
  const { reporter, kestra, edge } = ports
  const preview = previewOf(context)
  const { prefix } = preview
  const deployments = await previewDeployments(ports, prefix)
  const namespaces = [
    ...new Set([
      ...(await kestra.namespacesStartingWith(`${prefix}.`)),
      ...recordedNamespaces(deployments, prefix)
    ])
  ]
    .filter((namespace) => inPreview(prefix, namespace))
    .sort()
  reporter.group(`Removing the preview ${prefix}.*`)
  const removal = await removePreview(kestra, preview, APPLY_KINDS, namespaces, {
    concurrency: settings.concurrency,
    log: reporter.info
  })
  reporter.endGroup(
    `Preview removed: ${removal.deleted.length} deleted, ${removal.failed.length} failed, ${removal.leftAlone.length} not this preview's, in ${namespaces.length} namespace(s).`
  )
  for (const line of removal.leftAlone) reporter.warning(`Preview: ${line}`)
  if (ports.deployments) await markInactive(ports.deployments, deployments, reporter.warning)
  else if (settings.environment || settings.preview) {
    reporter.warning('No github-token: the preview deployments could not be marked inactive.')
  }
  const failure =
    removal.failed.length > 0
      ? `The preview was not removed completely:\n${removal.failed.map((f) => `  ${f}`).join('\n')}\nRe-run the job to finish.`
      : undefined
  const deleted = removal.deleted.length
  const leftAlone = removal.leftAlone.map((line) => edge.message(line))
  return { section: previewRemovedSection(namespaces, deleted, leftAlone), deleted, failure }
}

/** The preview's GitHub deployments, newest first (none without a github-token). */
function previewDeployments(ports: ServerPorts, prefix: string) {
  return ports.deployments ? ports.deployments.deployments({ environment: prefix }, 100) : []
}

/**
 * The namespaces the preview's deployments recorded: on open-source Kestra the only way to find one that holds
 * no flow (only KV pairs, files or settings), which Kestra does not list.
 */
function recordedNamespaces(
  deployments: readonly { payload: unknown }[],
  prefix: string
): string[] {
  return deployments
    .flatMap((d) => payloadNamespaces(d.payload))
    .filter((namespace) => inPreview(prefix, namespace))
}

/** The namespaces a preview deployment recorded in its payload; anything else there is ignored. */
function payloadNamespaces(payload: unknown): string[] {
  const listed = (payload as { kestra?: { namespaces?: unknown } } | null)?.kestra?.namespaces
  return Array.isArray(listed)
    ? listed.filter((n): n is string => typeof n === 'string' && NAMESPACE_PATTERN.test(n))
    : []
}

async function markInactive(
  github: DeploymentsPort,
  deployments: readonly { id: number }[],
  warn: (message: string) => void
): Promise<void> {
  for (const deployment of deployments) {
    try {
      const [latest] = await github.statuses(deployment.id)
      if (latest?.state === 'inactive') continue
      await github.addStatus(deployment.id, {
        state: 'inactive',
        description: 'Preview removed: the pull request closed.'
      })
    } catch (error) {
      warn(`Deployment ${deployment.id} could not be marked inactive: ${errorMessage(error)}`)
    }
  }
}
