// Bundles the action (dist/index.js) and the CLI (dist/cli.js) with everything they import.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'
import { transform } from 'esbuild'
import { chmodSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'

// DIST_DIR lets the freshness test bundle elsewhere and compare with the committed dist/.
const outDir = process.env.DIST_DIR || 'dist'

/**
 * One undici, and of it only what the bundle uses (docs/performance.md#the-bundle). @actions/github and
 * @actions/http-client each carry their own undici 6 (about 1 MB apiece) for `fetch` and `ProxyAgent`, which
 * the action's undici 7 provides alike. undici's index loads all of it as the bundle starts (mock agents,
 * WebSocket, EventSource, cache stores, cookies), and its cookie helper reads `globalThis.Headers`, which loads
 * Node's own copy of undici: every `'undici'` import gets this module instead, and a name it does not export
 * fails the build.
 */
const UNDICI = '\0undici-used'
const UNDICI_PARTS = {
  Agent: 'lib/dispatcher/agent.js',
  EnvHttpProxyAgent: 'lib/dispatcher/env-http-proxy-agent.js',
  ProxyAgent: 'lib/dispatcher/proxy-agent.js',
  Dispatcher: 'lib/dispatcher/dispatcher.js',
  api: 'lib/api/index.js',
  util: 'lib/core/util.js',
  globalDispatcher: 'lib/global.js',
  fetching: 'lib/web/fetch/index.js',
  formData: 'lib/web/fetch/formdata.js',
  response: 'lib/web/fetch/response.js'
}

function oneUndici() {
  return {
    name: 'one-undici',
    resolveId: (source, importer) => (source === 'undici' && importer !== UNDICI ? UNDICI : null),
    load(id) {
      if (id !== UNDICI) return null
      const at = (path) => fileURLToPath(new URL(`./node_modules/undici/${path}`, import.meta.url))
      return [
        ...Object.entries(UNDICI_PARTS).map(
          ([name, path]) => `import ${name} from ${JSON.stringify(at(path))}`
        ),
        // As undici's index.js: a dispatcher's own request(), and the top-level request() on a URL.
        'Object.assign(Dispatcher.prototype, api)',
        'export function request(url, { dispatcher = globalDispatcher.getGlobalDispatcher(), ...options }) {',
        '  const { origin, pathname, search } = util.parseURL(url)',
        '  const method = options.method || (options.body ? "PUT" : "GET")',
        '  return api.request.call(dispatcher, { ...options, origin, path: `${pathname}${search}`, method })',
        '}',
        'export const { fetch } = fetching',
        'export const { FormData } = formData',
        'export const { Response } = response',
        'export { Agent, Dispatcher, EnvHttpProxyAgent, ProxyAgent }'
      ].join('\n')
    }
  }
}

/** `dist/cli.js` is the package's `bin`: it runs as a command only with a shebang and the execute bit. */
const CLI_SHEBANG = (chunk) => (chunk.isEntry && chunk.name === 'cli' ? '#!/usr/bin/env node' : '')

function executableCli() {
  return {
    name: 'executable-cli',
    writeBundle(options, bundle) {
      if (bundle['cli.js']) chmodSync(join(options.dir, 'cli.js'), 0o755)
    }
  }
}

/** `kestra-gitops --version`: package.json's version, written into src/cli/version.ts as it is bundled. */
function packageVersion() {
  const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
  return {
    name: 'package-version',
    transform(code, id) {
      if (!id.endsWith('/src/cli/version.ts')) return null
      const replaced = code.replace(
        /CLI_VERSION = 'source'/,
        `CLI_VERSION = ${JSON.stringify(version)}`
      )
      if (replaced === code) this.error('src/cli/version.ts no longer declares CLI_VERSION')
      return { code: replaced, map: null }
    }
  }
}

/**
 * The third-party chunk minified (2.7 MB to 1.2 MB: Node parses it at every start; docs/performance.md#the-bundle);
 * names and license comments kept. Ours stays readable, but for the flow validators (a chunk per definition of each
 * release, loaded before a flow that uses it is validated), which are read in generated/flow-validators/.
 */
function minifiedVendor() {
  return {
    name: 'minified-vendor',
    async renderChunk(code, chunk) {
      const validators = chunk.name.startsWith(VALIDATORS_CHUNK)
      if (chunk.name !== 'vendor' && !validators) return null
      const minified = await transform(code, {
        format: 'esm',
        minify: true,
        keepNames: !validators,
        legalComments: 'eof',
        sourcemap: !validators,
        sourcefile: chunk.fileName
      })
      return { code: minified.code, map: validators ? { mappings: '' } : minified.map }
    },
    // A validator's code maps to no line worth 4 MB of source maps: it is read in generated/flow-validators/.
    generateBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.name.startsWith(VALIDATORS_CHUNK)) continue
        delete bundle[`${chunk.fileName}.map`]
        chunk.code = chunk.code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
        chunk.map = null
      }
    }
  }
}

