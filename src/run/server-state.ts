import { readMarkers, type EarlyMarkers, type MarkerReading } from '../deploy/commit-marker.js'
import type { KestraApi, RemoteFlow } from '../kestra/api.js'
import { serverFile } from '../plan/content.js'
import type { ActualNamespace } from '../plan/input.js'
import type { RepoModel } from '../repo/model.js'
import { fileKey } from '../validate/finding.js'

/**
 * Reads the server state of the managed namespaces in bulk; the client bounds the concurrency. A
 * namespace's flows (and, for a deploy, its deployed-commit marker) are asked for as soon as the loading
 * repository reveals it, so the answers come while the repository is still being read and checked.
 */
export class ServerReads {
  private readonly flows = new Map<string, Promise<RemoteFlow[]>>()
  private readonly markers = new Map<string, Promise<MarkerReading>>()

  constructor(
    private readonly api: KestraApi,
    private readonly options: { markers: boolean }
  ) {}

  /** Starts the reads of a namespace; a failure surfaces when the namespace's answer is used. */
  start(namespace: string): void {
    if (this.flows.has(namespace)) return
    const flows = this.api.listFlows(namespace)
    flows.catch(() => undefined)
    this.flows.set(namespace, flows)
    if (this.options.markers) this.markers.set(namespace, readMarkers(this.api, [namespace]))
  }

  /**
   * Flows and files of every managed namespace. Files are read now that the repository is known: a
   * file's bytes are dropped as they arrive when the repository holds the same (only a diff needs them).
   */
  async state(
    model: Pick<RepoModel, 'managedNamespaces' | 'files'>
  ): Promise<Map<string, ActualNamespace>> {
    const local = new Map<string, Set<string>>()
    for (const entry of model.files) {
      if (entry.symlinkEscapes) continue // never deployed: the server copy is planned for deletion
      const key = fileKey(entry.namespace, entry.path)
      local.set(key, (local.get(key) ?? new Set()).add(entry.sha256))
    }
    const entries = await Promise.all(
      model.managedNamespaces.map(async (namespace) => {
        this.start(namespace)
        // Summarised the moment they arrive: an answer that dies young is freed by the next minor GC.
        const summarised = this.api.listFiles(namespace).then((remote) =>
          remote.map(({ path, bytes }) =>
            serverFile(path, bytes, ({ sha256 }) => {
              const shas = local.get(fileKey(namespace, path))
              return !(shas?.size === 1 && shas.has(sha256))
            })
          )
        )
        const [flows, files] = await Promise.all([this.flows.get(namespace)!, summarised])
        return [namespace, { flows, files }] as const
      })
    )
    return new Map(entries)
  }

  /** The deployed-commit markers of these namespaces (read early when started with `markers`). */
  markersOf(namespaces: readonly string[]): EarlyMarkers {
    const sorted = [...namespaces].sort()
    const readings = sorted.map(
      (namespace) => this.markers.get(namespace) ?? readMarkers(this.api, [namespace])
    )
    const reading = Promise.all(readings).then((parts) => ({
      markers: new Map(parts.flatMap((part) => [...part.markers])),
      warnings: parts.flatMap((part) => part.warnings).sort()
    }))
    return { namespaces: sorted, reading }
  }
}
