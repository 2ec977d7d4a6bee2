import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseFlowFile } from '../../../src/model/flow-file.js'
import type { FlowFile } from '../../../src/model/repository.js'
import type { Finding, Severity } from '../../../src/model/finding.js'
import { CORPUS_DIR, CORPUS_PRESENT } from '../../../test-support/corpus.js'
import { model, validateRepository } from './helpers.js'

const corpus = CORPUS_DIR
const present = CORPUS_PRESENT

interface Row {
  path: string
  expected: 'valid' | 'invalid'
  note: string
}

function manifest(): Row[] {
  return readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('\t'))
    .filter((cols) => cols[4] === 'valid' || cols[4] === 'invalid')
    .map((cols) => ({
      path: cols[0] as string,
      expected: cols[4] as Row['expected'],
      note: cols[5] ?? ''
    }))
}

/**
 * One FlowFile per flow. Kestra's validate endpoint takes several flows in one file, so multi-document
 * corpus files are split on `---` (as the corpus README advises); blank lines keep line numbers.
 */
function flowsOf(row: Row): FlowFile[] {
  const raw = readFileSync(join(corpus, row.path), 'utf8')
  if (!row.note.includes('multi-document'))
    return [parseFlowFile({ file: row.path, rel: row.path, raw })]
  const lines = raw.split('\n')
  const starts = [0, ...lines.flatMap((line, index) => (/^---\s*$/.test(line) ? [index + 1] : []))]
  return starts.map((start, index) => {
    const end = index + 1 < starts.length ? (starts[index + 1] as number) - 1 : lines.length
    const text = '\n'.repeat(start) + lines.slice(start, end).join('\n')
    return parseFlowFile({ file: row.path, rel: row.path, raw: text })
  })
}

function validate(row: Row): Finding[] {
  return flowsOf(row).flatMap((flow) => validateRepository(model([flow])))
}

interface Expectation {
  rule: string
  line: number
  severity?: Severity
}

const INVALID = 'kestra-invalid/kestra-io+kestra/'
const e = (rule: string, line: number, severity: Severity = 'error'): Expectation => ({
  rule,
  line,
  severity
})

