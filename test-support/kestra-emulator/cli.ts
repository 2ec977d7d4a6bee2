/**
 * Runs the emulator standalone:
 *   npx tsx test-support/kestra-emulator/cli.ts --port 8080 --version 1.3.2 --seed seed.json
 * Options: --edition OSS|EE, --tenant main, --basic-auth user:password, --token T (repeatable),
 * --latency MS, --problem-json. The seed file is a JSON SeedState. Prints the URL; Ctrl-C stops.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startEmulator } from './index.js'
import type { SeedState } from './types.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    version: { type: 'string' },
    edition: { type: 'string' },
    tenant: { type: 'string' },
    seed: { type: 'string' },
    'basic-auth': { type: 'string' },
    token: { type: 'string', multiple: true },
    latency: { type: 'string' },
    'problem-json': { type: 'boolean' }
  }
})

const basicAuth = values['basic-auth']
const separator = basicAuth?.indexOf(':') ?? -1
const emulator = await startEmulator({
  port: Number(values.port),
  version: values.version,
  edition: values.edition === 'EE' ? 'EE' : values.edition === undefined ? undefined : 'OSS',
  tenant: values.tenant,
  basicAuth:
    basicAuth && separator > 0
      ? { username: basicAuth.slice(0, separator), password: basicAuth.slice(separator + 1) }
      : undefined,
  tokens: values.token,
  latencyMs: values.latency === undefined ? undefined : Number(values.latency),
  problemJson: values['problem-json']
})
if (values.seed) emulator.seed(JSON.parse(readFileSync(values.seed, 'utf8')) as SeedState)
console.log(emulator.url)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)))
}
