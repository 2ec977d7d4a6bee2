import { cruise } from 'dependency-cruiser'
const r = await cruise(['src'], { tsPreCompilationDeps: true, doNotFollow: { path: 'node_modules' }, exclude: { path: 'node_modules' } }, undefined, { tsConfig: { fileName: 'tsconfig.json' } })
const top = (p) => { const s = p.replace(/^src\//, '').split('/'); return s.length === 1 ? s[0] : s[0] }
const edges = new Map()
for (const m of r.output.modules) {
  if (!m.source.startsWith('src/')) continue
  for (const d of m.dependencies) {
    if (!d.resolved.startsWith('src/')) continue
    const a = top(m.source), b = top(d.resolved)
    if (a === b) continue
    const k = a + ' -> ' + b
    if (!edges.has(k)) edges.set(k, [])
    edges.get(k).push(m.source.replace('src/','') + ' -> ' + d.resolved.replace('src/',''))
  }
}
for (const [k, v] of [...edges].sort()) console.log(k, v.length, process.argv[2] ? '\n   ' + v.join('\n   ') : '')
