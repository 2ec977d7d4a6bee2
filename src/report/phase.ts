import type { Reporter } from './reporter.js'

/**
 * One phase of the run (docs/modes.md#the-log): its log lines in a group titled `title`, then `summary`
 * of its result as one line outside the group. A phase that throws closes its group and lets the error
 * through.
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
