import type { Reporter } from './reporter.js'

/**
 * One phase of the run (docs/modes.md#the-log): its lines grouped under `title`, then `summary` as one line; a
 * throw closes the group.
 */
export async function phase<T>(
  reporter: Reporter,
  title: string,
  work: () => Promise<T> | T,
  summary: (result: T) => string
): Promise<T> {
  reporter.group(title)
  let result: T
  try {
    result = await work()
  } catch (error) {
    reporter.endGroup()
    throw error
  }
  reporter.endGroup(summary(result))
  return result
}
