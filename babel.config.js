// Taro builds use babel-preset-taro. Jest runs outside Taro's pipeline, so tests get a plain
// env + TypeScript + React preset targeting the running Node.
const isJest = Boolean(process.env.JEST_WORKER_ID)

module.exports = isJest
  ? {
      presets: [
        ['@babel/preset-env', { targets: { node: 'current' } }],
        ['@babel/preset-typescript', { isTSX: true, allExtensions: true }],
        ['@babel/preset-react', { runtime: 'automatic' }],
      ],
    }
  : {
      presets: [
        [
          'taro',
          {
            framework: 'react',
            ts: true,
            compiler: 'webpack5',
          },
        ],
      ],
    }
