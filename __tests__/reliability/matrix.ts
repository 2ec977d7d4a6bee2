/** Collects passing cells of a test matrix and prints it as a Markdown table (failed cells show ✗). */
const cells = new Map<string, string>()

export function recordCell(row: string, column: string, outcome: string): void {
  cells.set(`${row}\0${column}`, outcome)
}

export function printMatrix(title: string, rows: string[], columns: string[]): string {
  const line = (values: string[]) => `| ${values.join(' | ')} |`
  const body = rows.map((row) =>
    line([
      row,
      ...columns.map((column) => {
        const outcome = cells.get(`${row}\0${column}`)
        return outcome === undefined ? '✗ FAILED' : `✓ ${outcome}`
      })
    ])
  )
  const passed = [...cells.keys()].length
  return [
    '',
    `${title}: ${passed} of ${rows.length * columns.length} cells pass`,
    '',
    line(['fault', ...columns]),
    line(['---', ...columns.map(() => '---')]),
    ...body,
    ''
  ].join('\n')
}
