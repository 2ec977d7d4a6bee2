/**
 * `npm run demo`: the bundled action, end to end, as the GitHub runner runs it, against the embedded Kestra
 * emulator and a fake GitHub API (nothing leaves 127.0.0.1).
 *
 * Story: `main` holds examples/ as it was last deployed, with an older hello.yml and orders.sql; a pull request
 * brings examples/ as it is now. Meanwhile someone edited daily_report in the Kestra UI (drift), and the server
 * still holds a flow the repository no longer has (orphaned), which calls cleanup. The PR moves hello's
 * schedule and changes cleanup, so the comment shows the cron before → after and cleanup's callers. The demo
 * tells each step in a line or two, shows the comment as a reviewer sees it (rendered in the terminal, and as an
 * HTML page, .demo/comment.html, whose path it prints), then merges, deploys with a smoke run of hello and shows the server state.
 * Its flags: USAGE below (`npm run demo -- --help`).
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { startEmulator } from '../test-support/kestra-emulator/index.js'
import { commentPage, commentText, screenshot } from './render-comment.js'
import { startFakeGitHub } from '../test-support/fake-github.js'
import { createGitRepo } from '../test-support/git-repo.js'
import { PROJECT_ROOT, runAction, type RunResult } from '../test-support/runner.js'
import { scratchTmpdirUntilExit } from '../test-support/scratch.js'
import { scriptFlags } from './flags.js'

const examples = join(PROJECT_ROOT, 'examples')
const read = (path: string) => readFileSync(join(examples, path), 'utf8')

const OLD_HELLO = read('company.team/flows/hello.yml')
  .replace('Says hello, every morning.', 'Says hello.')
  .replace('cron: "0 7 * * *"', 'cron: "0 9 * * *"')
const OLD_CLEANUP = read('company.team/flows/cleanup.yml').replace(
  '; called by etl_orders as a subflow.',
  '.'
)
const OLD_ORDERS_SQL = 'SELECT order_id, amount\nFROM raw.orders\n'
const UI_EDITED_REPORT = read('company.team.analytics/flows/daily_report.yml').replace(
  'Builds the daily revenue report.',
  'Builds the daily revenue report (edited in the UI).'
)
const LEGACY =
  'id: legacy_import\nnamespace: company.team\ntasks:\n  - id: run\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: cleanup\n'
const CREDENTIALS = { username: 'demo@example.com', password: 'Demo-passw0rd' }

const USAGE = `npm run demo -- [--verbose] [--screenshot[=PNG]]
  --verbose           also prints each run's outputs, the raw Markdown and the job summaries
  --screenshot[=PNG]  also writes a screenshot of the comment (default docs/images/comment.png; needs Chromium)`
const DEFAULT_SHOT = join(PROJECT_ROOT, 'docs/images/comment.png')

// A bare --screenshot takes the default picture; its file is given with '=' only, never as the next argument.
const { values: flags } = scriptFlags(
  'demo',
  USAGE,
  { verbose: { type: 'boolean', default: false }, screenshot: { type: 'string' } },
  {
    args: process.argv
      .slice(2)
      .map((arg) => (arg === '--screenshot' ? `--screenshot=${DEFAULT_SHOT}` : arg))
  }
)
const verbose = flags.verbose
const SHOT = flags.screenshot

let step = 0
function tell(title: string, ...lines: string[]): void {
  console.log(`\n${++step}. ${title}`)
  for (const line of lines) console.log(`   ${line}`)
}

function banner(title: string): void {
  console.log(`\n${'─'.repeat(100)}\n${title}\n${'─'.repeat(100)}`)
}

/** A run in one line: its exit code and the outputs a reader looks at; everything with --verbose. */
function report(result: RunResult): string {
  const o = result.outputs
  const counts = ['created', 'updated', 'deleted', 'unchanged', 'orphaned', 'drifted']
    .filter((key) => o[key] && o[key] !== '0')
    .map((key) => `${o[key]} ${key}`)
  if (verbose) {
    banner('outputs')
    console.log(JSON.stringify(o, null, 2))
    for (const a of result.annotations.filter((a) => a.file))
      console.log(`${a.severity} ${a.file}:${a.line ?? ''} ${a.message}`)
  }
  if (result.exitCode !== 0) console.log(result.stdout, result.stderr)
  return `exit code ${result.exitCode}; ${counts.join(', ') || 'no change'}; ${o.errors ?? 0} errors, ${o.warnings ?? 0} warnings`
}

