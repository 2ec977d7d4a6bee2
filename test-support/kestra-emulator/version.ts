/** Kestra version arithmetic: which era and which features a configured version has. */
import { STATES } from './execution-fields.js'
import type { LegacyPathParsing } from './legacy-file-path.js'

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
  /** 1.0+: `updated` on flows, multipart validate era, `_flows` path rule. */
  v1: boolean
  /** 2.0: `listeners`, `taskDefaults` and what else 2.0.0 removed are refused (flow-validation.ts); FORM inputs. */
  v2: boolean
  /**
   * A plugin's `pluginDefaultsRef` and a plugin default's `ref`: first in the 1.3.25 core jar (not in 1.3.22's);
   * 2.0.0 has neither (the released core, run: docs/kestra.md#the-released-core-run).
   */
  pluginDefaultsRefs: boolean
  /** FORM inputs and their rules: in the 1.3.25 core jar (`Type`, `InputValidator`, `FlowValidator`), not 1.3.22's. */
  forms: boolean
  /** 1.1+: an input with `defaults` must be required and has no `prefill` (InputValidator). */
  inputDefaultsRules: boolean
  /** 0.17+: `taskDefaults` is reported deprecated (its getter is `@Deprecated`). */
  taskDefaultsDeprecated: boolean
  /** 0.15+: FlowValidator's duplicate input ids; 0.19+: its `dependsOn` graph. */
  inputDuplicates: boolean
  inputGraph: boolean
  /**
   * 0.20+: FlowValidator refuses `system.` flow labels except `system.readOnly` (v0.19.0 has neither the
   * rule nor `Label.READ_ONLY`; v0.20.0 has both).
   */
  systemLabels: boolean
  /** 0.14+: `TimezoneIdValidator` on a Schedule's `timezone` (core 0.13.0's jar has no such class, 0.14.0's has). */
  timezoneIds: boolean
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
  /** Before 1.0: how a namespace file path is turned into the stored one (legacy-file-path.ts). */
  legacyFilePaths?: LegacyPathParsing
  /** 0.14 → 0.x: the namespace file export also holds the flows, as `_flows/<id>.yml`. */
  flowsInFileExport: boolean
  /** Which validate `warnings` FlowService emits (flow-warnings.ts). */
  warnings: WarningEra
  /** 0.15+: `POST …/executions/{namespace}/{id}`, kill answering 202. */
  executions: boolean
  /**
   * 1.1+: executions search takes `filters[…]` (first listed in the 1.1.4 API;
   * docs/kestra.md#search-executions), with the implicit 8-day window and NORMAL executions only by
   * default. When these arrived exactly is unknown.
   */
  executionFilters: boolean
  /**
   * The search's implicit start-date lower bound of now − 8 days when no `startDate`/`timeRange` is given
   * [W/utils/TimeLineSearch.java:44-47]: on `filters[…]` and on the flat parameters alike, which are mapped
   * onto filters from about 0.22 (PR #6910); 0.20.7 has no window (docs/kestra.md#search-executions).
   */
  executionWindow: boolean
  /** The `State.Type` names this version knows (execution-fields.ts `statesOf`). */
  executionStates: readonly string[]
  /** Which dashboards API answers (see `dashboardsEra`). */
  dashboards: DashboardsEra
  /** Dashboard answers are `DashboardResponse`, with `sourceCode`. */
  dashboardSourceCode: boolean
  /**
   * EE only: `P/tests` (test suites), first in the EE OpenAPI file of 2025-06 (kestra-io/client-sdk
   * @ab5662f2, 0.23) and the same at 1.3.0 and 2.0.0 (handlers/tests.ts).
   */
  testSuites: boolean
  /**
   * EE only: namespaces are entities, `POST P/namespaces`, `PUT|DELETE P/namespaces/{id}` (handlers/namespaces.ts).
   */
  namespaceEntities: boolean
  /** EE's `Namespace` holds `pluginDefaults` (OpenAPI 1.3.0); 2.0.0's has none. */
  namespacePluginDefaults: boolean
  /** `GET …/secrets` and `GET …/namespaces/{ns}/inherited-secrets`. */
  secrets: boolean
  /** The deprecated `GET …/namespaces/{ns}/secrets`, gone in 2.0. */
  namespaceSecretList: boolean
  /** `GET …/namespaces/{ns}/kv`: 0.18 up to 1.3, removed in 2.0. */
  kvNamespaceList: boolean
  /** `GET …/namespaces/{ns}/kv/inheritance`. */
  kvInheritance: boolean
  /** The paged `GET …/kv?filters…` across namespaces. */
  kvSearch: boolean
  /** 2.0 renames a KV entry's `version` to `revision`. */
  kvRevisionField: boolean
}

