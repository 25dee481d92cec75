// ESLint (typescript-eslint, type-aware): the habits a reviewer would otherwise have to remember.
// Every rule switched off below says why on its line.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const product = [
  'engines/**/*.ts',
  'src-main/**/*.ts',
  'src-preload/**/*.ts',
  'src-renderer/**/*.{ts,tsx}',
];
const tests = [
  '**/*.test.ts',
  '**/*.fixture.ts',
  'engines/host/testing.ts',
  'src-renderer/ipc/testing.ts',
  'e2e/**',
  'bench/**',
  'scripts/**',
];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      // Served as-is to the audio thread (an AudioWorklet), outside any TypeScript project.
      'src-renderer/public/**',
      'node_modules/**',
      '.cache/**',
      '*.config.ts',
      'eslint.config.js',
      '.dependency-cruiser.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.web.json', './tsconfig.e2e.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: product,
    ignores: tests,
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],
      // Product functions stay short enough to read at once; factories are small functions over explicit state.
      'max-lines-per-function': [
        'error',
        { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
);
