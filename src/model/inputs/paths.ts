/** A path or glob that leaves `root`: absolute, a drive letter, or a `..` segment. */
export function reachesOutside(path: string): boolean {
  const normalised = path.replace(/\\/g, '/')
  return (
    normalised.startsWith('/') ||
    /^[A-Za-z]:/.test(normalised) ||
    normalised.split('/').includes('..')
  )
}
