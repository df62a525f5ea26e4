// Mini-program harness suites: the built weapp, Alipay and ByteDance bundles run in a model of each
// host's logic layer (test/mp/harness). They need the builds (`npm run build:all`) first.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'mp',
  testEnvironment: 'node',
  transform: { '^.+\\.m?[jt]sx?$': 'babel-jest' },
  testMatch: ['<rootDir>/test/mp/**/*.mp.test.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
}
