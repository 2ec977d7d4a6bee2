/**
 * The bundled CLI against Kestra's own engine of each released line (docs/kestra.md#kestras-engine), started
 * once for the run by the engine project's setup: what the action deploys is what Kestra's repositories,
 * storage and KV store hold, its revisions as Kestra numbers them, and a second deploy adds none; dashboards on
 * 1.3, and on open-source 2.0.0 (which keeps none) every other kind with one warning.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, inject, it } from 'vitest'
import { createGitRepo } from '../../../test-support/git-repo.js'
import {
  engineEnv,
  engineFetch,
  engineJson,
  type KestraEngine
} from '../../../test-support/kestra-engine.js'
import { flow } from '../../../test-support/scenario.js'
import { outputsOf, runCli } from '../cli/run-cli.js'

const engines = inject('kestraEngines')

/** A namespace no other test of this run writes to. */
function namespaceFor(engine: KestraEngine, name: string): string {
  return `engine.${engine.version.replace(/\./g, '')}.${name}.${randomBytes(3).toString('hex')}`
}

async function flowRevisions(engine: KestraEngine, namespace: string, id: string) {
  const revisions = await engineJson<{ revision: number }[]>(
    engine,
    `/flows/${namespace}/${id}/revisions`
  )
  return revisions.map(({ revision }) => revision)
}

async function fileBytes(engine: KestraEngine, namespace: string, path: string) {
  const response = await engineFetch(
    engine,
    `/namespaces/${namespace}/files?path=${encodeURIComponent(path)}`
  )
  expect(response.status, path).toBe(200)
  return new Uint8Array(await response.arrayBuffer())
}

async function fileRevisions(engine: KestraEngine, namespace: string, path: string) {
  return engineJson<{ revision: number }[]>(
    engine,
    `/namespaces/${namespace}/files/revisions?path=${encodeURIComponent(path)}`
  )
}

