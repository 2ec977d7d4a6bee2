import { parse } from 'yaml'
import { z } from 'zod'
import { kindFiles, readClosing, type GatherKind, type KindFile } from '../../gather/kind.js'
import type { TreeSource } from '../../gather/repo/tree-source.js'
import { isRecord, normaliseText } from '../../model/content.js'
import { heldNamespaceIsManaged, isKestraNamespace } from '../../model/namespaces.js'

const FOLDER = 'tests'
/** Kestra's route for test suites (EE OpenAPI 1.3.0 and 2.0.0, `TestSuites`: `P/tests`). */
const TESTS_ROUTE = 'tests'

/** Reads its decide part's `HeldTests`. */
export const testsGather = {
  name: 'test',
  async gather(input) {
    const [found, base] = await Promise.all([
      discover(input.workTree),
      readClosing(input.openBase?.(), discover)
    ])
    const { files, skipped } = found
    const prefix = input.settings.namespacePrefix || undefined
    const extraNamespaces = input.settings.extraNamespaces
    const held = {
      files,
      extraNamespaces,
      ...(skipped.length > 0 && { skipped }),
      ...(base && { base: base.files }),
      ...(prefix && { prefix })
    }
    const api = input.kestra
    if (!api || !input.work.plan || files.length + (base?.files.length ?? 0) === 0) return held
    // Test suites are Enterprise only (docs/tests.md#edition): an OSS server is never asked for them.
    const { edition } = await api.info()
    if (edition.toUpperCase() !== 'EE') return { ...held, edition }
    const managed = (ns: string | undefined): ns is string =>
      ns !== undefined && isKestraNamespace(ns) && heldNamespaceIsManaged(ns, extraNamespaces)
    const named = [...files, ...(base?.files ?? [])].map((f) => namespaceOf(f.text)).filter(managed)
    const namespaces = [...new Set(named)].map((ns) => (prefix ? `${prefix}.${ns}` : ns)).sort()
    const suites = api.yamlResources(TESTS_ROUTE)
    const server = new Map<string, Map<string, string>>()
    await Promise.all(
      namespaces.map(async (namespace) => {
        const listed = (await suites.list(namespace)) ?? []
        server.set(namespace, new Map(listed.map((s) => [s.id, normaliseText(s.source)])))
      })
    )
    return { ...held, server }
  }
} satisfies GatherKind

function namespaceOf(text: string): string | undefined {
  try {
    return suiteNamespace.safeParse(parse(text)).data?.namespace
  } catch {
    return undefined
  }
}

const suiteNamespace = z.looseObject({ namespace: z.string() })

/**
 * Every `.yml`/`.yaml` file under `tests/` that the ignore rules keep, sorted by path: the test suites, and the
 * files of other YAML skipped (docs/tests.md#the-files).
 */
async function discover(tree: TreeSource): Promise<{ files: KindFile[]; skipped: string[] }> {
  const found = await kindFiles(tree, FOLDER, (rel) => /\.ya?ml$/.test(rel), true)
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
