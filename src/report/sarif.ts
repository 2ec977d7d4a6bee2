import { gzipSync } from 'node:zlib'
import { compareFindings, type Finding, SEVERITY_ORDER } from '../model/finding.js'

/**
 * The findings as SARIF 2.1.0 for GitHub code scanning (docs/code-scanning.md), within its upload limits
 * (https://docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#validating-your-sarif-file):
 * at most 25,000 results a run and 10 MB gzip-compressed a file, else the upload is rejected.
 */
export const MAX_SARIF_RESULTS = 25_000
const MAX_SARIF_GZIP_BYTES = 10 * 1024 * 1024

/** The schema code scanning names in its examples. */
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'
const TOOL_NAME = 'kestra-gitops'
const INFORMATION_URI = 'https://github.com/kestra-gitops/kestra-gitops-action'
const RULES_URI = `${INFORMATION_URI}/blob/main/docs/validation-rules.md`

const LEVELS = { error: 'error', warning: 'warning', notice: 'note' } as const

/** SemVer 2.0 (https://semver.org), which code scanning prefers as `semanticVersion`. */
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/

/**
 * The SARIF document of `findings` (already shown as the output edge shows text): one run, one rule per rule
 * id, one result per finding, errors first when the limits cut; `omitted` counts those left out.
 */
export function sarifDocument(
  findings: readonly Finding[],
  version: string,
  maxGzipBytes = MAX_SARIF_GZIP_BYTES
): { text: string; results: number; omitted: number } {
  const ordered = [...findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareFindings(a, b)
  )
  let kept = Math.min(ordered.length, MAX_SARIF_RESULTS)
  for (;;) {
    const text = `${JSON.stringify(sarifLog(ordered.slice(0, kept), version), null, 2)}\n`
    if (kept === 0 || gzipBound(text) <= maxGzipBytes || gzipSync(text).length <= maxGzipBytes) {
      return { text, results: kept, omitted: ordered.length - kept }
    }
    kept = Math.floor(kept / 2)
  }
}

/**
 * More bytes than gzip can make of `text`: deflate's worst case (every byte a 9-bit fixed-Huffman literal, had no
 * stored block been taken) plus headers, blocks and trailer. A text this bound keeps under the limit fits without
 * being compressed to tell.
 */
function gzipBound(text: string): number {
  const bytes = Buffer.byteLength(text)
  return bytes + Math.ceil(bytes / 8) + 1024
}

function sarifLog(findings: readonly Finding[], version: string) {
  const ruleIds = [...new Set(findings.map((finding) => finding.rule))].sort()
  const index = new Map(ruleIds.map((id, i) => [id, i]))
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version,
            ...(SEMVER.test(version) && { semanticVersion: version }),
            informationUri: INFORMATION_URI,
            rules: ruleIds.map(rule)
          }
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: index.get(finding.rule)!,
          level: LEVELS[finding.severity],
          message: { text: finding.message },
          // A finding about a resource only the server holds has no file: code scanning lists it without one.
          ...(finding.file !== '' && { locations: [location(finding)] })
        }))
      }
    ]
  }
}

function rule(id: string) {
  return {
    id,
    name: id,
    shortDescription: { text: `Kestra GitOps rule ${id}` },
    fullDescription: {
      text: `A finding of the kestra-gitops rule ${id}: each result's message says what Kestra refuses or warns about, and how to fix it.`
    },
    help: {
      text: `The rule ${id} is described in docs/validation-rules.md of kestra-gitops-action; the result's message names the fix.`
    },
    helpUri: RULES_URI
  }
}

function location(finding: Finding) {
  const startColumn = finding.column ?? 1
  const endLine = Math.max(finding.endLine ?? finding.line, finding.line)
  return {
    physicalLocation: {
      // Relative to the repository's root, as code scanning reads it; each segment a URI reference's.
      artifactLocation: { uri: finding.file.split('/').map(encodeURIComponent).join('/') },
      region: {
        startLine: finding.line,
        startColumn,
        endLine,
        ...(finding.endColumn !== undefined &&
          (endLine > finding.line || finding.endColumn > startColumn) && {
            endColumn: finding.endColumn
          })
      }
    }
  }
}
