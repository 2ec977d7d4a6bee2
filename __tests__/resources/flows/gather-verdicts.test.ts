import { MAX_BATCH } from '../../../src/adapters/kestra/validate.js'
import { afterEach, describe, expect, it } from 'vitest'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import { FlowValidation } from '../../../src/resources/flows/gather-verdicts.js'
import { serverAnswerFindings } from '../../../src/resources/flows/decide-server-findings.js'
import { emulatedClient } from '../../adapters/kestra/test-server.js'

function flow(i: number, type = 'io.kestra.plugin.core.log.Log') {
  const raw = `id: f${i}\nnamespace: team\ntasks:\n  - id: t\n    type: ${type}\n    message: hi\n`
  return parseFlowFile({ file: `team/flows/f${i}.yml`, rel: `team/flows/f${i}.yml`, raw })
}

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

describe('server validation while the repository loads', () => {
  it('sends full batches as flows arrive, the rest when asked, and maps verdicts to lines', async () => {
    // 1.2.0: batches are YAML documents (multipart from 1.2.5), counted in the requests' text.
    const { emulator, client, ...opened } = await emulatedClient('1.2.0')
    close = opened.close
    const batches = () =>
      emulator.requests
        .filter((r) => r.route === 'flows.validate')
        .map((r) => (r.text ?? '').split('\n---\n').length)
    const validation = new FlowValidation(client, 8)
    const add = (flow: ReturnType<typeof parseFlowFile>) => validation.add(flow)
    const missing = MAX_BATCH + 20
    for (let i = 0; i < MAX_BATCH * 1.5; i++)
      add(flow(i, i === missing ? 'io.kestra.plugin.nowhere.Missing' : undefined))
    add(parseFlowFile({ file: 'broken.yml', rel: 'broken.yml', raw: 'id: [\n' }))
    await expect.poll(batches).toEqual([MAX_BATCH]) // the first batch left while flows were still coming

    const findings = serverAnswerFindings(await validation.answers(), new Set())
    expect(batches()).toEqual([MAX_BATCH, MAX_BATCH / 2]) // the malformed file was never sent
    expect(findings).toEqual([
      expect.objectContaining({
        file: `team/flows/f${missing}.yml`,
        line: 5,
        severity: 'error',
        message: expect.stringContaining('io.kestra.plugin.nowhere.Missing')
      })
    ])
  })
})
