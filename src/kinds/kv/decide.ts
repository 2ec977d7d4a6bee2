import type { DecideKind } from '../../decide/kind.js'
import { sha256Hex } from '../../model/content.js'
import { repositoryPath } from '../../model/repository-paths.js'
import type { ResourceChanges } from '../../model/plan.js'
import type { HeldKv } from './decide-held.js'
import { kvFindings, planKv } from './decide-plan.js'

type KvChange = ResourceChanges['kv']

/**
 * KV pairs in a plan (docs/kv.md): after a namespace's files, flows and dashboards, by key; compared and
 * fingerprinted by their values' hashes, never their text.
 */
export const kvDecide: DecideKind<KvChange, HeldKv> = {
  name: 'kv',
  order: 3,
  label: 'KV pairs',
  idOf: (change) => change.id,
  planFileIdentity: (change) => ({ key: change.id }),
  planFileDetails: () => ({}),
  fingerprintOf: (r) => [
    'kv',
    r.namespace,
    r.id,
    r.action,
    r.desired === undefined ? null : sha256Hex(r.desired.json),
    r.current === undefined ? null : sha256Hex(r.current.json)
  ],
  validate: kvFindings,
  plan: (held, options) => (held ? planKv(held, options) : []),
  sharesFiles: true,
  serverText: (change) => change.serverFile,
  newPath: (change, shape) => ({
    path: repositoryPath(shape.rootRel, 'kv', `${change.namespace}.yml`)
  })
}