/**
 * `none`: no route (a 404 route miss); `server-ids`: the 0.20 → 1.2 API that assigns ids itself and
 * refuses one in the YAML; `yaml-ids`: 1.3+, the YAML carries the id; `enterprise-only`: open-source 2.0,
 * which keeps no dashboards (handlers/dashboards.ts `enterpriseOnly`).
 */
export type DashboardsEra = 'none' | 'server-ids' | 'yaml-ids' | 'enterprise-only'

/**
 * First versions that Kestra's source and published API specs leave open. Each default is the version
 * they document; a test moves one to check a client on both sides of it.
 */
export interface VersionBoundaries {
  /**
   * First OSS version whose JDBC backend serves `…/dashboards`: unknown (after 0.21-dev, by 1.3.25);
   * 0.20's controller only loads on Elasticsearch (EE). Default 1.3.0.
   */
  ossDashboards: string
  /** `DashboardResponse` with `sourceCode`: a 1.3.x patch (in 1.3.25, not in the 1.3.0 spec). Default 1.3.25. */
  dashboardSourceCode: string
  /** First version with the secrets listing routes: unknown, documented from 1.1.4. Default 1.1.4. */
  secrets: string
  /** `…/kv/inheritance`: unknown, documented from 1.1.4. Default 1.1.4. */
  kvInheritance: string
  /** The paged `…/kv` listing: unknown, documented from 1.1.4. Default 1.1.4. */
  kvSearch: string
  /**
   * `SUBMITTED`, `BREAKPOINT` and `RESUBMITTED` execution states: absent from 0.21-dev's `State.Type`,
   * listed by the 1.1.4 API; the release between is unknown. Default 1.1.4.
   */
  newerExecutionStates: string
  /** The executions search's 8-day default window: about 0.22 (PR #6910), absent from 0.20.7. Default 0.22. */
  executionWindow: string
}

export const DEFAULT_BOUNDARIES: VersionBoundaries = {
  ossDashboards: '1.3.0',
  dashboardSourceCode: '1.3.25',
  secrets: '1.1.4',
  kvInheritance: '1.1.4',
  kvSearch: '1.1.4',
  newerExecutionStates: '1.1.4',
  executionWindow: '0.22'
}

/** `0.17`: system namespace + Flow trigger without conditions; `0.19`: that trigger alone; `0.20`: its
 * preconditions wording; `1.0`: plus subflow and runnable-property warnings; `none` before 0.17. */
export type WarningEra = 'none' | '0.17' | '0.19' | '0.20' | '1.0'

