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
  { name: 'kestra', path: '^src/kestra/', may: ['model'] },
  { name: 'github', path: '^src/github/', may: ['model'] },
  { name: 'report', path: '^src/report/', may: ['model'] },
  { name: 'gather', path: '^src/gather/', may: ['model', 'kestra', 'github'] },
  { name: 'decide/validate', path: '^src/decide/validate/', may: ['model', 'decide'] },
  { name: 'decide/plan', path: '^src/decide/plan/', may: ['model', 'decide', 'decide/validate'] },
  {
    name: 'decide/render',
    path: '^src/decide/render/',
    may: ['model', 'decide', 'decide/validate', 'decide/plan']
  },
  {
    name: 'decide/drift',
    path: '^src/decide/drift/',
    may: ['model', 'decide', 'decide/plan', 'decide/render']
  },
  {
    name: 'decide/environments',
    path: '^src/decide/environments/',
    may: ['model', 'decide', 'decide/validate']
  },
  {
    name: 'decide',
    path: '^src/decide/[^/]+$',
    may: ['model']
  },
  { name: 'apply', path: '^src/apply/', may: ['model', 'kestra', 'github'] },
  { name: 'kinds/*/gather', path: '^src/kinds/[^/]+/gather', may: ['model', 'gather', 'kestra'] },
  {
    name: 'kinds/*/decide',
    path: '^src/kinds/[^/]+/decide',
    may: ['model', 'decide', 'decide/validate', 'decide/plan', 'decide/render', 'generated']
  },
  { name: 'kinds/*/apply', path: '^src/kinds/[^/]+/apply', may: ['model', 'apply', 'kestra'] },
  {
    name: 'kinds/*/index.ts',
    path: '^src/kinds/[^/]+/index\\.ts$',
    may: ['model', 'kinds/*/gather', 'kinds/*/decide', 'kinds/*/apply', 'kinds/kind.ts']
  },
  {
    name: 'kinds/kind.ts',
    path: '^src/kinds/kind\\.ts$',
    may: ['model', 'gather', 'decide', 'apply']
  },
  {
    name: 'kinds/index.ts',
    path: '^src/kinds/index\\.ts$',
    may: [
      'model',
      'kinds/*/gather',
      'kinds/*/decide',
      'kinds/*/apply',
      'kinds/*/index.ts',
      'kinds/kind.ts'
    ]
  },
  {
    name: 'run',
    path: '^src/run/',
    may: [
      'model',
      'config',
      'kestra',
      'github',
      'report',
      'gather',
      'decide',
      'decide/validate',
      'decide/plan',
      'decide/render',
      'decide/drift',
      'decide/environments',
      'apply',
      'kinds/index.ts',
      'kinds/kind.ts'
    ]
  },
  {
    name: 'entry',
    path: '^src/(index|main|cli)\\.ts$|^src/cli/',
    may: [
      'model',
      'config',
      'report',
      'kestra',
      'github',
      'run',
      'decide/validate',
      'decide/render'
    ]
  }
]

const byName = new Map(LAYERS.map((layer) => [layer.name, layer]))

/** A kind's parts may import their own kind's parts of the same phase, never another kind's. */
const sameKindPhase = (layer) => layer.path.replace('[^/]+', '([^/]+)')
const sameKindTarget = (layer) => layer.path.replace('^src/kinds/[^/]+', '^src/kinds/$1')

const allowed = LAYERS.flatMap((layer) => {
  const own = layer.name.startsWith('kinds/*/')
    ? { from: { path: sameKindPhase(layer) }, to: { path: sameKindTarget(layer) } }
    : { from: { path: layer.path }, to: { path: layer.path } }
  return [
    { comment: `${layer.name} → ${layer.name}`, ...own },
    ...layer.may.map((name) => {
      const target = byName.get(name)
      if (target === undefined) throw new Error(`.dependency-cruiser.cjs: no layer '${name}'`)
      const sameKind = layer.name.startsWith('kinds/*/index') && name.startsWith('kinds/*/')
      return sameKind
        ? {
            comment: `${layer.name} → ${name}`,
            from: { path: '^src/kinds/([^/]+)/index\\.ts$' },
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

/** Files that must stay pure: the vocabulary (model/) and the decide phase, in decide/ or in a kind. */
const PURE = '^src/(model/|decide/|kinds/[^/]+/decide)'

/** Node built-ins that reach the file system, processes, the network, threads or a module loader. */
const IO_BUILTINS =
  '^(node:)?(fs|child_process|net|http|https|http2|dgram|dns|tls|worker_threads|cluster|process|module|vm|inspector|repl|readline|v8|wasi)(/|$)'

/** Packages that are I/O by nature: an HTTP client, the runner's and GitHub's toolkits. */
const IO_PACKAGES = 'node_modules/(undici|@actions|@octokit)/'

/** The folders of src/ that read or write (their files may reach I/O at any depth). */
const IO_FOLDERS =
  '^src/(config|kestra|github|report|gather|apply|run|cli)/|^src/(index|main|cli)\\.ts$'

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
        'model/ and decide are pure: no file system, processes, network, threads or module loader.',
      severity: 'error',
      from: { path: PURE },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS }
    },
    {
      name: 'pure-no-io-packages',
      comment: 'model/ and decide are pure: no HTTP client, no runner or GitHub toolkit.',
      severity: 'error',
      from: { path: PURE },
      to: { path: IO_PACKAGES }
    },
    {
      name: 'pure-no-io-reachable',
      comment:
        'model/ and decide are pure at any depth: nothing they import, nor what that imports, reaches I/O.',
      severity: 'error',
      from: { path: PURE },
      to: { path: `${IO_BUILTINS}|${IO_PACKAGES}|${IO_FOLDERS}`, reachable: true }
    },
    {
      name: 'phases-name-no-kind',
      comment:
        'gather/, decide/ and apply/ are generic: they never import a kind, whose parts run/ hands them from the registry (docs/kinds.md).',
      severity: 'error',
      from: { path: '^src/(gather|decide|apply)/' },
      to: { path: '^src/kinds/' }
    },
    {
      name: 'kind-not-another-kind',
      comment:
        "A kind's folder never imports another kind's: what two kinds share is a typed relation the registry wires (docs/kinds.md).",
      severity: 'error',
      from: { path: '^src/kinds/([^/]+)/' },
      to: { path: '^src/kinds/[^/]+/', pathNot: '^src/kinds/$1/' }
    },
    {
      name: 'run-wires-only',
      comment:
        'run/ wires the phases: it reads and writes nothing itself (files, processes, network), gather/, apply/ and report/ do.',
      severity: 'error',
      from: { path: '^src/run/' },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS }
    },
    {
      name: 'one-entry',
      comment:
        "The action and the CLI start a run through one function, run/preview.ts's executeWithEnvironments: neither calls execute() itself.",
      severity: 'error',
      from: { path: '^src/(index|main|cli)\\.ts$|^src/cli/' },
      to: { path: '^src/run/execute\\.ts$', dependencyTypesNot: ['type-only'] }
    }
  ],
  allowed: [
    ...allowed,
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
    includeOnly: '^src/|^generated/|node_modules|^(node:)?[a-z_0-9]+$|^(node:)?[a-z_0-9]+/[a-z_0-9]+$',
    exclude: { path: '\\.d\\.ts$' }
  }
}

// The layer table itself, for the page's generator (scripts/architecture-docs.ts); not enumerable, as
// dependency-cruiser accepts no key of its own in a configuration.
Object.defineProperty(module.exports, 'LAYERS', { value: LAYERS, enumerable: false })
