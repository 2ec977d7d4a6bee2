/**
 * docs/layouts.md#files-folders-found-by-auto: with `layout: auto`, a `files/<namespace>/` folder at root or
 * beside the flows holds the namespace files of `<namespace>` when a flow there declares it or a child of it;
 * a `namespace-files` line for the folder wins. Over generated repository shapes.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseSettings } from '../../src/config/settings.js'
import type { InputName } from '../../src/model/inputs/declared.js'
import { createWorkTree } from '../../test-support/file-tree.js'
import { flow, loadWorkTree } from './support.js'
import { runs } from '../../test-support/property-runs.js'

const NAMESPACES = ['company.data', 'company.data.finance', 'company.ops', 'other.team'] as const

/** Settings of a run with no layout input (auto), and these other inputs. */
function autoSettings(inputs: Partial<Record<InputName, string>> = {}) {
  return parseSettings((name) => inputs[name] ?? '')
}

interface Shape {
  /** The folder holding the flows' folder ('' = root). */
  base: string
  flowsStyle: 'flows/<ns>' | 'flows' | '<ns>'
  /** The namespaces flows declare (with an optional child suffix), beside the files or in another folder. */
  flows: { namespace: string; child: boolean; elsewhere: boolean }[]
  /** `files/<ns>/` folders, each at root or beside the flows. */
  fileFolders: { namespace: string; atRoot: boolean }[]
  /** A namespace-files line for the first files folder, to another namespace. */
  mapped: boolean
}

const shapes: fc.Arbitrary<Shape> = fc.record({
  base: fc.constantFrom('', 'kestra', 'deploy/kestra'),
  flowsStyle: fc.constantFrom('flows/<ns>' as const, 'flows' as const, '<ns>' as const),
  flows: fc.array(
    fc.record({
      namespace: fc.constantFrom(...NAMESPACES.slice(0, 3)),
      child: fc.boolean(),
      elsewhere: fc.boolean()
    }),
    { minLength: 1, maxLength: 4 }
  ),
  fileFolders: fc.uniqueArray(
    fc.record({ namespace: fc.constantFrom(...NAMESPACES), atRoot: fc.boolean() }),
    { minLength: 1, maxLength: 4, selector: (f) => `${f.namespace} ${f.atRoot}` }
  ),
  mapped: fc.boolean()
})

const under = (base: string, rest: string) => (base === '' ? rest : `${base}/${rest}`)

