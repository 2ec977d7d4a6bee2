/** The fake GitHub REST API's public entry (its areas live in test-support/fake-github/). */
export * from './fake-github/index.js'
