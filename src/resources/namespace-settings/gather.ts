import { isEnterprise } from '../../model/kestra.js'
import type { GatherKind } from '../../engine/snapshot/kind.js'
import { findKindFolders } from '../../layout/choose-layout.js'
import { childOf, readClosing, type TreeSource } from '../../adapters/git/tree-source.js'
import type { TextFile } from '../../adapters/git/walk.js'
import { compareCodeUnits, normaliseText } from '../../model/content.js'
import { mapLimit } from '../../model/concurrency.js'
import { heldNamespaceIsManaged, isKestraNamespace } from '../../model/namespaces.js'
import type { KindFolder } from '../../model/repository.js'
import { NAMESPACES_ROUTE } from './decide-file.js'

const FOLDER = 'namespaces'

type GatheredFile = TextFile & {
  namespace: string
  unread?: { folder: string; declared: string[] }
}

/** Reads its decide part's `HeldNamespaceSettings`. */
export const namespaceSettingsGather = {
  name: 'namespace',
  folder: { name: FOLDER, label: 'Namespace settings' },
  async gather(input) {
    const [files, base] = await Promise.all([
      discover(input.workTree, input.layout.kindFolders ?? []),
      readClosing(input.openBase?.(), async (tree) =>
        (
          await discover(tree, await findKindFolders(input.settings, input.layout, tree, [FOLDER]))
        ).filter((file) => tree.holds(file.namespace))
      )
    ])
    const prefix = input.target.namespacePrefix || undefined
    const { extraNamespaces } = input.settings
    const held = { files, extraNamespaces, ...(base && { base }), ...(prefix && { prefix }) }
    const api = input.kestra
    if (!api || files.length + (base?.length ?? 0) === 0) return held
    // Enterprise only (docs/namespace-settings.md#open-source-kestra): another edition is never asked.
    const { edition, version } = await api.info()
    if (!isEnterprise(edition)) return { ...held, edition }
    if (!input.work.plan) return { ...held, release: version }
    const managed = (ns: string) =>
      isKestraNamespace(ns) && heldNamespaceIsManaged(ns, extraNamespaces)
    const named = [...files, ...(base ?? [])].filter((f) => !f.unread).map((f) => f.namespace)
    const namespaces = [...new Set(named.filter(managed))]
      .map((ns) => (prefix ? `${prefix}.${ns}` : ns))
      .sort()
    const entities = api.jsonEntities(NAMESPACES_ROUTE)
    const read = await mapLimit(namespaces, 8, (ns) => entities.get(ns))
    const server = new Map(namespaces.map((ns, i) => [ns, read[i] ?? null]))
    return { ...held, release: version, server }
  }
} satisfies GatherKind

/**
 * The YAML files directly in the `namespaces/` folders found with the layout
 * (docs/namespace-settings.md#the-file), sorted by path: at root for any namespace; beside the flows for a
 * namespace those flows declare or a parent of one. A subfolder's files, and a folder beside no flow, are not
 * read: such a folder is something else (flows kept by namespace, say).
 */
async function discover(tree: TreeSource, folders: readonly KindFolder[]): Promise<GatheredFile[]> {
  const found: GatheredFile[] = []
  for (const { dir, files, declared } of folders.filter((f) => f.name === FOLDER)) {
    if (declared?.length === 0) continue
    for (const rel of files.filter((rel) => !rel.slice(dir.length + 1).includes('/'))) {
      const namespace = rel.slice(rel.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '')
      const placed =
        declared === undefined ||
        declared.some((ns) => ns === namespace || ns.startsWith(`${namespace}.`))
      found.push({
        file: childOf(tree.rootRel, rel),
        text: normaliseText((await tree.read(rel)).toString('utf8')),
        namespace,
        ...(!placed && { unread: { folder: dir, declared } })
      })
    }
  }
  return found.sort((a, b) => compareCodeUnits(a.file, b.file))
}
