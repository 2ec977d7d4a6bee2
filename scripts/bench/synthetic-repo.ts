/**
 * A deterministic synthetic Kestra monorepo (tenant layout): many namespaces, some nested, flows of
 * realistic size with nested flowable tasks, subflow calls and `read()` of namespace files, and
 * namespace files in nested folders, mostly text (SQL, Python, YAML, CSV, Markdown) and some binary.
 */
import { createPrng, type Prng } from './prng.js'

export interface RepoSize {
  flows: number
  files: number
  namespaces: number
}

interface SyntheticFlow {
  namespace: string
  id: string
  source: string
  /** Repository path. */
  file: string
}

interface SyntheticFile {
  namespace: string
  /** Namespace path, starting with '/'. */
  path: string
  content: string | Uint8Array
  /** Repository path. */
  file: string
}

export interface SyntheticRepo {
  size: RepoSize
  namespaces: string[]
  flows: SyntheticFlow[]
  files: SyntheticFile[]
}

const DEPARTMENTS = ['sales', 'finance', 'marketing', 'ops', 'data', 'hr', 'support', 'product']
const TEAMS = ['emea', 'amer', 'apac', 'core', 'platform', 'growth', 'billing', 'infra']
const DOMAINS = ['orders', 'customers', 'invoices', 'events', 'payments', 'inventory', 'leads']

/** `acme.<department>` and `acme.<department>.<team>` namespaces: parents and children. */
function namespaceNames(count: number): string[] {
  const names: string[] = []
  for (let round = 0; names.length < count; round++) {
    for (const department of DEPARTMENTS) {
      if (names.length >= count) break
      const suffix = round >= TEAMS.length + 1 ? `${Math.floor(round / (TEAMS.length + 1))}` : ''
      const team = round % (TEAMS.length + 1)
      names.push(
        team === 0
          ? `acme.${department}${suffix}`
          : `acme.${department}${suffix}.${TEAMS[team - 1]!}`
      )
    }
  }
  return names.sort()
}

/** Splits `total` over `parts` as evenly as possible. */
function spread(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0)
}

export function generateRepo(size: RepoSize, seed = 42): SyntheticRepo {
  const random = createPrng(seed)
  const namespaces = namespaceNames(size.namespaces)
  const flows: SyntheticFlow[] = []
  const files: SyntheticFile[] = []
  namespaces.forEach((namespace, n) => {
    const nsFiles = Array.from({ length: spread(size.files, namespaces.length, n) }, (_, i) =>
      namespaceFile(random, namespace, i)
    )
    files.push(...nsFiles)
    const textPaths = nsFiles.filter((f) => typeof f.content === 'string').map((f) => f.path)
    const count = spread(size.flows, namespaces.length, n)
    for (let i = 0; i < count; i++) {
      const id = `${DOMAINS[i % DOMAINS.length]!}_pipeline_${String(i).padStart(4, '0')}`
      // Every fourth flow calls a flow of its namespace defined before it: subflow waves on deploy.
      const callee = i >= 4 && i % 4 === 0 ? flows[flows.length - 1 - random.int(3)] : undefined
      const source = flowSource(random, { namespace, id, textPaths, callee })
      const folder = i % 3 === 0 ? `${DOMAINS[i % DOMAINS.length]!}/` : ''
      flows.push({ namespace, id, source, file: `${namespace}/flows/${folder}${id}.yml` })
    }
  })
  return { size, namespaces, flows, files }
}

/** The same repository with `count` flows edited (spread over every namespace), as a PR would. */
export function editFlows(repo: SyntheticRepo, count: number): SyntheticRepo {
  const total = Math.min(count, repo.flows.length)
  const edited = new Set(
    Array.from({ length: total }, (_, k) => Math.floor((k * repo.flows.length) / total))
  )
  return {
    ...repo,
    flows: repo.flows.map((flow, index) =>
      edited.has(index)
        ? {
            ...flow,
            source: flow.source.replace(
              '\ntasks:\n',
              `\ntasks:\n  - id: announce\n    type: io.kestra.plugin.core.log.Log\n    message: "Change DATA-${1000 + index} is live"\n`
            )
          }
        : flow
    )
  }
}

