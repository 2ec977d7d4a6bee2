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

/**
 * The real Kestra the contract suite writes to, only when asked by name: `KGA_CONTRACT_KESTRA_URL` with
 * `_USERNAME` / `_PASSWORD` / `_TOKEN` / `_TENANT`. Never the CLI's `KESTRA_URL`: a user who exported it for
 * `kestra-gitops plan` and runs `npm test` must not have the tests create and delete flows on that server.
 */
export function realKestra(
  env = process.env
): { server: string; tenant: string; auth: Auth } | undefined {
  const url = env.KGA_CONTRACT_KESTRA_URL
  if (!url) return undefined
  const token = env.KGA_CONTRACT_KESTRA_TOKEN
  const username = env.KGA_CONTRACT_KESTRA_USERNAME
  const auth: Auth = token
    ? { kind: 'bearer', token }
    : username
      ? { kind: 'basic', username, password: env.KGA_CONTRACT_KESTRA_PASSWORD ?? '' }
      : { kind: 'none' }
  return {
    server: url.replace(/\/+$/, ''),
    tenant: env.KGA_CONTRACT_KESTRA_TENANT || 'main',
    auth
  }
}
