/**
 * The emulator checked against Kestra's own engine (docs/kestra.md#the-emulator-against-the-engine): the same
 * requests, in the same order, to the emulator at the engine's version and to the engine, comparing the status
 * and every field the client reads (src/adapters/kestra/). The engine wins: a difference is fixed in the emulator (which
 * cites "engine <version>: …"), or, where the client needs no change and the emulator keeps a deliberate
 * simplification, listed in KNOWN with why. Any other difference fails this suite.
 */
import { randomBytes } from 'node:crypto'
import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { flow } from '../../../test-support/scenario.js'

const engines = inject('kestraEngines')

interface Answer {
  status: number
  json?: unknown
  bytes: Uint8Array
}

interface Server {
  url: string
  username: string
  password: string
}

async function send(
  server: Server,
  method: string,
  path: string,
  body?: { type: string; data: string | FormData },
  auth = true
): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (auth) {
    headers.authorization = `Basic ${Buffer.from(`${server.username}:${server.password}`).toString('base64')}`
  }
  if (body && body.type) headers['content-type'] = body.type
  const response = await fetch(`${server.url}${path}`, { method, headers, body: body?.data })
  const bytes = new Uint8Array(await response.arrayBuffer())
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    json = undefined
  }
  return { status: response.status, json, bytes }
}

type Json = Record<string, unknown>
const obj = (a: Answer): Json => (a.json ?? {}) as Json
/** What the client reads of an error: the message, else the problem's detail, else its title. */
const errorText = (a: Answer) => {
  const body = obj(a)
  return String(body.message ?? body.detail ?? body.title ?? '')
}
const zipNames = (a: Answer) => (a.status === 200 ? Object.keys(unzipSync(a.bytes)).sort() : [])
const flowView = (a: Answer) => {
  const f = obj(a)
  return {
    status: a.status,
    id: f.id,
    namespace: f.namespace,
    revision: f.revision,
    source: f.source
  }
}

/**
 * One step of the conversation: the request and the view of the answer that is compared. `ns` is a namespace
 * no other step of another run uses; `fresh` one that nothing was ever written to.
 */
interface Step {
  name: string
  send: (server: Server, ns: string, fresh: string) => Promise<Answer>
  view: (answer: Answer) => unknown
  /** Waits before the step on the engine (executions and flow topologies are recorded asynchronously). */
  settle?: boolean
  /** The versions whose engine serves the step (default: every one). */
  only?: (version: string) => boolean
}

const P = '/api/v1/main'
const yaml = (data: string) => ({ type: 'application/x-yaml', data })
const jsonBody = (data: unknown) => ({ type: 'application/json', data: JSON.stringify(data) })
const text = (data: string) => ({ type: 'text/plain', data })
const upload = (bytes: Uint8Array, filename: string) => {
  const form = new FormData()
  form.append('fileContent', new Blob([bytes]), filename)
  return { type: '', data: form }
}
const BYTES = new Uint8Array([0, 1, 2, 255, 254, 10, 13, 0])
/** A dashboard id of this run (dashboards are tenant-wide), from the run's namespace. */
const dash = (ns: string) => `contract_${ns.split('.').pop()!}`
/** A dashboard as Kestra's DashboardControllerTest writes one: a TimeSeries of logs with its columns. */
const dashboardYaml = (id: string, title: string, data = LOG_COLUMNS) =>
  `id: ${id}\ntitle: ${title}\ncharts:\n  - id: logs_timeseries\n    type: io.kestra.plugin.core.dashboard.chart.TimeSeries\n    chartOptions:\n      displayName: Logs\n      column: date\n    data:\n      type: io.kestra.plugin.core.dashboard.data.Logs\n${data}`
const LOG_COLUMNS =
  '      columns:\n        date:\n          field: DATE\n        total:\n          agg: COUNT\n'
