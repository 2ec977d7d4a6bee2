import { isAlias, isMap, isPair, isSeq, visit, type Alias, type Document, type Node } from 'yaml'
import type { FlowFile } from './repository.js'

/** Expanded size above which a document is treated as an alias bomb (Kestra's parser refuses these too). */
const MAX_EXPANDED_NODES = 100_000

interface AliasProblem {
  node: Node
  message: string
}

export interface AliasAnalysis {
  /** Each alias node and the anchored node it stands for (undefined when the anchor does not exist). */
  targets: Map<Alias, Node | undefined>
  problems: AliasProblem[]
  /** False when following aliases could loop or expand without bound: traverse nothing then. */
  safe: boolean
}

/**
 * Resolves every alias once and measures the expanded size without expanding (memoised per node), so a
 * billion-laughs document costs linear time; a `source` without '&' or '*' is not walked.
 */
export function analyseAliases(doc: Document.Parsed, source?: string): AliasAnalysis {
  const plain = source !== undefined && !source.includes('&') && !source.includes('*')
  if (plain) return { targets: new Map(), problems: [], safe: true }
  // A document is read by several rules and by each candidate rewrite's checks: its aliases are found once.
  let analysis = analysed.get(doc)
  if (!analysis) analysed.set(doc, (analysis = analyse(doc)))
  return analysis
}

const analysed = new WeakMap<Document.Parsed, AliasAnalysis>()

function analyse(doc: Document.Parsed): AliasAnalysis {
  const anchors = new Map<string, Node>()
  const targets = new Map<Alias, Node | undefined>()
  const problems: AliasProblem[] = []
  visit(doc, {
    Alias(_key, alias) {
      const target = anchors.get(alias.source)
      targets.set(alias, target)
      if (target === undefined) {
        problems.push({
          node: alias,
          message: `unknown anchor '*${alias.source}': no '&${alias.source}' is defined before it. Quote the value if '*' is meant literally (e.g. "${'*' + alias.source}")`
        })
      }
    },
    Node(_key, node) {
      if (node.anchor) anchors.set(node.anchor, node)
    }
  })
  if (targets.size === 0) return { targets, problems, safe: true }

  const sizes = new Map<Node, number>()
  const inProgress = new Set<Node>()
  let cycle: Alias | undefined
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = targets.get(node)
      if (target === undefined) return 1
      if (inProgress.has(target)) {
        cycle ??= node
        return MAX_EXPANDED_NODES + 1
      }
      return sizeOf(target)
    }
    if (!isMap(node) && !isSeq(node)) return 1
    const known = sizes.get(node)
    if (known !== undefined) return known
    inProgress.add(node)
    let total = 1
    for (const item of node.items) {
      total += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item)
      if (total > MAX_EXPANDED_NODES) break
    }
    inProgress.delete(node)
    sizes.set(node, total)
    return total
  }
  const total = sizeOf(doc.contents)
  const unsafe: AliasProblem | undefined =
    cycle !== undefined
      ? {
          node: cycle,
          message: `alias '*${cycle.source}' refers to a node that contains it: remove the recursive alias`
        }
      : total > MAX_EXPANDED_NODES
        ? {
            node: targets.keys().next().value as Alias,
            message: `aliases expand this document to more than ${MAX_EXPANDED_NODES} nodes (an alias bomb?): write the values out or reduce the aliases`
          }
        : undefined
  if (unsafe) problems.push(unsafe)
  return { targets, problems, safe: unsafe === undefined }
}

/** One YAML document that parses, its aliases expanding safely: fit to send (the server would expand a bomb). */
export function fitToSend(flow: FlowFile, aliases?: AliasAnalysis): boolean {
  if (flow.sendable !== undefined) return flow.sendable
  const [only, ...more] = flow.documents
  if (flow.notAFlow || !only || more.length > 0 || only.errors.length > 0) return false
  return (aliases ?? analyseAliases(only, flow.source)).safe
}
