import { parse } from 'yaml'
import { z } from 'zod'
import { kindFiles, readClosing, type GatherKind, type KindFile } from '../../gather/kind.js'
import type { TreeSource } from '../../gather/repo/tree-source.js'
import { normaliseText } from '../../model/content.js'
import { heldNamespaceIsManaged, isKestraNamespace } from '../../model/namespaces.js'

const FOLDER = 'tests'
/** Kestra's route for test suites (EE OpenAPI 1.3.0 and 2.0.0, `TestSuites`: `P/tests`). */
const TESTS_ROUTE = 'tests'

/** Reads its decide part's `HeldTests`. */
export const testsGather = {
  name: 'test',
  async gather(input) {
    const [files, base] = await Promise.all([
      discover(input.workTree),
      readClosing(input.openBase?.(), discover)
    ])
    const prefix = input.target.namespacePrefix || undefined
    const extraNamespaces = input.settings.extraNamespaces
    const held = {
      files,
      extraNamespaces,
      ...(base && { base }),
      ...(prefix && { prefix })
    }
    const api = input.kestra
    if (!api || !input.work.plan || files.length + (base?.length ?? 0) === 0) return held
    // Test suites are Enterprise only (docs/tests.md#edition): an OSS server is never asked for them.
    const { edition } = await api.info()
    if (edition.toUpperCase() !== 'EE') return { ...held, edition }
    const managed = (ns: string | undefined): ns is string =>
      ns !== undefined && isKestraNamespace(ns) && heldNamespaceIsManaged(ns, extraNamespaces)
    const named = [...files, ...(base ?? [])].map((f) => namespaceOf(f.text)).filter(managed)
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

/** Every `.yml`/`.yaml` file under `tests/` that the ignore rules keep, sorted by path. */
function discover(tree: TreeSource): Promise<KindFile[]> {
  return kindFiles(tree, FOLDER, (rel) => /\.ya?ml$/.test(rel), true)
}
