/** Collects passing cells of a test matrix and prints it as a Markdown table (failed cells show ✗). */
const cells = new Map<string, string>()

/** Runs one cell's test and records `✓ outcome`, or `✗` and the first line of the failure. */
export async function matrixCell(
  row: string,
  column: string,
  outcome: string,
  test: () => Promise<void>
): Promise<void> {
  try {
    await test()
    cells.set(`${row}\0${column}`, `✓ ${outcome}`)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    cells.set(
      `${row}\0${column}`,
      `✗ ${message.split('\n', 1)[0]!.slice(0, 80).replace(/\|/g, '/')}`
    )
    throw error
  }
}

export function printMatrix(
  title: string,
  corner: string,
  rows: string[],
  columns: string[]
): string {
  const line = (values: string[]) => `| ${values.join(' | ')} |`
  const body = rows.map((row) =>
    line([
      row,
      ...columns.map((column) => {
        const outcome = cells.get(`${row}\0${column}`)
        return outcome ?? '– not run'
      })
    ])
  )
  const passed = [...cells.values()].filter((outcome) => outcome.startsWith('✓')).length
  return [
    '',
    `${title}: ${passed} of ${rows.length * columns.length} cells pass`,
    '',
    line([corner, ...columns]),
    line(['---', ...columns.map(() => '---')]),
    ...body,
    ''
  ].join('\n')
}
