/** A part of a document that can shrink: `reduced` replaces `full` when space runs out. */
interface Shrinkable {
  full: string
  reduced: string
}

export type Piece = string | Shrinkable

const SEPARATOR = '\n\n'

interface Fitted {
  text: string
  reduced: number
}

/**
 * Joins the pieces with blank lines within `budget` (as measured), reducing first the shrinkables that
 * save the most. Measures each piece once: linear in the document size (plus a sort).
 */
export function fitPieces(
  pieces: readonly Piece[],
  budget: number,
  measure: (text: string) => number
): Fitted | undefined {
  const separators = Math.max(0, pieces.length - 1) * measure(SEPARATOR)
  let total = separators
  const savings: { index: number; saving: number }[] = []
  for (const [index, piece] of pieces.entries()) {
    if (typeof piece === 'string') {
      total += measure(piece)
      continue
    }
    const full = measure(piece.full)
    total += full
    savings.push({ index, saving: full - measure(piece.reduced) })
  }
  savings.sort((a, b) => b.saving - a.saving || a.index - b.index)
  const reduced = new Set<number>()
  for (const { index, saving } of savings) {
    if (total <= budget) break
    reduced.add(index)
    total -= saving
  }
  if (total > budget) return undefined
  const text = pieces
    .map((piece, index) =>
      typeof piece === 'string' ? piece : reduced.has(index) ? piece.reduced : piece.full
    )
    .join(SEPARATOR)
  return { text, reduced: reduced.size }
}

export const utf16Length = (text: string): number => text.length
