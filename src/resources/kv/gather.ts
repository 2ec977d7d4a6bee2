import type { GatherKind } from '../../engine/snapshot/kind.js'
import { findKindFolders } from '../../layout/choose-layout.js'
import { childOf, readClosing, type TreeSource } from '../../adapters/git/tree-source.js'
import type { TextFile } from '../../adapters/git/walk.js'
import { liveKvKeys } from '../../adapters/kestra/listings.js'
import { compareCodeUnits, normaliseText } from '../../model/content.js'
import { heldNamespaceIsManaged, isKestraNamespace } from '../../model/namespaces.js'
import type { KindFolder } from '../../model/repository.js'

/** Why a kv file found is not read (docs/kv.md#where-kv-files-are-found), with the flows beside its folder. */
interface Unread {
  why: 'nested' | 'not-beside' | 'unmatched'
  /** Root-relative. */
  folder: string
  /** The namespaces the flows beside the folder declare (`not-beside`: those of every flow). */
  declared: readonly string[]
}

/** A kv file as found: `<namespace>.yml` in a `kv/` folder (docs/kv.md#the-file). */
type GatheredKvFile = TextFile & { namespace: string; unread?: Unread }

const FOLDER = 'kv'

/** Reads its decide part's `HeldKv`. */
export const kvGather = {
  name: 'kv',
  folder: { name: FOLDER, label: 'KV pairs' },
  async gather(input) {
    const [files, base] = await Promise.all([
      discoverKvFiles(input.workTree, input.layout.kindFolders ?? []),
      // The base commit's own kv folders: a file the change removed (its folder with it) still has its keys.
      readClosing(input.openBase?.(), async (tree) =>
        (
          await discoverKvFiles(
            tree,
            await findKindFolders(input.settings, input.layout, tree, [FOLDER])
          )
        ).filter((file) => tree.holds(file.namespace))
      )
    ])
    const prefix = input.target.namespacePrefix || undefined
    const { extraNamespaces } = input.settings
    const held = {
      files,
      extraNamespaces,
      ...(base && { base }),
      ...(prefix && { prefix })
    }
    const api = input.kestra
    if (!api || !input.work.plan) return held
    const named = [...files, ...(base ?? [])].filter((f) => !f.unread).map((f) => f.namespace)
    const managed = (ns: string) =>
      isKestraNamespace(ns) && heldNamespaceIsManaged(ns, extraNamespaces)
    const namespaces = [...new Set(named.filter(managed))]
      .map((ns) => (prefix ? `${prefix}.${ns}` : ns))
      .sort()
    if (namespaces.length === 0) return held
    // Names first, never a value (docs/kestra.md#kv-listings); then each value the plan compares.
    const keys = await liveKvKeys(api, namespaces)
    const server = new Map<string, Map<string, string>>()
    await Promise.all(
      namespaces.map(async (namespace) => {
        const values = new Map<string, string>()
        const own = [...(keys[namespace] ?? [])].sort()
        const read = await Promise.all(own.map((key) => api.getKv(namespace, key)))
        own.forEach((key, i) => {
          // A key that expired between the listing and its read is gone.
          if (read[i] !== undefined) values.set(key, JSON.stringify(read[i]))
        })
        server.set(namespace, values)
      })
    )
    return { ...held, server }
  }
} satisfies GatherKind

/**
 * The YAML files of the `kv/` folders found with the layout (docs/kv.md#where-kv-files-are-found), sorted by
 * path: `kv/<namespace>.yml` at root for any namespace; in a `kv/` folder beside the flows (`kestra/kv/`,
 * `<namespace>/kv/`) for a namespace those flows declare or a parent of one. Each other one says why it is
 * not read: in a subfolder, in a folder beside no flow, or named after no namespace it can place.
 */
async function discoverKvFiles(
  tree: TreeSource,
  folders: readonly KindFolder[]
): Promise<GatheredKvFile[]> {
  const found: GatheredKvFile[] = []
  for (const { dir, files, declared, elsewhere } of folders.filter((f) => f.name === FOLDER)) {
    for (const rel of files) {
      const name = rel.slice(rel.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '')
      const text = normaliseText((await tree.read(rel)).toString('utf8'))
      const unread = (why: Unread['why'], namespaces: readonly string[] = declared ?? []) => ({
        unread: { why, folder: dir, declared: namespaces }
      })
      const placed =
        declared === undefined || declared.some((ns) => ns === name || ns.startsWith(`${name}.`))
      found.push({
        file: childOf(tree.rootRel, rel),
        text,
        namespace: name,
        ...(rel.slice(dir.length + 1).includes('/')
          ? unread('nested')
          : declared?.length === 0
            ? unread('not-beside', elsewhere)
            : !placed && unread('unmatched'))
      })
    }
  }
  return found.sort((a, b) => compareCodeUnits(a.file, b.file))
}
