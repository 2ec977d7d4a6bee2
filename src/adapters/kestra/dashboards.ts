import { parse, stringify } from 'yaml'
import { z } from 'zod'
import { isRecord, jsonObject, normaliseText } from '../../model/content.js'
import { LISTED_AT_MOST, readPages, rowIdOf, unlessMissing } from './listings.js'
import { parsedJson, readVerdict, unreadableVerdict } from './constraints.js'
import type { ServerVerdict } from '../../model/kestra.js'
import { bodyText, readJsonObject, type ScopedHttp, YAML } from './scoped-http.js'
import { responseError, type HttpResponse, unreadableAnswer } from './transport.js'

/**
 * A dashboard answer (docs/kestra.md#dashboards); `sourceCode`, the YAML as sent, only from the 1.3 patch adding
 * it.
 */
const dashboardAnswer = z.object({
  id: z.string(),
  title: z.unknown().optional(),
  description: z.unknown().optional(),
  timeWindow: z.unknown().optional(),
  charts: z.unknown().optional(),
  sourceCode: z.string().optional().catch(undefined)
})
export type RemoteDashboard = z.infer<typeof dashboardAnswer>

type CreateOutcome = { created: true } | { created: false; retried: boolean }

/** `P/dashboards` (Kestra 1.3+, tenant-wide, docs/kestra.md#dashboards). */
export function dashboardsApi(http: ScopedHttp) {
  const one = (id: string) => ({ route: '/dashboards/{id}', params: [id] })
  return {
    listDashboards: (): Promise<RemoteDashboard[] | undefined> =>
      unlessMissing(
        readPages(
          http,
          {
            name: 'dashboards listing',
            remedy: `a repository manages at most ${LISTED_AT_MOST} dashboards: delete the ones no one uses`,
            route: '/dashboards',
            // With no sort the database's order is unspecified: pages sort by id (docs/kestra.md#dashboards).
            query: { sort: 'id:asc' },
            key: rowIdOf
          },
          toDashboard
        )
      ),
    async getDashboard(id: string): Promise<RemoteDashboard | undefined> {
      const response = await http.found({ method: 'GET', ...one(id) })
      return response && toDashboard(readJsonObject(response), response)
    },
    /** A 422 "already exists" (never a 409): `retried`, the first attempt may have created it. */
    async createDashboard(source: string): Promise<CreateOutcome> {
      const response = await http.send({
        method: 'POST',
        route: '/dashboards',
        headers: YAML,
        body: source,
        allow: [422]
      })
      if (response.status < 400) return { created: true }
      const error = responseError(response)
      if (!/already exists/i.test(error.serverMessage)) throw error
      return { created: false, retried: response.attempts > 1 }
    },
    async updateDashboard(id: string, source: string): Promise<RemoteDashboard | undefined> {
      const response = await http.found({ method: 'PUT', ...one(id), headers: YAML, body: source })
      return response && toDashboard(readJsonObject(response), response)
    },
    /**
     * False when the server held none (404, or JDBC's 409), unless retried: the first attempt most likely deleted
     * it.
     */
    async deleteDashboard(id: string): Promise<boolean> {
      const response = await http.send({ method: 'DELETE', ...one(id), allow: [404, 409] })
      if (
        response.status === 409 &&
        !/doesn't exist/i.test(responseError(response).serverMessage)
      ) {
        throw responseError(response)
      }
      return response.status < 400 || response.attempts > 1
    },
    /** The server's verdict (1.x `constraints`, 2.0 `errors`), or why the answer is unreadable: never "valid". */
    async validateDashboard(source: string): Promise<ServerVerdict> {
      const response = await http.send({
        method: 'POST',
        route: '/dashboards/validate',
        readOnly: true,
        headers: YAML,
        body: source
      })
      const text = bodyText(response.body)
      const answer = parsedJson(text)
      const verdict =
        answer === undefined
          ? { readable: false as const, why: 'it is not JSON' }
          : readVerdict(answer)
      if (!verdict.readable) return { errors: [], unreadable: unreadableVerdict(verdict.why, text) }
      return { errors: verdict.errors }
    }
  }
}

function toDashboard(value: unknown, response: HttpResponse): RemoteDashboard {
  const row = dashboardAnswer.safeParse(value)
  if (!row.success) {
    throw unreadableAnswer(response, 'expected a dashboard with an id in the answer')
  }
  return row.data
}

/** `timeWindow` defaults (docs/kestra.md#dashboards): 30 days shown, at most 366. */
const WINDOW_DEFAULTS = { default: 30 * 86400, max: 366 * 86400 }
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/

/**
 * A dashboard's fields as one canonical text (seconds, defaults filled, keys sorted): compared without
 * `sourceCode`.
 */
export function dashboardFields(value: Record<string, unknown>): string {
  const window = (value.timeWindow ?? {}) as Record<string, unknown>
  const fields = {
    id: value.id ?? null,
    title: value.title ?? null,
    description: value.description ?? null,
    timeWindow: {
      default: `${seconds(window.default) ?? WINDOW_DEFAULTS.default}s`,
      max: `${seconds(window.max) ?? WINDOW_DEFAULTS.max}s`
    },
    charts: sorted(value.charts ?? null)
  }
  return stringify(fields)
}

export function sourceFields(source: string): string | undefined {
  try {
    const mapping = jsonObject.safeParse(parse(source)).data
    if (mapping) return dashboardFields(mapping)
  } catch {
    // Its YAML error is a finding of the dashboards kind's checks.
  }
  return undefined
}

/** Whether the server's copy is `wanted` (its source and fields): by source when the answer has one. */
export function holds(
  remote: RemoteDashboard,
  wanted: { source: string; fields: string }
): boolean {
  return remote.sourceCode !== undefined
    ? normaliseText(remote.sourceCode) === wanted.source
    : dashboardFields({ ...remote }) === wanted.fields
}

function seconds(value: unknown): number | undefined {
  const match = typeof value === 'string' ? DURATION.exec(value) : null
  if (!match) return undefined
  const [, d, h, m, s] = match.map((part) => Number(part ?? 0))
  return d! * 86400 + h! * 3600 + m! * 60 + s!
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted)
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sorted(value[key])])
    )
  }
  return value
}
