/** A column of a Markdown table: its heading and each row's cell (Markdown, escaped by the caller). */
export interface Column<Row> {
  title: string
  cell(row: Row): string
}

/**
 * A Markdown table of the columns that have something to show: a column empty in every row is left
 * out, so optional facts (revisions, messages, later smoke runs) cost nothing when absent.
 */
export function markdownTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = columns.map((column) => rows.map((row) => column.cell(row)))
  const shown = columns.flatMap((column, i) =>
    cells[i]!.some((cell) => cell !== '') ? [{ title: column.title, cells: cells[i]! }] : []
  )
  const line = (values: string[]) => `| ${values.join(' | ')} |`
  return [
    line(shown.map((c) => c.title)),
    line(shown.map(() => '---')),
    ...rows.map((_, r) => line(shown.map((c) => c.cells[r]!)))
  ].join('\n')
}
