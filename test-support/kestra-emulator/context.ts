/** What a route handler receives and returns. */
import type { IncomingHttpHeaders } from 'node:http'
import { zipSync } from 'fflate'
import type { Executions } from './executions.js'
import type { MatchedRoute } from './routes.js'
import type { FlowCheck } from './flow-validation.js'
import type { EmulatorState } from './store.js'
import type { Features } from './version.js'

/** `kestra.system-flows.namespace` at its default (docs/kestra.md#namespaces). */
export const SYSTEM_NAMESPACE = 'system'

export interface ResolvedOptions {
  version: string
  edition: 'OSS' | 'EE'
  tenant: string
  problemJson: boolean
  validateErrorsList: boolean
  knownTypes: (type: string) => boolean
  dropEmptyFileParts: boolean
  inheritedSecretsIncludeOwn: boolean
}

export interface EmulatorCore {
  state: EmulatorState
  executions: Executions
  features: Features
  options: ResolvedOptions
  /** Valid verdicts by source (see flow-ops `check`): the same flows are validated over and over. */
  checks: Map<string, FlowCheck>
}

export interface RequestContext {
  method: string
  /** Path and query, for `_links.self.href`. */
  href: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** Media type without parameters, lower-cased. */
  mediaType?: string
  body: Buffer
  params: MatchedRoute['params']
  tenant: string
}

export interface Reply {
  status: number
  /** Replaces the HTTP reason phrase, as Kestra's ErrorController does. */
  reason?: string
  headers?: Record<string, string>
  body?: Buffer | string
}

export function jsonReply(value: unknown, status = 200): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(value)
  }
}

export function emptyReply(status = 200): Reply {
  return { status }
}

/**
 * A zip of `entries` as Kestra builds its exports: `java.util.zip.ZipOutputStream` with its defaults, so every
 * entry deflated at the default level (`NamespaceFileController.exportNamespaceFiles`,
 * `HasSource.asZipFile` for the flow exports; docs/kestra.md#export-flows).
 */
export function kestraZip(entries: Record<string, Uint8Array>): Uint8Array {
  return zipSync(entries, { level: 6 })
}

export function zipReply(bytes: Uint8Array, filename: string): Reply {
  return {
    status: 200,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${filename}"`
    },
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
}

/** The one query value of a parameter, or undefined. */
export function queryValue(ctx: RequestContext, name: string): string | undefined {
  return ctx.query.get(name) ?? undefined
}