/** Invalid files whose reason needs no plugin, with the finding that must catch each (read from the file). */
const CATCHABLE: Record<string, Expectation[]> = {
  'kestra-invalid/kestra-io+examples/eachSequentialPostgres.yml': [e('yaml-alias', 7)],
  'kestra-invalid/kestra-io+examples/gitPythonWithSecret.yml': [e('yaml-syntax', 15)],
  [`${INVALID}invalid.yaml`]: [e('core-schema', 1), e('core-schema', 2), e('task-id', 4)],
  [`${INVALID}empty.yaml`]: [e('core-schema', 1)],
  // A missing `tasks` is a warning with no release known: on 1.3 a server's plugin default may still set it.
  [`${INVALID}invalid-parallel.yaml`]: [
    e('core-schema', 1),
    e('core-schema', 2),
    e('core-schema', 12, 'warning'),
    e('core-schema', 18),
    e('core-schema', 20, 'warning')
  ],
  [`${INVALID}duplicate.yaml`]: [
    e('duplicate-task-id', 14),
    e('duplicate-task-id', 21),
    e('duplicate-task-id', 25),
    e('duplicate-task-id', 30),
    e('duplicate-trigger-id', 37)
  ],
  [`${INVALID}duplicate-parallel.yaml`]: [e('duplicate-task-id', 38)],
  [`${INVALID}duplicate-inputs.yaml`]: [e('duplicate-input-id', 8)],
  [`${INVALID}duplicate-key.yaml`]: [e('duplicate-key', 10)],
  [`${INVALID}inputs.yaml`]: [e('input-id', 4), e('input-type', 4)],
  // An input type this action does not know is left to the server (Kestra adds types).
  [`${INVALID}inputs-bad-type.yaml`]: [e('input-id', 4), e('input-type', 5, 'warning')],
  [`${INVALID}system-labels.yaml`]: [e('system-label', 5), e('system-label', 6), e('task-id', 10)],
  [`${INVALID}recursive-flow.yaml`]: [e('recursive-subflow', 5)],
  [`${INVALID}inputs-key-with-subtraction-symbol-validation.yaml`]: [e('dashed-reference', 12)],
  [`${INVALID}outputs-key-with-subtraction-symbol-validation.yaml`]: [
    e('dashed-reference', 11),
    e('dashed-reference', 16)
  ],
  // Newer-Kestra rule (PR #15090) that valid corpus files break: a warning, on the trigger.
  [`${INVALID}scheduled-missing-inputs-defaults.yaml`]: [
    e('schedule-missing-inputs', 18, 'warning')
  ],
  [`${INVALID}scheduled-missing-inputs-defaults-2.yaml`]: [
    e('schedule-missing-inputs', 15, 'warning')
  ],
  // 1.3.31 refuses an empty listener ("listeners[0].tasks: must not be empty"); 2.0.0 has no listeners.
  [`${INVALID}listener.yaml`]: [e('listener-tasks', 7), e('listener-tasks', 9)],
  // Core-task semantics.
  [`${INVALID}dag-cyclicdependency.yaml`]: [e('dag-dependency', 4)],
  [`${INVALID}dag-notexist-task.yaml`]: [e('dag-dependency', 17)],
  [`${INVALID}duplicate-preconditions.yaml`]: [e('duplicate-preconditions', 22)],
  [`${INVALID}if-without-condition.yaml`]: [e('core-schema', 5, 'warning')],
  [`${INVALID}switch-invalid.yaml`]: [e('switch-no-tasks', 9)],
  [`${INVALID}workingdirectory-invalid.yaml`]: [e('working-directory-child', 11)],
  [`${INVALID}workingdirectory-no-tasks.yaml`]: [e('working-directory-tasks', 5)],
  [`${INVALID}inputs-validation.yaml`]: [e('input-file-defaults', 7), e('input-item-type', 10)],
  [`${INVALID}inputs-bad-validator-syntax.yaml`]: [e('input-validator', 6)],
  [`${INVALID}secret-element-type.yaml`]: [e('input-item-type', 6)],
  [`${INVALID}secret-input-as-item-type.yaml`]: [e('input-item-type', 6)],
  // Core 1.3.31 run loads it (each execution's value is refused); 2.0.0 has no `options`.
  [`${INVALID}inputs-with-multiple-constraint-violations.yaml`]: [
    e('input-multiselect', 10, 'warning')
  ]
}

/** Invalid files whose reason only a server (plugin registry, edition, runtime) can see. */
const NEEDS_SERVER: Record<string, string> = {
  // Kestra's own fixtures, which its released cores accept: no local error either.
  [`${INVALID}switch-empty-case-invalid.yaml`]: 'nothing: core 1.3.31 and 2.0.0 run accept it',
  [`${INVALID}switch-empty-defaults-invalid.yaml`]: 'nothing: core 1.3.31 and 2.0.0 run accept it',
  [`${INVALID}invalid-task.yaml`]: 'unknown task types',
  [`${INVALID}invalid-property.yaml`]: 'unknown task property',
  [`${INVALID}simpleInvalidFlow.yaml`]: 'unknown task property',
  [`${INVALID}validateMultipleInvalidFlows.yaml`]: 'unknown property / unknown type',
  [`${INVALID}dag-invalid-subtask.yaml`]: 'Log task without its required `message` (plugin schema)',
  [`${INVALID}worker-group.yaml`]: 'Enterprise-only workerGroup',
  [`${INVALID}worker-trigger-failure.yaml`]: 'malformed Pebble evaluated at run time'
}

/**
 * Files the manifest calls valid that break a rule Kestra itself enforces (the examples repository
 * was never run through a server). Each is asserted, so a change in behaviour is noticed.
 */
