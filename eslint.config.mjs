// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What the platform-free core (domain, use cases, ports) may not import: SDKs and I/O. */
const PLATFORM_AND_IO = [
  'wx-server-sdk', '@cloudbase/*', 'acme-client', 'better-sqlite3', 'axios', 'nodemailer', 'esbuild',
  ...['fs', 'fs/promises', 'net', 'tls', 'dns', 'dns/promises', 'http', 'https', 'http2', 'dgram',
    'child_process', 'worker_threads', 'cluster', 'os', 'process'].flatMap((m) => [m, `node:${m}`]),
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/', 'miniprogram/miniprogram_npm/', 'cloudfunctions/*/index.js', 'coverage/', '.local/',
      // Plain CommonJS tooling files; nothing to type-check in them.
      'jest.config.js', 'test/support/summary-reporter.js', 'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Unused values are errors; a leading underscore marks one that is unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Numbers in template strings are fine (ports, counts, durations).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `void promise` is how a fire-and-forget call is marked.
      'no-void': ['error', { allowAsStatement: true }],
      // Adapter methods satisfy async ports even when the underlying call is synchronous.
      '@typescript-eslint/require-await': 'off',
      // Style only; `() => void x()` shorthands read fine.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // `@ts-expect-error` needs a reason; ts-ignore comments are never allowed.
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description', 'ts-ignore': true }],
    },
  },
  {
    // The core stays platform-free: only adapters talk to SDKs, the network, the disk or the clock.
    files: ['server/domain/**/*.ts', 'server/usecases/**/*.ts', 'server/ports/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: PLATFORM_AND_IO.filter((name) => !name.includes('*')).map((name) => ({
          name,
          message: 'domain, usecases and ports must stay platform-free: put SDK and I/O calls in server/adapters/ behind a port.',
        })),
        patterns: [
          { group: ['@cloudbase/*'], message: 'CloudBase SDKs belong in server/adapters/.' },
          { group: ['**/adapters/**', '**/local/**', '**/handlers/**'], message: 'The core depends on ports, never on adapters or composition roots.' },
        ],
      }],
    },
  },
  {
    // Domain logic takes time from an injected Clock.
    files: ['server/domain/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Pass a Clock in; the domain never reads the real time.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass a Clock in; the domain never reads the real time.' },
      ],
    },
  },
  {
    // Pages and components reach the backend only through miniprogram/services/.
    files: ['miniprogram/pages/**/*.ts', 'miniprogram/components/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "MemberExpression[object.name='wx'][property.name=/^(cloud|request|uploadFile|downloadFile)$/]", message: 'Call the backend through miniprogram/services/, not wx.cloud / wx.request.' },
        { selector: "CallExpression[callee.name='Page']", message: 'Write every page as Component({...}) so it can be tested.' },
      ],
    },
  },
  {
    // DevTools only ships files under miniprogram/: code shared from typings/ may be imported for types only.
    files: ['miniprogram/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/typings/**'], allowTypeImports: true, message: 'Only `import type` from typings/: it is not shipped with the Mini Program.' }],
      }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip|todo)$/]", message: 'No focused, skipped or todo tests on main.' },
        { selector: "CallExpression[callee.name=/^x(it|test|describe)$/]", message: 'No skipped tests on main.' },
      ],
      // Tests assert on values they know are present.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // jest's asymmetric matchers (expect.any, expect.stringContaining) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