describe.skipIf(engines.length === 0).each(engines)('Kestra engine $version', (engine) => {
  it(`${engine.version}: plan → deploy → plan converges (flows, a binary file, a .zip-named file, KV), and a second deploy adds no revision`, async () => {
    const ns = namespaceFor(engine, 'accept')
    const binary = new Uint8Array([0, 255, 1, 254, ...randomBytes(200), 0, 0, 10, 13])
    const zipNamed = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...randomBytes(32)])
    const repo = createGitRepo({
      [`${ns}/flows/hello.yml`]: flow(ns, 'hello'),
      [`${ns}/flows/other.yml`]: flow(ns, 'other', ' # second'),
      [`${ns}/files/data/blob.bin`]: binary,
      [`${ns}/files/archive.zip`]: zipNamed,
      [`kv/${ns}.yml`]: 'region: eu-west-1\nretries: 3\nlimits:\n  cpu: 2\n  tags: [a, b]\n'
    })
    const env = engineEnv(engine)

    const plan = await runCli(repo.dir, ['plan', '--verbose'], env)
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(outputsOf(plan.stdout)).toMatchObject({ mode: 'plan', 'has-changes': 'true' })

    const deploy = await runCli(repo.dir, ['deploy', '--auto-approve', '--verbose'], env)
    expect(deploy.exitCode, `${deploy.stdout}\n${deploy.stderr}`).toBe(0)
    expect(outputsOf(deploy.stdout)).toMatchObject({ mode: 'deploy', deployed: 'true' })

    const hello = await engineJson<{ source: string; revision: number }>(
      engine,
      `/flows/${ns}/hello?source=true`
    )
    expect(hello.source).toBe(flow(ns, 'hello'))
    expect(hello.revision).toBe(1)
    expect(await fileBytes(engine, ns, '/data/blob.bin')).toEqual(binary)
    expect(await fileBytes(engine, ns, '/archive.zip')).toEqual(zipNamed)
    expect(await engineJson(engine, `/namespaces/${ns}/kv/limits`)).toEqual({
      type: 'JSON',
      value: { cpu: 2, tags: ['a', 'b'] }
    })
    expect(await engineJson(engine, `/namespaces/${ns}/kv/retries`)).toEqual({
      type: 'NUMBER',
      value: 3
    })
    const before = {
      hello: await flowRevisions(engine, ns, 'hello'),
      other: await flowRevisions(engine, ns, 'other'),
      blob: await fileRevisions(engine, ns, '/data/blob.bin'),
      zip: await fileRevisions(engine, ns, '/archive.zip')
    }
    expect(before).toEqual({
      hello: [1],
      other: [1],
      blob: [{ revision: 1 }],
      zip: [{ revision: 1 }]
    })

    const again = await runCli(repo.dir, ['plan', '--verbose'], env)
    expect(again.exitCode, again.stderr).toBe(0)
    expect(outputsOf(again.stdout)).toMatchObject({ 'has-changes': 'false' })

    const second = await runCli(repo.dir, ['deploy', '--auto-approve', '--verbose'], env)
    expect(second.exitCode, second.stderr).toBe(0)
    expect(outputsOf(second.stdout)).toMatchObject({ 'has-changes': 'false', deployed: 'false' })
    expect({
      hello: await flowRevisions(engine, ns, 'hello'),
      other: await flowRevisions(engine, ns, 'other'),
      blob: await fileRevisions(engine, ns, '/data/blob.bin'),
      zip: await fileRevisions(engine, ns, '/archive.zip')
    }).toEqual(before)
  })

  /** A dashboard 1.3.31 accepts: its TimeSeries has columns and its chartOptions a displayName. */
  const dashboard = (id: string, title: string) =>
    `id: ${id}\ntitle: ${title}\ncharts:\n  - id: logs\n    type: io.kestra.plugin.core.dashboard.chart.TimeSeries\n    chartOptions:\n      displayName: Logs\n      column: date\n    data:\n      type: io.kestra.plugin.core.dashboard.data.Logs\n      columns:\n        date:\n          field: DATE\n        total:\n          agg: COUNT\n`

  it.skipIf(!engine.version.startsWith('1.'))(
    `${engine.version}: dashboards are created, updated and re-deployed with no write, as the dashboard repository holds them`,
    async () => {
      const id = `journey_${randomBytes(3).toString('hex')}`
      const ns = namespaceFor(engine, 'dashboards')
      const repo = createGitRepo({
        [`${ns}/flows/hello.yml`]: flow(ns, 'hello'),
        [`dashboards/${id}.yml`]: dashboard(id, 'Journey')
      })
      const env = engineEnv(engine)
      const deploy = await runCli(repo.dir, ['deploy', '--auto-approve', '--verbose'], env)
      expect(deploy.exitCode, `${deploy.stdout}\n${deploy.stderr}`).toBe(0)
      expect(outputsOf(deploy.stdout)).toMatchObject({ created: '2', deployed: 'true' })
      const created = await engineJson<{ title: string; sourceCode: string; updated: string }>(
        engine,
        `/dashboards/${id}`
      )
      expect(created).toMatchObject({ title: 'Journey', sourceCode: dashboard(id, 'Journey') })

      repo.commit({ [`dashboards/${id}.yml`]: dashboard(id, 'Journey v2') })
      const update = await runCli(repo.dir, ['deploy', '--auto-approve', '--verbose'], env)
      expect(update.exitCode, update.stderr).toBe(0)
      expect(outputsOf(update.stdout)).toMatchObject({ updated: '1' })
      const updated = await engineJson<{ title: string; updated: string }>(
        engine,
        `/dashboards/${id}`
      )
      expect(updated.title).toBe('Journey v2')

      const again = await runCli(repo.dir, ['deploy', '--auto-approve', '--verbose'], env)
      expect(again.exitCode, again.stderr).toBe(0)
      expect(outputsOf(again.stdout)).toMatchObject({ 'has-changes': 'false', deployed: 'false' })
      expect((await engineJson<{ updated: string }>(engine, `/dashboards/${id}`)).updated).toBe(
        updated.updated
      )
    }
  )

  it.skipIf(engine.version.startsWith('1.'))(
    `${engine.version} open source, which keeps no dashboards: validate, plan and deploy every other kind, with one warning naming the dashboards and the edition`,
    async () => {
      const id = `journey_${randomBytes(3).toString('hex')}`
      const ns = namespaceFor(engine, 'nodash')
      const repo = createGitRepo({
        [`${ns}/flows/hello.yml`]: flow(ns, 'hello'),
        [`kv/${ns}.yml`]: 'region: eu-west-1\n',
        [`dashboards/${id}.yml`]: dashboard(id, 'Journey')
      })
      const env = engineEnv(engine)
      const warning = new RegExp(
        `Dashboards are not deployed: Kestra ${engine.version.replace(/\./g, '\\.')} OSS keeps no dashboards .*: ${id}\\.`
      )
      for (const command of [['validate'], ['plan'], ['deploy', '--auto-approve']]) {
        const run = await runCli(repo.dir, command, env)
        expect(run.exitCode, `${command[0]}: ${run.stdout}\n${run.stderr}`).toBe(0)
        const said = `${run.stdout}\n${run.stderr}`
          .split('\n')
          .filter((l) => /Dashboards are not/.test(l))
        expect(said, command[0]).toEqual([expect.stringMatching(warning)])
      }
      expect(
        (await engineJson<{ source: string }>(engine, `/flows/${ns}/hello?source=true`)).source
      ).toBe(flow(ns, 'hello'))
      expect(await engineJson(engine, `/namespaces/${ns}/kv/region`)).toMatchObject({
        value: 'eu-west-1'
      })
      const again = await runCli(repo.dir, ['plan', '--verbose'], env)
      expect(outputsOf(again.stdout)).toMatchObject({ 'has-changes': 'false' })
    }
  )
})
