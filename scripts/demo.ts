/**
 * `npm run demo`: the bundled action, end to end, as the GitHub runner runs it, against the embedded Kestra
 * emulator and a fake GitHub API (nothing leaves 127.0.0.1).
 *
 * Story: `main` holds examples/ as it was last deployed, with an older hello.yml and orders.sql; a pull request
 * brings examples/ as it is now. Meanwhile someone edited daily_report in the Kestra UI (drift), and the server
 * still holds a flow the repository no longer has (orphaned), which calls cleanup. The PR moves hello's
 * schedule and changes cleanup, so the comment shows the cron before → after and cleanup's callers. The demo
 * prints the PR comment and the job summary, then merges, deploys with a smoke run of hello and prints the
 * deploy receipt and the server state.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startEmulator } from '../test-support/kestra-emulator/index.js'
import { replaceBlock } from './action-docs.js'
import { startFakeGitHub } from '../test-support/fake-github.js'
import { createGitRepo } from '../test-support/git-repo.js'
import { PROJECT_ROOT, runAction, type RunResult } from '../test-support/runner.js'
import { scratchTmpdirUntilExit } from '../test-support/scratch.js'

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

function banner(title: string): void {
  console.log(`\n${'='.repeat(100)}\n${title}\n${'='.repeat(100)}`)
}

function report(step: string, result: RunResult): void {
  banner(`${step}: exit code ${result.exitCode}; outputs`)
  console.log(JSON.stringify(result.outputs, null, 2))
  const annotations = result.annotations.filter((a) => a.file)
  if (annotations.length > 0) {
    banner(`${step}: annotations`)
    for (const a of annotations) console.log(`${a.severity} ${a.file}:${a.line ?? ''} ${a.message}`)
  }
  if (result.exitCode !== 0) console.log(result.stdout, result.stderr)
}

async function main(): Promise<void> {
  const kestra = await startEmulator({ version: '1.3.2', basicAuth: CREDENTIALS })
  const github = await startFakeGitHub()
  try {
    // main: the repository as last deployed.
    const repo = createGitRepo()
    cpSync(examples, repo.dir, { recursive: true })
    const base = repo.commit(
      {
        'company.team/flows/hello.yml': OLD_HELLO,
        'company.team/flows/cleanup.yml': OLD_CLEANUP,
        'company.team/files/sql/orders.sql': OLD_ORDERS_SQL,
        'company.team.analytics/files/assets/logo.png': null
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
    const head = repo.commit({}, 'Update the examples')
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
    report('Pull request #7 (plan)', pr)
    banner('The sticky comment on pull request #7')
    const comment = github.comments(7)[0]?.body ?? '(no comment was written)'
    console.log(comment)
    if (process.argv.includes('--readme')) writeReadmeExample(comment, kestra.url)
    banner('The job summary of the plan run')
    console.log(pr.summary)

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
    report('Push to main (deploy)', push)
    banner('The job summary of the deploy run (receipt)')
    console.log(push.summary)
    banner('Kestra after the deploy')
    const state = kestra.snapshot()
    for (const flow of state.flows) {
      console.log(
        `flow ${flow.namespace}.${flow.id} rev ${flow.revision}${flow.deleted ? ' (deleted)' : ''}`
      )
    }
    for (const file of state.files)
      console.log(`file ${file.namespace}:${file.path} ${file.bytes.length} bytes`)
    banner('The comment on pull request #7 after the merge')
    console.log(github.comments(7)[0]?.body ?? '(no comment)')
    process.exitCode = pr.exitCode === 0 && push.exitCode === 0 ? 0 : 1
  } finally {
    await kestra.close()
    await github.close()
  }
}

/** `npm run demo -- --readme`: the README shows this very comment (with a presentable server URL). */
function writeReadmeExample(comment: string, serverUrl: string): void {
  const quoted = comment
    .replaceAll(serverUrl, 'https://kestra.example.com')
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n')
  const readme = join(PROJECT_ROOT, 'README.md')
  writeFileSync(readme, replaceBlock(readFileSync(readme, 'utf8'), 'example-comment', quoted))
  console.log('README.md: example comment updated')
}

scratchTmpdirUntilExit('kga-demo-')
await main()
