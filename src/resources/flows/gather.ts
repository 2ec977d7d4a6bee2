import { isUtf8 } from 'node:buffer'
import { isYamlFile } from '../../layout/layout.js'
import type { FlowLocation, ReuseFlow } from '../../layout/load.js'
import type { TreeSource } from '../../adapters/git/tree-source.js'
import type { DependenciesApi, HistoryApi } from '../../adapters/kestra/api.js'
import {
  withServerNames,
  type DesiredInput,
  type KnownInput,
  type ServerPart
} from '../../engine/snapshot/kind.js'
import { mapLimit } from '../../model/concurrency.js'
import { normaliseText } from '../../model/content.js'
import { errorMessage } from '../../model/errors.js'
import { kindOfText, parseFlowFile } from '../../model/flow-file.js'
import type { FlowDependency } from '../../model/kestra.js'
import type { DesiredFlow } from '../../model/plan-input.js'
import type { OutsideUser, OutsideUsers } from '../../model/references.js'
import {
  deployableFlow,
  desiredFlows,
  firstDeclared,
  type FlowFile,
  type ReadProblem,
  type RepoModel
} from '../../model/repository.js'
import type { FlowChange } from '../../model/plan.js'
import type { BaseFlow } from './decide-sent.js'
import { flowKey, pinnedKey } from '../../model/targets.js'
import { serverFlowsOf } from './decide-server-state.js'
import { repoFlowsOf } from './decide-repository.js'

/**
 * The flows known to exist, as `namespace\0id`: the repository's, the server's state's, and each flow another
 * calls or follows that the server holds (docs/kinds.md#what-one-kind-tells-another).
 */
export function flowsKnown(input: KnownInput): Promise<Set<string>> {
  const { model, state } = input
  const held = new Set(
    repoFlowsOf(model)
      .filter(deployableFlow)
      .map((f) => `${f.namespace}\0${f.id}`)
  )
  for (const [namespace, actual] of state ?? []) {
    for (const flow of serverFlowsOf(actual)) held.add(`${namespace}\0${flow.id}`)
  }
  return withServerNames(
    held,
    input,
    async (api, namespace, id) => (await api.getFlow(namespace, id)) !== undefined
  )
}

/** Each namespace's flows on the server, listed with their sources (`GatherKind.server`). */
export const flowsServer: ServerPart = {
  reader:
    ({ api }) =>
    (namespace) =>
      api.listFlows(namespace)
}

/** The flows the repository wants on the server (`GatherKind.desired`). */
export function flowsDesired({ model }: DesiredInput): Promise<DesiredFlow[]> {
  return Promise.resolve(desiredFlows(repoFlowsOf(model), model.managedNamespaces))
}

/** What a commit held of flows (`GatherKind.base`): each identity's first file. */
export function flowsBase(model: RepoModel): Map<string, BaseFlow> {
  return new Map(
    [...firstDeclared(repoFlowsOf(model))].map(([key, { namespace, source, file }]) => [
      key,
      { namespace: namespace!, source, file }
    ])
  )
}

/** A flow's version at the base commit, from its file's bytes there: when the file declares that flow. */
export function flowOfBytes(change: FlowChange, bytes: Uint8Array): BaseFlow | undefined {
  const file = change.file!
  const flow = parseFlowFile({ file, rel: file, raw: Buffer.from(bytes).toString('utf8') })
  if (flow.namespace !== change.namespace || flow.id !== change.id) return undefined
  return { namespace: change.namespace, source: flow.source, file }
}

/** `path`: the file or a link's target, relative to root; text that is not UTF-8 is a read problem. */
export async function readFlow(
  tree: TreeSource,
  path: string,
  location: FlowLocation,
  reuse?: ReuseFlow
): Promise<FlowFile | ReadProblem | 'not-a-flow'> {
  let bytes: Buffer
  try {
    bytes = await tree.read(path)
  } catch (error) {
    return {
      severity: 'error',
      file: location.file,
      message: `cannot read the flow file: ${(error as Error).message}`
    }
  }
  if (location.ifFlowDocument && kindOfText(normaliseText(bytes.toString('utf8'))) === 'none') {
    return 'not-a-flow'
  }
  if (!isUtf8(bytes)) {
    return {
      severity: 'error',
      file: location.file,
      line: invalidUtf8Line(bytes),
      message: 'the flow file is not valid UTF-8 text; save it with UTF-8 encoding'
    }
  }
  const { file, rel, expectedNamespace } = location
  const reused = await reuse?.({ file, rel, expectedNamespace }, bytes)
  if (reused) return reused
  return parseFlowFile({ file, rel, expectedNamespace, raw: bytes.toString('utf8') })
}

