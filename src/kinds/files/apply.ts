import { settled, type ApplyKind, type Verdict } from '../../apply/kind.js'
import type { KestraApi } from '../../kestra/api.js'
import { sha256Hex } from '../../model/content.js'
import { resourceName, type FileChange } from '../../model/plan.js'

/**
 * Uploads and deletes namespace files (docs/guarantees.md#compare-before-write): each compared with the
 * file on the server right before its write; the bytes uploaded are the repository's as planned.
 */
export const filesApply: ApplyKind<FileChange> = {
  name: 'file',
  async write(change, api, deploy) {
    if (change.desired === undefined) {
      return { change, result: 'failed', message: 'the plan holds no content for this file' }
    }
    const bytes = await deploy.readDesiredFile(change)
    if (sha256Hex(bytes) !== change.desired.sha256) {
      return {
        change,
        result: 'failed',
        message: `${change.file ?? resourceName(change)} changed on disk after the plan was made`
      }
    }
    const verdict = await freshFile(change, api)
    if (verdict.kind !== 'as-planned') return settled(change, verdict)
    await api.uploadFile(change.namespace, change.path, bytes)
    return { change, result: change.action === 'create' ? 'created' : 'updated' }
  },
  async remove(change, api) {
    const verdict = await freshFile(change, api)
    if (verdict.kind !== 'as-planned') return settled(change, verdict)
    await api.deleteFile(change.namespace, change.path)
    return { change, result: 'deleted' }
  }
}

/** The file itself, read right before its write (a listing would export every file). */
async function freshFile(change: FileChange, api: KestraApi): Promise<Verdict> {
  const bytes = await api.getFile(change.namespace, change.path)
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
