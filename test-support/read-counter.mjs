/**
 * Preloaded into the bundled action (`NODE_OPTIONS=--import …`): counts the repository reads it makes,
 * for real, at the Node built-ins: each opening or whole read of a path under GITHUB_WORKSPACE, each
 * directory listed there, and each git process started. Written as JSON to KGA_READ_LOG at exit.
 */
import fs from 'node:fs'
import childProcess from 'node:child_process'
import { syncBuiltinESMExports } from 'node:module'
import { resolve, sep } from 'node:path'

const workspace = resolve(process.env.GITHUB_WORKSPACE || process.cwd())
const log = process.env.KGA_READ_LOG
const reads = { files: [], listings: [], git: [] }

const inWorkspace = (path) => {
  // A file URL names its path; a descriptor (a number) is not a path.
  const named =
    typeof path === 'object' && path !== null && 'pathname' in path ? path.pathname : path
  if (typeof named !== 'string' && !Buffer.isBuffer(named)) return undefined
  const full = resolve(workspace, String(named))
  return full === workspace || full.startsWith(workspace + sep)
    ? full.slice(workspace.length) || '/'
    : undefined
}
const counted = (object, names, list) => {
  for (const name of names) {
    const original = object[name]
    if (typeof original !== 'function') continue
    object[name] = function (path, ...rest) {
      const rel = inWorkspace(path)
      if (rel !== undefined) list.push(`${name} ${rel}`)
      return original.call(this, path, ...rest)
    }
  }
}
counted(fs, ['readFile', 'readFileSync', 'open', 'openSync', 'createReadStream'], reads.files)
counted(fs.promises, ['readFile', 'open'], reads.files)
counted(fs, ['readdir', 'readdirSync', 'opendir', 'opendirSync'], reads.listings)
counted(fs.promises, ['readdir', 'opendir'], reads.listings)
for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync']) {
  const original = childProcess[name]
  childProcess[name] = function (command, args, ...rest) {
    if (/(^|\/)git$/.test(String(command))) {
      reads.git.push(
        (Array.isArray(args) ? args : [])
          .filter((a) => !a.startsWith('-c'))
          .slice(0, 3)
          .join(' ')
      )
    }
    return original.call(this, command, args, ...rest)
  }
}
syncBuiltinESMExports()
if (log) process.on('exit', () => fs.writeFileSync(log, JSON.stringify(reads)))
