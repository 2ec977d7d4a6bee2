import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'build/**', 'examples/**'] },
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
    // model/ and decide are pure (docs/architecture.md): what the import rule cannot see, globals and
    // computed imports, is refused here.
    files: ['src/model/**/*.ts', 'src/decide/**/*.ts', 'src/kinds/*/decide*.ts'],
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
