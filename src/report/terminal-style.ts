function style(open: number, close: number): (text: string) => string {
  return (text) => (text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`)
}

const COLOURS = {
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  blue: style(34, 39),
  cyan: style(36, 39),
  dim: style(2, 22),
  bold: style(1, 22)
}

export type Palette = typeof COLOURS

const PLAIN = Object.fromEntries(
  Object.keys(COLOURS).map((name) => [name, (text: string) => text])
) as unknown as Palette

export function palette(colour: boolean): Palette {
  return colour ? COLOURS : PLAIN
}

/** https://no-color.org: NO_COLOR set to a non-empty value disables colour unless forced. */
export function wantsColour(
  forced: boolean | undefined,
  isTerminal: boolean,
  env: Record<string, string | undefined>
): boolean {
  return forced ?? (isTerminal && !env.NO_COLOR)
}

// C0 controls except tab and newline, DEL and C1 controls: a flow or file name could otherwise
// move the cursor, rewrite earlier lines or change the terminal's title.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/** Repository and server text made inert for a terminal: control characters shown as \xNN. */
export function inert(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
