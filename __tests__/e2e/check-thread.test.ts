import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FlowCheckThread } from '../../src/check-thread.js'
import { schemaTarget } from '../../src/kinds/index.js'
import { parseFlowFile } from '../../src/model/flow-file.js'
import type { FlowFile } from '../../src/model/repository.js'
import { flowCheck } from '../../src/run/check.js'
import type { ChecksAsked } from '../../src/run/ports.js'
import { CORPUS_DIR, CORPUS_PRESENT } from '../../test-support/corpus.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { runAction } from '../../test-support/runner.js'

// The bundle the end-to-end project built: its check-worker.js is what the action's and the CLI's runs start.
const DIST = process.env.KGA_DIST_DIR ?? 'dist'
const BUNDLED_WORKER = pathToFileURL(join(DIST, 'check-worker.js'))

/** What a run asks of each check: each release's schema alone and both, with and without the upgrade. */
const ASKED: ChecksAsked[] = [
  { layout: 'tenant', schema: schemaTarget([1, 3, 31]), upgrade: true },
  { layout: 'tenant', schema: schemaTarget([2, 0, 0]), upgrade: false },
  { layout: 'anywhere', schema: schemaTarget(undefined), upgrade: true },
  { layout: 'anywhere', schema: [], upgrade: false }
]

/** Offers `flow` until the thread takes it (none before it has loaded, nor more than it holds): its answer. */
async function taken(thread: FlowCheckThread, flow: FlowFile, asked: ChecksAsked) {
  for (;;) {
    const answer = thread.check(flow, asked)
    if (answer) return { answer }
    await sleep(5)
  }
}

async function onThread(thread: FlowCheckThread, flow: FlowFile, asked: ChecksAsked) {
  return (await taken(thread, flow, asked)).answer
}

function corpusFlows(): FlowFile[] {
  return readFileSync(join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((cols) => cols[4] === 'valid' || cols[4] === 'invalid')
    .map(([path]) =>
      parseFlowFile({ file: path!, rel: path!, raw: readFileSync(join(CORPUS_DIR, path!), 'utf8') })
    )
}

describe('flow files checked on the bundle’s second thread (docs/performance.md#a-second-thread)', () => {
  it.skipIf(!CORPUS_PRESENT)(
    'answers what the main thread’s check says for every corpus file and every question a run asks',
    async () => {
      const thread = new FlowCheckThread(BUNDLED_WORKER)
      try {
        for (const flow of corpusFlows()) {
          for (const asked of ASKED) {
            expect(await onThread(thread, flow, asked), flow.file).toEqual(
              flowCheck(flow, undefined, asked)
            )
          }
        }
      } finally {
        await thread.close()
      }
    },
    600_000
  )

  it.skipIf(!CORPUS_PRESENT)(
    'answers the same for a corpus file with any of its lines cut, doubled or its indentation shifted',
    async () => {
      const flows = corpusFlows()
      const thread = new FlowCheckThread(BUNDLED_WORKER)
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.nat(flows.length - 1),
            fc.nat(400),
            fc.constantFrom('cut', 'double', 'indent'),
            fc.nat(ASKED.length - 1),
            async (which, at, edit, question) => {
              const flow = flows[which]!
              const lines = flow.raw.split('\n')
              const line = at % lines.length
              if (edit === 'cut') lines.splice(line, 1)
              else if (edit === 'double') lines.splice(line, 0, lines[line]!)
              else lines[line] = `  ${lines[line]}`
              const edited = parseFlowFile({ ...flow, raw: lines.join('\n') })
              const asked = ASKED[question]!
              expect(await onThread(thread, edited, asked)).toEqual(
                flowCheck(edited, undefined, asked)
              )
            }
          ),
          { numRuns: 300 }
        )
      } finally {
        await thread.close()
      }
    },
    600_000
  )

  it('answers undefined for every file it held when its thread ends, whichever answer it ends before, and takes no more', async () => {
    const flow = parseFlowFile({
      file: 'f.yml',
      rel: 'f.yml',
      raw: 'id: f\nnamespace: n\ntasks: []\n'
    })
    const asked = ASKED[3]!
    const dir = mkdtempSync(join(tmpdir(), 'check-thread-'))
    for (let answered = 0; answered <= 8; answered++) {
      // A thread that answers `answered` files, then ends: its host must answer the rest itself.
      const script = join(dir, `ends-after-${answered}.mjs`)
      writeFileSync(
        script,
        `import { parentPort } from 'node:worker_threads'
let left = ${answered}
const held = []
parentPort.on('message', ({ id }) => {
  held.push(id)
  if (held.length < 8) return
  for (const id of held.slice(0, left)) parentPort.postMessage({ id, check: { answered: id } })
  process.exit(1)
})
parentPort.postMessage('ready')
`
      )
      const thread = new FlowCheckThread(pathToFileURL(script))
      const answers = [(await taken(thread, flow, asked)).answer]
      for (let i = 1; i < 8; i++) answers.push(thread.check(flow, asked)!)
      expect(thread.check(flow, asked), 'a ninth file waits on no full thread').toBeUndefined()
      const checks = await Promise.all(answers)
      expect(checks.filter((check) => check !== undefined)).toHaveLength(answered)
      expect(checks.slice(answered).every((check) => check === undefined)).toBe(true)
      expect(thread.check(flow, asked), 'an ended thread takes no more').toBeUndefined()
      await thread.close()
    }
  })
})

