/** A fenced code block no content can close early: backticks one longer than the longest run inside (min. 3). */
export function fence(content: string, info = ''): string {
  let longest = 0
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  const ticks = '`'.repeat(Math.max(3, longest + 1))
  const body = content.endsWith('\n') || content === '' ? content : `${content}\n`
  return `${ticks}${info}\n${body}${ticks}`
}

/** A line of a Markdown document and whether it lies inside a fenced code block (fence lines included). */
interface ScannedLine {
  text: string
  inFence: boolean
  /** The fence still open after this line (what closes it: `length` times `char`). */
  open?: Fence
}

export interface Fence {
  char: string
  length: number
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/

/** Splits Markdown into lines, marking those that belong to fenced code blocks (CommonMark rules). */
export function scanLines(markdown: string): ScannedLine[] {
  const result: ScannedLine[] = []
  let open: Fence | undefined
  for (const text of markdown.split('\n')) {
    if (open) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(text)
      if (close && close[1]![0] === open.char && close[1]!.length >= open.length) open = undefined
      result.push({ text, inFence: true, open })
      continue
    }
    const start = FENCE_OPEN.exec(text)
    if (start && !(start[1]![0] === '`' && start[2]!.includes('`'))) {
      open = { char: start[1]![0]!, length: start[1]!.length }
      result.push({ text, inFence: true, open })
      continue
    }
    result.push({ text, inFence: false })
  }
  return result
}
