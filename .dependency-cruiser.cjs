/**
 * The house's rule (docs/architecture.md): which folder of src/ may import which. Anything not allowed
 * here is an error, cycles are errors, and the decide folders may not reach I/O. `npm run lint` runs it,
 * a unit test runs it in-process, and `npm run docs` draws docs/architecture.md's arrows from `LAYERS`.
 */

/** Each layer: the files it holds (a path pattern) and the layers it may import besides itself. */
const LAYERS = [
  { name: 'model', path: '^src/model/', may: [] },
  // Written by `npm run schemas` and `npm run validators` (the flow validators of each release): data and code
  // that import nothing of ours and do no I/O.
  { name: 'generated', path: '^generated/', may: [] },
  { name: 'config', path: '^src/config/', may: ['model'] },
  { name: 'kestra', path: '^src/adapters/kestra/', may: ['model'] },
  { name: 'github', path: '^src/adapters/github/', may: ['model'] },
  { name: 'git', path: '^src/adapters/git/', may: ['model'] },
  {
    // The repository's convention: where flows and namespace files live in a tree (the layout), and the one walk
    // that places each file under the kind whose place it is (docs/kinds.md#the-walk-two-kinds-share).
    name: 'layout',
    path: '^src/layout/',
    may: ['model', 'git']
  },
  { name: 'report', path: '^src/report/(?!render/)', may: ['model'] },
  {
    // What the action stores in Kestra beside what it deploys: the commit marker, its seal, its one read and write.
    name: 'record',
    path: '^src/engine/record/',
    may: ['model', 'kestra']
  },
  {
    name: 'snapshot',
    path: '^src/engine/snapshot/',
    may: ['model', 'kestra', 'github', 'git', 'layout', 'record']
  },
  { name: 'validate', path: '^src/engine/validate/', may: ['model', 'engine'] },
  { name: 'plan', path: '^src/engine/plan/', may: ['model', 'engine', 'validate'] },
  {
    name: 'render',
    path: '^src/report/render/',
    may: ['model', 'engine', 'validate', 'plan']
  },
  {
    name: 'drift',
    path: '^src/engine/drift/',
    may: ['model', 'engine', 'plan', 'render']
  },
  {
    name: 'environments',
    path: '^src/engine/environments/',
    may: ['model', 'engine', 'validate']
  },
  {
    name: 'engine',
    path: '^src/engine/[^/]+$',
    may: ['model']
  },
  {
    name: 'apply',
    path: '^src/engine/apply/',
    may: ['model', 'kestra', 'github', 'git', 'record']
  },
  {
    name: 'resources/*/gather',
    path: '^src/resources/[^/]+/gather',
    may: ['model', 'snapshot', 'layout', 'kestra', 'git']
  },
  {
    name: 'resources/*/decide',
    path: '^src/resources/[^/]+/decide',
    may: ['model', 'engine', 'record', 'validate', 'plan', 'render', 'generated']
  },
  {
    name: 'resources/*/apply',
    path: '^src/resources/[^/]+/apply',
    may: ['model', 'apply', 'kestra']
  },
  {
    // A kind's checks as the run makes them: its decide part's rules, as the walk reads its files.
    name: 'resources/*/check',
    path: '^src/resources/[^/]+/check',
    may: ['model', 'snapshot', 'record', 'resources/*/decide']
  },
  {
    name: 'resources/*/index.ts',
    path: '^src/resources/[^/]+/index\\.ts$',
    may: [
      'model',
      'resources/*/gather',
      'resources/*/decide',
      'resources/*/apply',
      'resources/*/check',
      'resources/resource.ts'
    ]
  },
  {
    name: 'resources/resource.ts',
    path: '^src/resources/resource\\.ts$',
    may: ['model', 'snapshot', 'engine', 'apply']
  },
  {
    name: 'resources/registry.ts',
    path: '^src/resources/registry\\.ts$',
    may: [
      'model',
      'resources/*/gather',
      'resources/*/decide',
      'resources/*/apply',
      'resources/*/index.ts',
      'resources/resource.ts'
    ]
  },
  {
    name: 'commands',
    path: '^src/commands/',
    may: [
      'model',
      'config',
      'kestra',
      'github',
      'git',
      'report',
      'layout',
      'snapshot',
      'engine',
      'validate',
      'plan',
      'render',
      'drift',
      'environments',
      'apply',
      'resources/registry.ts',
      'resources/resource.ts'
    ]
  },
  {
    name: 'entry',
    path: '^src/(index|main|cli)\\.ts$|^src/cli/',
    may: ['model', 'config', 'report', 'kestra', 'github', 'git', 'commands', 'validate', 'render']
  }
]

const byName = new Map(LAYERS.map((layer) => [layer.name, layer]))

/** A kind's parts may import their own kind's parts of the same phase, never another kind's. */
const sameKindPhase = (layer) => layer.path.replace('[^/]+', '([^/]+)')
const sameKindTarget = (layer) => layer.path.replace('^src/resources/[^/]+', '^src/resources/$1')

