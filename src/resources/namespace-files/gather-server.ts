import type { RemoteFile } from '../../model/kestra.js'
import { Semaphore } from '../../model/concurrency.js'
import { fileNaming, repositoryNames } from '../../adapters/kestra/file-paths.js'
import { serverFile, type ServerFile } from '../../model/plan-input.js'
import { sameSummary, summaryOf } from '../../model/content.js'
import type { NamespaceFileEntry } from '../../model/repository.js'
import type { ServerContext, ServerPart } from '../../engine/snapshot/kind.js'
import { CONTENT_FACTS_FIELD, contentFactsOf } from './decide-content-facts.js'

/** Exports in flight: each can weigh megabytes. More than 8 at once raised the peak memory, not the speed. */
const EXPORTS_AT_ONCE = 8
/** Bytes of exported files held at most (about) while they wait for their namespace's repository files. */
const EXPORTED_BYTES_HELD = 256 * 1024 * 1024
/**
 * Bytes of exports (as their files' sizes) a deploy keeps until its first write, to confirm the summaries content
 * facts gave: past it, a namespace's files are inflated and summarised at once.
 */
const CONFIRMED_BYTES_HELD = 128 * 1024 * 1024

/**
 * Each namespace's files exported, then summarised once the repository's own are read, keeping bytes only where
 * they differ, within EXPORTED_BYTES_HELD.
 */
export const filesServer: ServerPart = {
  reader(context) {
    const exporter = new Exporter(context)
    return (namespace) => exporter.read(namespace)
  }
}

class Exporter {
  private readonly exports = new Semaphore(EXPORTS_AT_ONCE)
  private heldBytes = 0
  private keptToConfirm = 0
  private readonly waitingForRoom: (() => void)[] = []

  constructor(private readonly context: ServerContext) {}

  read(namespace: string): Promise<ServerFile[]> {
    const { api, placed, work } = this.context
    const { facts } = work
    const exported = this.exported(namespace)
    // Settled at once: a failed export is this namespace's failure, met where its files are used.
    exported.catch(() => undefined)
    return (placed(namespace) as Promise<readonly NamespaceFileEntry[]>).then(async (entries) => {
      const local = hashesByPath(entries)
      const deployable = entries.filter((entry) => !entry.symlinkEscapes)
      const names = repositoryNames(fileNaming(await api.info()), namespace, deployable)
      const kept = facts && (await this.context.kept(namespace, CONTENT_FACTS_FIELD))
      const { files: held, bytes } = await exported
      // A deploy keeps what it took from facts until its first write, which confirms it: within a bound.
      const usable = kept !== undefined && (facts !== 'record' || this.keep(bytes))
      const known = facts && { known: usable ? contentFactsOf(kept).zipped : undefined }
      try {
        return held.map((file) => {
          const path = names.get(file.path) ?? file.path
          const same = local.get(path)
          const read = serverFile(
            path,
            file,
            ({ sha256 }) => !(same?.size === 1 && same.has(sha256)),
            known
          )
          // Known by its digest: the summary is the fact itself, confirmed before a deploy's first write.
          const fact = read.digest === undefined ? undefined : known?.known?.get(read.digest)
          if (fact !== undefined && fact === read.summary) {
            this.context.took(`${namespace}:${path}`, () =>
              sameSummary(summaryOf(file.bytes()), fact)
            )
          }
          return read
        })
      } finally {
        this.letGo(bytes)
      }
    })
  }

  private async exported(namespace: string): Promise<{ files: RemoteFile[]; bytes: number }> {
    while (this.heldBytes >= EXPORTED_BYTES_HELD) {
      await new Promise<void>((resume) => this.waitingForRoom.push(resume))
    }
    const files = await this.exports.run(() => this.context.api.listFiles(namespace))
    const bytes = files.reduce((sum, file) => sum + file.size, 0)
    this.heldBytes += bytes
    return { files, bytes }
  }

  /** Whether an export of `bytes` may be kept until the first write (`CONFIRMED_BYTES_HELD`). */
  private keep(bytes: number): boolean {
    if (this.keptToConfirm + bytes > CONFIRMED_BYTES_HELD) return false
    this.keptToConfirm += bytes
    return true
  }

  private letGo(bytes: number): void {
    this.heldBytes -= bytes
    for (const resume of this.waitingForRoom.splice(0)) resume()
  }
}

function hashesByPath(entries: readonly NamespaceFileEntry[]): Map<string, Set<string>> {
  const local = new Map<string, Set<string>>()
  for (const entry of entries) {
    if (entry.symlinkEscapes) continue // never deployed: the server copy is planned for deletion
    local.set(entry.path, (local.get(entry.path) ?? new Set()).add(entry.sha256))
  }
  return local
}
