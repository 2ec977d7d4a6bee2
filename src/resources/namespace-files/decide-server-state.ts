import type { ActualNamespace, ServerFile } from '../../model/plan-input.js'

/** The kind's name, under which the state holds a namespace's files. */
const FILE = 'file'

/** A namespace's files as the server holds them (`GatherKind.server`). */
export function serverFilesOf(held: ActualNamespace | undefined): readonly ServerFile[] {
  return (held?.get(FILE) as readonly ServerFile[] | undefined) ?? []
}
