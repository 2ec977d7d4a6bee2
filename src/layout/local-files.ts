import type { NamespaceFileEntry } from '../model/repository.js'
import type { LocalFiles } from '../model/sent-names.js'
import type { Placement } from './layout.js'

interface Pending {
  left: number
  files: NamespaceFileEntry[]
  settle(files: NamespaceFileEntry[]): void
  settled: Promise<NamespaceFileEntry[]>
}

/** Counts down the entries that place files in each namespace: the last one read settles it. */
export class LocalFilesTracker implements LocalFiles {
  private readonly namespaces = new Map<string, Pending>()

  constructor(placements: readonly Placement[]) {
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

  of(namespace: string): Promise<NamespaceFileEntry[]> {
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
