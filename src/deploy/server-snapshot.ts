import { sha256Hex } from '../plan/content.js'
import type { KestraApi } from '../kestra/api.js'
import { fileNaming, storedPath } from '../kestra/file-paths.js'
import { resourceName, type FileChange, type FlowChange } from '../plan/types.js'

/**
 * The server state of each namespace, read in bulk the first time a write in that namespace needs it
 * (flows and files separately, so a namespace without file changes never lists its files).
 */
export class ServerSnapshot {
  private readonly flows = new Map<string, Promise<Map<string, number>>>()
  private readonly files = new Map<string, Promise<Map<string, string>>>()

  constructor(private readonly api: KestraApi) {}

  /**
   * Starts the reads of these namespaces at once, so that a phase's writes do not wait for them one
   * namespace at a time (failures surface in flowMoved / fileMoved).
   */
  prefetch(kind: 'flow' | 'file', namespaces: Iterable<string>): void {
    for (const namespace of new Set(namespaces)) {
      const read = kind === 'flow' ? this.flowsOf(namespace) : this.filesOf(namespace)
      read.catch(() => undefined)
    }
  }

  /**
   * Why the flow is no longer what the plan saw, or undefined when it still is. The revision alone tells:
   * Kestra gives every change of source (edit, disable, delete and re-create) a new one (reference §2.4).
   */
  async flowMoved(change: FlowChange): Promise<string | undefined> {
    const revision = (await this.flowsOf(change.namespace)).get(change.id)
    const expected = change.action === 'create' ? undefined : change.current
    if (expected === undefined) {
      return revision === undefined
        ? undefined
        : `flow ${resourceName(change)} appeared on the server (revision ${revision}) after the plan`
    }
    if (revision === undefined) {
      return `flow ${resourceName(change)} was deleted on the server after the plan (it was at revision ${expected.revision})`
    }
    if (revision !== expected.revision) {
      return `flow ${resourceName(change)} changed on the server after the plan (revision ${expected.revision} → ${revision})`
    }
    return undefined
  }

  /** Why the file is no longer what the plan saw, or undefined when it still is. */
  async fileMoved(change: FileChange): Promise<string | undefined> {
    const naming = fileNaming(await this.api.info())
    const stored = storedPath(naming, change.path)
    const remote = (await this.filesOf(change.namespace)).get(
      'path' in stored ? stored.path : change.path
    )
    const expected = change.action === 'create' ? undefined : change.current
    if (expected === undefined) {
      return remote && `file ${resourceName(change)} appeared on the server after the plan`
    }
    if (remote === undefined)
      return `file ${resourceName(change)} was deleted on the server after the plan`
    if (remote !== expected.sha256)
      return `file ${resourceName(change)} changed on the server after the plan`
    return undefined
  }

  private flowsOf(namespace: string): Promise<Map<string, number>> {
    let flows = this.flows.get(namespace)
    if (!flows) {
      flows = this.api.flowRevisions(namespace)
      this.flows.set(namespace, flows)
    }
    return flows
  }

  private filesOf(namespace: string): Promise<Map<string, string>> {
    let files = this.files.get(namespace)
    if (!files) {
      files = this.api
        .listFiles(namespace)
        .then((list) => new Map(list.map((f) => [f.path, sha256Hex(f.bytes)])))
      this.files.set(namespace, files)
    }
    return files
  }
}