const MANIFEST_DISAGREES: Record<string, Expectation & { why: string }> = {
  'kestra-valid/kestra-io+examples/stage.yml': {
    ...e('duplicate-key', 17),
    why: 'duplicate `sql` key: engine 1.3.31 and 2.0.0 refuse to save it ("Duplicate field"), as the corpus says of duplicate-key.yaml'
  },
  'kestra-valid/kestra-io+examples/trigger.yml': {
    ...e('task-id', 5),
    why: "task id 'echo trigger file' has spaces, outside ^[a-zA-Z0-9][a-zA-Z0-9_-]*$"
  },
  'kestra-valid/kestra-io+examples/fivetranSyncParallel.yml': {
    ...e('working-directory-child', 8),
    why: 'Parallel inside WorkingDirectory: "Only runnable tasks are allowed as children of a WorkingDirectory task"'
  },
  'kestra-valid/kestra-io+examples/fivetranSyncParallelDbtCloud.yml': {
    ...e('working-directory-child', 8),
    why: 'Parallel inside WorkingDirectory: "Only runnable tasks are allowed as children of a WorkingDirectory task"'
  },
  'kestra-valid/kestra-io+examples/airbyteSyncParallelWithDbt.yml': {
    ...e('core-schema', 65),
    why: 'a top-level `pluginsDefaults` (for `pluginDefaults`): `FlowWithSource` refuses an unknown field on both lines (core 1.3.31 run, for `title`: \'Unrecognized field "title" (class io.kestra.core.models.flows.FlowWithSource)\')'
  },
  'kestra-valid/kestra-io+examples/ee_stream_auditlogs_to_bq.yml': {
    ...e('core-schema', 4),
    why: 'a top-level `title`: core 1.3.31 and 2.0.0 run: \'Unrecognized field "title" (class io.kestra.core.models.flows.FlowWithSource)\''
  },
  'kestra-valid/kestra-io+kestra/task-when.yml': {
    ...e('core-schema', 10),
    why: 'a task-level `when`: core 1.3.31 and 2.0.0 run: \'Unrecognized field "when" (class io.kestra.plugin.core.log.Log)\''
  },
  // The cross-field checks and the schema read as each release reads it: each confirmed by core 1.3.31.
  'kestra-valid/kestra-io+examples/helloParametrized.yml': {
    ...e('input-defaults-optional', 10),
    why: "an optional input with a default: core 1.3.31 run: 'user: Inputs with a default value must be required, since the default is always applied'"
  },
  'kestra-valid/kestra-io+examples/helloParametrizedScheduled.yml': {
    ...e('input-defaults-optional', 11),
    why: "an optional input with a default: core 1.3.31 run: 'user: Inputs with a default value must be required, since the default is always applied'"
  },
  'kestra-valid/kestra-io+examples/helloParametrizedSchedulesMultiple.yml': {
    ...e('input-defaults-optional', 16),
    why: "an optional input with a default: core 1.3.31 run: 'user: Inputs with a default value must be required, since the default is always applied'"
  },
  'kestra-valid/kestra-io+kestra/kv.yaml': {
    ...e('input-defaults-optional', 6),
    why: "optional inputs with defaults: core 1.3.31 run: 'namespace: Inputs with a default value must be required, since the default is always applied'"
  },
  'kestra-valid/kestra-io+examples/runtimeSLA.yml': {
    ...e('core-schema', 12),
    why: 'Fail with `executionId`: core 1.3.31 run (the flow without its Slack task): \'Unrecognized field "executionId" (class io.kestra.plugin.core.execution.Fail)\''
  },
  'kestra-valid/kestra-io+examples/s3Trigger.yml': {
    ...e('core-schema', 13),
    why: 'ForEach with `value`: core 1.3.31 run: \'Unrecognized field "value" (class io.kestra.plugin.core.flow.ForEach)\''
  },
  'kestra-valid/kestra-io+examples/s3parallelUploads.yml': {
    ...e('core-schema', 54),
    why: 'ForEach with `value`: core 1.3.31 run: \'Unrecognized field "value" (class io.kestra.plugin.core.flow.ForEach)\''
  },
  'kestra-valid/kestra-io+kestra/invalid-task-defaults.yaml': {
    ...e('core-schema', 8),
    why: "a plugin default naming a property Log lacks: core 1.3.31 run: 'Invalid Plugin Default: No property 'invalid' exists in plugin 'io.kestra.plugin.core.log.Log''"
  },
  'kestra-valid/kestra-io+kestra@v0.16.15/retry-invalid.yml': {
    ...e('retry-interval', 10),
    why: "core 1.3.31 run: 'tasks[0].retry.intervalLessThanMaxDuration: 'interval' must be less than 'maxDuration''"
  }
}

function matches(findings: Finding[], expectation: Expectation): boolean {
  return findings.some(
    (finding) =>
      finding.rule === expectation.rule &&
      finding.line === expectation.line &&
      finding.severity === (expectation.severity ?? 'error')
  )
}

