import { isMap, isScalar, LineCounter, parseDocument, stringify, type Node } from 'yaml'
import { COMMIT_MARKER_KEY } from '../../model/commit-marker.js'
import { ROLLBACK_RECORD_KEY } from '../../model/after-deploy.js'
import { PREVIEW_OWNER_KEY } from '../../model/preview.js'
import { isRecord } from '../../model/content.js'

/**
 * A KV value as a kv file holds it and Kestra stores it (docs/kv.md#the-file): a string (STRING), a
 * number (NUMBER), a boolean (BOOLEAN), or a mapping or a list (JSON), which may hold `null` inside.
 */
export type KvValue = string | number | boolean | KvJson[] | { [key: string]: KvJson }
type KvJson = KvValue | null

/** One key of a kv file, and the line it is on. */
interface KvEntry {
  key: string
  value: KvValue
  line: number
}

/** A problem of a kv file, on its line, saying how to fix it. */
interface KvProblem {
  line: number
  message: string
}

/** Kestra's KV key rule (`KVStore`): anything else is refused with a 422. */
const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/

/**
 * Keys the action keeps for itself in every namespace (the deployed-commit marker, the rollback record,
 * the preview's ownership record, and any it may add): never in a kv file, never planned, never deleted.
 */
const OWN_KEY_PREFIX = 'kestra-gitops'
export const OWN_KEYS = [COMMIT_MARKER_KEY, ROLLBACK_RECORD_KEY, PREVIEW_OWNER_KEY]

/** The action's own key, whatever its case: left alone. */
export function isOwnKey(key: string): boolean {
  return key.toLowerCase().startsWith(OWN_KEY_PREFIX)
}

/**
 * The keys of a kv file, or the problems that keep it from round-tripping: YAML errors, duplicate keys, a
 * key Kestra refuses or the action keeps for itself, a value no KV type holds as written (null, an
 * infinite or too large number, a tagged value that is not plain data).
 */
export function parseKvFile(text: string): { entries: KvEntry[]; problems: KvProblem[] } {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  const lineOf = (node: Node | null | undefined, fallback = 1) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : fallback
  if (doc.errors.length > 0) {
    return {
      entries: [],
      problems: doc.errors.map((error) => ({
        line: lineCounter.linePos(error.pos[0]).line,
        message: `not a kv file: ${error.message.split('\n')[0]}`
      }))
    }
  }
  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === null)) return { entries: [], problems: [] }
  if (!isMap(root)) {
    return {
      entries: [],
      problems: [
        {
          line: lineOf(root),
          message: 'a kv file is a mapping of keys to values: `key: value`, one a line'
        }
      ]
    }
  }
  const entries: KvEntry[] = []
  const problems: KvProblem[] = []
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null
    const line = lineOf(keyNode)
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      problems.push({ line, message: 'a KV key is text: write it as a plain or quoted string' })
      continue
    }
    const key = keyNode.value
    if (!KEY.test(key)) {
      problems.push({
        line,
        message: `KV key ${JSON.stringify(key)} is refused by Kestra: start with a letter or digit, then letters, digits, '.', '_' or '-'`
      })
      continue
    }
    if (isOwnKey(key)) {
      problems.push({
        line,
        message: `KV key ${key} is the action's own (keys starting with ${OWN_KEY_PREFIX} hold its commit marker, rollback record and preview ownership): choose another key`
      })
      continue
    }
    const valueNode = pair.value as Node | null
    const value: unknown = valueNode === null ? null : valueNode.toJS(doc, { maxAliasCount: 100 })
    const problem = valueProblem(value, true)
    if (problem !== undefined) {
      problems.push({ line: lineOf(valueNode, line), message: `KV key ${key}: ${problem}` })
      continue
    }
    entries.push({ key, value: value as KvValue, line })
  }
  return { entries, problems }
}

/** Why a value cannot be stored as written and read back the same, or undefined when it can. */
function valueProblem(value: unknown, top: boolean): string | undefined {
  if (value === null) {
    return top ? 'no KV type holds an empty value: give it a value, or remove the key' : undefined
  }
  if (typeof value === 'string' || typeof value === 'boolean') return undefined
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      return `${value} is not a number Kestra stores: write it as a string`
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return `${value} is too large to be read back exactly: write it as a string`
    }
    return undefined
  }
  if (
    Array.isArray(value) ||
    (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype)
  ) {
    for (const item of Object.values(value)) {
      const problem = valueProblem(item, false)
      if (problem !== undefined) return problem
    }
    return undefined
  }
  return 'the value is not plain data (text, a number, true or false, a mapping or a list): remove its tag'
}

/** A kv file holding these keys, sorted, as the drift pull request writes it. */
export function kvFileText(entries: readonly (readonly [string, KvValue])[]): string {
  if (entries.length === 0) return '{}\n'
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return stringify(Object.fromEntries(sorted), { lineWidth: 0 })
}

/**
 * Words in a key that name a credential (docs/kv.md#secret-like-keys): such a key's value is never shown,
 * in any output, whoever wrote it.
 */
const SECRET_WORDS =
  /(pass(word|wd|phrase)?|pwd|secret|token|credentials?|creds|auth|bearer|jwt|cookie|session|private|signature|cert(ificate)?|dsn|(api|access|client|master|signing|encryption|ssh|license|app|private|secret)key)$/

/**
 * Whether a key names a credential: one of its words (split at `.`, `_`, `-` and lower-to-upper case
 * changes) or two neighbouring words joined (`api_key`, `privateKey`) is a credential's name.
 */
export function isSecretLike(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s._-]+/)
    .filter(Boolean)
  return words.some((word, i) => {
    const joined = i > 0 ? `${words[i - 1]}${word}` : word
    return SECRET_WORDS.test(word) || SECRET_WORDS.test(joined)
  })
}
