import type { KestraApi } from '../kestra/api.js'
import { sha256Hex } from '../model/content.js'
import { comparableFlowSource } from '../model/normalise.js'
import { resourceName, type FileChange, type FlowChange } from '../model/plan.js'

/** What the server holds of a resource right before its write, against the plan and the desired state. */
export type Verdict =
  /** Still what the plan saw: write it. */
  | { kind: 'as-planned' }
  /** Already what this deploy wants (another run of the same commit got there first): nothing to write. */
  | { kind: 'desired'; revision?: number }
  /** Moved to something else: a conflict, never overwritten. */
  | { kind: 'moved'; message: string }

/**
 * Reads each resource's server state right before its own write
 * (docs/guarantees.md#compare-before-write). Flows: one listing of the namespace's revisions, shared by
 * the writes that asked for it before it was sent (never by a write that asked later, so no write trusts
 * a read older than itself); a flow whose revision moved is read whole to tell "already desired" from a
 * conflict. Files: the file itself (a listing would export every file).
 */
export class FreshState {
  /** Per namespace, the listing that will be sent on the next turn of the event loop. */
  private readonly nextListing = new Map<string, Promise<Map<string, number>>>()

  constructor(private readonly api: KestraApi) {}

  async flow(change: FlowChange): Promise<Verdict> {
    const revision = (await this.revisionsOf(change.namespace)).get(change.id)
    const seen = change.action === 'create' ? undefined : change.current?.revision
    if (revision === seen) return { kind: 'as-planned' }
    const name = `flow ${resourceName(change)}`
    if (change.action === 'delete') {
      return revision === undefined
        ? { kind: 'desired' }
        : {
            kind: 'moved',
            message: `${name} changed on the server after the plan (revision ${seen} → ${revision})`
          }
    }
    const stored =
      revision === undefined ? undefined : await this.api.getFlow(change.namespace, change.id)
    if (stored && change.desired !== undefined && isSameFlow(stored.source, change.desired)) {
      return { kind: 'desired', revision: stored.revision }
    }
    if (seen === undefined) {
      return {
        kind: 'moved',
        message: `${name} appeared on the server (revision ${revision}) after the plan`
      }
    }
    if (revision === undefined) {
      return {
        kind: 'moved',
        message: `${name} was deleted on the server after the plan (it was at revision ${seen})`
      }
    }
    return {
      kind: 'moved',
      message: `${name} changed on the server after the plan (revision ${seen} → ${revision})`
    }
  }

  async file(change: FileChange): Promise<Verdict> {
    const bytes = await this.api.getFile(change.namespace, change.path)
    const remote = bytes && sha256Hex(bytes)
    const seen = change.action === 'create' ? undefined : change.current?.sha256
    if (remote === seen) return { kind: 'as-planned' }
    if (remote === (change.action === 'delete' ? undefined : change.desired?.sha256)) {
      return { kind: 'desired' }
    }
    const name = `file ${resourceName(change)}`
    if (seen === undefined)
      return { kind: 'moved', message: `${name} appeared on the server after the plan` }
    if (remote === undefined)
      return { kind: 'moved', message: `${name} was deleted on the server after the plan` }
    return { kind: 'moved', message: `${name} changed on the server after the plan` }
  }

  private revisionsOf(namespace: string): Promise<Map<string, number>> {
    let listing = this.nextListing.get(namespace)
    if (!listing) {
      listing = new Promise((sent) => setImmediate(sent)).then(() => {
        this.nextListing.delete(namespace)
        return this.api.flowRevisions(namespace)
      })
      this.nextListing.set(namespace, listing)
    }
    return listing
  }
}

/**
 * Kestra's own equality (docs/kestra.md#unchanged-source): a server copy equal to ours is what this
 * deploy wants.
 */
function isSameFlow(stored: string, desired: string): boolean {
  return comparableFlowSource(stored) === comparableFlowSource(desired)
}
