import type { ActualNamespace, ServerFile } from '../../model/plan-input.js'
import type { FileChange } from '../../model/plan.js'

/** The kind's name, under which the state holds a namespace's files. */
export const FILE: FileChange['kind'] = 'file'

/** A namespace's files as the server holds them (`GatherKind.server`). */
export function serverFilesOf(held: ActualNamespace | undefined): readonly ServerFile[] {
  return (held?.get(FILE) as readonly ServerFile[] | undefined) ?? []
}

/** Each namespace's files as the server holds them, by namespace. */
export function serverFilesByNamespace(
  state: ReadonlyMap<string, ActualNamespace>
): Map<string, readonly ServerFile[]> {
  return new Map([...state].map(([namespace, held]) => [namespace, serverFilesOf(held)]))
}
