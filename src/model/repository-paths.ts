/** Paths the action writes into the repository (docs/drift.md#where-the-drift-pull-request-never-writes). */

/** Code points file systems drop when comparing names (macOS, as Git's `.git` check knows), and invisible ones. */
const IGNORABLE =
  /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]|\u034f|\p{Variation_Selector}/gu

/** A name as a case-insensitive, normalising file system compares it. */
function foldedName(name: string): string {
  return name.replace(IGNORABLE, '').normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC')
}

/** A workspace-relative path of these parts, '/'-separated, empty parts (a root of '') left out. */
export function repositoryPath(...parts: string[]): string {
  return parts.filter(Boolean).join('/')
}

/** A path, each segment folded (`foldedName`): two paths with one folded path are one file somewhere. */
export function foldedPath(path: string): string {
  return path.split('/').map(foldedName).join('/')
}

/** 8.3 short names that Windows gives `.git` and `.github` (`GIT~1`, `GITHUB~1`, Git's `GI7EBA~1`). */
const SHORT_NAME = /^(?:git|github|gi7eba)~\d+$/

/**
 * Why the action may not write `path` into the repository, or undefined: absolute, empty, backslashes, control
 * characters, `.`/`..` segments, and any segment a file system or Git may read as a `.git…` name whatever its
 * case, Unicode spelling, invisible characters, trailing dots or spaces, NTFS stream suffix or 8.3 short name.
 */
export function unwritablePath(path: string): string | undefined {
  if (path === '') return 'the path is empty'
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'the path is absolute'
  if (path.includes('\\')) return 'the path holds a backslash, a folder separator on Windows'
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'the path holds a control character'
  for (const segment of path.split('/')) {
    const folded = foldedName(segment)
      .replace(/:.*$/s, '')
      .replace(/[. ]+$/, '')
    if (/^\.*$/.test(folded)) return `the path has an empty, '.' or '..' segment ('${segment}')`
    if (folded.startsWith('.git') || SHORT_NAME.test(folded)) {
      return `'${segment}' reads as a .git or .github name: Git's own files and GitHub's workflows are never written from Kestra`
    }
  }
  return undefined
}
