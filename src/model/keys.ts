/** The key of a flow in plans, findings and deploy order: `flow:<namespace>/<id>`. */
export function flowKey(namespace: string, id: string): string {
  return `flow:${namespace}/${id}`
}

/** The key of a namespace file: `file:<namespace>:<path>`. */
export function fileKey(namespace: string, path: string): string {
  return `file:${namespace}:${path}`
}

/** The key of a flow's pinned revision: `<flowKey>@<revision>`. */
export function pinnedKey(targetKey: string, revision: number): string {
  return `${targetKey}@${revision}`
}
