/**
 * The upgrade's rewrites judged by the released cores (docs/upgrade.md): over every corpus flow that 2.0
 * refuses, each flow that the released 1.3 core loads and whose refusals are all mechanical is loaded by
 * the released 2.0.0 core once rewritten, with every task and trigger id kept; a flow with a refusal left
 * to a person is still refused. Needs Java 21+ and Maven, as `kestra-core.test.ts`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { upgradeFlow } from '../../src/resources/flows/decide-upgrade.js'
import { FlowDocument } from '../../src/resources/flows/decide-document.js'
import { taskTree } from '../../src/resources/flows/decide-task-tree.js'
import { parseFlowFile } from '../../src/model/flow-file.js'
import { CORPUS_DIR, CORPUS_PRESENT } from '../../test-support/corpus.js'
import {
  coreRequired,
  coreUnavailable,
  releasedCores,
  type KestraCore
} from '../../test-support/kestra-core.js'

const unavailable = coreUnavailable()

describe.skipIf((unavailable !== undefined && !coreRequired()) || !CORPUS_PRESENT)(
  'the upgrade rewrites, judged by the released cores',
  () => {
    let one: KestraCore
    let two: KestraCore

    beforeAll(async () => {
      if (unavailable)
        throw new Error(`KESTRA_CORE_REQUIRED=1, but the core cannot run: ${unavailable}`)
      const cores = releasedCores()
      one = cores.get('1.3')!
      two = cores.get('2.0')!
    })

    it('every corpus flow that needs a rewrite: the 2.0.0 core loads what is wholly mechanical, every id kept', async () => {
      const files = yamlFiles(CORPUS_DIR).filter(
        (file) => !/(^|\n)---/.test(readFileSync(file, 'utf8'))
      )
      const counts = {
        flows: files.length,
        refused: 0,
        rewritten: 0,
        whole: 0,
        loaded: 0,
        partial: 0
      }
      const notLoaded: string[] = []
      const idsLost: string[] = []
      const manualLoaded: string[] = []
      for (const file of files) {
        const raw = readFileSync(file, 'utf8')
        const rel = relative(CORPUS_DIR, file)
        const original = parseFlowFile({ file: rel, rel, raw })
        const upgrade = upgradeFlow(original)
        if (upgrade.items.length === 0) continue
        counts.refused++
        if (upgrade.rewritten === undefined) continue
        counts.rewritten++
        const after = parseFlowFile({ file: rel, rel, raw: upgrade.rewritten })
        if (ids(after) !== ids(original)) idsLost.push(rel)
        const [before] = await one.validate(raw)
        if (before!.constraints !== undefined) continue
        const [verdict] = await two.validate(upgrade.rewritten)
        if (upgrade.items.every((item) => item.mechanical)) {
          counts.whole++
          if (verdict!.constraints === undefined) counts.loaded++
          else notLoaded.push(`${rel}: ${verdict!.constraints}`)
        } else {
          counts.partial++
          if (verdict!.constraints === undefined) manualLoaded.push(rel)
        }
      }
      console.log(`upgrade rewrites on the corpus: ${JSON.stringify(counts)}`)
      expect(idsLost).toEqual([])
      expect(notLoaded).toEqual([])
      expect(manualLoaded).toEqual([])
      expect(counts.loaded).toBeGreaterThan(10)
    }, 600_000)
  }
)

function ids(flow: ReturnType<typeof parseFlowFile>): string {
  const tree = taskTree(new FlowDocument(flow, flow.documents[0]!))
  return [...tree.tasks, ...tree.triggers]
    .map((node) => `${node.path}=${node.id}`)
    .sort()
    .join('\n')
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return yamlFiles(path)
    return /\.ya?ml$/.test(name) ? [path] : []
  })
}
