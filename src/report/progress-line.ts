interface ProgressLineOptions {
  /** A terminal (stderr). */
  write(text: string): void
  now(): number
  /** Nothing is shown for work that ends sooner (ms). Default 1,000. */
  delayMs?: number
}

const CLEAR_LINE = '\r\u001b[2K'

/**
 * One line on a terminal saying what is under way, shown once the work has taken over a second and
 * rewritten in place: `Reading the server… 3 s`. Other output clears it first (`clear`).
 */
export class ProgressLine {
  private text = ''
  private since = 0
  private shown = false

  constructor(private readonly options: ProgressLineOptions) {}

  /** What is under way now; '' when nothing is. The clock starts when something starts. */
  set(text: string): void {
    if (!text) this.clear()
    else if (!this.text) this.since = this.options.now()
    this.text = text
  }

  /** Draws the line, when something has been under way long enough. */
  tick(): void {
    if (!this.text) return
    const elapsed = this.options.now() - this.since
    if (elapsed < (this.options.delayMs ?? 1000)) return
    this.options.write(`${CLEAR_LINE}${this.text}… ${Math.floor(elapsed / 1000)} s`)
    this.shown = true
  }

  /** Removes the line (before other output); the next tick draws it again. */
  clear(): void {
    if (this.shown) this.options.write(CLEAR_LINE)
    this.shown = false
  }
}
