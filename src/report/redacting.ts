import type { GitHubPort } from '../github/port.js'
import type { Redactor } from '../secrets.js'
import type { Reporter } from './reporter.js'

/**
 * The last guard before the runner's outputs: whatever a message holds (server text is redacted where it
 * enters, this catches the rest), no credential form reaches a log line, annotation, output or summary.
 */
export function redactingReporter(reporter: Reporter, redactor: Redactor): Reporter {
  const redact = redactor.text
  return {
    info: (message) => reporter.info(redact(message)),
    warning: (message) => reporter.warning(redact(message)),
    annotate: (findings) =>
      reporter.annotate(findings.map((f) => ({ ...f, message: redact(f.message) }))),
    setOutput: (name, value) =>
      reporter.setOutput(name, typeof value === 'string' ? redact(value) : value),
    writeSummary: (markdown) => reporter.writeSummary(redact(markdown)),
    group: (title) => reporter.group(redact(title)),
    endGroup: (summary) => reporter.endGroup(summary === undefined ? undefined : redact(summary)),
    progress: (text) => reporter.progress(redact(text))
  }
}

/** GitHub's comments are public and never masked by the runner: their bodies get the same guard. */
export function redactingGitHub(github: GitHubPort, redactor: Redactor): GitHubPort {
  const redact = redactor.text
  return {
    listPullRequestFiles: (pr) => github.listPullRequestFiles(pr),
    compareCommits: (base, head) => github.compareCommits(base, head),
    findStickyComment: (issue, marker) => github.findStickyComment(issue, marker),
    upsertStickyComment: (issue, marker, body) =>
      github.upsertStickyComment(issue, marker, redact(body)),
    updateComment: (id, body) => github.updateComment(id, redact(body)),
    findMergedPullRequest: (sha) => github.findMergedPullRequest(sha),
    getFileAtRef: (path, ref) => github.getFileAtRef(path, ref)
  }
}
