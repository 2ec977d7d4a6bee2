import type { NamespaceFileEntry } from '../model/repository.js'
import type { Placed } from '../model/sent-names.js'
import type { Placement } from './layout.js'
import type { WalkKinds } from './walked.js'

interface Pending {
  left: number
  files: NamespaceFileEntry[]
  settle(files: NamespaceFileEntry[]): void
  settled: Promise<NamespaceFileEntry[]>
}

/**
 * What the walk places in the layout's namespace-file places, as it reads them: each namespace's entries settle
 * when the last entry that places files in it is read. The place says the namespace before a byte is read; a flow
 * says its own only once parsed, so the flows are placed once the model is whole (`placedOf`).
 */
export class PlacedTracker implements Placed {
  private readonly namespaces = new Map<string, Pending>()

  constructor(
    private readonly walk: WalkKinds,
    placements: readonly Placement[]
  ) {
    for (const placement of placements) {
      for (const namespace of namespacesOf(placement)) {
        let pending = this.namespaces.get(namespace)
        if (!pending) {
          let settle!: (files: NamespaceFileEntry[]) => void
          const settled = new Promise<NamespaceFileEntry[]>((resolve) => (settle = resolve))
          pending = { left: 0, files: [], settle, settled }
          this.namespaces.set(namespace, pending)
        }
        pending.left++
      }
    }
  }

  of(kind: string, namespace: string): Promise<readonly unknown[]> {
    if (kind === this.walk.flowKind) {
      return Promise.reject(new Error(`the walk places ${kind} once the repository is read`))
    }
    // A kind the walk does not place (its own gather reads it) has nothing here, as in a whole model.
    if (kind !== this.walk.fileKind) return Promise.resolve([])
    return this.namespaces.get(namespace)?.settled ?? Promise.resolve([])
  }

  read(placement: Placement, files: readonly NamespaceFileEntry[]): void {
    for (const namespace of namespacesOf(placement)) {
      const pending = this.namespaces.get(namespace)!
      pending.files.push(...files.filter((file) => file.namespace === namespace))
      if (--pending.left === 0) pending.settle(pending.files)
    }
  }
}

function namespacesOf(placement: Placement): Set<string> {
  return new Set(placement.files.map((file) => file.namespace))
}