/** The bundle, its check thread ending after `answers` answers (each answer counted in `log`). */
function bundleWhoseThreadEnds(answers: number, log: string): string {
  const dist = mkdtempSync(join(tmpdir(), 'dist-'))
  cpSync(DIST, dist, { recursive: true })
  renameSync(join(dist, 'check-worker.js'), join(dist, 'check-worker-real.js'))
  writeFileSync(
    join(dist, 'check-worker.js'),
    `import { appendFileSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'
let left = ${answers}
const post = parentPort.postMessage.bind(parentPort)
parentPort.postMessage = (message) => {
  if (message !== 'ready' && left-- <= 0) process.exit(1)
  if (message !== 'ready') appendFileSync(${JSON.stringify(log)}, 'answered\\n')
  post(message)
}
await import('./check-worker-real.js')
`
  )
  return join(dist, 'index.js')
}

describe.skipIf(!CORPUS_PRESENT)(
  'a check thread that ends mid-run, through the bundled action',
  () => {
    it('changes nothing the run says: the main thread checks what the thread held, whichever answer it ends before', async () => {
      // 150 corpus files, valid and not, as one repository: the findings of each are compared run to run.
      const files = Object.fromEntries(
        corpusFlows()
          .filter((flow) => !flow.file.includes('multi'))
          .slice(0, 150)
          .map((flow, i) => [`flows/${i}-${flow.file.split('/').pop()}`, flow.raw])
      )
      const repo = createGitRepo(files)
      const validate = (script?: string) =>
        runAction({
          workspace: repo.dir,
          eventName: 'workflow_dispatch',
          sha: repo.head(),
          inputs: { mode: 'validate', layout: 'anywhere' },
          ...(script && { script })
        })
      const said = (result: Awaited<ReturnType<typeof validate>>) => ({
        exitCode: result.exitCode,
        annotations: result.annotations,
        outputs: result.outputs,
        summary: result.summary
      })
      const whole = said(await validate())
      expect(whole.annotations.length).toBeGreaterThan(20)
      let endedHolding = 0
      for (const answers of [0, 1, 7, 40]) {
        const log = join(mkdtempSync(join(tmpdir(), 'thread-log-')), 'answers')
        writeFileSync(log, '')
        expect(
          said(await validate(bundleWhoseThreadEnds(answers, log))),
          `after ${answers}`
        ).toEqual(whole)
        if (readFileSync(log, 'utf8').split('\n').length - 1 === answers) endedHolding++
      }
      // The thread took files and ended holding some in at least one run (it takes none before it has loaded).
      expect(endedHolding).toBeGreaterThan(0)
    }, 300_000)
  }
)