export function featuresOf(
  version: string,
  edition: 'OSS' | 'EE' = 'OSS',
  boundaries: VersionBoundaries = DEFAULT_BOUNDARIES
): Features {
  const v = parseVersion(version)
  const v2 = atLeast(v, '2.0')
  return {
    // EE 0.22 turned multi-tenancy on with no default tenant (docs/kestra.md#tenant-prefix).
    tenantRoutes: atLeast(v, '0.23') || (edition === 'EE' && atLeast(v, '0.22')),
    v1: atLeast(v, '1.0'),
    v2: atLeast(v, '2.0'),
    inputDefaultsRules: atLeast(v, '1.1'),
    taskDefaultsDeprecated: atLeast(v, '0.17'),
    inputDuplicates: atLeast(v, '0.15'),
    inputGraph: atLeast(v, '0.19'),
    systemLabels: atLeast(v, '0.20'),
    timezoneIds: atLeast(v, '0.14'),
    pluginDefaultsRefs: atLeast(v, '1.3.25') && !v2,
    forms: atLeast(v, '1.3.25'),
    kv: atLeast(v, '0.18'),
    fileRevisions: atLeast(v, '1.2'),
    kvRawStringFallback: atLeast(v, '1.2'),
    multipartValidate: atLeast(v, '1.2.5'),
    kvEntryDetails: atLeast(v, '1.3'),
    legacyFilePaths: atLeast(v, '1.0') ? undefined : atLeast(v, '0.19') ? 'url-encoder' : 'uri',
    flowsInFileExport: atLeast(v, '0.14') && !atLeast(v, '1.0'),
    warnings: warningEra(v),
    executions: atLeast(v, '0.15'),
    executionFilters: atLeast(v, '1.1'),
    executionWindow: atLeast(v, '1.1') || atLeast(v, boundaries.executionWindow),
    executionStates: statesOf(v, boundaries.newerExecutionStates),
    dashboards: dashboardsEra(v, edition, boundaries),
    testSuites: edition === 'EE' && atLeast(v, '0.23'),
    namespaceEntities: edition === 'EE',
    namespacePluginDefaults: !v2,
    dashboardSourceCode: atLeast(v, boundaries.dashboardSourceCode),
    secrets: atLeast(v, boundaries.secrets),
    namespaceSecretList: atLeast(v, boundaries.secrets) && !v2,
    kvNamespaceList: atLeast(v, '0.18') && !v2,
    kvInheritance: atLeast(v, boundaries.kvInheritance),
    kvSearch: atLeast(v, boundaries.kvSearch),
    kvRevisionField: v2
  }
}

/**
 * Dashboards arrived in 0.20 (`4943f9ab6`, #6144) as an Elasticsearch-only controller that assigns ids
 * (EE). YAML-supplied ids are mandatory from 1.0 (kestra-ee#4484, terraform-provider-kestra#185, the
 * blueprints' "[1.0] add ids"; the 1.2.5 OpenAPI file still omits `id`, the 1.3.0 one requires it). On
 * OSS/JDBC the first version is `boundaries.ossDashboards`; before 1.0 the API is the id-assigning one. Kestra
 * 2.0 moved dashboards to the Enterprise Edition (its migration guide): OSS 2.0 stores none.
 */
function dashboardsEra(
  v: VersionTuple,
  edition: 'OSS' | 'EE',
  b: VersionBoundaries
): DashboardsEra {
  if (!atLeast(v, edition === 'EE' ? '0.20' : b.ossDashboards)) return 'none'
  if (edition === 'OSS' && atLeast(v, '2.0')) return 'enterprise-only'
  return atLeast(v, '1.0') ? 'yaml-ids' : 'server-ids'
}

/**
 * [S21 core/.../services/FlowService.java `warnings`]: absent at v0.16, system namespace and trigger at
 * v0.17–v0.18, the trigger alone at v0.19, reworded at v0.20 and still so on develop 0.21-SNAPSHOT; the
 * subflow and runnable-property warnings are in 1.x [DEV FlowService `warnings`, `checkValidSubflows`]
 * (their first release between 0.21 and 1.0 is unknown: taken as 1.0).
 */
function warningEra(v: VersionTuple): WarningEra {
  if (atLeast(v, '1.0')) return '1.0'
  if (atLeast(v, '0.20')) return '0.20'
  if (atLeast(v, '0.19')) return '0.19'
  return atLeast(v, '0.17') ? '0.17' : 'none'
}

/**
 * The `State.Type` names a version knows: 0.13's eleven, `RETRYING` and `RETRIED` from 0.17, `SKIPPED`
 * from 0.20 [S21 core/.../models/flows/State.java at v0.13.0, v0.17.0, v0.20.0], and `SUBMITTED`,
 * `BREAKPOINT`, `RESUBMITTED` from `newer` (absent from 0.21-dev, listed by the 1.1.4 API).
 */
export function statesOf(version: VersionTuple, newer: string): string[] {
  const since: Record<string, string> = {
    RETRYING: '0.17',
    RETRIED: '0.17',
    SKIPPED: '0.20',
    SUBMITTED: newer,
    BREAKPOINT: newer,
    RESUBMITTED: newer
  }
  return STATES.filter((state) => since[state] === undefined || atLeast(version, since[state]))
}
