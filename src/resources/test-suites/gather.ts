import { isEnterprise } from '../../model/kestra.js'
import { parse } from 'yaml'
import { z } from 'zod'
import type { GatherKind } from '../../engine/snapshot/kind.js'
import { readClosing, type TreeSource } from '../../adapters/git/tree-source.js'
import { textFilesUnder, type TextFile } from '../../adapters/git/walk.js'
import { isRecord, normaliseText } from '../../model/content.js'
import { heldNamespaceIsManaged, isKestraNamespace } from '../../model/namespaces.js'
import { mapLimit } from '../../model/concurrency.js'
import type { KestraApi } from '../../adapters/kestra/api.js'

const FOLDER = 'tests'
/** Kestra's route for test suites (EE OpenAPI 1.3.0 and 2.0.0, `TestSuites`: `P/tests`). */
const TESTS_ROUTE = 'tests'

/** Reads its decide part's `HeldTests`. */
export const testsGather = {
  name: 'test',
  async gather(input) {
    const [found, base] = await Promise.all([
      discover(input.workTree),
      readClosing(input.openBase?.(), async (tree) => {
        const { files } = await discover(tree)
        return { files: files.filter((file) => tree.holds(suiteOf(file.text)?.namespace ?? '')) }
      })
    ])
    const { files, skipped } = found
    const prefix = input.target.namespacePrefix || undefined
    const extraNamespaces = input.settings.extraNamespaces
    const held = {
      files,
      extraNamespaces,
      ...(skipped.length > 0 && { skipped }),
      ...(base && { base: base.files }),
      ...(prefix && { prefix })
    }
    const api = input.kestra
    if (!api || files.length + (base?.files.length ?? 0) === 0) return held
    // Test suites are Enterprise only (docs/tests.md#edition): an OSS server is never asked for them.
    const { edition } = await api.info()
    if (!isEnterprise(edition)) return { ...held, edition }
    const managed = (ns: string | undefined): ns is string =>
      ns !== undefined && isKestraNamespace(ns) && heldNamespaceIsManaged(ns, extraNamespaces)
    const sent = (ns: string) => (prefix ? `${prefix}.${ns}` : ns)
    const testedOnServer = flowsOnServer(
      api,
      files.map((f) => suiteOf(f.text)).filter(managedIn(managed)),
      sent
    )
    if (!input.work.plan) return { ...held, testedOnServer: await testedOnServer }
    const named = [...files, ...(base?.files ?? [])]
      .map((f) => suiteOf(f.text)?.namespace)
      .filter(managed)
    const namespaces = [...new Set(named)].map(sent).sort()
    const suites = api.yamlResources(TESTS_ROUTE)
    const server = new Map<string, Map<string, string>>()
    await Promise.all(
      namespaces.map(async (namespace) => {
        const listed = (await suites.list(namespace)) ?? []
        server.set(namespace, new Map(listed.map((s) => [s.id, normaliseText(s.source)])))
      })
    )
    return { ...held, server, testedOnServer: await testedOnServer }
  }
} satisfies GatherKind

type SuiteFields = z.infer<typeof suiteFields>

const suiteFields = z.looseObject({ namespace: z.string(), flowId: z.string().optional() })

function suiteOf(text: string): SuiteFields | undefined {
  try {
    return suiteFields.safeParse(parse(text)).data
  } catch {
    return undefined
  }
}

function managedIn(managed: (ns: string | undefined) => boolean) {
  return (suite: SuiteFields | undefined): suite is SuiteFields & { flowId: string } =>
    suite !== undefined && managed(suite.namespace) && typeof suite.flowId === 'string'
}

/**
 * The flows the suites test that the server holds in their namespaces, as sent (`namespace/flowId`): Kestra
 * refuses a suite whose flow is not there (`TestSuiteValidator`, docs/tests.md#checks). One read per flow named.
 */
async function flowsOnServer(
  api: Pick<KestraApi, 'getFlow'>,
  suites: readonly { namespace: string; flowId: string }[],
  sent: (namespace: string) => string
): Promise<Set<string>> {
  const named = [...new Set(suites.map((s) => `${sent(s.namespace)}/${s.flowId}`))]
  const found = await mapLimit(named, 8, async (key) => {
    const at = key.lastIndexOf('/')
    return (await api.getFlow(key.slice(0, at), key.slice(at + 1))) !== undefined
  })
  return new Set(named.filter((_, i) => found[i]))
}

/**
 * Every `.yml`/`.yaml` file under `tests/` that the ignore rules keep, sorted by path: the test suites, and the
 * files of other YAML skipped (docs/tests.md#the-files).
 */
async function discover(tree: TreeSource): Promise<{ files: TextFile[]; skipped: string[] }> {
  const found = await textFilesUnder(tree, FOLDER, (rel) => /\.ya?ml$/.test(rel), true)
  const files = found.filter((file) => shapedLikeSuite(file.text))
  return { files, skipped: found.filter((file) => !files.includes(file)).map((f) => f.file) }
}

/**
 * Kestra's `TestSuite` (core 1.3.31 and 2.0.0, `io.kestra.core.test.TestSuite`): `id`, `namespace`, `description`,
 * `flowId`, `testCases`, `disabled`, and no top-level `type`. `id` and `namespace` are every Kestra kind's; a suite
 * is a document whose own keys hold `testCases`, or `flowId` without a `type` (another kind's, e.g. a repository's
 * own `type: io.kestra.core.tests.Flow` descriptions). A broken suite still has them: its checks say what is wrong.
 */
function shapedLikeSuite(text: string): boolean {
  const keys = topLevelKeys(text)
  return keys.has('testCases') || (keys.has('flowId') && !keys.has('type'))
}

/** A document's own keys: parsed, or read from its lines when it does not parse (the checks then say why). */
function topLevelKeys(text: string): Set<string> {
  try {
    const value: unknown = parse(text)
    return new Set(isRecord(value) ? Object.keys(value) : [])
  } catch {
    return new Set(
      [...text.matchAll(/^["']?([A-Za-z]+)["']?[ \t]*:(?:[ \t]|$)/gm)].map((m) => m[1]!)
    )
  }
}
