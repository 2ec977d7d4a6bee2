import type { Reporter } from './reporter.js'

/** A phase of the run (docs/modes.md#the-log): lines grouped under `title`, then `summary`; a throw closes it. */
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
