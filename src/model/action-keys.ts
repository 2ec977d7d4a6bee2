/**
 * The KV keys the action keeps for itself in every namespace (docs/kv.md#the-actions-own-keys): its commit
 * marker, rollback record and preview ownership record, and any it may add, in any case. Never a KV pair of
 * the repository's: refused in a kv file, never planned, never an orphan.
 */
export const ACTION_KEY_PREFIX = 'kestra-gitops'

export function isActionKey(key: string): boolean {
  return key.toLowerCase().startsWith(ACTION_KEY_PREFIX)
}
