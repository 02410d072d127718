// One runner, two environments: backend tests in plain Node, Mini Program tests in jsdom under
// miniprogram-simulate. @swc/jest strips types for both (it has no TypeScript peer, so the
// TypeScript pin in package.json does not constrain it); `npm run typecheck` checks the types.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      displayName: 'server',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/server'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': swc },
      moduleFileExtensions: ['ts', 'js', 'json'],
    },
    {
      displayName: 'miniprogram',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/test/miniprogram'],
      testMatch: ['**/*.test.ts'],
      // TDesign's miniprogram_dist is ESM, so .js goes through the same transform as .ts.
      transform: { '^.+\\.(ts|js)$': swc },
      transformIgnorePatterns: ['/node_modules/(?!tdesign-miniprogram)'],
      moduleFileExtensions: ['ts', 'js', 'json'],
      moduleDirectories: ['node_modules', 'miniprogram_npm'],
      setupFiles: ['<rootDir>/test/miniprogram/support/setup.ts'],
    },
  ],
};