/**
 * `node:http` required rather than imported: on Node 24 its module facade reads every export, and three of them
 * (`WebSocket`, `CloseEvent`, `MessageEvent`) load Node's own undici, 25–30 ms of every start
 * (docs/performance.md#the-bundle). A `require` of it in the bundled CommonJS (undici, tunnel) gets the module
 * itself (`requireReturnsDefault` below); an import gets these names, every one of Node 24's `http` but those three.
 */
const HTTP = '\0node-http-required'
const HTTP_NAMES = [
  '_connectionListener',
  'METHODS',
  'STATUS_CODES',
  'Agent',
  'ClientRequest',
  'IncomingMessage',
  'OutgoingMessage',
  'Server',
  'ServerResponse',
  'createServer',
  'validateHeaderName',
  'validateHeaderValue',
  'get',
  'request',
  'setMaxIdleHTTPParsers',
  'setGlobalProxyFromEnv',
  'maxHeaderSize',
  'globalAgent'
]

function requiredHttp() {
  return {
    name: 'required-http',
    resolveId: (source) => (source === 'http' || source === 'node:http' ? HTTP : null),
    load: (id) =>
      id === HTTP
        ? [
            "import { createRequire } from 'node:module'",
            "const http = createRequire(import.meta.url)('node:http')",
            'export default http',
            `export const { ${HTTP_NAMES.join(', ')} } = http`
          ].join('\n')
        : null
  }
}

const SRC = fileURLToPath(new URL('./src/', import.meta.url))
const GENERATED = fileURLToPath(new URL('./generated/', import.meta.url))
const isOurs = (id) => id.startsWith(SRC)
const VALIDATORS_CHUNK = 'flow-validators/'
/**
 * generated/: its index goes with the engine; each release's facts, and each definition's validator, are a chunk of
 * their own (chunks/flow-validators/<version>.facts.js, chunks/flow-validators/<version>/<definition>.js), which the
 * index imports when a flow that uses it is first validated.
 */
const generatedChunk = (id) => {
  const module = /\/flow-validators\/(\d[^/]*(?:\/[^/]+)?)\.js$/.exec(
    id.slice(GENERATED.length - 1)
  )
  return module ? `${VALIDATORS_CHUNK}${module[1]}` : 'engine'
}
const isEntry = (id) => /\/src\/(index|cli)\.ts$/.test(id)
const isActionsGithub = (id) => id.includes('/node_modules/@actions/github/')

/**
 * Built in a folder beside the output and put in its place once written whole: a build that fails or is killed
 * (it takes about 2 GB of memory) leaves the output as it was, and a chunk renamed or gone does not linger.
 */
const buildDir = `${outDir}.building`
rmSync(buildDir, { recursive: true, force: true })
mkdirSync(buildDir, { recursive: true })

function inPlace() {
  return {
    name: 'in-place',
    writeBundle: {
      sequential: true,
      order: 'post',
      handler() {
        rmSync(outDir, { recursive: true, force: true })
        renameSync(buildDir, outDir)
      }
    }
  }
}

export default {
  input: { index: 'src/index.ts', cli: 'src/cli.ts' },
  output: {
    dir: buildDir,
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name].js',
    // The action and the CLI share one engine: third-party code in one chunk, ours in another.
    // @actions/github parses the event payload as it loads: its own chunk, loaded when first used.
    manualChunks: (id) =>
      isOurs(id)
        ? isEntry(id)
          ? undefined
          : 'engine'
        : id.startsWith(GENERATED)
          ? generatedChunk(id)
          : isActionsGithub(id)
            ? 'github'
            : 'vendor',
    banner: CLI_SHEBANG,
    sourcemap: true,
    sourcemapExcludeSources: true
  },
  plugins: [
    requiredHttp(),
    // Comments stay in src/ and its source maps: the committed bundle carries code only.
    typescript({
      tsconfig: './tsconfig.json',
      outDir: buildDir,
      noEmitOnError: true,
      removeComments: true
    }),
    oneUndici(),
    // 'node' condition: otherwise yaml bundles its browser build.
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    // undici 7 requires node:sqlite lazily; hoisting it breaks Node 20.
    commonjs({ ignore: ['node:sqlite'], requireReturnsDefault: (id) => id === HTTP }),
    json(),
    packageVersion(),
    minifiedVendor(),
    executableCli(),
    inPlace()
  ],
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.message)) return
    if (warning.code === 'THIS_IS_UNDEFINED') return
    // A library's `@__PURE__` comment Rollup cannot place (zod's util.js): it drops the comment, nothing else.
    if (warning.code === 'INVALID_ANNOTATION' && /node_modules/.test(warning.id ?? '')) return
    warn(warning)
  }
}
