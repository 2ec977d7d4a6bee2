/**
 * The shape of commands/ (docs/architecture.md): each of its functions is short enough to read as a sequence
 * of phase calls, and none hands a function to gather/ or apply/ (a callback that would read or write
 * inside another phase, where the import rule cannot see it). Read with the TypeScript compiler API.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import ts from 'typescript'

/** The longest a function of commands/ may be, in lines from its first to its last. */
export const MAX_MODE_LINES = 60

export interface FunctionLength {
  file: string
  name: string
  lines: number
}

/** A function handed to a gather/ or apply/ call: where, to what, and the argument's text. */
export interface Callback {
  file: string
  line: number
  callee: string
  argument: string
}

/** The TypeScript files directly under `folder`. */
function sourcesOf(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name))
}

function programOf(root: string): { program: ts.Program; files: readonly ts.SourceFile[] } {
  const roots = sourcesOf(join(root, 'src', 'commands'))
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    lib: ['lib.es2023.d.ts']
  }
  const host = ts.createCompilerHost(options)
  // Types come from declarations, not doc comments: skipping those halves the time of the unit test.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseNone
  const program = ts.createProgram(roots, options, host)
  program.getTypeChecker() // binds the files: every node knows its parent
  return { program, files: roots.map((file) => program.getSourceFile(file)!) }
}

function nameOf(node: ts.Node, source: ts.SourceFile): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name !== undefined) {
    return node.name.getText(source)
  }
  const parent = node.parent
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) {
    return parent.name.getText(source)
  }
  return '(anonymous)'
}

/** Every named function of commands/ (declarations, methods, functions bound to a name), with its length. */
export function functionLengths(root: string): FunctionLength[] {
  const files = sourcesOf(join(root, 'src', 'commands')).map((file) =>
    ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true)
  )
  const lengths: FunctionLength[] = []
  for (const source of files) {
    const visit = (node: ts.Node) => {
      const named =
        ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) &&
          (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent)))
      if (named) {
        const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line
        lengths.push({
          file: relative(root, source.fileName).split(sep).join('/'),
          name: nameOf(node, source),
          lines: last - first + 1
        })
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return lengths
}

/** Whether a declaration lives in one of the phase folders that must not be handed a function. */
function inPhase(root: string, declaration: ts.Declaration): boolean {
  const path = relative(root, declaration.getSourceFile().fileName).split(sep).join('/')
  return /^src\/engine\/(snapshot|apply)\/|^src\/resources\/[^/]+\/(gather|apply)/.test(path)
}

/**
 * The ports: objects of methods that reach Kestra, GitHub or the report, handed to every phase. They
 * are the adapters, not a phase's callback.
 */
const PORTS = [
  'src/adapters/kestra/api.ts',
  'src/model/github.ts',
  'src/model/drift-port.ts',
  'src/report/reporter.ts',
  'src/report/output-edge.ts'
]

/**
 * Every function that commands/ passes to something declared in gather/ or apply/: an argument that can be
 * called, or a field of an argument that can (looked into two levels deep), unless the field is a port
 * or a type of a library (a `Map`, a YAML document).
 */
export function phaseCallbacks(root: string): Callback[] {
  const { program, files } = programOf(root)
  const checker = program.getTypeChecker()
  const found: Callback[] = []
  const declaredIn = (type: ts.Type): string | undefined => {
    const declaration = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0]
    return declaration && relative(root, declaration.getSourceFile().fileName).split(sep).join('/')
  }
  /** The paths, inside a value of this type, to something that can be called. */
  const callables = (type: ts.Type, depth: number): string[] => {
    const value = type.getNonNullableType()
    if (value.isUnion()) return value.types.flatMap((member) => callables(member, depth))
    if (value.getCallSignatures().length > 0) return ['']
    // A tuple is a list, as an array is (a library's type): its methods are no callback.
    if (checker.isTupleType(value)) return []
    const file = declaredIn(value)
    const library = file !== undefined && !file.startsWith('src/')
    // An instance of a class carries its own behaviour (a phase's object, not a callback of commands/).
    const instance = value.getSymbol()?.flags === ts.SymbolFlags.Class
    const port = PORTS.includes(file ?? '')
    if (depth === 0 || library || port || instance || !(value.flags & ts.TypeFlags.Object)) {
      return []
    }
    return checker.getPropertiesOfType(value).flatMap((property) => {
      const declaration = property.valueDeclaration ?? property.declarations?.[0]
      if (!declaration) return []
      const inner = checker.getTypeOfSymbolAtLocation(property, declaration)
      return callables(inner, depth - 1).map((path) => `.${property.name}${path}`)
    })
  }
  for (const source of files) {
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const declaration = checker.getResolvedSignature(node)?.getDeclaration()
        if (declaration && inPhase(root, declaration)) {
          for (const argument of node.arguments ?? []) {
            for (const path of callables(checker.getTypeAtLocation(argument), 2)) {
              found.push({
                file: relative(root, source.fileName).split(sep).join('/'),
                line: source.getLineAndCharacterOfPosition(argument.getStart(source)).line + 1,
                callee: node.expression.getText(source),
                argument: `${argument.getText(source).split('\n')[0]!}${path ? ` → ${path}` : ''}`
              })
            }
          }
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return found
}
