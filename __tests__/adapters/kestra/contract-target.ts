import { randomBytes } from 'node:crypto'
import type { Auth } from '../../../src/model/settings.js'
import {
  createKestraClient,
  type KestraClient,
  type KestraClientOptions
} from '../../../src/adapters/kestra/client.js'

/** A server the contract suite runs against: the emulator or a real Kestra (env KESTRA_URL). */
export interface Target {
  label: string
  /** Expected era, when the target's version is known up front. */
  tenantScoped?: boolean
  auth: Auth
  client(overrides?: Partial<KestraClientOptions>): KestraClient
  /** A namespace no other test uses; real servers get a unique one per run. */
  namespace(): string
}

const runId = randomBytes(3).toString('hex')
let counter = 0

export function uniqueNamespace(): string {
  return `gitops.test${runId}.n${++counter}`
}

/** Builds clients against `server`, closing them when `trackClose` is given. */
export function targetFor(input: {
  label: string
  server: string
  tenant: string
  auth: Auth
  tenantScoped?: boolean
  trackClose: (close: () => Promise<void>) => void
}): Target {
  return {
    label: input.label,
    tenantScoped: input.tenantScoped,
    auth: input.auth,
    client(overrides = {}) {
      const client = createKestraClient({
        server: input.server,
        tenant: input.tenant,
        auth: input.auth,
        timeoutSeconds: 10,
        concurrency: 4,
        retry: { baseDelayMs: 1 },
        ...overrides
      })
      input.trackClose(() => client.close())
      return client
    },
    namespace: uniqueNamespace
  }
}

/** The real Kestra described by KESTRA_URL / KESTRA_USERNAME / KESTRA_PASSWORD / KESTRA_TOKEN / KESTRA_TENANT. */
export function realKestraAuth(env = process.env): Auth {
  if (env.KESTRA_TOKEN) return { kind: 'bearer', token: env.KESTRA_TOKEN }
  if (env.KESTRA_USERNAME) {
    return { kind: 'basic', username: env.KESTRA_USERNAME, password: env.KESTRA_PASSWORD ?? '' }
  }
  return { kind: 'none' }
}
