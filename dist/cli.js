async function runCli(_args) {
    process.stderr.write('kestra-gitops: not built yet\n');
    return 2;
}

process.exitCode = await runCli(process.argv.slice(2));
