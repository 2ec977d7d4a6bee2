/**
 * The per-resource baseline: the same plan computed the way per-file CLIs and `terraform refresh`
 * read a server, one request per flow and per file (directories walked), at most 10 in flight.
 */
import { Agent, request } from 'undici'
import { buildPlan } from '../../src/engine/plan/build.js'
import { callGraph } from '../../src/resources/flows/decide-impact.js'
import { collectReferences } from '../../src/resources/flows/decide-references.js'
import { withImpact } from '../../src/resources/flows/decide-impact.js'
import type { ActualNamespace, ServerFile } from '../../src/model/plan-input.js'
import { heldNamespace } from '../../test-support/server-state.js'
import type { Plan } from '../../src/model/plan.js'
import { commitTime } from '../../src/adapters/git/git-tree.js'
import { loadRepository } from '../../src/layout/load.js'
import { WorkTree } from '../../src/adapters/git/work-tree.js'
import { Semaphore } from '../../src/model/concurrency.js'
import { serverFile } from '../../src/model/plan-input.js'
import { desiredOf } from '../../src/engine/snapshot/kind.js'
import { parseSettings } from '../../src/config/settings.js'
import { DECIDE_KINDS, KINDS, repoFlowsOf, WALK } from '../../src/resources/registry.js'

export interface BaselineResult {
  wallMs: number
  requests: number
  plan: Plan
}

export async function perResourceBaseline(input: {
  serverUrl: string
  /** What each request carries besides (its credentials). */
  headers: Record<string, string>
  workspace: string
  /** The checked-out commit: its time dates the impact section, as the action's plan does. */
  sha: string
  concurrency: number
}): Promise<BaselineResult> {
  const started = performance.now()
  // A blank input takes its action.yml default.
  const settings = parseSettings((name) => (name === 'server' ? input.serverUrl : ''))
  // As the action's client and plan: the server as the settings hold it, the tenant's routes.
  const against = { server: settings.server!, tenant: settings.tenant }
  const agent = new Agent({ connections: input.concurrency })
  const semaphore = new Semaphore(input.concurrency)
  let requests = 0
  const get = (path: string) =>
    semaphore.run(async () => {
      requests++
      const res = await request(`${against.server}/api/v1/${against.tenant}${path}`, {
        dispatcher: agent,
        headers: input.headers
      })
      const body = Buffer.from(await res.body.arrayBuffer())
      if (res.statusCode !== 200) throw new Error(`GET ${path}: HTTP ${res.statusCode}`)
      return body
    })
  const json = async <T>(path: string) => JSON.parse((await get(path)).toString('utf8')) as T
  const seg = encodeURIComponent

  const model = await loadRepository(new WorkTree(input.workspace, settings.root), settings, {
    walk: WALK
  })
  const readNamespace = async (namespace: string): Promise<ActualNamespace> => {
    const listed = await json<{ id: string; revision: number }[]>(`/flows/${seg(namespace)}`)
    const flows = await Promise.all(
      listed.map(async ({ id }) => {
        const flow = await json<{ id: string; revision: number; source: string }>(
          `/flows/${seg(namespace)}/${seg(id)}?source=true`
        )
        return { namespace, id: flow.id, revision: flow.revision, source: flow.source }
      })
    )
    const walk = async (dir: string): Promise<ServerFile[]> => {
      const entries = await json<{ fileName: string; type: string }[]>(
        `/namespaces/${seg(namespace)}/files/directory?path=${seg(dir)}`
      )
      const nested = await Promise.all(
        entries.map(async ({ fileName, type }) => {
          const path = dir === '/' ? `/${fileName}` : `${dir}/${fileName}`
          if (type === 'Directory') return walk(path)
          const bytes = await get(`/namespaces/${seg(namespace)}/files?path=${seg(path)}`)
          const content = new Uint8Array(bytes)
          return [serverFile(path, { size: content.length, bytes: () => content }, () => true)]
        })
      )
      return nested.flat()
    }
    return heldNamespace({ flows, files: await walk('/') })
  }
  const actual = new Map<string, ActualNamespace>()
  await Promise.all(
    model.managedNamespaces.map(async (namespace) =>
      actual.set(namespace, await readNamespace(namespace))
    )
  )
  const built = buildPlan(
    {
      namespaces: model.managedNamespaces,
      desired: await desiredOf(
        KINDS.flatMap((kind) => (kind.gather ? [kind.gather] : [])),
        { model: model, state: actual }
      ),
      actual,
      scope: 'all',
      deleteEnabled: false,
      // Its fingerprint covers the server and tenant it was made against, as the action's does.
      against
    },
    DECIDE_KINDS
  )
  const reference = await commitTime(input.workspace, input.sha)
  const { plan } = withImpact(built, {
    ...callGraph(
      { flows: repoFlowsOf(model), references: collectReferences(repoFlowsOf(model)) },
      actual
    ),
    reference
  })
  await agent.close()
  return { wallMs: performance.now() - started, requests, plan }
}
