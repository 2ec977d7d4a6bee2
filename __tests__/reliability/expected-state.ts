/** What the server holds once a tenant-layout repository tree is deployed: for seeding and for checks. */
import type { FileSpec } from '../../test-support/git-repo.js'
import type { SeedState } from '../../test-support/kestra-emulator/index.js'

export type Tree = Record<string, FileSpec>

/** Flows and namespace files of a tenant-layout tree, as the server would hold them once deployed. */
export function seedOf(tree: Tree): SeedState {
  const expected = expectedState(tree)
  return {
    flows: expected.flows.map(({ namespace, id, source }) => ({ namespace, id, source })),
    files: expected.files.map(({ namespace, path, bytes }) => ({ namespace, path, content: bytes }))
  }
}

interface ExpectedState {
  flows: { namespace: string; id: string; source: string }[]
  files: { namespace: string; path: string; bytes: Uint8Array }[]
}

/** What the server must hold for a tenant-layout tree (flow text with BOM stripped and CRLF → LF). */
export function expectedState(tree: Tree): ExpectedState {
  const state: ExpectedState = { flows: [], files: [] }
  for (const [path, spec] of Object.entries(tree)) {
    if (spec === null || (typeof spec === 'object' && 'symlink' in spec)) continue
    const [namespace, folder, ...rest] = path.split('/')
    const bytes = typeof spec === 'string' ? new TextEncoder().encode(spec) : spec
    if (folder === 'flows' && /\.ya?ml$/.test(path)) {
      const source = new TextDecoder()
        .decode(bytes)
        .replace(/^\uFEFF/, '')
        .replace(/\r\n?/g, '\n')
      const id = /^id:\s*(\S+)/m.exec(source)?.[1]
      const ns = /^namespace:\s*(\S+)/m.exec(source)?.[1]
      if (id && ns) state.flows.push({ namespace: ns, id, source })
    } else if (folder === 'files') {
      state.files.push({ namespace: namespace!, path: `/${rest.join('/')}`, bytes })
    }
  }
  return state
}