/** Repository path → content, for a git commit. */
export function repoTree(repo: SyntheticRepo): Record<string, string | Uint8Array> {
  const tree: Record<string, string | Uint8Array> = {}
  for (const flow of repo.flows) tree[flow.file] = flow.source
  for (const file of repo.files) tree[file.file] = file.content
  return tree
}

function namespaceFile(random: Prng, namespace: string, index: number): SyntheticFile {
  const domain = random.pick(DOMAINS)
  const depth = random.int(4)
  const folders = [domain, 'staging', 'v2', 'archive'].slice(0, depth)
  const kind = random.weighted([
    ['sql', 50],
    ['py', 20],
    ['yml', 8],
    ['md', 5],
    ['csv', 7],
    ['png', 6],
    ['parquet', 4]
  ])
  const name = `${domain}_${kind === 'py' ? 'job' : 'asset'}_${String(index).padStart(4, '0')}.${kind}`
  const path = `/${[...folders, name].join('/')}`
  return {
    namespace,
    path,
    content: fileContent(random, kind, domain),
    file: `${namespace}/files${path}`
  }
}

function fileContent(random: Prng, kind: string, domain: string): string | Uint8Array {
  switch (kind) {
    case 'sql':
      return repeatLines(random, 8, 120, (i) =>
        i === 0
          ? `-- ${domain} model, generated for the benchmark`
          : `SELECT ${domain}_id, amount_${i}, updated_at FROM raw.${domain} WHERE region = 'r${random.int(50)}' -- step ${i}`
      )
    case 'py':
      return repeatLines(random, 20, 240, (i) =>
        i % 6 === 0
          ? `def transform_${i}(rows):`
          : `    rows = [r for r in rows if r.get("${domain}_${i}") is not None]  # filter ${random.int(1000)}`
      )
    case 'yml':
      return repeatLines(random, 5, 60, (i) => `key_${i}: value-${domain}-${random.int(100000)}`)
    case 'md':
      return repeatLines(
        random,
        5,
        80,
        (i) => `Paragraph ${i} about the ${domain} pipeline and its owners.`
      )
    case 'csv':
      return repeatLines(random, 50, 600, (i) =>
        i === 0
          ? 'id,name,amount,region'
          : `${i},${domain}-${random.int(99999)},${random.int(10000)}.${random.int(99)},r${random.int(50)}`
      )
    default:
      return binary(
        random,
        kind === 'png' ? 2_000 + random.int(30_000) : 8_000 + random.int(56_000)
      )
  }
}

function repeatLines(random: Prng, min: number, max: number, line: (i: number) => string): string {
  const count = min + random.int(max - min)
  return Array.from({ length: count }, (_, i) => line(i)).join('\n') + '\n'
}

function binary(random: Prng, size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = random.int(256)
  bytes[0] = 0x89 // a NUL-free header would still be binary: the 0 below settles it
  bytes[1] = 0
  return bytes
}

interface FlowShape {
  namespace: string
  id: string
  textPaths: string[]
  callee?: SyntheticFlow
}

/**
 * Flow sizes follow the corpus of real flows (shared/corpus: median 0.4 kB, p90 1.3 kB), made
 * heavier on purpose: many small flows, some medium ones, a few large ones with nested tasks.
 */
