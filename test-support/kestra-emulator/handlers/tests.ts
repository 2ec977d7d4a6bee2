/**
 * `P/tests` routes (Enterprise only): test suites kept as YAML by namespace and id. EE server code is not
 * public: these answer as the EE OpenAPI file documents `TestSuiteController` and `TestSuite`, identical at
 * 1.3.0 (kestra-io/client-sdk `kestra-ee.yml` @635944d4) and 2.0.0 (@50cb46f4): `POST P/tests` and
 * `PUT|GET|DELETE P/tests/{namespace}/{id}` with `application/x-yaml` bodies answering a `TestSuite`
 * (`id`, `namespace`, `flowId`, `source`, `testCases`…), `GET P/tests/search?namespace&includeChildNamespaces`
 * paged. The model class is OSS (`io.kestra.core.test.TestSuite`, in the core jars 1.3.31 and 2.0.0);
 * its constraints are the OpenAPI file's. Missing suites answer a 404, as Kestra's other controllers do.
 */
import {
  jsonReply,
  queryValue,
  type EmulatorCore,
  type Reply,
  type RequestContext
} from '../context.js'
import { illegalArgument, invalidEntity, notFound, unsupportedMediaType } from '../errors.js'
import { parseLenient } from '../flow-source.js'
import { pageParams, slice } from '../paged-search.js'

const YAML = 'application/x-yaml'
const ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
const NAMESPACE = /^[a-z0-9][a-z0-9._-]*$/
const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/

/** A stored suite: its source as sent and its fields. */
export interface StoredTestSuite {
  source: string
  fields: Record<string, unknown>
}

function suiteJson(suite: StoredTestSuite): Record<string, unknown> {
  return {
    ...suite.fields,
    source: suite.source,
    deleted: false,
    disabled: suite.fields.disabled ?? false
  }
}

/**
 * The YAML, bound and checked as `TestSuite`'s bean validation does: 422 `Invalid entity` when not. Its field
 * constraints first, then the class-level `@TestSuiteValidation` (`TestSuiteValidator`, in the core 1.3.31 and
 * 2.0.0 jars: `flowService.findById(tenant, namespace, flowId)` empty → "Invalid TestSuite: Flow with id: '%s'
 * does not exist on Namespace: '%s'."): the flow must be live in the suite's own namespace.
 */
function bound(ctx: RequestContext, core: EmulatorCore): StoredTestSuite {
  if (ctx.mediaType !== YAML) throw unsupportedMediaType(ctx.headers['content-type'])
  const source = ctx.body.toString('utf8')
  const fields = parseLenient(source)
  if (!fields) throw illegalArgument('Cannot parse the test suite: not a mapping')
  const violations: { message: string; path: string }[] = []
  const text = (key: string, pattern: RegExp, max: number) => {
    const value = fields[key]
    if (typeof value !== 'string' || value === '') {
      violations.push({ path: `testSuite.${key}`, message: 'must not be null' })
    } else if (!pattern.test(value) || value.length > max) {
      violations.push({ path: `testSuite.${key}`, message: `must match "${pattern.source}"` })
    }
  }
  text('id', ID, Infinity)
  text('namespace', NAMESPACE, 150)
  text('flowId', FLOW_ID, 100)
  const cases = fields.testCases
  if (!Array.isArray(cases) || cases.length === 0) {
    violations.push({
      path: 'testSuite.testCases',
      message: 'size must be between 1 and 2147483647'
    })
  }
  if (violations.length === 0) {
    const { namespace, flowId } = fields as { namespace: string; flowId: string }
    if (!core.state.live(ctx.tenant, namespace, flowId)) {
      violations.push({
        path: 'testSuite',
        message: `Invalid TestSuite: Flow with id: '${flowId}' does not exist on Namespace: '${namespace}'.`
      })
    }
  }
  if (violations.length > 0) {
    throw invalidEntity(violations.map((v) => `${v.path}: ${v.message}`).join('\n'), violations)
  }
  return { source, fields }
}

function suitesOf(core: EmulatorCore, ctx: RequestContext, namespace: string) {
  return core.state.testSuitesOf(ctx.tenant, namespace)
}

export function handleCreateTestSuite(ctx: RequestContext, core: EmulatorCore): Reply {
  const suite = bound(ctx, core)
  const { namespace, id } = suite.fields as { namespace: string; id: string }
  const suites = suitesOf(core, ctx, namespace)
  if (suites.has(id)) {
    throw invalidEntity('testSuite.id: Test suite id already exists', [
      { path: 'testSuite.id', message: 'Test suite id already exists' }
    ])
  }
  suites.set(id, suite)
  return jsonReply(suiteJson(suite))
}

export function handleGetTestSuite(ctx: RequestContext, core: EmulatorCore): Reply {
  const suite = suitesOf(core, ctx, ctx.params.namespace!).get(ctx.params.id!)
  if (!suite) throw notFound()
  return jsonReply(suiteJson(suite))
}

/** 404 when absent; the YAML's namespace and id must be the path's. */
export function handleUpdateTestSuite(ctx: RequestContext, core: EmulatorCore): Reply {
  const suites = suitesOf(core, ctx, ctx.params.namespace!)
  if (!suites.has(ctx.params.id!)) throw notFound()
  const suite = bound(ctx, core)
  if (suite.fields.namespace !== ctx.params.namespace || suite.fields.id !== ctx.params.id) {
    throw illegalArgument('Illegal test suite id or namespace update')
  }
  suites.set(ctx.params.id!, suite)
  return jsonReply(suiteJson(suite))
}

export function handleDeleteTestSuite(ctx: RequestContext, core: EmulatorCore): Reply {
  const suites = suitesOf(core, ctx, ctx.params.namespace!)
  if (!suites.delete(ctx.params.id!)) throw notFound()
  return jsonReply({})
}

/** `namespace` filter, child namespaces included unless `includeChildNamespaces=false`; sorted by id. */
export function handleSearchTestSuites(ctx: RequestContext, core: EmulatorCore): Reply {
  const page = pageParams(ctx.query, 'searchTestSuites', 10)
  const namespace = queryValue(ctx, 'namespace')
  const children = queryValue(ctx, 'includeChildNamespaces') !== 'false'
  const rows = core.state
    .allTestSuites(ctx.tenant)
    .filter(
      ([ns]) =>
        namespace === undefined || ns === namespace || (children && ns.startsWith(`${namespace}.`))
    )
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([, , suite]) => suiteJson(suite))
  return jsonReply({ results: slice(rows, page), total: rows.length })
}
