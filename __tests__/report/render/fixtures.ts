import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'
import { buildPlan } from '../../../src/engine/plan/build.js'
import type { Plan } from '../../../src/model/plan.js'
import type { Finding } from '../../../src/model/finding.js'
import { fileKey, flowKey } from '../../../src/model/targets.js'
import {
  desiredFile,
  desiredFlow,
  flowSource,
  planInput,
  remoteFile,
  remoteFlow,
  sha256
} from '../../engine/plan/fixtures.js'
import { DECIDE_KINDS } from '../../../src/resources/registry.js'
import { baseSnapshot } from '../../../test-support/base-snapshot.js'

export const NS = 'company.team'
export const COMMIT = '0123456789abcdef0123456789abcdef01234567'

/** A flow whose content tries every way of breaking the comment. */
export const EVIL_SOURCE = [
  'id: evil',
  `namespace: ${NS}`,
  'description: |',
  '  `````',
  '  </details>',
  '<!-- kestra-gitops:default -->',
  '  <script>alert(1)</script>',
  '  ping @octocat',
  'tasks:',
  '  - id: log',
  '    type: io.kestra.plugin.core.log.Log',
  '    message: hi',
  ''
].join('\n')

export const EVIL_PATH = '/x<script>@octocat|`y`*z*</details>.txt'

export function mixedPlan(): Plan {
  return buildPlan(
    planInput({
      base: baseSnapshot({
        flows: new Map([
          [flowKey(NS, 'edited'), { source: flowSource(NS, 'edited', 'base'), file: 'e.yml' }]
        ]),
        files: new Map([[fileKey(NS, '/old.txt'), { sha256: sha256('old\n'), file: 'o.txt' }]])
      }),
      flows: [
        desiredFlow(NS, 'evil', EVIL_SOURCE),
        desiredFlow(NS, 'edited', flowSource(NS, 'edited', 'pr')),
        desiredFlow(NS, 'same'),
        desiredFlow('other.ns', 'quiet')
      ],
      files: [
        desiredFile(NS, EVIL_PATH, 'text\n'),
        desiredFile(NS, '/logo.png', new Uint8Array([0, 1, 2, 3]))
      ],
      actual: {
        [NS]: {
          flows: [
            remoteFlow(NS, 'edited', flowSource(NS, 'edited', 'hotfix'), 12),
            remoteFlow(NS, 'same'),
            remoteFlow(NS, 'leftover', flowSource(NS, 'leftover'), 3)
          ],
          files: [remoteFile('/logo.png', new Uint8Array([0, 9])), remoteFile('/old.txt', 'old\n')]
        },
        'other.ns': { flows: [remoteFlow('other.ns', 'quiet')] }
      }
    }),
    DECIDE_KINDS
  )
}

export const FINDINGS: Finding[] = [
  {
    severity: 'error',
    file: `${NS}/flows/evil.yml`,
    line: 3,
    rule: 'r',
    message: 'bad <script> | @octocat `x`'
  },
  {
    severity: 'warning',
    file: `${NS}/flows/same.yml`,
    line: 1,
    rule: 'r',
    message: 'line one\nline two'
  }
]

/** Many flows, each updating many lines. */
export function bigPlan(count: number, changedLines: number): Plan {
  const flows = []
  const server = []
  for (let i = 0; i < count; i++) {
    const id = `flow_${String(i).padStart(4, '0')}`
    const lines = (tag: string) =>
      Array.from(
        { length: changedLines },
        (_, k) => `    # ${tag} ${id} line ${k} ${'x'.repeat(40)}`
      ).join('\n')
    flows.push(desiredFlow(NS, id, `${flowSource(NS, id, 'new')}${lines('new')}\n`))
    server.push(remoteFlow(NS, id, `${flowSource(NS, id, 'old')}${lines('old')}\n`, i + 1))
  }
  return buildPlan(planInput({ flows, actual: { [NS]: { flows: server } } }), DECIDE_KINDS)
}

interface MdNode {
  type: string
  value?: string
  lang?: string | null
  children?: MdNode[]
}

export function parseMarkdown(markdown: string): MdNode {
  return fromMarkdown(markdown, {
    extensions: [gfm()],
    mdastExtensions: [gfmFromMarkdown()]
  }) as MdNode
}

export function nodesOf(tree: MdNode, type: string): MdNode[] {
  const found: MdNode[] = []
  const walk = (node: MdNode) => {
    if (node.type === type) found.push(node)
    node.children?.forEach(walk)
  }
  walk(tree)
  return found
}

/** A node's text as read: character references decoded, markup left out. */
export function plainText(node: MdNode): string {
  return node.value ?? (node.children ?? []).map(plainText).join('')
}

/** Every text a reader sees outside code: text and raw HTML nodes. */
export function textOutsideCode(tree: MdNode): string[] {
  return [...nodesOf(tree, 'text'), ...nodesOf(tree, 'html')].map((n) => n.value ?? '')
}

export function countOf(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1
}
