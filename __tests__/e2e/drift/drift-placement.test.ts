/**
 * Where the drift pull request never writes (docs/drift.md#where-the-drift-pull-request-never-writes): with a
 * root mapping (`. -> company.team`), namespace files made in Kestra's UI at `.github`, `.git` and their
 * neighbours (another case, a trailing dot, a `.git` deeper down, a case twin of a repository file, a
 * namespace file that the layout would read as a flow, a path that `.kestraignore` leaves out) stay out of the branch's tree; each is named in the
 * drift issue and the pull request with why, and the harmless one comes back.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../../test-support/scenario.js'
import { branchTree, log, NS, startDriftStage, type DriftStage } from './stage.js'

const BRANCH = 'kestra-gitops/drift-default'
const INPUTS = {
  'drift-action': 'pull-request',
  layout: 'anywhere',
  'namespace-files': '. -> company.team'
}

let stage: DriftStage | undefined
afterEach(async () => {
  await stage?.close()
  stage = undefined
})

/** Namespace files made in the UI that must never land in the branch, and why each one is refused. */
const REFUSED: Record<string, RegExp> = {
  '/.github/workflows/pwn.yml': /\.github.*never written from Kestra/,
  '/.GitHub/workflows/ci.yml': /\.GitHub.*never written from Kestra/,
  '/.github./workflows/dot.yml': /never written from Kestra/,
  '/.git/hooks/pre-commit': /\.git.*never written from Kestra/,
  '/docs/.git/config': /\.git.*never written from Kestra/,
  '/.gitmodules': /never written from Kestra/,
  '/readme.md': /differs only in case.*README\.md/,
  '/other.yml': /would read that file as the flow company\.team\.other/,
  '/ignored/x.txt': /\.kestraignore line 1 \(ignored\/\) leaves it out/
}

describe('drift pull request: where it never writes', () => {
  it('leaves .github, .git, case twins and misread paths out of the tree, naming each in the issue', async () => {
    stage = await startDriftStage({
      github: { actionsCanCreatePullRequests: true },
      tree: {
        'README.md': '# Kestra flows\n',
        '.kestraignore': 'ignored/\n',
        'pipelines/solo.yml': flow(NS, 'solo'),
        'scripts/run.py': 'print("run")\n'
      },
      seed: {
        flows: [{ namespace: NS, id: 'solo', source: flow(NS, 'solo') }],
        files: [
          { namespace: NS, path: '/README.md', content: '# Kestra flows\n' },
          { namespace: NS, path: '/scripts/run.py', content: 'print("run")\n' }
        ]
      }
    })
    for (const path of Object.keys(REFUSED)) {
      const content = path === '/other.yml' ? flow(NS, 'other') : 'on: push\njobs: {}\n'
      await stage.ui.uploadFile(NS, path, content)
    }
    await stage.ui.uploadFile(NS, '/notes/ok.txt', 'harmless\n')

    const result = await stage.drift(INPUTS)
    expect(result.exitCode, log(result)).toBe(0)

    const tree = branchTree(stage.github, BRANCH)
    const paths = [...tree.keys()]
    expect(
      paths.filter((p) =>
        p
          .toLowerCase()
          .split('/')
          .some((s) => s.startsWith('.git'))
      )
    ).toEqual([])
    expect(paths.sort()).toEqual([
      '.kestraignore',
      'README.md',
      'notes/ok.txt',
      'pipelines/solo.yml',
      'scripts/run.py'
    ])

    const [issue] = stage.driftIssues()
    const pull = [...stage.github.state.pulls.values()][0]!
    for (const [path, why] of Object.entries(REFUSED)) {
      const line = issue!.body!.split('\n').find((l) => l.includes(`${NS}:${path}</code>`))
      expect(line, `${path} in the issue`).toMatch(/not brought back/)
      expect(line!.replace(/<[^>]+>/g, '').replace(/&#39;|&#x27;/g, "'")).toMatch(why)
      expect(pull.body, `${path} in the pull request`).toContain(`${NS}:${path}</code>`)
    }
  })
})
