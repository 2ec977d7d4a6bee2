import { withHeadline } from './headline.js'
import { DRIFT_CONSEQUENCE } from './changes.js'
import {
  beforeRunLine,
  COMMENT_LIMIT,
  DEPLOYED_END,
  DEPLOYED_START
} from '../../model/markdown/comment-markers.js'
import { scanLines } from '../../model/markdown/fence.js'

const TRUNCATED = '_… more results are in the job summary of the deploy run._'

export const DEPLOYED_HEADING = '#### Deployed'

/**
 * Adds (or replaces) the `Deployed` section of a plan comment before the run link, with the deploy's
 * `headline` and the drift warning in the past. Idempotent; within GitHub's limit, the section is cut at a
 * line outside code fences and `<details>`.
 */
export function upsertDeployedSection(
  body: string,
  deployedMarkdown: string,
  headline: string
): string {
  const plain = pastDrift(withoutDeployedSection(body.replace(/\r\n?/g, '\n')))
  const before = withHeadline(plain, headline)
  const build = (content: string) =>
    beforeRunLine(before, [DEPLOYED_START, DEPLOYED_HEADING, '', content, '', DEPLOYED_END])
  const content = deployedMarkdown.replace(/\r\n?/g, '\n').trim()
  const full = build(content)
  if (full.length <= COMMENT_LIMIT) return full
  const room = COMMENT_LIMIT - build('').length - TRUNCATED.length - 2
  return build(`${cutAtSafeLine(content, room)}\n\n${TRUNCATED}`.trim())
}

/** The drift section's sentence in the past; the last one: the section follows every diff. */
function pastDrift(body: string): string {
  const { planned, deployed } = DRIFT_CONSEQUENCE
  const at = body.lastIndexOf(planned)
  return at < 0 ? body : body.slice(0, at) + deployed + body.slice(at + planned.length)
}

function withoutDeployedSection(body: string): string {
  const start = body.indexOf(`\n${DEPLOYED_START}\n`)
  if (start < 0) return body
  const end = body.lastIndexOf(`\n${DEPLOYED_END}`)
  if (end < start) return body
  const rest = body.slice(end + DEPLOYED_END.length + 1)
  const kept = body.slice(0, start).replace(/\n+$/, '')
  return rest === '' ? kept : kept + (rest.startsWith('\n') ? rest : `\n${rest}`)
}

function cutAtSafeLine(markdown: string, room: number): string {
  let length = 0
  let depth = 0
  let safeEnd = 0
  for (const { text, inFence } of scanLines(markdown)) {
    length += text.length + 1
    if (length > room) break
    if (!inFence) {
      depth += (text.match(/<details\b/gi) ?? []).length
      depth -= (text.match(/<\/details>/gi) ?? []).length
      if (depth <= 0) safeEnd = length
    }
  }
  return markdown.slice(0, Math.max(0, safeEnd - 1))
}
