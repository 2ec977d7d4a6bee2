/**
 * A fenced code block that no content can close early: backticks one longer than the longest
 * backtick run inside (at least three).
 */
export function fence(content: string, info = ''): string {
  let longest = 0
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  const ticks = '`'.repeat(Math.max(3, longest + 1))
  const body = content.endsWith('\n') || content === '' ? content : `${content}\n`
  return `${ticks}${info}\n${body}${ticks}`
}