export async function isFlowDocument(tree: TreeSource, rel: string): Promise<boolean> {
  if (!isYamlFile(rel)) return false
  const text = await tree.read(rel).then(String, () => '')
  return kindOfText(normaliseText(text)) === 'flow'
}

/** The first line not UTF-8 on its own: no UTF-8 sequence holds a newline byte. */
function invalidUtf8Line(bytes: Uint8Array): number {
  let line = 1
  for (let start = 0; start < bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start)
    const stop = end === -1 ? bytes.length : end
    if (!isUtf8(bytes.subarray(start, stop))) return line
    start = stop + 1
  }
  return line
}

/**
 * One request each (docs/impact.md#users-outside-the-managed-namespaces): the rest are not
 * searched.
 */
const DEPENDENCY_READS = 20

/**
 * Users of each deleted flow in namespaces the plan did not read, from Kestra's flow topology (`GET
 * …/flows/{ns}/{id}/dependencies`). A user is the source of a `FLOW_TASK` edge into the deleted
 * flow, or the target of a `FLOW_TRIGGER` edge out of it.
 */
export async function outsideUsers(
  api: DependenciesApi,
  deleted: readonly { namespace: string; id: string }[],
  read: { has(namespace: string): boolean },
  concurrency: number
): Promise<OutsideUsers> {
  const asked = deleted.slice(0, DEPENDENCY_READS)
  const unsearched: OutsideUsers['unsearched'] = deleted.slice(DEPENDENCY_READS).map((flow) => ({
    ...flow,
    why: `only the first ${DEPENDENCY_READS} deleted flows are looked up`
  }))
  const users: OutsideUser[] = []
  await mapLimit(asked, concurrency, async (flow) => {
    let edges: FlowDependency[] | undefined
    try {
      edges = await api.flowDependencies(flow.namespace, flow.id)
    } catch (error) {
      unsearched.push({
        ...flow,
        why: `Kestra's flow dependencies could not be read: ${errorMessage(error)}`
      })
      return
    }
    if (edges === undefined) {
      unsearched.push({ ...flow, why: 'this Kestra has no flow dependencies route' })
      return
    }
    const same = (a: { namespace: string; id: string }) =>
      a.namespace === flow.namespace && a.id === flow.id
    for (const edge of edges) {
      const user =
        edge.relation === 'FLOW_TASK' && same(edge.target)
          ? edge.source
          : edge.relation === 'FLOW_TRIGGER' && same(edge.source)
            ? edge.target
            : undefined
      if (!user || same(user) || read.has(user.namespace)) continue
      users.push({
        user,
        ...flow,
        via: edge.relation === 'FLOW_TASK' ? 'subflow' : 'flow-trigger'
      })
    }
  })
  return { users, unsearched }
}

/**
 * Each pinned revision read once (docs/caught-at-review.md#subflow-contracts); one the server lacks
 * maps to undefined.
 */
export async function readPinnedRevisions(
  api: HistoryApi,
  sites: readonly { target: { namespace: string; id: string }; revision?: number }[]
): Promise<Map<string, string | undefined>> {
  const wanted = new Map<string, { namespace: string; id: string; revision: number }>()
  for (const site of sites) {
    if (site.revision === undefined) continue
    const key = pinnedKey(flowKey(site.target.namespace, site.target.id), site.revision)
    wanted.set(key, { ...site.target, revision: site.revision })
  }
  const read = await Promise.all(
    [...wanted].map(
      async ([key, { namespace, id, revision }]) =>
        [key, await api.flowRevisionSource(namespace, id, revision)] as const
    )
  )
  return new Map(read)
}
