// Two environments: node for cloud code, the local stack and domain logic; jsdom for components.
// Browser tests (Playwright + Debian Chromium) have their own config: jest.e2e.config.js.
const taroEsmPackages = ['@tarojs', '@stencil', 'swiper', 'ssr-window', 'dom7', 'lodash-es', 'tslib', '\\.pnpm']

/** @type {import('jest').Config} */
const shared = {
  transform: { '^.+\\.m?[jt]sx?$': 'babel-jest' },
  moduleNameMapper: {
    '^@tarojs/taro$': '<rootDir>/test/support/taro.ts',
    '^@/(.*)$': '<rootDir>/src/$1',
    '^@api/(.*)$': '<rootDir>/cloud/src/api/$1',
    '\\.(css|scss|less)$': '<rootDir>/test/support/style.ts',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${taroEsmPackages.join('|')})/)`],
}

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/integration/**/*.test.ts'],
      globals: { API_BASE: '/api', DEV_BACKEND: true },
    },
    {
      ...shared,
      displayName: 'dom',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/test/components/**/*.test.tsx'],
      setupFilesAfterEnv: ['<rootDir>/test/support/frozenDate.ts'],
      moduleNameMapper: {
        ...shared.moduleNameMapper,
        '^@tarojs/components$': '<rootDir>/test/support/components.ts',
      },
      globals: {
        ENABLE_INNER_HTML: true,
        ENABLE_ADJACENT_HTML: true,
        ENABLE_SIZE_APIS: true,
        ENABLE_TEMPLATE_CONTENT: true,
        ENABLE_MUTATION_OBSERVER: true,
        ENABLE_CLONE_NODE: true,
        ENABLE_CONTAINS: true,
        DEPRECATED_ADAPTER_COMPONENT: false,
        __TARO_FRAMEWORK__: 'react',
        API_BASE: '/api',
        DEV_BACKEND: true,
      },
    },
  ],
}
