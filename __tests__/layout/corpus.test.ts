import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { CORPUS_DIR, CORPUS_PRESENT } from '../../test-support/corpus.js'
import { loadWorkTree, settingsWith } from './support.js'

const CORPUS_REPO = join(CORPUS_DIR, 'gitops-repos/anna-geller+kestra-ci-cd')

describe.runIf(CORPUS_PRESENT)(
  'anna-geller/kestra-ci-cd with custom flows globs and namespace-files mappings',
  () => {
    const settings = settingsWith({
      layout: 'custom',
      flows: 'flows/*/*.yml',
      'namespace-files':
        'scripts/ -> myrootnamespace:/scripts\ndbt/ -> myrootnamespace.analytics:/dbt'
    })

    it('reads the eight flows and none of the dbt YAML files as flows', async () => {
      const model = await loadWorkTree(settings, CORPUS_REPO)
      expect(model.flows.map((f) => [f.file, f.namespace])).toEqual([
        ['flows/myrootnamespace.analytics/dbt.yml', 'myrootnamespace.analytics'],
        ['flows/myrootnamespace.analytics/dbt_new.yml', 'myrootnamespace.analytics'],
        ['flows/myrootnamespace.marketing/marketing__flow1.yml', 'myrootnamespace.marketing'],
        ['flows/myrootnamespace.marketing/marketing__flow2.yml', 'myrootnamespace.marketing'],
        ['flows/myrootnamespace.marketing/marketing__flow3.yml', 'myrootnamespace.marketing'],
        ['flows/myrootnamespace/flow1.yml', 'myrootnamespace'],
        ['flows/myrootnamespace/flow2.yml', 'myrootnamespace'],
        ['flows/myrootnamespace/flow3.yml', 'myrootnamespace']
      ])
      expect(model.readProblems).toEqual([])
    })

    it('maps scripts/ and dbt/ to their namespaces and prefixes, skipping dotfiles', async () => {
      const model = await loadWorkTree(settings, CORPUS_REPO)
      expect(model.files.map((f) => [f.file, f.namespace, f.path, f.binary])).toEqual([
        ['dbt/dbt_project.yml', 'myrootnamespace.analytics', '/dbt/dbt_project.yml', false],
        [
          'dbt/models/example/my_first_dbt_model.sql',
          'myrootnamespace.analytics',
          '/dbt/models/example/my_first_dbt_model.sql',
          false
        ],
        [
          'dbt/models/example/my_second_dbt_model.sql',
          'myrootnamespace.analytics',
          '/dbt/models/example/my_second_dbt_model.sql',
          false
        ],
        [
          'dbt/models/example/schema.yml',
          'myrootnamespace.analytics',
          '/dbt/models/example/schema.yml',
          false
        ],
        ['dbt/profiles.yml', 'myrootnamespace.analytics', '/dbt/profiles.yml', false],
        ['scripts/hello.py', 'myrootnamespace', '/scripts/hello.py', false],
        ['scripts/hello.sql', 'myrootnamespace', '/scripts/hello.sql', false],
        ['scripts/mysubdir/hello2.py', 'myrootnamespace', '/scripts/mysubdir/hello2.py', false]
      ])
      expect(model.managedNamespaces).toEqual([
        'myrootnamespace',
        'myrootnamespace.analytics',
        'myrootnamespace.marketing'
      ])
    })
  }
)
