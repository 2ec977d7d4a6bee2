import { kindFiles, readClosing, type GatherKind, type KindFile } from '../../gather/kind.js'
import type { TreeSource } from '../../gather/repo/tree-source.js'
import { liveKvKeys } from '../../kestra/listings.js'
import { heldNamespaceIsManaged, isKestraNamespace } from '../../model/namespaces.js'

/** A kv file as read: `kv/<namespace>.yml` under root (docs/kv.md#the-file). */
type GatheredKvFile = KindFile & { namespace: string }

const FOLDER = 'kv'
const KV_FILE = /^kv\/[^/]+\.ya?ml$/

/** Reads its decide part's `HeldKv`. */
export const kvGather = {
  name: 'kv',
  async gather(input) {
    const [files, base] = await Promise.all([
      discoverKvFiles(input.workTree),
      readClosing(input.openBase?.(), discoverKvFiles)
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
    const named = [...files, ...(base ?? [])].map((f) => f.namespace)
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

/** Every `kv/<namespace>.yml` (or `.yaml`) under root that the ignore rules keep, sorted by path. */
async function discoverKvFiles(tree: TreeSource): Promise<GatheredKvFile[]> {
  const files = await kindFiles(tree, FOLDER, (rel) => KV_FILE.test(rel))
  return files.map((f) => ({
    ...f,
    namespace: f.file.slice(f.file.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '')
  }))
}
