import { decodeText, normaliseText } from '../model/content.js'
import type { ReadBack } from '../model/drift.js'
import { kindOfText, parseFlowFile } from '../model/flow-file.js'
import type { FileFolder } from '../model/repository.js'
import type { Layout, Settings } from '../model/settings.js'
import { IGNORE_FILE } from '../adapters/git/ignore-rules.js'
import { layoutRules } from './layout.js'

/**
 * What the layout would read from a repository file (workspace-relative `path`) holding `content`, as the load
 * does (docs/drift.md#where-the-drift-pull-request-never-writes): a flow where it reads flows (anywhere: a flow
 * document only), else the namespace files its folder maps to; nothing outside `root` nor under a dot name.
 */
export function readBackOf(
  settings: Settings,
  layout: Layout,
  rootRel: string,
  fileFolders: readonly FileFolder[] = []
): (path: string, content: Uint8Array) => ReadBack {
  const rules = layoutRules(settings, layout, fileFolders)
  return (path, content) => {
    const under = rootRel === '' ? '' : `${rootRel}/`
    if (!path.startsWith(under)) return { reason: `it is outside root (${rootRel})` }
    const rel = path.slice(under.length)
    const segments = rel.split('/')
    if (segments.some((segment) => segment.startsWith('.') || segment === IGNORE_FILE)) {
      return { reason: "the layout skips names starting with '.'" }
    }
    const placement = rules.place(rel)
    const text = decodeText(content)
    const flowDocument = text !== undefined && kindOfText(normaliseText(text)) === 'flow'
    if (placement.flow && (flowDocument || !placement.flow.ifFlowDocument)) {
      const { expectedNamespace } = placement.flow
      const flow = flowDocument ? parseFlowFile({ file: path, rel, raw: text }) : undefined
      if (!flow?.id || !flow.namespace)
        return { reason: 'it would be read as a flow file that holds no flow' }
      const inside =
        expectedNamespace === undefined ||
        flow.namespace === expectedNamespace ||
        flow.namespace.startsWith(`${expectedNamespace}.`)
      if (!inside) return { reason: `its folder reads flows of ${expectedNamespace}` }
      const name = `${flow.namespace}.${flow.id}`
      return { resources: [{ kind: 'flow', name, said: `the flow ${name}` }] }
    }
    return {
      resources: placement.files.map(({ namespace, path: file }) => ({
        kind: 'file',
        name: `${namespace}:${file}`,
        said: `the namespace file ${namespace}:${file}`
      }))
    }
  }
}