describe('files/<namespace>/ folders found by auto', () => {
  it('reads a folder as its namespace files exactly when a flow beside it declares that namespace or a child, a line winning', async () => {
    await fc.assert(
      fc.asyncProperty(shapes, async (shape) => {
        const files: Record<string, string> = {}
        const declared: { namespace: string; rel: string }[] = []
        shape.flows.forEach(({ namespace, child, elsewhere }, i) => {
          const declaredNamespace = child ? `${namespace}.reports` : namespace
          const folder =
            shape.flowsStyle === 'flows'
              ? 'flows'
              : shape.flowsStyle === 'flows/<ns>'
                ? `flows/${namespace}`
                : namespace
          const rel = under(elsewhere ? 'elsewhere' : shape.base, `${folder}/f${i}.yml`)
          files[rel] = flow(`f${i}`, declaredNamespace)
          declared.push({ namespace: declaredNamespace, rel })
        })
        const folders = shape.fileFolders
          .map(({ namespace, atRoot }) => {
            const parent = atRoot ? '' : shape.base
            return { namespace, parent, dir: under(parent, `files/${namespace}`) }
          })
          .filter((folder, i, all) => all.findIndex((f) => f.dir === folder.dir) === i)
        for (const { dir } of folders) files[`${dir}/sql/query.sql`] = `select '${dir}'\n`
        const line = shape.mapped ? folders[0]! : undefined
        const tree = createWorkTree(files)
        const settings = autoSettings(
          line ? { 'namespace-files': `${line.dir} -> company.mapped:/mapped` } : {}
        )
        const model = await loadWorkTree(settings, tree.dir)

        // The oracle: a folder is found when a flow under the folder beside it declares its namespace or a child.
        const found = folders.filter(
          ({ namespace, dir, parent }) =>
            dir !== line?.dir &&
            declared.some(
              (flow) =>
                (flow.namespace === namespace || flow.namespace.startsWith(`${namespace}.`)) &&
                (parent === '' || flow.rel.startsWith(`${parent}/`))
            )
        )
        const expected = [
          ...found.map(({ namespace, dir }) => `${namespace} /sql/query.sql ${dir}/sql/query.sql`),
          ...(line ? [`company.mapped /mapped/sql/query.sql ${line.dir}/sql/query.sql`] : [])
        ].sort()
        expect(model.files.map((f) => `${f.namespace} ${f.path} ${f.file}`).sort()).toEqual(
          expected
        )
        expect(model.layout.fileFolders ?? []).toEqual(
          found
            .map(({ namespace, dir }) => ({ dir, namespace }))
            .sort((a, b) => (a.dir < b.dir ? -1 : 1))
        )
        expect(model.readProblems.filter((p) => p.severity === 'error')).toEqual([])
      }),
      { numRuns: runs(60, 20), seed: 20261126 }
    )
  })

  it('in the tenant layout, finds a folder at root or beside flows, never one inside a tenant folder’s flows/ or files/', async () => {
    const places = ['root', 'beside', 'tenant files', 'tenant flows'] as const
    const tenantShapes = fc.record({
      tenants: fc.uniqueArray(
        fc.record({ namespace: fc.constantFrom(...NAMESPACES.slice(0, 3)), child: fc.boolean() }),
        { minLength: 1, maxLength: 3, selector: (t) => t.namespace }
      ),
      /** A flow outside the layout's folders, beside `<first tenant>/extra/files/`. */
      besideFlow: fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }),
      fileFolders: fc.uniqueArray(
        fc.record({ namespace: fc.constantFrom(...NAMESPACES), place: fc.constantFrom(...places) }),
        { minLength: 1, maxLength: 5, selector: (f) => `${f.namespace} ${f.place}` }
      )
    })
    await fc.assert(
      fc.asyncProperty(tenantShapes, async ({ tenants, besideFlow, fileFolders }) => {
        const first = tenants[0]!.namespace
        const files: Record<string, string> = {}
        const declared: { namespace: string; rel: string }[] = []
        tenants.forEach(({ namespace, child }, i) => {
          const rel = `${namespace}/flows/f${i}.yml`
          const declaredNamespace = child ? `${namespace}.reports` : namespace
          files[rel] = flow(`f${i}`, declaredNamespace)
          declared.push({ namespace: declaredNamespace, rel })
        })
        if (besideFlow) {
          files[`${first}/extra/g.yml`] = flow('g', besideFlow)
          declared.push({ namespace: besideFlow, rel: `${first}/extra/g.yml` })
        }
        const parentOf = {
          root: '',
          beside: `${first}/extra`,
          'tenant files': first,
          'tenant flows': `${first}/flows`
        }
        const folders = fileFolders.map(({ namespace, place }) => {
          const parent = parentOf[place]
          return { namespace, place, parent, dir: under(parent, `files/${namespace}`) }
        })
        for (const { dir } of folders) files[`${dir}/sql/query.sql`] = `select '${dir}'\n`
        const model = await loadWorkTree(autoSettings(), createWorkTree(files).dir)

        // The oracle: a folder at root or beside a flow is found when a flow under its parent declares its
        // namespace or a child; the tenant folders' own flows/ and files/ are the layout's.
        const found = folders.filter(
          ({ namespace, place, parent }) =>
            (place === 'root' || place === 'beside') &&
            declared.some(
              (flow) =>
                (flow.namespace === namespace || flow.namespace.startsWith(`${namespace}.`)) &&
                (parent === '' || flow.rel.startsWith(`${parent}/`))
            )
        )
        expect(model.layout.layout).toBe('tenant')
        expect(model.layout.fileFolders ?? []).toEqual(
          found
            .map(({ namespace, dir }) => ({ dir, namespace }))
            .sort((a, b) => (a.dir < b.dir ? -1 : 1))
        )
        const expected = [
          ...found.map(({ namespace, dir }) => `${namespace} /sql/query.sql ${dir}/sql/query.sql`),
          ...folders
            .filter(({ place }) => place === 'tenant files')
            .map(
              ({ namespace, dir }) => `${first} /${namespace}/sql/query.sql ${dir}/sql/query.sql`
            )
        ].sort()
        expect(model.files.map((f) => `${f.namespace} ${f.path} ${f.file}`).sort()).toEqual(
          expected
        )
      }),
      { numRuns: runs(60, 20), seed: 20261127 }
    )
  })

  it('adds root files/<namespace>/ to the tenant layout, never taking a tenant folder’s own files/', async () => {
    const tree = createWorkTree({
      'company.team/flows/hello.yml': flow('hello', 'company.team'),
      'company.team/files/run.py': 'print(1)\n',
      'company.team/files/company.team/nested.sql': 'select 1\n',
      'files/company.team/query.sql': 'select 2\n'
    })
    const model = await loadWorkTree(autoSettings(), tree.dir)
    expect(model.layout.layout).toBe('tenant')
    expect(model.files.map((f) => `${f.namespace} ${f.path}`).sort()).toEqual([
      'company.team /company.team/nested.sql',
      'company.team /query.sql',
      'company.team /run.py'
    ])
  })

  it('finds nothing with an explicit layout or in the namespace layout', async () => {
    const files = {
      'flows/hello.yml': flow('hello', 'company.team'),
      'kestra/files/company.team/query.sql': 'select 1\n'
    }
    const tree = createWorkTree(files)
    for (const inputs of [{ layout: 'anywhere' }, { namespace: 'company.team' }] as const) {
      const model = await loadWorkTree(autoSettings(inputs), tree.dir)
      expect(model.layout.fileFolders).toBeUndefined()
      expect(model.files).toEqual([])
    }
  })
})
