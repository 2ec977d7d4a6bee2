/** Kestra version arithmetic: which era and which features a configured version has. */

export type VersionTuple = readonly [number, number, number]

export function parseVersion(version: string): VersionTuple {
  const match = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.replace(/-SNAPSHOT$/i, ''))
  if (!match) throw new Error(`Unparseable Kestra version: ${version}`)
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)]
}

export function atLeast(version: VersionTuple, minimum: string): boolean {
  const min = parseVersion(minimum)
  for (let i = 0; i < 3; i++) {
    if (version[i] !== min[i]) return version[i] > min[i]
  }
  return true
}

/** What the configured version can do, decided once. */
export interface Features {
  /** Routes under /api/v1/{tenant}/… (0.23+). */
  tenantRoutes: boolean
  /** 1.0+: `listeners`/`taskDefaults` gone, `updated` on flows. */
  v1: boolean
  /** 0.18+: KV store. */
  kv: boolean
  /** 1.2+: namespace file revisions. */
  fileRevisions: boolean
  /** 1.2+: a KV PUT body that is not JSON is stored as a raw string instead of a 422. */
  kvRawStringFallback: boolean
  /** 1.2.5+: multipart validate, KV revision/updated. */
  multipartValidate: boolean
  /** 1.3+: KV list entries carry namespace, version, description. */
  kvEntryDetails: boolean
  /** 0.15+: `POST …/executions/{namespace}/{id}`, kill answering 202. */
  executions: boolean
}

export function featuresOf(version: string): Features {
  const v = parseVersion(version)
  return {
    tenantRoutes: atLeast(v, '0.23'),
    v1: atLeast(v, '1.0'),
    kv: atLeast(v, '0.18'),
    fileRevisions: atLeast(v, '1.2'),
    kvRawStringFallback: atLeast(v, '1.2'),
    multipartValidate: atLeast(v, '1.2.5'),
    kvEntryDetails: atLeast(v, '1.3'),
    executions: atLeast(v, '0.15')
  }
}
