import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * The settings are built once and never change (docs/architecture.md): a copy of them with a field
 * overridden is refused; a preview or an environment is a Target (src/config/target.ts).
 */
const noSettingsOverride = [
  'ObjectExpression[properties.length>1] > SpreadElement[argument.name=/settings$/i]',
  'ObjectExpression[properties.length>1] > SpreadElement[argument.property.name=/settings$/i]'
].map((selector) => ({
  selector,
  message:
    'The settings never change: derive a Target (src/config/target.ts) instead of overriding a field.'
}))

export default tseslint.config(
  // generated/ is written by `npm run schemas` and `npm run validators` (Ajv's code, esbuild's layout), checked by
  // their `--check`, not by hand-written rules.
  {
    ignores: [
      'dist/**',
      'dist.building/**',
      'node_modules/**',
      'coverage/**',
      'build/**',
      'examples/**',
      'generated/**'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      'no-control-regex': 'off'
    }
  },
  {
    files: ['src/**/*.ts'],
    // Node's timers, named so that no-implied-eval sees a string given to them.
    languageOptions: {
      globals: { setTimeout: 'readonly', setInterval: 'readonly', setImmediate: 'readonly' }
    },
    rules: {
      'no-restricted-syntax': ['error', ...noSettingsOverride],
      // No code in strings: what the action runs is a module the bundle carries (generated/ for the validators).
      'no-new-func': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      // A file a reader can hold: one question per file (docs/architecture.md#what-the-rules-keep).
      'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }]
    }
  },
  {
    // model/ and decide are pure (docs/architecture.md): what the import rule cannot see, globals and
    // computed imports, is refused here.
    files: [
      'src/model/**/*.ts',
      'src/engine/{validate,plan,drift,environments}/**/*.ts',
      'src/engine/*.ts',
      'src/engine/record/{marker,seal}.ts',
      'src/report/render/**/*.ts',
      'src/resources/*/decide*.ts'
    ],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['process', 'fetch', 'require', 'XMLHttpRequest', 'WebSocket', 'EventSource'].map(
          (name) => ({
            name,
            message: 'model/ and decide are pure: reading or writing belongs to gather/ and apply/.'
          })
        )
      ],
      'no-restricted-syntax': [
        'error',
        ...noSettingsOverride,
        {
          selector: 'ImportExpression',
          message:
            'model/ and decide are pure: no dynamic import (the import rule cannot follow it).'
        }
      ]
    }
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' }
    }
  }
)
