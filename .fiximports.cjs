const ts = require('typescript'); const fs = require('fs'); const path = require('path')
const cfgPath = process.argv[2] || 'tsconfig.json'
const cfg = ts.getParsedCommandLineOfConfigFile(cfgPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
const versions = new Map(); const contents = new Map()
const host = {
  getScriptFileNames: () => cfg.fileNames, getScriptVersion: (f) => String(versions.get(f) || 0),
  getScriptSnapshot: (f) => { const t = contents.has(f) ? contents.get(f) : (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined); return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t) },
  getCurrentDirectory: () => process.cwd(), getCompilationSettings: () => cfg.options, getDefaultLibFileName: ts.getDefaultLibFilePath,
  fileExists: ts.sys.fileExists, readFile: ts.sys.readFile, readDirectory: ts.sys.readDirectory, directoryExists: ts.sys.directoryExists, getDirectories: ts.sys.getDirectories }
const ls = ts.createLanguageService(host)
const prefs = { importModuleSpecifierEnding: 'js', importModuleSpecifierPreference: 'relative', preferTypeOnlyAutoImports: true }
for (let round = 0; round < 3; round++) {
  let changed = false
  for (const f of cfg.fileNames) {
    const diags = [...ls.getSemanticDiagnostics(f), ...ls.getSuggestionDiagnostics(f)].filter((d) => [2304, 2552, 6133, 6196, 6192, 2305].includes(d.code))
    if (!diags.length) continue
    for (const fixId of ['fixMissingImport', 'unusedIdentifier_delete']) {
      const res = ls.getCombinedCodeFix({ type: 'file', fileName: f }, fixId, {}, prefs)
      for (const ch of res.changes) {
        let t = contents.has(ch.fileName) ? contents.get(ch.fileName) : fs.readFileSync(ch.fileName, 'utf8')
        const edits = [...ch.textChanges].sort((a, b) => b.span.start - a.span.start)
        for (const e of edits) t = t.slice(0, e.span.start) + e.newText + t.slice(e.span.start + e.span.length)
        contents.set(ch.fileName, t); versions.set(ch.fileName, (versions.get(ch.fileName) || 0) + 1); changed = true
      }
    }
  }
  if (!changed) break
}
for (const [f, t] of contents) fs.writeFileSync(f, t)
console.log('fixed', contents.size)