async function main(): Promise<void> {
  const kestra = await startEmulator({ version: '1.3.2', basicAuth: CREDENTIALS })
  const github = await startFakeGitHub()
  try {
    tell(
      'main holds examples/ as it was last deployed; Kestra (the embedded emulator) holds the same, and more:',
      'someone edited company.team.analytics.daily_report in the Kestra UI, and the server still has',
      'legacy_import, a flow the repository no longer holds, which calls cleanup.'
    )
    const repo = createGitRepo()
    cpSync(examples, repo.dir, { recursive: true })
    const base = repo.commit(
      {
        'company.team/flows/hello.yml': OLD_HELLO,
        'company.team/flows/cleanup.yml': OLD_CLEANUP,
        'company.team/files/sql/orders.sql': OLD_ORDERS_SQL,
        'company.team.analytics/files/assets/logo.png': null,
        // Deployed from Git once: the pull request removes it, so its server copy is an orphan, not the UI's work.
        'company.team/flows/legacy_import.yml': LEGACY
      },
      'main as deployed'
    )
    kestra.seed({
      flows: [
        { namespace: 'company.team', id: 'hello', source: OLD_HELLO, revisions: 3 },
        {
          namespace: 'company.team',
          id: 'cleanup',
          source: OLD_CLEANUP
        },
        {
          namespace: 'company.team',
          id: 'etl_orders',
          source: read('company.team/flows/etl_orders.yml'),
          revisions: 2
        },
        { namespace: 'company.team', id: 'legacy_import', source: LEGACY },
        {
          namespace: 'company.team.analytics',
          id: 'daily_report',
          source: UI_EDITED_REPORT,
          revisions: 5
        }
      ],
      files: [
        {
          namespace: 'company.team',
          path: '/scripts/clean_orders.py',
          content: read('company.team/files/scripts/clean_orders.py')
        },
        { namespace: 'company.team', path: '/sql/orders.sql', content: OLD_ORDERS_SQL },
        {
          namespace: 'company.team.analytics',
          path: '/queries/daily.sql',
          content: read('company.team.analytics/files/queries/daily.sql')
        }
      ]
    })

    // The pull request: examples/ as it is now.
    repo.git('checkout', '-q', '-b', 'feature')
    cpSync(examples, repo.dir, { recursive: true })
    const head = repo.commit(
      { 'company.team/flows/legacy_import.yml': null },
      'Update the examples'
    )
    const inputs = { server: kestra.url, ...CREDENTIALS }
    const pr = await runAction({
      workspace: repo.dir,
      eventName: 'pull_request',
      sha: head,
      githubApiUrl: github.url,
      inputs,
      payload: {
        action: 'synchronize',
        number: 7,
        pull_request: {
          number: 7,
          head: { sha: head, ref: 'feature', repo: { full_name: 'octo/kestra-repo' } },
          base: { sha: base, ref: 'main', repo: { full_name: 'octo/kestra-repo' } }
        }
      }
    })
    const comment = (github.comments(7)[0]?.body ?? '(no comment was written)').replaceAll(
      kestra.url,
      'https://kestra.example.com'
    )
    const page = join(PROJECT_ROOT, '.demo', 'comment.html')
    mkdirSync(dirname(page), { recursive: true })
    writeFileSync(page, commentPage(comment, 'Pull request #7: the Kestra plan'))
    tell(
      'Pull request #7 brings examples/ as they are now. The action plans it on the pull_request event:',
      report(pr),
      `The sticky comment it wrote, as a reviewer sees it (open ${page} for GitHub's rendering):`
    )
    banner('The comment on pull request #7')
    console.log(commentText(comment))
    if (verbose) {
      banner('The comment as Markdown')
      console.log(comment)
      banner('The job summary of the plan run')
      console.log(pr.summary)
    }
    if (SHOT) {
      const why = screenshot(commentPage(comment, 'Pull request #7'), SHOT, 820)
      console.log(why ? `\nNo screenshot: ${why}` : `\nScreenshot of the comment: ${SHOT}`)
    }

    // Merge and deploy.
    repo.git('checkout', '-q', 'main')
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge pull request #7', 'feature')
    const merge = repo.head()
    github.setCommitPulls(merge, [
      { number: 7, merged_at: '2026-11-22T10:00:00Z', merge_commit_sha: merge }
    ])
    const push = await runAction({
      workspace: repo.dir,
      eventName: 'push',
      sha: merge,
      githubApiUrl: github.url,
      inputs, // require-reviewed-plan and smoke-flows come from examples/kestra-gitops.yml
      payload: { ref: 'refs/heads/main', before: base, after: merge }
    })
    tell(
      'The pull request is merged. On the push, the action deploys the plan that was reviewed',
      '(require-reviewed-plan, from examples/kestra-gitops.yml), then runs hello once as a smoke run:',
      report(push)
    )
    if (verbose) {
      banner('The job summary of the deploy run (receipt)')
      console.log(push.summary)
    }
    const state = kestra.snapshot()
    tell(
      'Kestra after the deploy:',
      ...state.flows.map(
        (flow) =>
          `flow ${flow.namespace}.${flow.id}, revision ${flow.revision}${flow.deleted ? ' (deleted)' : ''}`
      ),
      ...state.files.map(
        (file) => `file ${file.namespace}:${file.path}, ${file.bytes.length} bytes`
      )
    )
    const after = github.comments(7)[0]?.body ?? '(no comment)'
    tell(
      "The deploy put its outcome on the comment's first line, and a Deployed section below the plan:",
      after.split('\n').find((line) => line.startsWith('###')) ?? ''
    )
    if (verbose) {
      banner('The comment on pull request #7 after the merge')
      console.log(after)
    }
    process.exitCode = pr.exitCode === 0 && push.exitCode === 0 ? 0 : 1
  } finally {
    await kestra.close()
    await github.close()
  }
}

scratchTmpdirUntilExit('kga-demo-')
await main()
