/**
 * The package's version. The bundle (rollup.config.js) writes package.json's version here, so `--version`
 * always says what was built; run from the sources, it says so.
 */
export const CLI_VERSION: string = 'source'