function flowSource(random: Prng, shape: FlowShape): string {
  const size = random.weighted([
    ['small', 45],
    ['medium', 40],
    ['large', 15]
  ] as const)
  const { namespace, id } = shape
  const lines = [`id: ${id}`, `namespace: ${namespace}`]
  if (size !== 'small') {
    lines.push(
      `description: Loads ${id.split('_')[0]} data and publishes the curated tables.`,
      '',
      'labels:',
      `  team: ${namespace.split('.')[1]}`,
      `  tier: "${1 + random.int(3)}"`
    )
  }
  if (size === 'large') {
    lines.push(
      '',
      'inputs:',
      '  - id: day',
      '    type: DATE',
      '    required: false',
      '  - id: full_refresh',
      '    type: BOOLEAN',
      '    defaults: false',
      '',
      'variables:',
      `  table: curated.${id}`,
      `  bucket: s3://acme-${namespace.replace(/\./g, '-')}/landing`
    )
  }
  lines.push('', 'tasks:')
  const tasks = size === 'small' ? 1 + random.int(2) : 2 + random.int(size === 'large' ? 4 : 2)
  const nesting = size === 'large' ? 2 : size === 'medium' ? 1 : 0
  for (let t = 0; t < tasks; t++) lines.push(...task(random, shape, `step${t}`, 1, 2 - nesting))
  if (shape.callee) {
    lines.push(
      '  - id: downstream',
      '    type: io.kestra.plugin.core.flow.Subflow',
      `    namespace: ${shape.callee.namespace}`,
      `    flowId: ${shape.callee.id}`,
      '    wait: true'
    )
  }
  if (size !== 'small') {
    lines.push(
      '',
      'errors:',
      '  - id: alert',
      '    type: io.kestra.plugin.core.log.Log',
      '    level: ERROR',
      `    message: "${id} failed in {{ execution.id }}"`
    )
  }
  if (size === 'large' || random.int(2) === 0) {
    lines.push(
      '',
      'triggers:',
      '  - id: nightly',
      '    type: io.kestra.plugin.core.trigger.Schedule',
      `    cron: "${random.int(60)} ${random.int(6)} * * *"`
    )
  }
  return lines.join('\n') + '\n'
}

/** A task, sometimes a flowable one holding children (at most three levels deep). */
function task(random: Prng, shape: FlowShape, id: string, depth: number, level: number): string[] {
  const pad = '  '.repeat(depth)
  const flowable = level < 2 && random.int(3) === 0
  if (flowable) {
    const type = random.pick(['Sequential', 'Parallel'])
    const out = [
      `${pad}- id: ${id}`,
      `${pad}  type: io.kestra.plugin.core.flow.${type}`,
      `${pad}  tasks:`
    ]
    const children = 2 + random.int(3)
    for (let c = 0; c < children; c++)
      out.push(...task(random, shape, `${id}_${c}`, depth + 2, level + 1))
    return out
  }
  const path =
    shape.textPaths.length > 0 && random.int(3) === 0 ? random.pick(shape.textPaths) : undefined
  if (path?.endsWith('.py')) {
    return [
      `${pad}- id: ${id}`,
      `${pad}  type: io.kestra.plugin.scripts.python.Script`,
      `${pad}  containerImage: python:3.12-slim`,
      `${pad}  beforeCommands:`,
      `${pad}    - pip install pandas==2.2.2`,
      `${pad}  script: "{{ read('${path.slice(1)}') }}"`
    ]
  }
  if (path) {
    return [
      `${pad}- id: ${id}`,
      `${pad}  type: io.kestra.plugin.jdbc.postgresql.Query`,
      `${pad}  url: jdbc:postgresql://warehouse:5432/analytics`,
      `${pad}  username: "{{ secret('WAREHOUSE_USER') }}"`,
      `${pad}  password: "{{ secret('WAREHOUSE_PASSWORD') }}"`,
      `${pad}  sql: "{{ read('${path.slice(1)}') }}"`,
      `${pad}  fetchType: NONE`
    ]
  }
  return [
    `${pad}- id: ${id}`,
    `${pad}  type: io.kestra.plugin.core.log.Log`,
    `${pad}  message: "Processing {{ flow.id }} (run {{ execution.id }})"`
  ]
}
