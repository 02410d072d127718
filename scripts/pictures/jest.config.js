/* global module -- CommonJS, as jest loads it */
// Renders the README pictures (docs/pictures/*.png): `bash scripts/pictures/run.sh`.
// Not part of `npm run test:unit`: the root config's roots never reach scripts/. Same environment,
// transform and setup as the root config's miniprogram project, so pages load exactly as in their tests.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
module.exports = {
  // Relative to this file: the repository root, so <rootDir> means what it means in the root config.
  rootDir: '../..',
  displayName: 'pictures',
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/scripts/pictures'],
  testMatch: ['**/render.test.ts'],
  transform: { '^.+\\.(ts|js)$': swc },
  transformIgnorePatterns: ['/node_modules/(?!tdesign-miniprogram)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleDirectories: ['node_modules', 'miniprogram_npm'],
  setupFiles: ['<rootDir>/test/miniprogram/support/setup.ts'],
  // Nine pages, two Chromium runs each.
  testTimeout: 120_000,
};
