import type { Finding } from '../../model/finding.js'
import type { FlowFile } from '../../model/repository.js'
import type { StoredFlowCheck } from './decide-stored-checks.js'
import { flowSchemaFindings } from './decide-schema.js'
import { releaseKey, type SchemaRelease } from './decide-schema-releases.js'
import { type Verdict } from './decide-schema-problems.js'
import { resourceOf } from './decide-server-findings.js'

/**
 * What the target releases' schemas say of a flow, as one finding per problem
 * (docs/validation-rules.md#the-schema-of-each-release).
 */

/**
 * Those the check holds when made for the same releases (at hand or stored by a deploy), else found
 * now.
 */
export function schemaVerdict(
  flow: FlowFile,
  check: Pick<StoredFlowCheck, 'schema'>,
  target: readonly SchemaRelease[]
): Finding[] {
  const releases = target.map(releaseKey)
  if (check.schema?.releases.join('\n') === releases.join('\n')) return check.schema.findings
  return schemaFindings(flow, target)
}

/**
 * An error where every target release's schema refuses it; a warning naming the refusing releases where only
 * some do, and saying what decides where a release's verdict depends on the server
 * (docs/validation-rules.md#the-schema-of-each-release).
 */
export function schemaFindings(flow: FlowFile, target: readonly SchemaRelease[]): Finding[] {
  const doc = flow.documents[0]
  if (!doc || doc.errors.some((error) => error.code !== 'DUPLICATE_KEY')) return []
  const resource = resourceOf(flow)
  return flowSchemaFindings(flow.file, doc, flow.lineCounter, target).map(
    ({ finding, verdicts }) => ({
      ...finding,
      ...resource,
      ...combinedVerdict(finding.message, verdicts, target)
    })
  )
}

/** What the verdict of these releases depends on, when the schema cannot tell. */
const UNSURE: Readonly<
  Record<Exclude<Verdict, 'refuses'>, (releases: SchemaRelease[], lines: string) => string>
> = {
  'server-default': (_, lines) =>
    `on Kestra ${lines} a plugin default of the server (instance or namespace) may set it, which only the server's validation knows`,
  'switch-case': (releases, lines) =>
    `Kestra ${lines} ${releases.length > 1 ? 'do' : 'does'} not check a task under a Switch's \`cases\` when ${releases.length > 1 ? 'they load' : 'it loads'} the flow: the task fails when it runs`,
  'dag-task': (_, lines) =>
    `Kestra ${lines} does not check a Dag's tasks when it loads the flow: the task fails when it runs`,
  'newer-server': (releases) =>
    releases
      .map(
        ({ version, newer }) =>
          `Kestra ${newer ?? ''} is newer than the ${version} schema this build carries: the server's validation decides`
      )
      .join('; ')
}

function combinedVerdict(
  message: string,
  verdicts: ReadonlyMap<string, Verdict>,
  target: readonly SchemaRelease[]
): Pick<Finding, 'severity' | 'message'> {
  const refusing = target.filter((release) => verdicts.get(release.line) === 'refuses')
  if (refusing.length === target.length) return { severity: 'error', message }
  const lines = (releases: SchemaRelease[]) => releases.map((release) => release.line).join(', ')
  const accepting = target.filter((release) => !verdicts.has(release.line))
  const unsure = new Map<Exclude<Verdict, 'refuses'>, SchemaRelease[]>()
  for (const release of target) {
    const verdict = verdicts.get(release.line)
    if (verdict !== undefined && verdict !== 'refuses') {
      unsure.set(verdict, [...(unsure.get(verdict) ?? []), release])
    }
  }
  const said = [
    ...(refusing.length > 0 ? [`Kestra ${lines(refusing)} refuses it`] : []),
    ...[...unsure].map(([verdict, releases]) => UNSURE[verdict](releases, lines(releases))),
    ...(accepting.length > 0 ? [`${lines(accepting)} accepts it`] : [])
  ].join('; ')
  const choose =
    refusing.length > 0 && accepting.length > 0 ? ': set kestra-version to the release you run' : ''
  const text = `${said.charAt(0).toUpperCase()}${said.slice(1)}${choose}`
  return { severity: 'warning', message: `${message} (${text}.)` }
}