const dashboardView = (a: Answer) => ({
  status: a.status,
  id: obj(a).id,
  title: obj(a).title,
  sourceCode: obj(a).sourceCode
})
/**
 * 2.0.0's jars hold no dashboard repository: open-source 2.0 keeps no dashboards (docs/kestra.md#dashboards), its
 * listing is empty and its writes answer 405.
 */
const withDashboards = (version: string) => version.startsWith('1.')
const withDependsOn = (version: string) => version.startsWith('2.')
/** A flow calling `hello` of its namespace as a subflow. */
const parent = (ns: string) =>
  `id: parent\nnamespace: ${ns}\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${ns}\n    flowId: hello\n`

/** What a validate answer says of each flow: whether and why it refuses it. */
function validateView(a: Answer) {
  return {
    status: a.status,
    constraints: ((a.json ?? []) as Json[]).map((r) => r.constraints ?? null)
  }
}

const STEPS: Step[] = [
  {
    name: 'GET configs',
    send: (s) => send(s, 'GET', '/api/v1/configs'),
    view: (a) => ({ status: a.status, version: obj(a).version, edition: obj(a).edition })
  },
  {
    name: 'GET configs without credentials',
    send: (s) => send(s, 'GET', '/api/v1/configs', undefined, false),
    view: (a) => a.status
  },
  {
    name: 'POST flows (create)',
    send: (s, ns) => send(s, 'POST', `${P}/flows`, yaml(flow(ns, 'hello'))),
    view: flowView
  },
  {
    name: 'POST flows (an existing id)',
    send: (s, ns) => send(s, 'POST', `${P}/flows`, yaml(flow(ns, 'hello'))),
    view: (a) => ({ status: a.status, alreadyExists: /already exists/i.test(errorText(a)) })
  },
  {
    name: 'GET flows/{ns}/{id}?source=true',
    send: (s, ns) => send(s, 'GET', `${P}/flows/${ns}/hello?source=true`),
    view: flowView
  },
  {
    name: 'PUT flows/{ns}/{id} (same source)',
    send: (s, ns) => send(s, 'PUT', `${P}/flows/${ns}/hello`, yaml(flow(ns, 'hello'))),
    view: flowView
  },
  {
    name: 'PUT flows/{ns}/{id} (a change)',
    send: (s, ns) => send(s, 'PUT', `${P}/flows/${ns}/hello`, yaml(flow(ns, 'hello', ' v2'))),
    view: flowView
  },
  {
    name: 'PUT flows/{ns}/{id} (an unknown flow)',
    send: (s, ns) => send(s, 'PUT', `${P}/flows/${ns}/nobody`, yaml(flow(ns, 'nobody'))),
    view: (a) => a.status
  },
  {
    name: 'POST flows (a second flow)',
    send: (s, ns) => send(s, 'POST', `${P}/flows`, yaml(flow(ns, 'other'))),
    view: flowView
  },
  {
    name: 'GET flows/{ns}',
    send: (s, ns) => send(s, 'GET', `${P}/flows/${ns}`),
    view: (a) => ({
      status: a.status,
      flows: ((a.json ?? []) as Json[])
        .map((f) => ({
          id: f.id,
          namespace: f.namespace,
          revision: f.revision,
          deleted: f.deleted
        }))
        .sort((x, y) => String(x.id).localeCompare(String(y.id)))
    })
  },
  {
    name: 'POST flows/export/by-ids',
    send: (s, ns) =>
      send(
        s,
        'POST',
        `${P}/flows/export/by-ids`,
        jsonBody([
          { namespace: ns, id: 'hello' },
          { namespace: ns, id: 'other' }
        ])
      ),
    view: (a) => ({
      status: a.status,
      entries: zipNames(a).map((n) => n.replace(/^.*?\.(?=[^.]+\.yaml$)/, '…'))
    })
  },
  {
    name: 'POST flows/export/by-ids (one missing)',
    send: (s, ns) =>
      send(s, 'POST', `${P}/flows/export/by-ids`, jsonBody([{ namespace: ns, id: 'nobody' }])),
    view: (a) => a.status
  },
  {
    name: 'POST flows/validate',
    send: (s, ns) =>
      send(
        s,
        'POST',
        `${P}/flows/validate`,
        yaml(`${flow(ns, 'ok')}---\n${flow(ns, 'bad').replace('core.log.Log', 'core.log.Nope')}`)
      ),
    view: (a) => ({
      status: a.status,
      verdicts: ((a.json ?? []) as Json[]).map((v) => ({
        index: v.index,
        flow: v.flow,
        invalid: typeof v.constraints === 'string'
      }))
    })
  },
  // The model of the whole system (__tests__/e2e/model/) found the emulator's 2.0 warning naming `preconditions`,
  // which 2.0 renamed `dependsOn`: each line's own condition, and a trigger with none.
  ...(
    [
      [
        '1.',
        `    preconditions:\n      id: up\n      flows:\n        - namespace: {ns}\n          flowId: ok\n`
      ],
      ['2.', `    dependsOn:\n      - namespace: {ns}\n        flowId: ok\n`]
    ] as const
  ).map(([line, upstream]): Step => ({
    name: `POST flows/validate (Flow triggers of ${line}x: its condition, and none)`,
    only: (version) => version.startsWith(line),
    send: (s, ns) => {
      const trigger = '\ntriggers:\n  - id: after\n    type: io.kestra.plugin.core.trigger.Flow\n'
      const waits = `${flow(ns, 'waits')}${trigger}${upstream.replace('{ns}', ns)}`
      return send(
        s,
        'POST',
        `${P}/flows/validate`,
        yaml(`${waits}---\n${flow(ns, 'any')}${trigger}`)
      )
    },
    view: (a) => ({
      status: a.status,
      warnings: ((a.json ?? []) as Json[]).map((v) => v.warnings)
    })
  })),
  {
    name: 'DELETE flows/{ns}/{id}',
    send: (s, ns) => send(s, 'DELETE', `${P}/flows/${ns}/other`),
    view: (a) => a.status
  },
  {
    name: 'DELETE flows/{ns}/{id} (already deleted)',
    send: (s, ns) => send(s, 'DELETE', `${P}/flows/${ns}/other`),
    view: (a) => a.status
  },
  {
    name: 'GET flows/{ns}/{id} (deleted)',
    send: (s, ns) => send(s, 'GET', `${P}/flows/${ns}/other?source=true`),
    view: (a) => a.status
  },
  {
    name: 'GET flows/{ns}/{id}?revision=1 (of a deleted flow)',
    send: (s, ns) => send(s, 'GET', `${P}/flows/${ns}/other?source=true&revision=1`),
    view: (a) => ({ status: a.status, source: obj(a).source })
  },
  {
    name: 'POST flows (re-creating a deleted id)',
    send: (s, ns) => send(s, 'POST', `${P}/flows`, yaml(flow(ns, 'other'))),
    view: flowView
  },
  {
    name: 'POST namespaces/{ns}/files (binary)',
    send: (s, ns) =>
      send(s, 'POST', `${P}/namespaces/${ns}/files?path=/d/a.bin`, upload(BYTES, 'a.bin')),
    view: (a) => a.status
  },
  {
    name: 'GET namespaces/{ns}/files',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/files?path=/d/a.bin`),
    view: (a) => ({ status: a.status, bytes: [...a.bytes] })
  },
  {
    name: 'POST namespaces/{ns}/files (the same bytes again)',
    send: (s, ns) =>
      send(s, 'POST', `${P}/namespaces/${ns}/files?path=/d/a.bin`, upload(BYTES, 'a.bin')),
    view: (a) => a.status
  },
  {
    name: 'GET namespaces/{ns}/files/revisions',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/files/revisions?path=/d/a.bin`),
    view: (a) => ({
      status: a.status,
      revisions: ((a.json ?? []) as Json[]).map((r) => r.revision)
    })
  },
  {
    name: 'GET namespaces/{ns}/files?revision=1',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/files?path=/d/a.bin&revision=1`),
    view: (a) => ({ status: a.status, bytes: [...a.bytes] })
  },
  {
    name: 'GET namespaces/{ns}/files/directory',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/files/directory?path=/`),
    view: (a) => ({
      status: a.status,
      entries: ((a.json ?? []) as Json[]).map((e) => ({ fileName: e.fileName, type: e.type }))
    })
  },
  {
    name: 'GET namespaces/{ns}/files/export',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/files/export`),
    view: (a) => ({ status: a.status, entries: zipNames(a) })
  },
  {
    name: 'GET namespaces/{ns}/files (absent)',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/files?path=/nothing.txt`),
    view: (a) => a.status
  },
  {
    name: 'DELETE namespaces/{ns}/files',
    send: (s, ns) => send(s, 'DELETE', `${P}/namespaces/${ns}/files?path=/d/a.bin`),
    view: (a) => a.status
  },
  {
    name: 'GET namespaces/{ns}/files (deleted)',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/files?path=/d/a.bin`),
    view: (a) => a.status
  },
  {
    name: 'GET namespaces/{ns}/files/revisions (deleted)',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/files/revisions?path=/d/a.bin`),
    view: (a) => a.status
  },
  {
    name: 'GET namespaces/{fresh}/kv/{key} (a namespace nothing was written to)',
    send: (s, _ns, fresh) => send(s, 'GET', `${P}/namespaces/${fresh}/kv/kestra-gitops-commit`),
    view: (a) => a.status
  },
  {
    name: 'GET namespaces/{ns}/kv/{key} (absent)',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/kv/absent`),
    view: (a) => a.status
  },
  {
    name: 'PUT namespaces/{ns}/kv/{key} (JSON)',
    send: (s, ns) =>
      send(s, 'PUT', `${P}/namespaces/${ns}/kv/limits`, text('{"cpu": 2, "tags": ["a"]}')),
    view: (a) => a.status
  },
  {
    name: 'PUT namespaces/{ns}/kv/{key} (a number)',
    send: (s, ns) => send(s, 'PUT', `${P}/namespaces/${ns}/kv/retries`, text('3')),
    view: (a) => a.status
  },
  {
    name: 'GET namespaces/{ns}/kv/{key}',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/kv/limits`),
    view: (a) => ({ status: a.status, type: obj(a).type, value: obj(a).value })
  },
  {
    name: 'GET namespaces/{ns}/kv/{key} (a number)',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/kv/retries`),
    view: (a) => ({ status: a.status, type: obj(a).type, value: obj(a).value })
  },
  {
    name: 'GET kv?filters[namespace][IN]',
    send: (s, ns, fresh) =>
      send(s, 'GET', `${P}/kv?filters[namespace][IN]=${ns},${fresh}&page=1&size=500`),
    view: (a) => ({
      status: a.status,
      total: obj(a).total,
      keys: ((obj(a).results ?? []) as Json[])
        .map((e) => `${String(e.namespace)} ${String(e.key)}`)
        .sort()
    })
  },
  {
    name: 'GET namespaces/{ns}/kv',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/kv`),
    view: (a) => ({
      status: a.status,
      keys: Array.isArray(a.json) ? (a.json as Json[]).map((e) => e.key).sort() : undefined
    })
  },
  {
    name: 'DELETE namespaces/{ns}/kv/{key}',
    send: (s, ns) => send(s, 'DELETE', `${P}/namespaces/${ns}/kv/retries`),
    view: (a) => ({ status: a.status, json: a.json })
  },
  {
    name: 'DELETE namespaces/{ns}/kv/{key} (absent)',
    send: (s, ns) => send(s, 'DELETE', `${P}/namespaces/${ns}/kv/retries`),
    view: (a) => ({ status: a.status, json: a.json })
  },
  {
    name: 'POST executions/{ns}/{id}',
    send: (s, ns) =>
      send(s, 'POST', `${P}/executions/${ns}/hello?labels=run:contract`, {
        type: '',
        data: new FormData()
      }),
    view: (a) => ({
      status: a.status,
      namespace: obj(a).namespace,
      flowId: obj(a).flowId,
      hasId: typeof obj(a).id === 'string',
      state: startedState((obj(a).state as Json | undefined)?.current),
      labels: ((obj(a).labels ?? []) as Json[]).filter((l) => l.key === 'run')
    })
  },
  {
    name: 'POST executions/{ns}/{id} (an unknown flow)',
    send: (s, ns) =>
      send(s, 'POST', `${P}/executions/${ns}/nobody`, { type: '', data: new FormData() }),
    view: (a) => a.status
  },
  {
    name: 'GET executions/search (by labels)',
    settle: true,
    send: (s, ns) =>
      send(
        s,
        'GET',
        `${P}/executions/search?filters[namespace][EQUALS]=${ns}&filters[flowId][EQUALS]=hello&filters[labels][EQUALS][run]=contract&page=1&size=25`
      ),
    view: (a) => ({
      status: a.status,
      total: obj(a).total,
      flows: ((obj(a).results ?? []) as Json[]).map(
        (e) => `${String(e.namespace)}.${String(e.flowId)}`
      )
    })
  },
  {
    name: 'GET executions/search (not finished, IN filters)',
    send: (s, ns) =>
      send(
        s,
        'GET',
        `${P}/executions/search?filters[namespace][IN]=${ns}&filters[flowId][IN]=hello,other&filters[state][IN]=RUNNING,PAUSED,CREATED,QUEUED&filters[startDate][GREATER_THAN_OR_EQUAL_TO]=2000-01-01T00:00:00Z&page=1&size=500`
      ),
    view: (a) => ({
      status: a.status,
      paged: Array.isArray(obj(a).results) && typeof obj(a).total === 'number'
    })
  },
  {
    name: 'GET executions/{id} (unknown)',
    send: (s) => send(s, 'GET', `${P}/executions/nobody0000000000000000`),
    view: (a) => a.status
  },
  {
    name: 'GET secrets',
    send: (s) => send(s, 'GET', `${P}/secrets?page=1&size=500`),
    view: (a) => ({
      status: a.status,
      results: Array.isArray(obj(a).results),
      total: typeof obj(a).total
    })
  },
  {
    name: 'GET namespaces/search',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/search?q=${ns}&page=1&size=100`),
    view: (a) => ({
      status: a.status,
      ids: ((obj(a).results ?? []) as Json[]).map((n) => n.id).sort()
    })
  },
  {
    name: 'POST flows (a flow calling a subflow)',
    send: (s, ns) => send(s, 'POST', `${P}/flows`, yaml(parent(ns))),
    view: flowView
  },
  {
    name: 'GET flows/{ns}/{id}/dependencies',
    settle: true,
    send: (s, ns) =>
      send(s, 'GET', `${P}/flows/${ns}/hello/dependencies?destinationOnly=false&expandAll=false`),
    view: (a) => {
      const nodes = ((obj(a).nodes ?? []) as Json[]).map((n) => `${String(n.uid)}`)
      return {
        status: a.status,
        nodes: nodes.sort(),
        edges: ((obj(a).edges ?? []) as Json[]).map(
          (e) => `${String(e.source)} ${String(e.relation)} ${String(e.target)}`
        )
      }
    }
  },
  {
    name: 'GET namespaces/{ns}/inherited-secrets',
    send: (s, ns) => send(s, 'GET', `${P}/namespaces/${ns}/inherited-secrets`),
    view: (a) => ({ status: a.status, json: a.json })
  },
  {
    name: 'POST dashboards',
    only: withDashboards,
    send: (s, ns) => send(s, 'POST', `${P}/dashboards`, yaml(dashboardYaml(dash(ns), 'Contract'))),
    view: dashboardView
  },
  {
    name: 'POST dashboards (an existing id)',
    only: withDashboards,
    send: (s, ns) => send(s, 'POST', `${P}/dashboards`, yaml(dashboardYaml(dash(ns), 'Again'))),
    view: (a) => ({ status: a.status, message: errorText(a) })
  },
  {
    name: 'POST dashboards (no id)',
    only: withDashboards,
    send: (s, ns) =>
      send(
        s,
        'POST',
        `${P}/dashboards`,
        yaml(dashboardYaml(dash(ns), 'No id').replace(/^id: .*\n/, ''))
      ),
    view: (a) => ({ status: a.status, message: errorText(a) })
  },
  {
    name: 'GET dashboards/{id}',
    only: withDashboards,
    send: (s, ns) => send(s, 'GET', `${P}/dashboards/${dash(ns)}`),
    view: dashboardView
  },
  {
    name: 'GET dashboards?sort=id:asc',
    only: withDashboards,
    send: (s) => send(s, 'GET', `${P}/dashboards?sort=id:asc&page=1&size=100`),
    view: (a) => ({
      status: a.status,
      paged: Array.isArray(obj(a).results) && typeof obj(a).total === 'number'
    })
  },
  {
    name: 'POST dashboards/validate',
    only: withDashboards,
    send: (s, ns) =>
      send(s, 'POST', `${P}/dashboards/validate`, yaml(dashboardYaml(dash(ns), 'Fine'))),
    view: (a) => ({ status: a.status, index: obj(a).index, constraints: obj(a).constraints })
  },
  {
    name: 'POST dashboards/validate (no title)',
    only: withDashboards,
    send: (s, ns) =>
      send(
        s,
        'POST',
        `${P}/dashboards/validate`,
        yaml(dashboardYaml(dash(ns), 'x').replace(/^title: .*\n/m, ''))
      ),
    view: (a) => ({
      status: a.status,
      index: obj(a).index,
      invalid: typeof obj(a).constraints === 'string'
    })
  },
  {
    name: 'POST dashboards/validate (a TimeSeries without columns)',
    only: withDashboards,
    send: (s, ns) =>
      send(s, 'POST', `${P}/dashboards/validate`, yaml(dashboardYaml(dash(ns), 'Bare', ''))),
    view: (a) => ({ status: a.status, index: obj(a).index, constraints: obj(a).constraints })
  },
  {
    name: 'POST dashboards/validate (chartOptions without a displayName)',
    only: withDashboards,
    send: (s, ns) =>
      send(
        s,
        'POST',
        `${P}/dashboards/validate`,
        yaml(dashboardYaml(dash(ns), 'Unnamed').replace('      displayName: Logs\n', ''))
      ),
    view: (a) => ({
      status: a.status,
      violations: String(obj(a).constraints ?? '')
        .split(/\n|, /)
        .filter(Boolean)
        .sort()
    })
  },
  {
    name: 'PUT dashboards/{id}',
    only: withDashboards,
    send: (s, ns) =>
      send(s, 'PUT', `${P}/dashboards/${dash(ns)}`, yaml(dashboardYaml(dash(ns), 'Contract v2'))),
    view: dashboardView
  },
  {
    name: 'PUT dashboards/{id} (another id in the YAML)',
    only: withDashboards,
    send: (s, ns) =>
      send(s, 'PUT', `${P}/dashboards/${dash(ns)}`, yaml(dashboardYaml(`${dash(ns)}x`, 'Moved'))),
    view: (a) => ({ status: a.status, message: errorText(a) })
  },
  {
    name: 'PUT dashboards/{id} (unknown)',
    only: withDashboards,
    send: (s, ns) =>
      send(s, 'PUT', `${P}/dashboards/${dash(ns)}y`, yaml(dashboardYaml(`${dash(ns)}y`, 'Nobody'))),
    view: (a) => ({ status: a.status, bytes: a.bytes.length })
  },
  {
    name: 'DELETE dashboards/{id}',
    only: withDashboards,
    send: (s, ns) => send(s, 'DELETE', `${P}/dashboards/${dash(ns)}`),
    view: (a) => a.status
  },
  {
    name: 'DELETE dashboards/{id} (already deleted)',
    only: withDashboards,
    send: (s, ns) => send(s, 'DELETE', `${P}/dashboards/${dash(ns)}`),
    view: (a) => ({ status: a.status, message: errorText(a) })
  },
  {
    name: 'GET dashboards/{id} (deleted)',
    only: withDashboards,
    send: (s, ns) => send(s, 'GET', `${P}/dashboards/${dash(ns)}`),
    view: (a) => a.status
  },
  {
    name: 'GET dashboards (2.0.0 open source: none kept)',
    only: (version) => !withDashboards(version),
    send: (s) => send(s, 'GET', `${P}/dashboards?sort=id:asc&page=1&size=100`),
    view: (a) => ({ status: a.status, results: obj(a).results, total: obj(a).total })
  },
  {
    name: 'POST dashboards (2.0.0 open source: writes moved to Enterprise)',
    only: (version) => !withDashboards(version),
    send: (s, ns) => send(s, 'POST', `${P}/dashboards`, yaml(dashboardYaml(dash(ns), 'Contract'))),
    view: (a) => a.status
  },
  {
    name: 'PUT dashboards/{id} (2.0.0 open source: writes moved to Enterprise)',
    only: (version) => !withDashboards(version),
    send: (s, ns) =>
      send(s, 'PUT', `${P}/dashboards/${dash(ns)}`, yaml(dashboardYaml(dash(ns), 'Contract'))),
    view: (a) => a.status
  },
  {
    name: 'DELETE dashboards/{id} (2.0.0 open source: writes moved to Enterprise)',
    only: (version) => !withDashboards(version),
    send: (s, ns) => send(s, 'DELETE', `${P}/dashboards/${dash(ns)}`),
    view: (a) => a.status
  },
  {
    name: 'GET dashboards/{id} (2.0.0 open source: none kept)',
    only: (version) => !withDashboards(version),
    send: (s, ns) => send(s, 'GET', `${P}/dashboards/${dash(ns)}`),
    view: (a) => a.status
  },
  // Execution loops (2.0 refuses them, 1.3 has no such check): flows that no execution ever starts. A Flow trigger's
  // `dependsOn` is 2.0's (1.3 has `preconditions`, and the plugin-blind emulator accepts any property).
  {
    name: 'POST flows/validate (a flow that closes a loop by itself)',
    only: withDependsOn,
    send: (s, ns) =>
      send(s, 'POST', `${P}/flows/validate`, yaml(loopFlow(ns, 'round', 'ghost', 'ghost'))),
    view: validateView
  },
  {
    name: 'POST flows (a flow that closes a loop by itself)',
    only: withDependsOn,
    send: (s, ns) => send(s, 'POST', `${P}/flows`, yaml(loopFlow(ns, 'round', 'ghost', 'ghost'))),
    view: (a) => ({ status: a.status, message: a.status < 400 ? '' : errorText(a) })
  },
  {
    name: 'POST flows/validate (a loop whose call has a runIf)',
    only: withDependsOn,
    send: (s, ns) =>
      send(
        s,
        'POST',
        `${P}/flows/validate`,
        yaml(loopFlow(ns, 'maybe', 'ghost', 'ghost', '"{{ false }}"'))
      ),
    view: validateView
  },
  {
    name: 'POST flows (a flow calling one not saved yet)',
    send: (s, ns) => send(s, 'POST', `${P}/flows`, yaml(loopFlow(ns, 'ring2', 'ring1'))),
    view: flowView
  },
  {
    name: 'POST flows/validate (a flow closing a loop with a saved one)',
    // The engine's graph is its flow store, which a save reaches asynchronously.
    settle: true,
    send: (s, ns) => send(s, 'POST', `${P}/flows/validate`, yaml(loopFlow(ns, 'ring1', 'ring2'))),
    view: validateView
  },
  {
    name: 'POST flows (a flow closing a loop with a saved one)',
    send: (s, ns) => send(s, 'POST', `${P}/flows`, yaml(loopFlow(ns, 'ring1', 'ring2'))),
    view: (a) => ({ status: a.status, message: a.status < 400 ? '' : errorText(a) })
  },
  {
    name: 'PUT flows/{ns}/{id} (an update closing a loop with a saved one)',
    only: withDependsOn,
    send: (s, ns) =>
      send(s, 'PUT', `${P}/flows/${ns}/ring2`, yaml(loopFlow(ns, 'ring2', 'ring1', 'ring1'))),
    view: (a) => ({ status: a.status, message: a.status < 400 ? '' : errorText(a) })
  }
]

/** A flow calling `calls`, triggered after `after` when given; `runIf` on its call when given. */
function loopFlow(ns: string, id: string, calls: string, after?: string, runIf?: string): string {
  const call = `  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${ns}\n    flowId: ${calls}\n`
  const condition = runIf ? `    runIf: ${runIf}\n` : ''
  const trigger = after
    ? `triggers:\n  - id: after\n    type: io.kestra.plugin.core.trigger.Flow\n    dependsOn:\n      - namespace: ${ns}\n        flowId: ${after}\n`
    : ''
  return `id: ${id}\nnamespace: ${ns}\ntasks:\n${call}${condition}${trigger}`
}

/**
 * The differences that stand, on both versions, each with why (docs/kestra.md#the-emulator-against-the-engine).
 * Everything else the engine answers, the emulator answers alike.
 */
/**
 * A new execution's state as the create route answers it. Kestra's `ExecutionController` answers the execution it has
 * just emitted, and its executor may or may not have taken it by then: engine 1.3.31 answered `RUNNING` in every run
 * but one, under load, which answered `CREATED` (CI, 2026-11-29). Either is an execution not yet finished.
 */
function startedState(state: unknown): unknown {
  return state === 'CREATED' || state === 'RUNNING' ? 'CREATED or RUNNING' : state
}

const KNOWN: Record<string, string> = {
  'POST flows/validate':
    "an unknown task type: the engine's plugin registry refuses it (constraints, no flow id); the emulator accepts any type unless a test gives it knownTypes, the released core being the judge of types (kestra-core.test.ts); the client reads index and constraints only"
}

describe.skipIf(engines.length === 0).each(engines)(
  'emulator against Kestra engine $version',
  (engine) => {
    let emulator: Emulator
    let emulated: Server
    const tag = randomBytes(3).toString('hex')
    const ns = `contract.v${engine.version.replace(/\./g, '')}.t${tag}`
    const fresh = `contract.fresh.v${engine.version.replace(/\./g, '')}.t${tag}`
    const differences: Record<string, string> = {}

    beforeAll(async () => {
      emulator = await startEmulator({
        version: engine.version,
        basicAuth: { username: engine.username, password: engine.password },
        problemJson: engine.version.startsWith('2.')
      })
      emulated = { url: emulator.url, username: engine.username, password: engine.password }
    })
    afterAll(async () => {
      await emulator?.close()
    })

    it(`${engine.version}: answers every request the client sends as the engine does`, async () => {
      for (const step of STEPS) {
        if (step.only && !step.only(engine.version)) continue
        if (step.settle) await new Promise((resolve) => setTimeout(resolve, 3000))
        const expected = step.view(await step.send(engine, ns, fresh))
        const actual = step.view(await step.send(emulated, ns, fresh))
        const a = JSON.stringify(expected)
        const b = JSON.stringify(actual)
        if (a !== b) differences[step.name] = `engine ${a} | emulator ${b}`
      }
      const sent = new Set(
        STEPS.filter((step) => !step.only || step.only(engine.version)).map((step) => step.name)
      )
      expect(Object.keys(differences).sort(), JSON.stringify(differences, null, 2)).toEqual(
        Object.keys(KNOWN)
          .filter((name) => sent.has(name))
          .sort()
      )
    })
  }
)
