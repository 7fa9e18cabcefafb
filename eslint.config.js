// ESLint flat config: typescript-eslint's recommended rules with type information.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const WEB_PAGE = 'src/web/public/**/*.js';

const project = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'build/**', 'image-build/.work/**', 'image-build/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js', 'test/run.mjs', 'image-build/boot-test/agent.cjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // Fastify handlers and hooks are async by contract, with or without an await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    files: ['eslint.config.js', 'test/run.mjs', 'image-build/boot-test/agent.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The boot test's agent: CommonJS run by the image's node inside the guest.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain JavaScript run by node directly.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);

export default [
  // The TypeScript project's rules stay off the web page's files.
  ...project.map((c) => (c.ignores !== undefined && c.files === undefined && Object.keys(c).length === 1 ? c : { ...c, ignores: [...(c.ignores ?? []), WEB_PAGE] })),
  // The web page: plain ES modules the browser runs as they are (no build step).
  {
    files: [WEB_PAGE],
    ...js.configs.recommended,
    languageOptions: { sourceType: 'module', globals: { ...globals.browser, ...globals.audioWorklet } },
    rules: { ...js.configs.recommended.rules, 'no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
];
