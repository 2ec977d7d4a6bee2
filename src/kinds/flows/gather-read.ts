import { normaliseText } from '../../model/content.js'
import { kindOfText, parseFlowFile } from '../../model/flow-file.js'
import type { FlowFile, ReadProblem } from '../../model/repository.js'
import { isYamlFile } from '../../gather/repo/layout.js'
import type { FlowLocation, ReuseFlow } from '../../gather/repo/load.js'
import type { TreeSource } from '../../gather/repo/tree-source.js'
import { firstInvalidUtf8, lineOfOffset } from '../../gather/repo/utf8.js'

/** Reads a flow file (`path`: the file or a link's target, relative to root) as UTF-8 and parses it; text that is not UTF-8 is a read problem. */
export async function readFlow(
  tree: TreeSource,
  path: string,
  location: FlowLocation,
  reuse?: ReuseFlow
): Promise<FlowFile | ReadProblem | 'not-a-flow'> {
  let bytes: Buffer
  try {
    bytes = await tree.read(path)
  } catch (error) {
    return {
      severity: 'error',
      file: location.file,
      message: `cannot read the flow file: ${(error as Error).message}`
    }
  }
  if (location.ifFlowDocument && kindOfText(normaliseText(bytes.toString('utf8'))) === 'none') {
    return 'not-a-flow'
  }
  const invalidAt = firstInvalidUtf8(bytes)
  if (invalidAt !== -1) {
    return {
      severity: 'error',
      file: location.file,
      line: lineOfOffset(bytes, invalidAt),
      message: 'the flow file is not valid UTF-8 text; save it with UTF-8 encoding'
    }
  }
  const { file, rel, expectedNamespace } = location
  const reused = await reuse?.({ file, rel, expectedNamespace }, bytes)
  if (reused) return reused
  return parseFlowFile({ file, rel, expectedNamespace, raw: bytes.toString('utf8') })
}

/** A YAML file holding a flow document. */
export async function isFlowDocument(tree: TreeSource, rel: string): Promise<boolean> {
  if (!isYamlFile(rel)) return false
  const text = await tree.read(rel).then(String, () => '')
  return kindOfText(normaliseText(text)) === 'flow'
}