const allowed = LAYERS.flatMap((layer) => {
  const own = layer.name.startsWith('resources/*/')
    ? { from: { path: sameKindPhase(layer) }, to: { path: sameKindTarget(layer) } }
    : { from: { path: layer.path }, to: { path: layer.path } }
  return [
    { comment: `${layer.name} → ${layer.name}`, ...own },
    ...layer.may.map((name) => {
      const target = byName.get(name)
      if (target === undefined) throw new Error(`.dependency-cruiser.cjs: no layer '${name}'`)
      const sameKind = layer.name.startsWith('resources/*/') && name.startsWith('resources/*/')
      return sameKind
        ? {
            comment: `${layer.name} → ${name}`,
            from: { path: sameKindPhase(layer) },
            to: { path: sameKindTarget(target) }
          }
        : {
            comment: `${layer.name} → ${name}`,
            from: { path: layer.path },
            to: { path: target.path }
          }
    })
  ]
})

/** Files that must stay pure: the vocabulary (model/), the engine's decisions, rendering, and a kind's decide part. */
const PURE =
  '^src/(model/|engine/(validate|plan|drift|environments)/|engine/[^/]+$|engine/record/(marker|seal)\\.ts$|report/render/|resources/[^/]+/decide)'

/** Node built-ins that reach the file system, processes, the network, threads or a module loader. */
const IO_BUILTINS =
  '^(node:)?(fs|child_process|net|http|https|http2|dgram|dns|tls|worker_threads|cluster|process|module|vm|inspector|repl|readline|v8|wasi)(/|$)'

/** Packages that are I/O by nature: an HTTP client, the runner's and GitHub's toolkits. */
const IO_PACKAGES = 'node_modules/(undici|@actions|@octokit)/'

/** The folders of src/ that read or write (their files may reach I/O at any depth). */
const IO_FOLDERS =
  '^src/(config|adapters|report/(?!render/)|engine/snapshot|engine/apply|commands|cli)/|^src/(index|main|cli)\\.ts$'

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycle anywhere in src/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true }
    },
    {
      name: 'pure-no-io-builtins',
      comment:
        "model/, the engine's decisions, report/render/ and a kind's decide part are pure: no file system, processes, network, threads or module loader.",
      severity: 'error',
      from: { path: PURE },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS }
    },
    {
      name: 'pure-no-io-packages',
      comment:
        "model/, the engine's decisions, report/render/ and a kind's decide part are pure: no HTTP client, no runner or GitHub toolkit.",
      severity: 'error',
      from: { path: PURE },
      to: { path: IO_PACKAGES }
    },
    {
      name: 'pure-no-io-reachable',
      comment:
        "model/, the engine's decisions, report/render/ and a kind's decide part are pure at any depth: nothing they import, nor what that imports, reaches I/O.",
      severity: 'error',
      from: { path: PURE },
      to: { path: `${IO_BUILTINS}|${IO_PACKAGES}|${IO_FOLDERS}`, reachable: true }
    },
    {
      name: 'phases-name-no-kind',
      comment:
        'engine/ and report/render/ are generic: they never import a kind, whose parts commands/ hand them from the registry (docs/kinds.md).',
      severity: 'error',
      from: { path: '^src/(engine|report/render)/' },
      to: { path: '^src/resources/' }
    },
    {
      name: 'kind-not-another-kind',
      comment:
        "A kind's folder never imports another kind's: what two kinds share is a typed relation the registry wires (docs/kinds.md).",
      severity: 'error',
      from: { path: '^src/resources/([^/]+)/' },
      to: { path: '^src/resources/[^/]+/', pathNot: '^src/resources/$1/' }
    },
    {
      name: 'commands-wire-only',
      comment:
        'commands/ wire the phases: they read and write nothing themselves (files, processes, network), engine/snapshot/, engine/apply/ and report/ do.',
      severity: 'error',
      from: { path: '^src/commands/' },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS }
    },
    {
      name: 'processes-only-in-git-adapter',
      comment:
        'Only the git adapter (src/adapters/git/) starts a process: every other folder asks it (docs/architecture.md).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/git/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?child_process$' }
    },
    {
      name: 'one-entry',
      comment:
        "The action and the CLI start a run through one function, commands/preview.ts's executeWithEnvironments: neither calls execute() itself.",
      severity: 'error',
      from: { path: '^src/(index|main|cli)\\.ts$|^src/cli/' },
      to: { path: '^src/commands/execute\\.ts$', dependencyTypesNot: ['type-only'] }
    }
  ],
  allowed: [
    ...allowed,
    {
      comment:
        "a kind's gather and apply parts → its own decide part: pure, what the kind knows of its data (docs/kinds.md)",
      from: { path: '^src/resources/([^/]+)/(gather|apply)' },
      to: { path: '^src/resources/$1/decide' }
    },
    {
      comment: 'npm packages and Node built-ins',
      from: { path: '^(src|generated)/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'core'] }
    }
  ],
  allowedSeverity: 'error',
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    includeOnly:
      '^src/|^generated/|node_modules|^(node:)?[a-z_0-9]+$|^(node:)?[a-z_0-9]+/[a-z_0-9]+$',
    exclude: { path: '\\.d\\.ts$' }
  }
}

// The layer table itself, for the page's generator (scripts/architecture-docs.ts); not enumerable, as
// dependency-cruiser accepts no key of its own in a configuration.
Object.defineProperty(module.exports, 'LAYERS', { value: LAYERS, enumerable: false })
