import type { NamespaceFileEntry, RepoModel } from '../../model/repository.js'
import { MAX_FILE_BYTES } from '../../model/content.js'
import { fileKey } from '../../model/targets.js'
import { type Finding, type Severity } from '../../model/finding.js'

const LARGE_FILE_BYTES = 10 * 1024 * 1024
const MAX_SEGMENT = 255
const MAX_PATH = 1024

/** The namespace files' findings (docs/validation.md): each file's, in the model's order. */
export function fileFindings({ model }: { model: Pick<RepoModel, 'files'> }): Finding[] {
  return model.files.flatMap(namespaceFileFindings)
}

/** Path, size and symlink rules for one namespace file; findings are on line 1 of the source file. */
function namespaceFileFindings(entry: NamespaceFileEntry): Finding[] {
  const findings: Finding[] = []
  const add = (severity: Severity, rule: string, message: string): void => {
    findings.push({
      severity,
      file: entry.file,
      line: 1,
      rule,
      message,
      resource: fileKey(entry.namespace, entry.path)
    })
  }
  for (const problem of pathProblems(entry.path)) add('error', 'file-path', problem)
  if (/[ +]/.test(entry.path)) {
    add(
      'notice',
      'file-name-encoding',
      `Namespace file path '${entry.path}' contains a space or '+': Kestra 0.x servers encoded these differently (a space became '+'). Prefer names without them`
    )
  }
  if (entry.symlinkEscapes) {
    add(
      'error',
      'file-symlink',
      'Symlink points outside root (or is dangling or loops): it is never followed; replace it with the file itself'
    )
  } else if (entry.size > MAX_FILE_BYTES) {
    add(
      'error',
      'file-size',
      `Namespace file is ${megabytes(entry.size)} MiB, over the ${megabytes(MAX_FILE_BYTES)} MiB limit: keep large data out of namespace files (use object storage)`
    )
  } else if (entry.size > LARGE_FILE_BYTES) {
    add(
      'warning',
      'file-size',
      `Large upload: namespace file is ${megabytes(entry.size)} MiB (over ${megabytes(LARGE_FILE_BYTES)} MiB). Proxies in front of Kestra may refuse it; consider object storage`
    )
  }
  return findings
}

/** What is wrong with a namespace file path (which starts with '/'), empty when nothing is. */
function pathProblems(path: string): string[] {
  const problems: string[] = []
  if (!path.startsWith('/')) problems.push(`Namespace file path '${path}' must start with '/'`)
  if (path.length > MAX_PATH) {
    problems.push(
      `Namespace file path is ${path.length} characters long: keep it at most ${MAX_PATH}`
    )
  }
  if (path.includes('\\'))
    problems.push(`Namespace file path '${path}' contains a backslash: use '/' only`)
  if (/\p{Cc}/u.test(path)) {
    problems.push(
      `Namespace file path ${JSON.stringify(path)} contains a control character: rename the file`
    )
  }
  const segments = path.replace(/^\//, '').split('/')
  if (segments.some((segment) => segment === '')) {
    problems.push(`Namespace file path '${path}' has an empty segment ('//' or a trailing '/')`)
  }
  if (segments.some((segment) => segment === '..' || segment === '.') || path.includes('..')) {
    problems.push(
      `Namespace file path '${path}' contains '..' or '.': Kestra refuses relative paths; rename it`
    )
  }
  if (segments.some((segment) => segment.length > MAX_SEGMENT)) {
    problems.push(
      `A file or folder name in '${path}' exceeds the maximum length of ${MAX_SEGMENT} characters`
    )
  }
  if (path === '/_flows' || path.startsWith('/_flows/')) {
    problems.push(`Namespace file path '${path}' is under /_flows, which Kestra forbids: move it`)
  }
  return problems
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')
}
