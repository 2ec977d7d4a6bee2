/**
 * No run is silent about a flow it leaves out (docs/layouts.md#what-a-run-says): every way an
 * ignore rule or a `flows` glob can leave a flow out gets a warning naming the flow and the rule
 * that did it.
 */
import { describe, expect, it } from 'vitest'
import type { ReadProblem } from '../../src/model/repository.js'
import { createWorkTree, type FileSpec } from '../../test-support/file-tree.js'
import { flow, loadWorkTree, settingsWith } from './support.js'

async function load(files: Record<string, FileSpec>, inputs: Record<string, string> = {}) {
  const repo = createWorkTree(files)
  return { repo, model: await loadWorkTree(settingsWith(inputs), repo.dir) }
}

const hiding = (problems: ReadProblem[]) =>
  problems.filter((problem) => problem.rule === 'ignored-flows')

describe('flows hidden by ignore rules are named, with the rule', () => {
  it('a pattern of the root .kestraignore, on its line', async () => {
    const { model } = await load(
      {
        '.kestraignore': '# drafts are not deployed\n*.draft.yml\n',
        'flows/a.yml': flow('a', 'demo'),
        'flows/b.draft.yml': flow('b', 'demo'),
        'notes.draft.yml': 'not: a flow\n'
      },
      { layout: 'anywhere' }
    )
    expect(model.flows.map((f) => f.file)).toEqual(['flows/a.yml'])
    expect(hiding(model.readProblems)).toEqual([
      {
        severity: 'warning',
        file: '.kestraignore',
        line: 2,
        rule: 'ignored-flows',
        message: expect.stringMatching(
          /^\.kestraignore line 2 \(`\*\.draft\.yml`\) hides 1 flow document\(s\) that the anywhere layout would read: flows\/b\.draft\.yml\. To deploy them/
        )
      }
    ])
  })

  it('a folder pattern: every flow inside the folder is counted', async () => {
    const { model } = await load({
      '.kestraignore': 'team/flows/old/\n',
      'team/flows/a.yml': flow('a', 'team'),
      'team/flows/old/b.yml': flow('b', 'team'),
      'team/flows/old/deeper/c.yml': flow('c', 'team')
    })
    expect(hiding(model.readProblems)).toEqual([
      expect.objectContaining({
        file: '.kestraignore',
        line: 1,
        message: expect.stringContaining(
          '(`team/flows/old/`) hides 2 flow document(s) that the tenant layout would read: team/flows/old/b.yml, team/flows/old/deeper/c.yml'
        )
      })
    ])
  })

  it('a nested .kestraignore, relative to its folder', async () => {
    const { model } = await load(
      {
        'kestra/team/flows/.kestraignore': 'legacy-*.yml\n',
        'kestra/team/flows/a.yml': flow('a', 'team'),
        'kestra/team/flows/legacy-b.yml': flow('b', 'team')
      },
      { root: 'kestra' }
    )
    expect(hiding(model.readProblems)).toEqual([
      expect.objectContaining({
        file: 'kestra/team/flows/.kestraignore',
        line: 1,
        message: expect.stringContaining(
          'kestra/team/flows/.kestraignore line 1 (`legacy-*.yml`) hides 1 flow document(s) that the tenant layout would read: kestra/team/flows/legacy-b.yml'
        )
      })
    ])
  })

  it('a negation cannot re-include a flow inside an excluded folder: the folder rule is named', async () => {
    const { model } = await load(
      {
        '.kestraignore': 'vendor/\n!vendor/keep.yml\n',
        'flows/a.yml': flow('a', 'demo'),
        'vendor/keep.yml': flow('keep', 'demo')
      },
      { layout: 'anywhere' }
    )
    expect(hiding(model.readProblems)).toEqual([
      expect.objectContaining({
        line: 1,
        message: expect.stringContaining('(`vendor/`) hides 1 flow document(s)')
      })
    ])
  })

  it('the rule on dot-folders, when no negation lists them', async () => {
    const { model } = await load(
      { 'flows/a.yml': flow('a', 'demo'), '.kestra/flows/b.yml': flow('b', 'demo') },
      { layout: 'anywhere' }
    )
    expect(hiding(model.readProblems)).toEqual([
      {
        severity: 'warning',
        file: '.kestra/flows/b.yml',
        rule: 'ignored-flows',
        message: expect.stringMatching(
          /^The rule on names starting with '\.' .* hides 1 flow document\(s\) that the anywhere layout would read: \.kestra\/flows\/b\.yml\. .*`!\.kestra\/`/
        )
      }
    ])
  })

  it('.gitignore rules, for the files and folders the anywhere layout searches', async () => {
    const { repo } = await load({
      '.gitignore': 'generated/\n*.gen.yml\n',
      'a.yml': flow('a', 'x')
    })
    repo.write({
      'generated/b.yml': flow('b', 'x'),
      'src/c.gen.yml': flow('c', 'x'),
      'src/d.gen.yml': 'not: a flow\n'
    })
    const model = await loadWorkTree(settingsWith({ layout: 'anywhere' }), repo.dir)
    expect(model.flows.map((f) => f.file)).toEqual(['a.yml'])
    expect(hiding(model.readProblems)).toEqual([
      expect.objectContaining({
        file: '.gitignore',
        line: 1,
        message: expect.stringContaining('(`generated/`) hides 1 flow document(s)')
      }),
      expect.objectContaining({
        file: '.gitignore',
        line: 2,
        message: expect.stringMatching(
          /\(`\*\.gen\.yml`\) hides 1 .*: src\/c\.gen\.yml\. Git ignores/
        )
      })
    ])
  })

  it('files a custom flows glob matches, flow documents or not', async () => {
    const { model } = await load(
      {
        '.kestraignore': 'flows/\n',
        'flows/a.yml': flow('a', 'demo'),
        'flows/b.yml': 'not: yet a flow\n',
        'config/x.yml': 'k: v\n'
      },
      { layout: 'custom', flows: 'flows/*.yml', 'namespace-files': 'config -> demo' }
    )
    expect(model.flows).toEqual([])
    expect(hiding(model.readProblems)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          '(`flows/`) hides 2 file(s) that the flows globs (flows/*.yml) match: flows/a.yml, flows/b.yml'
        )
      })
    ])
  })

  it('says nothing of what the layout would not read anyway', async () => {
    const { model } = await load({
      '.kestraignore': 'docs/\n',
      'team/flows/a.yml': flow('a', 'team'),
      'docs/example.yml': flow('example', 'team')
    })
    expect(hiding(model.readProblems)).toEqual([])
  })

  it('names the ignore file and rule in the error of a run whose only flows are hidden', async () => {
    const { model } = await load(
      {
        '.kestraignore': '*\n!config/\n!scripts/\n!sql/\n',
        'flows/etl.yml': flow('etl', 'company.data'),
        'flows/report.yml': flow('report', 'company.data'),
        'config/settings.yml': 'a: 1\n',
        'sql/query.sql': 'select 1\n'
      },
      { layout: '' }
    )
    const error = model.readProblems.find((problem) => problem.severity === 'error')
    expect(error).toMatchObject({
      file: '.',
      rule: 'nothing-found',
      message: expect.stringContaining(
        "looked in every folder under root '.'. Ignore rules hide what it would read: .kestraignore line 1 (`*`) hides flows/etl.yml, flows/report.yml."
      )
    })
    expect(hiding(model.readProblems)).toEqual([
      expect.objectContaining({ file: '.kestraignore', line: 1 })
    ])
  })
})

describe('flows a custom glob leaves out are named, with the globs', () => {
  it('a glob that misses them, or a negated glob that excludes them', async () => {
    const { model } = await load(
      {
        'flows/a.yml': flow('a', 'demo'),
        'flows/skip.yml': flow('skip', 'demo'),
        'other/b.yml': flow('b', 'demo')
      },
      { layout: 'custom', flows: 'flows/*.yml\n!flows/skip.yml' }
    )
    expect(model.flows.map((f) => f.file)).toEqual(['flows/a.yml'])
    expect(model.readProblems).toEqual([
      {
        severity: 'warning',
        file: 'flows/skip.yml',
        message:
          '2 flow file(s) under root are not matched by the flows globs (flows/*.yml, !flows/skip.yml): ' +
          'flows/skip.yml, other/b.yml. Widen the globs, or set layout: anywhere to read every flow'
      }
    ])
  })
})
