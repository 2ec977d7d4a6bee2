export async function runCli(_args: string[]): Promise<number> {
  process.stderr.write('kestra-gitops: not built yet\n')
  return 2
}