describe('Kestra corpus', () => {
  it.skipIf(!present)(
    'finds no error in valid files and catches every plugin-less invalid file',
    () => {
      const rows = manifest()
      const valid = rows.filter((row) => row.expected === 'valid')
      const invalid = rows.filter((row) => row.expected === 'invalid')

      const validWithErrors = valid
        .map((row) => ({
          row,
          errors: validate(row).filter((finding) => finding.severity === 'error')
        }))
        .filter(({ errors }) => errors.length > 0)
      const unexpected = validWithErrors.filter(({ row }) => !(row.path in MANIFEST_DISAGREES))
      const disagreementsSeen = validWithErrors.filter(({ row, errors }) => {
        const expected = MANIFEST_DISAGREES[row.path]
        return (
          expected !== undefined &&
          matches(errors, expected) &&
          errors.every((error) => error.rule === expected.rule)
        )
      })

      const table = invalid.map((row) => {
        const findings = validate(row)
        const expectations = CATCHABLE[row.path]
        const caught = expectations !== undefined && expectations.every((x) => matches(findings, x))
        const status =
          expectations === undefined
            ? row.path in NEEDS_SERVER
              ? `needs server: ${NEEDS_SERVER[row.path]}`
              : 'UNCLASSIFIED'
            : caught
              ? expectations.every((x) => (x.severity ?? 'error') === 'error')
                ? 'caught'
                : 'caught (warning: newer-Kestra rule)'
              : 'MISSED'
        return {
          file: row.path.replace(/^kestra-invalid\//, ''),
          status,
          errors: findings.filter((f) => f.severity === 'error').length
        }
      })
      const caught = table.filter((row) => row.status.startsWith('caught')).length
      console.table(table)
      console.table({
        'valid files': valid.length,
        'valid files with errors (unexpected)': unexpected.length,
        'valid files the manifest mislabels (asserted)': disagreementsSeen.length,
        'invalid files': invalid.length,
        'invalid caught without server': caught,
        'invalid needing a server': table.filter((row) => row.status.startsWith('needs server'))
          .length
      })
      if (unexpected.length > 0) {
        console.log(
          unexpected
            .map(
              ({ row, errors }) =>
                `${row.path}\n  ${errors.map((f) => `${f.line}: ${f.rule} ${f.message}`).join('\n  ')}`
            )
            .join('\n')
        )
      }

      expect(unexpected.map(({ row }) => row.path)).toEqual([])
      expect(disagreementsSeen.map(({ row }) => row.path).sort()).toEqual(
        Object.keys(MANIFEST_DISAGREES).sort()
      )
      expect(
        table.filter((row) => row.status === 'MISSED' || row.status === 'UNCLASSIFIED')
      ).toEqual([])
      expect(caught).toBe(Object.keys(CATCHABLE).length)
    }
  )

  it.skipIf(!present)(
    'follows the server version: a 0.x flow id reserved in 1.0 is a warning on 0.x',
    () => {
      const row = manifest().find((r) => r.path === 'kestra-valid/kestra-io+kestra/pause.yaml')!
      const findings = flowsOf(row).flatMap((flow) =>
        validateRepository(model([flow]), { serverVersion: [0, 21, 0] })
      )
      expect(findings.filter((finding) => finding.severity === 'error')).toEqual([])
      expect(findings.map((finding) => finding.rule)).toContain('reserved-flow-id')
    }
  )

  it.skipIf(!present)('validates the gitops repository as one tree with folder namespaces', () => {
    const base = 'gitops-repos/anna-geller+kestra-ci-cd/'
    const rows = manifest().filter((row) => row.path.startsWith(`${base}flows/`))
    expect(rows).toHaveLength(8)
    const flows = rows.map((row) =>
      parseFlowFile({
        file: row.path,
        rel: row.path.slice(base.length),
        raw: readFileSync(join(corpus, row.path), 'utf8'),
        expectedNamespace: row.path.split('/')[3] as string
      })
    )
    const findings = validateRepository(model(flows), { layout: 'tenant' })
    expect(findings.filter((finding) => finding.severity === 'error')).toEqual([])
    // The same id in two namespaces is two flows, not a duplicate.
    expect(
      flows
        .filter((flow) => flow.id === 'flow1')
        .map((flow) => flow.namespace)
        .sort()
    ).toEqual(['myrootnamespace', 'myrootnamespace.marketing'])
  })
})
