// Browser tests: Playwright (playwright-core) driving Debian's Chromium against the built H5 app.
// They need `npm run build:h5` (or build:all) first; the test command runs them after the builds.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'e2e',
  testEnvironment: 'node',
  transform: { '^.+\\.m?[jt]sx?$': 'babel-jest' },
  testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
  testTimeout: 90_000,
  maxWorkers: 1,
}
