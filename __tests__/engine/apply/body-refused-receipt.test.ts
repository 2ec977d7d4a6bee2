/**
 * A deploy whose writes a proxy refused as too large (413) does not tell the user that a re-run finishes
 * the job: a re-run sends the same bodies and is refused again. The receipt names exactly the resources
 * refused and the limit to raise, first, whatever else failed beside them; a write that failed otherwise,
 * or a 413 to a request without a body (a delete), adds nothing of the kind. After a rollback, the receipt
 * does not claim that what was applied stays: the rollback may have put it back, and a re-run writes it again.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nodesOf, parseMarkdown, plainText } from '../../report/render/fixtures.js'
import { renderReceipt } from '../../../src/engine/apply/receipt.js'
import { BODY_LIMIT_REMEDY } from '../../../src/adapters/kestra/errors.js'
import { startKestra } from './emulated-kestra.js'
import { flowSource, planFor } from './plan-for.js'
import { COMMIT, runDeploy } from './run-deploy.js'
import { runs } from '../../../test-support/property-runs.js'

const SEED = 20261125
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const META = {
  commit: COMMIT,
  time: '2026-11-25T12:00:00.000Z',
  server: 'https://kestra.example.com',
  tenant: 'main'
}
const TOO_LARGE = {
  status: 413,
  body: '<html><head><title>413 Request Entity Too Large</title></head></html>'
}
/** Every other way a write can fail here, none of them about a body's size. */
const OTHER_FAILURES = [
  { status: 500, body: { message: 'boom' } },
  { status: 400, body: { message: 'bad flow' } },
  { status: 403, body: { message: 'forbidden' } }
]

type Fate = 'written' | 'too large' | 'other'
const FATES: Fate[] = ['written', 'too large', 'other']

/** One resource of the deploy, and the request that writes it. */
interface Resource {
  name: string
  request: string
  /** Whether the request carries a body (a delete does not). */
  body: boolean
}

describe('a deploy whose writes were refused as too large', () => {
  it('names exactly those, and the limit to raise before a re-run, whatever else failed, rolled back or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...FATES), { minLength: 4, maxLength: 4 }),
        fc.nat({ max: OTHER_FAILURES.length - 1 }),
        fc.boolean(),
        async (fates, other, rolledBack) => {
          const server = await startKestra()
          server.seedFlow(flowSource('team', 'changed'))
          server.seedFlow(flowSource('team', 'gone'))
          const resources: Resource[] = [
            {
              name: 'team:/data.csv',
              request: 'namespaces.files.upload team:/data.csv',
              body: true
            },
            { name: 'team.changed', request: 'flows.update team/changed', body: true },
            { name: 'team.gone', request: 'flows.delete team/gone', body: false },
            { name: 'team.new', request: 'flows.create team/new', body: true }
          ]
          resources.forEach(({ request }, i) => {
            if (fates[i] === 'too large') server.fail(request, TOO_LARGE)
            if (fates[i] === 'other') server.fail(request, OTHER_FAILURES[other]!)
          })
          const planned = planFor(
            server,
            {
              flows: [flowSource('team', 'changed', '!'), flowSource('team', 'new')],
              files: [{ namespace: 'team', path: '/data.csv', content: 'a,b\n1,2\n' }]
            },
            { delete: true }
          )
          const result = await runDeploy(server.client, planned)
          const md = renderReceipt(result, { ...META, rolledBack })

          const refused = resources
            .filter(({ body }, i) => body && fates[i] === 'too large')
            .map(({ name }) => name)
          const flagged = result.resources.filter((r) => r.bodyRefused)
          expect(flagged.every((r) => r.result === 'failed')).toBe(true)
          expect(flagged.length).toBe(refused.length)
          if (fates.every((fate) => fate === 'written')) {
            expect(result.status).toBe('applied')
            return
          }
          // What a reader of the rendered Markdown reads, paragraph by paragraph.
          const paragraphs = nodesOf(parseMarkdown(md), 'paragraph')
          const read = paragraphs.map(plainText)
          // After a rollback, what was applied may be back as it was: a re-run writes it again.
          const rerun = rolledBack
            ? 'the deploy plans again from the server as the rollback below left it, and writes whatever differs from this commit.'
            : 'the deploy finishes the job: what was applied is unchanged now and is not written again.'
          expect(read.at(-1)).toMatch(new RegExp(`^(Then r|R)e-running ${escapeRegExp(rerun)}$`))
          if (refused.length === 0) {
            expect(read.at(-1)).toMatch(/^Re-running/)
            expect(read.join('\n')).not.toMatch(/refused as too large|client_max_body_size/)
            return
          }
          const were = refused.length === 1 ? 'was' : 'were'
          const line = `${refused.join(', ')} ${were} refused as too large, and a re-run is refused again until the limit is raised: ${BODY_LIMIT_REMEDY}.`
          const at = read.findIndex((text) => text.includes('refused as too large'))
          expect(read[at]!.replace(/<\/?code>/g, '')).toBe(line.replaceAll('`', ''))
          // The settings to raise are shown as code, in the closing words and in each refused row's details.
          const codeIn = (text: string) =>
            [...text.matchAll(/<code>(.*?)<\/code>/g)].map(([, code]) => code)
          const settings = ['client_max_body_size', 'nginx.ingress.kubernetes.io/proxy-body-size']
          expect(codeIn(read[at]!)).toEqual(settings)
          const details = nodesOf(parseMarkdown(md), 'tableRow')
            .map((row) => (row.children ?? []).map(plainText))
            .filter(([name]) => refused.includes(name!))
            .map((cells) => cells.at(-1)!)
          expect(details).toHaveLength(refused.length)
          for (const cell of details) expect(codeIn(cell)).toEqual(settings)
          // First the limit, then the re-run.
          expect(read[at + 1]).toBe(`Then re-running ${rerun}`)
        }
      ),
      { seed: SEED, numRuns: runs(40, 4) }
    )
  }, 60_000)
})
